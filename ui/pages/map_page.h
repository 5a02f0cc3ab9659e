#pragma once
// The Map page: where every test image (and, on request, every training
// image) sits in the network's feature space, by t-SNE or PCA, redrawn as
// t-SNE unfolds. Coloured by true or predicted label or by a score,
// misclassified images ringed in red, the Uncertain page's current ranking
// ringed in black. Hover shows an image, a click opens its details, a
// Shift+drag selects images into a grid with a count per label; the
// selection exports as a CSV of indices and paths.
#include <QWidget>

#include <vector>

#include "worker/run_data.h"

class QComboBox;
class QLabel;
class QProgressBar;
class QPushButton;

namespace alx::ui {

class MapView;

class MapPage : public QWidget {
    Q_OBJECT
public:
    explicit MapPage(QWidget* parent = nullptr);

    void setResults(const RunResultsPtr& results);  // a new run: its map, if any, follows
    void setMap(const MapDataPtr& map);
    void setRanking(const std::vector<int64_t>& shown);
    // Not running any more with an unfinished map: it was stopped, and the
    // last finished map (if any) is shown again.
    void setRunning(bool running);
    MapView* view() const { return view_; }
    MapDataPtr map() const { return map_; }
    void setColouring(int index);  // 0 true label, 1 predicted label, 2.. the six scores
    // PNG and PDF of the picture, and a CSV of the coordinates, beside `base`.
    bool exportTo(const QString& base) const;
    // The last Shift+drag selection as split,index,path (the path empty for
    // an IDX dataset); false when there is none or it cannot be written.
    bool exportSelection(const QString& file) const;

Q_SIGNALS:
    void computeRequested(const QString& method, const QString& split);
    void stopRequested();
    void imageClicked(qint64 testIndex);
    void imagesSelected(const QString& title, const std::vector<int64_t>& testIndices);

private:
    void rebuildScene();
    void showHover(qint64 row, const QPoint& position);
    void selectRows(const std::vector<int64_t>& rows);
    QString labelName(int label) const;
    int labelOf(int64_t row) const;
    int predictionOf(int64_t row) const;  // -1 when unknown (training rows of a cached map)

    RunResultsPtr results_;
    MapDataPtr map_;
    MapDataPtr kept_;  // the last finished map: shown again when a new one is stopped
    std::vector<int64_t> ranking_;
    MapView* view_;
    QComboBox* method_;
    QComboBox* split_;
    QComboBox* colour_;
    QPushButton* compute_;
    QPushButton* stop_;
    QPushButton* export_;
    QPushButton* exportSelection_;
    std::vector<int64_t> selection_;  // map rows of the last Shift+drag
    QProgressBar* progress_;
    QLabel* status_;
    QLabel* legend_;
    QLabel* hover_;
};

}  // namespace alx::ui
