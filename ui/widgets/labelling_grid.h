#pragma once
// Where a person labels a batch of an unlabelled pile: the batch's images
// in a grid, the current one framed. By keyboard: 1-9 and 0 give the first
// ten classes, S skips an image, U marks it not usable, the arrows (and
// Backspace) move, Tab goes to the class field, where a typed name and
// Enter label the current image (a new name adds a class); Enter on the
// grid, once every image is answered, finishes the batch (the Done button
// finishes it at any time, skipping what is left). Each answer is emitted
// the moment it is given: the job writes it to the run folder at once.
// **Map of the pile** opens the whole pile on a map, where a Shift+drag
// selection is labelled in one go (PileMapDialog).
#include <QString>
#include <QStringList>
#include <QWidget>

#include "worker/run_data.h"

class QLabel;
class QLineEdit;
class QPushButton;
class QGridLayout;
class QScrollArea;
class QStringListModel;

namespace alx::ui {

class ImageTile;
class PileMapDialog;

class LabellingGrid : public QWidget {
    Q_OBJECT
public:
    explicit LabellingGrid(QWidget* parent = nullptr);
    void showBatch(const PileBatch& batch);
    void addClass(const QString& name);  // known from now on, with a key if among the first ten

    // For tests and the page.
    int current() const { return current_; }
    int imageCount() const { return int(tiles_.size()); }
    QStringList classNames() const { return classes_; }
    LabelStatus status(int i) const { return answers_[size_t(i)].status; }
    QString className(int i) const { return QString::fromStdString(answers_[size_t(i)].className); }
    QString path(int i) const { return paths_[size_t(i)]; }
    QLineEdit* classField() const { return classField_; }
    QPushButton* doneButton() const { return done_; }
    PileMapDialog* mapDialog() const { return map_; }

Q_SIGNALS:
    void answered(const alx::PileAnswer& answer);

protected:
    void keyPressEvent(QKeyEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;

private:
    void answerCurrent(LabelStatus status, const QString& className);
    void answerAt(int i, LabelStatus status, const QString& className);
    // Images labelled together on the map: those of the batch as if answered here.
    void labelFromMap(const std::vector<int64_t>& images, const QString& className);
    void finish();
    void select(int i);
    void placeTiles();
    int columnsThatFit() const;
    void refreshTile(int i);
    void refreshLegend();
    int firstPending() const;

    QLabel *title_, *legend_;
    QGridLayout* tilesLayout_;
    QScrollArea* scroll_;
    int columns_ = 10;
    QLineEdit* classField_;
    QStringListModel* completions_;
    QPushButton *newClass_, *done_, *showMap_;
    PileMapDialog* map_;
    std::vector<ImageTile*> tiles_;
    std::vector<int64_t> rows_;
    QStringList paths_;
    std::vector<PileLabel> answers_;
    QStringList classes_;
    int current_ = -1;
};

}  // namespace alx::ui
