#pragma once
// One histogram per score, each with its mean marked. Hovering a bar shows
// its range and how many images it holds.
#include <QWidget>

#include <array>

#include "plots/histogram.h"
#include "worker/run_data.h"

class QCustomPlot;
class QCheckBox;

namespace alx::ui {

class ScoreHistograms : public QWidget {
    Q_OBJECT
public:
    explicit ScoreHistograms(QWidget* parent = nullptr);

    void setResults(const RunResultsPtr& results);
    void clear();

    const Histogram& histogram(int kind) const { return histograms_[size_t(kind)]; }
    QCustomPlot* plot(int kind) const { return plots_[size_t(kind)]; }
    // The tooltip text for a position on plot `kind`, empty outside the bars.
    QString describeBinAt(int kind, double x) const;

private:
    void draw(int kind);

    RunResultsPtr results_;
    std::array<QCustomPlot*, kScoreCount> plots_{};
    std::array<Histogram, kScoreCount> histograms_;
    QCheckBox* logScale_;
};

}  // namespace alx::ui
