#pragma once
// Two or more runs side by side: their loss curves overlaid, a table of
// accuracy (overall and per class), calibration error and time, and for
// every pair how many test images they predict differently, McNemar's exact
// test on their errors (is the difference in accuracy more than chance?)
// and the overlap of their most uncertain images by a score; the score's
// histograms overlaid, one colour per run.
#include <QWidget>

#include <array>

#include "worker/run_data.h"

class QCustomPlot;
class QGridLayout;
class QLabel;
class QTableWidget;

namespace alx::ui {

class ComparisonView : public QWidget {
    Q_OBJECT
public:
    explicit ComparisonView(QWidget* parent = nullptr);
    void setComparison(const ComparisonDataPtr& comparison);
    ComparisonDataPtr comparison() const { return comparison_; }
    QTableWidget* runsTable() const { return runs_; }
    QTableWidget* pairsTable() const { return pairs_; }
    QTableWidget* settingsTable() const { return settings_; }
    QCustomPlot* lossPlot() const { return loss_; }
    QCustomPlot* scorePlot(int kind) const { return scorePlots_[size_t(kind)]; }
    QWidget* disagreementGrid() const { return grid_; }

private:
    ComparisonDataPtr comparison_;
    QLabel* summary_;
    QCustomPlot* loss_;
    QCustomPlot* histogram_;
    std::array<QCustomPlot*, kScoreCount> scorePlots_{};
    QTableWidget* runs_;
    QTableWidget* pairs_;
    QTableWidget* settings_;
    QWidget* grid_;
    QGridLayout* gridLayout_;
    QLabel* gridNote_;
    void drawLosses();
    void showRuns();
    void showPairs();
    void showDisagreements();
    void showSettings();
};

}  // namespace alx::ui
