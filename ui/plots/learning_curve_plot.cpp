#include "plots/learning_curve_plot.h"
#include "text.h"

#include <QVBoxLayout>
#include <qcustomplot.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "alx/active_learning/stopping.h"

namespace alx::ui {

namespace {

QColor colourFor(int i) {
    static const QColor palette[] = {{31, 119, 180}, {255, 127, 14}, {44, 160, 44},  {214, 39, 40},  {148, 103, 189},
                                     {140, 86, 75},  {227, 119, 194}, {127, 127, 127}, {188, 189, 34}, {23, 190, 207}};
    return palette[i % 10];
}

// The median of values already sorted (none empty).
double sortedMedian(const std::vector<double>& sorted) {
    const size_t n = sorted.size();
    return n % 2 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
}

}  // namespace

QColor LearningCurvePlot::seriesColour(int index) { return colourFor(index); }

LearningCurvePlot::LearningCurvePlot(QWidget* parent)
    : QWidget(parent), plot_(new QCustomPlot(this)), kappaRect_(new QCPAxisRect(plot_)), stopKappa_(kStopKappa) {
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(plot_);
    plot_->xAxis->setLabel(tr("labelled images"));
    plot_->yAxis->setLabel(tr("test accuracy"));
    plot_->yAxis->setRange(0, 1);
    plot_->legend->setVisible(false);  // shown once there are curves
    plot_->legend->setBrush(QColor(255, 255, 255, 210));  // curves behind it still show
    plot_->axisRect()->insetLayout()->setInsetAlignment(0, Qt::AlignBottom | Qt::AlignRight);
    setMinimumHeight(260);
    // The kappa strip shares the curves' label axis and left margin; it
    // joins the layout (which it is not in when made) only while some round
    // has a kappa.
    auto* margins = new QCPMarginGroup(plot_);
    plot_->axisRect()->setMarginGroup(QCP::msLeft | QCP::msRight, margins);
    kappaRect_->setMarginGroup(QCP::msLeft | QCP::msRight, margins);
    kappaRect_->axis(QCPAxis::atLeft)->setLabel(tr("kappa"));
    kappaRect_->axis(QCPAxis::atLeft)->ticker()->setTickCount(3);  // a short strip: a few labels only

    replotTimer_.setSingleShot(true);
    replotTimer_.setInterval(150);
    connect(&replotTimer_, &QTimer::timeout, this, &LearningCurvePlot::replotNow);
}

void LearningCurvePlot::addPoint(const std::string& strategy, int repeat, int64_t labels, double accuracy,
                                 std::optional<double> kappa) {
    curves_[strategy][repeat][labels] = accuracy;
    if (kappa) kappas_[strategy][repeat][labels] = *kappa;
    scheduleReplot();
}

void LearningCurvePlot::setStopKappa(double kappa) {
    stopKappa_ = kappa;
    scheduleReplot();
}

void LearningCurvePlot::clear() {
    curves_.clear();
    kappas_.clear();
    replotTimer_.stop();
    replotNow();
}

void LearningCurvePlot::setCurves(Curves curves) {
    curves_ = std::move(curves);
    scheduleReplot();
}

void LearningCurvePlot::setMedianLine(bool median) {
    median_ = median;
    scheduleReplot();
}

void LearningCurvePlot::setSeriesOrder(std::vector<std::string> names) {
    order_ = std::move(names);
    scheduleReplot();
}

void LearningCurvePlot::setTargets(const std::vector<double>& accuracies) {
    for (double target : accuracies) {
        auto* line = new QCPItemStraightLine(plot_);
        line->point1->setCoords(0, target);
        line->point2->setCoords(1, target);
        line->setPen(QPen(QColor(120, 120, 120), 1, Qt::DashLine));
        auto* label = new QCPItemText(plot_);
        label->position->setTypeX(QCPItemPosition::ptAxisRectRatio);
        label->position->setCoords(0.005, target);
        label->setPositionAlignment(Qt::AlignLeft | Qt::AlignBottom);
        label->setText(significantDigits(100 * target, 3) + " %");
        label->setColor(QColor(100, 100, 100));
    }
    scheduleReplot();
}

void LearningCurvePlot::setFitToData(bool fit) {
    fitToData_ = fit;
    scheduleReplot();
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
    double maxLabels = 1, minLabels = 1e300, lowest = 1;
    // Listed names first, in their order and with their own colour index.
    std::vector<std::pair<int, const std::string*>> series;
    for (size_t i = 0; i < order_.size(); ++i) {
        if (curves_.count(order_[i])) series.push_back({int(i), &curves_.find(order_[i])->first});
    }
    int unlisted = int(order_.size());
    for (const auto& entry : curves_) {
        if (std::find(order_.begin(), order_.end(), entry.first) == order_.end()) series.push_back({unlisted++, &entry.first});
    }
    for (const auto& [colourIndex, name] : series) {
        const std::string& strategy = *name;
        const auto& repeats = curves_.at(strategy);
        // Mean (or median) over the repeats that reached each label count, with the min-max band.
        std::map<int64_t, std::vector<double>> byLabels;
        for (const auto& [repeat, curve] : repeats) {
            for (const auto& [labels, accuracy] : curve) byLabels[labels].push_back(accuracy);
        }
        QVector<double> x, mean, low, high;
        for (const auto& [labels, values] : byLabels) {
            x << double(labels);
            std::vector<double> sorted = values;
            std::sort(sorted.begin(), sorted.end());
            const size_t n = sorted.size();
            double sum = 0;
            for (double v : sorted) sum += v;
            mean << (median_ ? sortedMedian(sorted) : sum / double(n));
            low << sorted.front();
            lowest = std::min(lowest, sorted.front());
            high << sorted.back();
            maxLabels = std::max(maxLabels, double(labels));
            minLabels = std::min(minLabels, double(labels));
        }
        const QColor colour = colourFor(colourIndex);
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
    // Fitted: labels from the first round's, accuracy from the 5 % step below
    // the lowest point, so that the curves' differences near the top show.
    const bool fit = fitToData_ && minLabels <= maxLabels;
    const double pad = fit ? std::max(1.0, 0.02 * (maxLabels - minLabels)) : 0.02 * maxLabels;
    plot_->xAxis->setRange(fit ? minLabels - pad : 0, maxLabels + pad);
    plot_->yAxis->setRange(fit ? std::max(0.0, std::floor(lowest * 20 - 0.2) / 20) : 0.0, 1.0);
    drawKappas(series);
    plot_->replot(QCustomPlot::rpQueuedReplot);
    ++replots_;
    Q_EMIT redrawn();
}

std::optional<double> LearningCurvePlot::stopLabels(const std::string& strategy) const {
    const auto it = kappas_.find(strategy);
    const auto curve = curves_.find(strategy);
    if (it == kappas_.end() || curve == curves_.end()) return std::nullopt;
    // Each repeat's rounds in order: the first has no kappa.
    std::vector<double> stops;
    for (const auto& [repeat, points] : curve->second) {
        const auto own = it->second.find(repeat);
        std::vector<std::optional<double>> kappas;
        std::vector<int64_t> labels;
        for (const auto& [n, accuracy] : points) {
            labels.push_back(n);
            if (own == it->second.end() || !own->second.count(n)) {
                kappas.push_back(std::nullopt);
            } else {
                kappas.push_back(own->second.at(n));
            }
        }
        const auto at = stopPosition(kappas, stopKappa_);
        stops.push_back(at ? double(labels[*at]) : INFINITY);
    }
    std::sort(stops.begin(), stops.end());
    const double median = sortedMedian(stops);
    return std::isfinite(median) ? std::optional<double>(median) : std::nullopt;
}

bool LearningCurvePlot::kappaStripShown() const { return kappaRect_->layout() != nullptr; }

void LearningCurvePlot::drawKappas(const std::vector<std::pair<int, const std::string*>>& series) {
    for (QCPAbstractItem* item : stopItems_) plot_->removeItem(item);
    stopItems_.clear();
    const bool any = !kappas_.empty();
    if (any != kappaStripShown()) {
        if (any) {
            plot_->plotLayout()->addElement(1, 0, kappaRect_);
            plot_->plotLayout()->setRowStretchFactors({3, 1});
        } else {
            plot_->plotLayout()->take(kappaRect_);
            plot_->plotLayout()->simplify();
        }
    }
    if (!any) return;
    QCPAxis* x = kappaRect_->axis(QCPAxis::atBottom);
    QCPAxis* y = kappaRect_->axis(QCPAxis::atLeft);
    x->setRange(plot_->xAxis->range());
    double lowest = stopKappa_;
    for (const auto& [colourIndex, name] : series) {
        const auto it = kappas_.find(*name);
        if (it == kappas_.end()) continue;
        // The median over the repeats at each label count: kappa's line.
        std::map<int64_t, std::vector<double>> byLabels;
        for (const auto& [repeat, points] : it->second) {
            for (const auto& [labels, kappa] : points) byLabels[labels].push_back(kappa);
        }
        QVector<double> xs, ys;
        for (auto& [labels, values] : byLabels) {
            std::sort(values.begin(), values.end());
            xs << double(labels);
            ys << sortedMedian(values);
            lowest = std::min(lowest, ys.back());
        }
        QCPGraph* graph = plot_->addGraph(x, y);
        graph->setData(xs, ys, true);
        graph->setPen(QPen(colourFor(colourIndex), 1.5));
        graph->removeFromLegend();
        if (const auto stop = stopLabels(*name)) {
            auto* mark = new QCPItemStraightLine(plot_);
            mark->point1->setCoords(*stop, 0);
            mark->point2->setCoords(*stop, 1);
            mark->setPen(QPen(colourFor(colourIndex), 1.5, Qt::DashDotLine));
            stopItems_.push_back(mark);
            auto* text = new QCPItemText(plot_);
            text->position->setTypeY(QCPItemPosition::ptAxisRectRatio);
            // At the foot of the plot, where a curve that has settled is not;
            // on the mark's inner side, so that a late stop's name still shows.
            const bool late = *stop > plot_->xAxis->range().center();
            text->position->setCoords(*stop, 0.97);
            text->setPositionAlignment((late ? Qt::AlignRight : Qt::AlignLeft) | Qt::AlignBottom);
            text->setText(tr(" %1: stop ").arg(QString::fromStdString(*name)));
            text->setColor(colourFor(colourIndex));
            stopItems_.push_back(text);
        }
    }
    auto* threshold = new QCPItemStraightLine(plot_);
    threshold->setClipAxisRect(kappaRect_);
    threshold->point1->setAxes(x, y);
    threshold->point2->setAxes(x, y);
    threshold->point1->setCoords(0, stopKappa_);
    threshold->point2->setCoords(1, stopKappa_);
    threshold->setPen(QPen(QColor(120, 120, 120), 1, Qt::DashLine));
    stopItems_.push_back(threshold);
    y->setRange(std::max(-1.0, std::floor(lowest * 10) / 10), 1.02);
}

void LearningCurvePlot::setCrossValidated(bool crossValidated) {
    const QString label = crossValidated ? tr("accuracy, 5-fold cross-validated on the labels (no test images)")
                                         : tr("test accuracy");
    if (plot_->yAxis->label() == label) return;
    plot_->yAxis->setLabel(label);
    plot_->replot(QCustomPlot::rpQueuedReplot);
}

}  // namespace alx::ui
