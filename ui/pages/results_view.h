#pragma once
// The Results tab: the test accuracy and the confusion matrix; a cell opens
// a window of its images, and an image its probabilities and neighbours
// (also for the Uncertain images grid, through showDetail()).
#include <QWidget>

#include "worker/run_data.h"

class QLabel;

namespace alx::ui {

class ConfusionView;
class ReliabilityPlot;

class ResultsView : public QWidget {
    Q_OBJECT
public:
    explicit ResultsView(QWidget* parent = nullptr);

    ConfusionView* confusionView() const { return confusion_; }
    ReliabilityPlot* reliabilityPlot() const { return reliability_; }

    void setResults(const RunResultsPtr& results);
    void clear(const QString& text);

public Q_SLOTS:
    void showImages(const QString& title, const std::vector<int64_t>& indices);
    void showDetail(qint64 index);

private:
    RunResultsPtr results_;
    QLabel* accuracy_;
    ConfusionView* confusion_;
    ReliabilityPlot* reliability_;
};

}  // namespace alx::ui
