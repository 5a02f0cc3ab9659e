#pragma once
// Learning curves, test accuracy against labelled images: per strategy the
// mean over its repeats as a line, inside the band from the lowest to the
// highest repeat. Rounds arrive one by one; the plot redraws at most every
// 150 ms (a redraw costs milliseconds, and a sweep reports many rounds).
#include <QTimer>
#include <QWidget>

#include <cstdint>
#include <map>
#include <string>

class QCustomPlot;

namespace alx::ui {

class LearningCurvePlot : public QWidget {
    Q_OBJECT
public:
    // strategy -> repeat -> labels -> accuracy
    using Curves = std::map<std::string, std::map<int, std::map<int64_t, double>>>;

    explicit LearningCurvePlot(QWidget* parent = nullptr);

    // One round's point. A point already there (same strategy, repeat and
    // labels) is replaced: a resumed run reports its earlier rounds again.
    void addPoint(const std::string& strategy, int repeat, int64_t labels, double accuracy);
    void clear();

    const Curves& curves() const { return curves_; }
    int pointCount(const std::string& strategy) const;
    int replotCount() const { return replots_; }
    QCustomPlot* plot() const { return plot_; }

Q_SIGNALS:
    // After each coalesced redraw, for views that summarise the curves.
    void redrawn();

private:
    void scheduleReplot();
    void replotNow();

    QCustomPlot* plot_;
    QTimer replotTimer_;
    Curves curves_;
    int replots_ = 0;
};

}  // namespace alx::ui
