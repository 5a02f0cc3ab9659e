#pragma once
// The live training curve: a light per-batch trace, the mean loss of each
// epoch as a point, and the validation accuracy on a second axis. Points
// arrive many times a second; the plot redraws at most every 100 ms.
#include <QTimer>
#include <QWidget>

class QCustomPlot;
class QCPGraph;

namespace alx {
struct EpochReport;
}

namespace alx::ui {

struct BatchPoint;

class LossPlot : public QWidget {
    Q_OBJECT
public:
    explicit LossPlot(QWidget* parent = nullptr);

    void clear();
    void addBatch(const BatchPoint& point);
    void addEpoch(const alx::EpochReport& epoch);

    int epochPointCount() const;
    int batchPointCount() const;
    int replotCount() const { return replots_; }
    QCustomPlot* plot() const { return plot_; }

private:
    void scheduleReplot();
    void replotNow();

    QCustomPlot* plot_;
    QCPGraph* batches_;
    QCPGraph* epochs_;
    QCPGraph* validation_;
    QTimer replotTimer_;
    bool dirty_ = false;
    int plannedEpochs_ = 1;
    int replots_ = 0;
};

}  // namespace alx::ui
