#pragma once
// The Model box of the Train panel and the Active learning page: ALX's own
// models, the TorchScript files chosen so far, and "TorchScript file…",
// which asks for one (docs/torchscript.md). Each item's data is the name
// the engine takes: a catalogue name or the file's path.
#include <QComboBox>

class ModelCombo : public QComboBox {
    Q_OBJECT

public:
    explicit ModelCombo(QWidget* parent = nullptr);
    QString model() const { return currentData().toString(); }
    // Selects `name`, adding it first when it is a TorchScript file not listed yet.
    void selectModel(const QString& name);
    // Where the file dialog starts (the tests set it; empty: the home folder).
    void setStartFolder(const QString& folder) { startFolder_ = folder; }

private:
    void chooseFile();
    int previous_ = 0;
    QString startFolder_;
};
