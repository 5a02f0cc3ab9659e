#pragma once
// The reliability diagram of a run's test probabilities: per confidence bin
// (15, equal width) the accuracy against the mean confidence, the diagonal
// of perfect calibration, and after temperature scaling when the run fitted
// a temperature on its validation split; with ECE, MCE, NLL and Brier score
// above it. The measures are core's (alx/audit/calibration.h).
#include <QWidget>

#include "alx/audit/calibration.h"
#include "worker/run_data.h"

class QCustomPlot;
class QLabel;

namespace alx::ui {

class ReliabilityPlot : public QWidget {
    Q_OBJECT
public:
    explicit ReliabilityPlot(QWidget* parent = nullptr);
    void setResults(const RunResultsPtr& results);
    void clear();

    const CalibrationMeasures& measures() const { return before_; }
    QCustomPlot* plot() const { return plot_; }
    QString describeBinAt(double confidence) const;

private:
    CalibrationMeasures before_, after_;
    bool scaled_ = false;
    QLabel* figures_;
    QCustomPlot* plot_;
};

}  // namespace alx::ui
