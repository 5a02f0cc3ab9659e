#pragma once
// The test images a chosen score ranks most uncertain, each beside its
// nearest neighbours in feature space (the ones core computed), with
// labels, predictions, scores and distances.
#include <QWidget>

#include "worker/run_data.h"

class QComboBox;
class QCheckBox;
class QSpinBox;
class QGridLayout;
class QLabel;

namespace alx::ui {

class UncertainGrid : public QWidget {
    Q_OBJECT
public:
    explicit UncertainGrid(QWidget* parent = nullptr);

    void setResults(const RunResultsPtr& results);
    void clear();

    // The shown images in rank order, and how many tiles each row holds.
    std::vector<int64_t> shownIndices() const { return shown_; }
    int tilesPerRow() const;
    void setTopN(int n);
    void setScore(int kind);
    // Beside each image, its nearest test images or (when the run has them) training images.
    void setNeighboursFromTraining(bool training);
    bool neighboursFromTraining() const;

Q_SIGNALS:
    void imageClicked(qint64 index);
    // The ranking shown changed (another score, direction or count): its indices, in rank order.
    void rankingChanged(const std::vector<int64_t>& shown);

private:
    void rebuild();

    RunResultsPtr results_;
    QComboBox* score_;
    QCheckBox* highIsUncertain_;
    QSpinBox* topN_;
    QComboBox* neighbourSource_;
    QLabel* summary_;
    QWidget* tiles_;
    QGridLayout* tileLayout_;
    std::vector<int64_t> shown_;
};

}  // namespace alx::ui
