#include "widgets/model_combo.h"

#include <QDir>
#include <QFileDialog>
#include <QFileInfo>

#include "alx/vocabulary.h"

namespace {
constexpr const char* kChooseFile = "file…";  // the data of the item that asks for a file
}

ModelCombo::ModelCombo(QWidget* parent) : QComboBox(parent) {
    for (const alx::ModelInfo& m : alx::modelCatalogue()) {
        addItem(QString::fromStdString(m.displayName), QString::fromStdString(m.name));
    }
    addItem(tr("TorchScript file…"), kChooseFile);
    setItemData(count() - 1, tr("Your own PyTorch model, saved with torch.jit.save (pixels in [0, 1] in; logits out)"),
                Qt::ToolTipRole);
    connect(this, &QComboBox::activated, this, [this](int index) {
        if (itemData(index).toString() == kChooseFile) chooseFile();
        previous_ = currentIndex();
    });
    connect(this, &QComboBox::currentIndexChanged, this, [this](int index) {
        if (itemData(index).toString() != kChooseFile) previous_ = index;
    });
}

void ModelCombo::selectModel(const QString& name) {
    int index = findData(name);
    if (index < 0 && alx::isModelFile(name.toStdString())) {
        insertItem(count() - 1, tr("TorchScript: %1").arg(QFileInfo(name).fileName()), name);
        setItemData(count() - 2, name, Qt::ToolTipRole);
        index = count() - 2;
    }
    setCurrentIndex(std::max(0, index));
}

void ModelCombo::chooseFile() {
    const QString file = QFileDialog::getOpenFileName(this, tr("TorchScript model"),
                                                      startFolder_.isEmpty() ? QDir::homePath() : startFolder_,
                                                      tr("TorchScript (*.pt *.pth *.ptl *.torchscript);;All files (*)"));
    if (file.isEmpty()) {
        setCurrentIndex(previous_);
        return;
    }
    // A file the engine would not take as a model name (no extension of its own) is named by its absolute path.
    selectModel(QFileInfo(file).absoluteFilePath());
}
