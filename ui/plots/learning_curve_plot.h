#pragma once
// Learning curves, test accuracy against labelled images: per strategy the
// mean (or median) over its repeats as a line, inside the band from the lowest to the
// highest repeat. Below it, once rounds carry one, a strip of each round's
// kappa (agreement with the round before on the stop set) with the stopping
// rule's threshold, and on the curves a mark where the rule stops each
// strategy (the median over its repeats). Rounds arrive one by one; the plot
// redraws at most every 150 ms (a redraw costs milliseconds, and a sweep
// reports many rounds).
#include <QColor>
#include <QTimer>
#include <QWidget>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

class QCustomPlot;
class QCPAxisRect;
class QCPAbstractItem;

namespace alx::ui {

class LearningCurvePlot : public QWidget {
    Q_OBJECT
public:
    // strategy -> repeat -> labels -> accuracy
    using Curves = std::map<std::string, std::map<int, std::map<int64_t, double>>>;

    explicit LearningCurvePlot(QWidget* parent = nullptr);
    // The colour of the curve in place `index` of the series order.
    static QColor seriesColour(int index);

    // One round's point. A point already there (same strategy, repeat and
    // labels) is replaced: a resumed run reports its earlier rounds again.
    void addPoint(const std::string& strategy, int repeat, int64_t labels, double accuracy,
                  std::optional<double> kappa = std::nullopt);
    void clear();
    // The y axis says what the accuracy is of: the test images (the default),
    // or the labels themselves by k-fold cross-validation (a pile without test images).
    void setCrossValidated(bool crossValidated);
    // Every curve at once (a sweep's merge, re-read as its tasks run).
    void setCurves(Curves curves);
    // The line through the median of the repeats rather than their mean:
    // a sweep's table reports medians, and its line should agree with it.
    void setMedianLine(bool median);
    // Names given here keep their colour and legend place whether or not
    // they have points yet, so that a curve appearing mid-sweep does not
    // recolour the others; names not listed follow, by name.
    void setSeriesOrder(std::vector<std::string> names);
    // Dashed lines at these accuracies (the targets a table beside reports),
    // and both axes fitted to the points rather than starting at 0.
    void setTargets(const std::vector<double>& accuracies);
    void setFitToData(bool fit);

    // The threshold of the stopping rule (stopping.h): 0.99 unless the run
    // stops at another.
    void setStopKappa(double kappa);
    // Where the rule stops `strategy`: the median over its repeats of the
    // labels at the stop (empty when half of them have not stopped).
    std::optional<double> stopLabels(const std::string& strategy) const;

    const Curves& curves() const { return curves_; }
    const Curves& kappas() const { return kappas_; }
    bool kappaStripShown() const;
    int pointCount(const std::string& strategy) const;
    int replotCount() const { return replots_; }
    QCustomPlot* plot() const { return plot_; }

Q_SIGNALS:
    // After each coalesced redraw, for views that summarise the curves.
    void redrawn();

private:
    void scheduleReplot();
    void replotNow();
    // The kappa strip and the stop marks, after the curves are drawn.
    void drawKappas(const std::vector<std::pair<int, const std::string*>>& series);

    QCustomPlot* plot_;
    QTimer replotTimer_;
    Curves curves_, kappas_;
    QCPAxisRect* kappaRect_;
    std::vector<QCPAbstractItem*> stopItems_;
    double stopKappa_;
    std::vector<std::string> order_;
    bool median_ = false, fitToData_ = false;
    int replots_ = 0;
};

}  // namespace alx::ui
