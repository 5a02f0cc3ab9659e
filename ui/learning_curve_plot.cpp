#include "learning_curve_plot.h"

#include <QVBoxLayout>
#include <qcustomplot.h>

#include <algorithm>
#include <vector>

namespace alx::ui {

namespace {

QColor colourFor(int i) {
    static const QColor palette[] = {{31, 119, 180}, {255, 127, 14}, {44, 160, 44},  {214, 39, 40},  {148, 103, 189},
                                     {140, 86, 75},  {227, 119, 194}, {127, 127, 127}, {188, 189, 34}, {23, 190, 207}};
    return palette[i % 10];
}

}  // namespace

LearningCurvePlot::LearningCurvePlot(QWidget* parent) : QWidget(parent), plot_(new QCustomPlot(this)) {
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(plot_);
    plot_->xAxis->setLabel(tr("labelled images"));
    plot_->yAxis->setLabel(tr("test accuracy"));
    plot_->yAxis->setRange(0, 1);
    plot_->legend->setVisible(false);  // shown once there are curves
    plot_->axisRect()->insetLayout()->setInsetAlignment(0, Qt::AlignBottom | Qt::AlignRight);
    setMinimumHeight(260);

    replotTimer_.setSingleShot(true);
    replotTimer_.setInterval(150);
    connect(&replotTimer_, &QTimer::timeout, this, &LearningCurvePlot::replotNow);
}

void LearningCurvePlot::addPoint(const std::string& strategy, int repeat, int64_t labels, double accuracy) {
    curves_[strategy][repeat][labels] = accuracy;
    scheduleReplot();
}

void LearningCurvePlot::clear() {
    curves_.clear();
    replotTimer_.stop();
    replotNow();
}

int LearningCurvePlot::pointCount(const std::string& strategy) const {
    const auto it = curves_.find(strategy);
    if (it == curves_.end()) return 0;
    int n = 0;
    for (const auto& [repeat, curve] : it->second) n += int(curve.size());
    return n;
}

void LearningCurvePlot::scheduleReplot() {
    // Started only when idle, so a steady stream of rounds still redraws
    // every interval rather than postponing it for ever.
    if (!replotTimer_.isActive()) replotTimer_.start();
}

void LearningCurvePlot::replotNow() {
    plot_->clearGraphs();
    int index = 0;
    double maxLabels = 1;
    for (const auto& [strategy, repeats] : curves_) {
        // Mean over the repeats that reached each label count, with the min-max band.
        std::map<int64_t, std::vector<double>> byLabels;
        for (const auto& [repeat, curve] : repeats) {
            for (const auto& [labels, accuracy] : curve) byLabels[labels].push_back(accuracy);
        }
        QVector<double> x, mean, low, high;
        for (const auto& [labels, values] : byLabels) {
            x << double(labels);
            double sum = 0;
            for (double v : values) sum += v;
            mean << sum / double(values.size());
            low << *std::min_element(values.begin(), values.end());
            high << *std::max_element(values.begin(), values.end());
            maxLabels = std::max(maxLabels, double(labels));
        }
        const QColor colour = colourFor(index++);
        QCPGraph* lower = plot_->addGraph();
        lower->setData(x, low, true);
        lower->setPen(Qt::NoPen);
        lower->removeFromLegend();
        QCPGraph* upper = plot_->addGraph();
        upper->setData(x, high, true);
        upper->setPen(Qt::NoPen);
        QColor band = colour;
        band.setAlpha(50);
        upper->setBrush(band);
        upper->setChannelFillGraph(lower);
        upper->removeFromLegend();
        QCPGraph* line = plot_->addGraph();
        line->setData(x, mean, true);
        line->setPen(QPen(colour, 2));
        line->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, 4));
        line->setName(QString::fromStdString(strategy));
    }
    plot_->legend->setVisible(!curves_.empty());
    plot_->xAxis->setRange(0, maxLabels * 1.02);
    plot_->yAxis->setRange(0, 1);
    plot_->replot(QCustomPlot::rpQueuedReplot);
    ++replots_;
    Q_EMIT redrawn();
}

}  // namespace alx::ui
