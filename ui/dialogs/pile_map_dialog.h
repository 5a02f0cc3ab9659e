#pragma once
// The pile on a map, to label a tight cluster in one go: every image of the
// pile where its pixels put it (t-SNE, the same map all run long), coloured
// by its answer: grey never shown, a colour per class, white and ringed
// waiting in this batch, black skipped or not usable. Shift+drag selects; the
// selection shows below as ticked tiles, and the ticked ones take one class
// together. Any selection can be exported as a CSV of indices and paths.
#include <QDialog>
#include <QStringList>

#include <map>
#include <memory>
#include <set>
#include <vector>

#include "worker/run_data.h"

class QCheckBox;
class QGridLayout;
class QLabel;
class QLineEdit;
class QPushButton;

namespace alx::ui {

class MapView;

class PileMapDialog : public QDialog {
    Q_OBJECT
public:
    explicit PileMapDialog(QWidget* parent = nullptr);
    // The latest batch: the map of its round, the pile and every answer so far.
    void setBatch(const PileBatch& batch);
    // Whether answers are taken now: only while a batch waits for them, so
    // that none is given while the model trains and lost to a Stop then.
    void setAnswering(bool answering);
    // An answer given since (in the grid or here): its point is recoloured.
    void noteAnswer(int64_t image, LabelStatus status, const QString& className);

    // Shows these images of the pile as the selection (what Shift+drag does).
    void select(const std::vector<int64_t>& images);
    // index,path of the selection into `file`; false (and a message) when it cannot be written.
    bool exportSelection(const QString& file);
    MapView* view() const { return view_; }
    QString path(int64_t image) const;  // in the dataset's folder
    QLineEdit* classField() const { return classField_; }
    QPushButton* labelButton() const { return label_; }
    std::vector<QCheckBox*> ticks() const { return ticks_; }

Q_SIGNALS:
    // The ticked images of the selection, to be labelled `className`.
    void labelImages(const std::vector<int64_t>& images, const QString& className);

private:
    void rebuildScene();
    void labelTicked();

    MapView* view_;
    QLabel *legend_, *selectionTitle_;
    QGridLayout* tilesLayout_;
    QLineEdit* classField_;
    QPushButton *label_, *export_;
    std::vector<QCheckBox*> ticks_;
    std::vector<int64_t> selection_;
    std::shared_ptr<const ImageStack> images_;
    std::shared_ptr<const std::vector<std::string>> paths_;
    std::shared_ptr<const std::vector<float>> map_;
    std::map<int64_t, PileLabel> answers_;  // by image
    std::set<int64_t> batch_;               // the images of the batch being labelled
    QStringList classes_;
    bool answering_ = false;
};

}  // namespace alx::ui
