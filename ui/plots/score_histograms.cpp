#include "plots/score_histograms.h"
#include "text.h"

#include <QCheckBox>
#include <QGridLayout>
#include <QToolTip>
#include <QVBoxLayout>
#include <qcustomplot.h>

#include <algorithm>
#include <numeric>

namespace alx::ui {

ScoreHistograms::ScoreHistograms(QWidget* parent) : QWidget(parent) {
    auto* layout = new QVBoxLayout(this);
    logScale_ = new QCheckBox(tr("Logarithmic counts"), this);
    logScale_->setToolTip(tr("Most images score near one end; a log scale shows the tail"));
    logScale_->setChecked(true);
    layout->addWidget(logScale_);
    auto* grid = new QGridLayout;
    layout->addLayout(grid, 1);
    for (int kind = 0; kind < kScoreCount; ++kind) {
        auto* plot = new QCustomPlot(this);
        plot->setMinimumSize(240, 180);
        plot->plotLayout()->insertRow(0);
        plot->plotLayout()->addElement(0, 0, new QCPTextElement(plot, QString::fromStdString(scoreName(scoreAt(kind))), QFont(font().family(), 10, QFont::Bold)));
        plot->xAxis->setLabel(highIsUncertain(scoreAt(kind)) ? tr("%1 (high = uncertain)").arg(QString::fromStdString(scoreName(scoreAt(kind))))
                                                        : tr("%1 (low = uncertain)").arg(QString::fromStdString(scoreName(scoreAt(kind)))));
        plot->yAxis->setLabel(tr("images"));
        plot->setMouseTracking(true);
        connect(plot, &QCustomPlot::mouseMove, this, [this, kind, plot](QMouseEvent* event) {
            const QString text = describeBinAt(kind, plot->xAxis->pixelToCoord(event->pos().x()));
            if (text.isEmpty()) {
                QToolTip::hideText();
            } else {
                QToolTip::showText(event->globalPosition().toPoint(), text, plot);
            }
        });
        grid->addWidget(plot, kind / 3, kind % 3);
        plots_[size_t(kind)] = plot;
    }
    connect(logScale_, &QCheckBox::toggled, this, [this] {
        for (int kind = 0; kind < kScoreCount; ++kind) draw(kind);
    });
}

void ScoreHistograms::clear() {
    results_.reset();
    for (int kind = 0; kind < kScoreCount; ++kind) {
        histograms_[size_t(kind)] = {};
        plots_[size_t(kind)]->clearPlottables();
        plots_[size_t(kind)]->clearItems();
        plots_[size_t(kind)]->replot();
    }
}

void ScoreHistograms::setResults(const RunResultsPtr& results) {
    results_ = results;
    for (int kind = 0; kind < kScoreCount; ++kind) {
        histograms_[size_t(kind)] = makeHistogram(results->scores[size_t(kind)]);
        draw(kind);
    }
}

QString ScoreHistograms::describeBinAt(int kind, double x) const {
    const Histogram& h = histograms_[size_t(kind)];
    const int bin = h.binOf(x);
    if (bin < 0 || !results_) return {};
    const int total = std::accumulate(h.counts.begin(), h.counts.end(), 0);
    // Which classes fill the bin, by name, most first, and how many are misclassified.
    std::vector<int> perLabel(size_t(results_->classes), 0);
    int wrong = 0;
    const auto& values = results_->scores[size_t(kind)];
    for (size_t i = 0; i < values.size(); ++i) {
        if (h.binOf(values[i]) != bin) continue;
        const int label = results_->labels[i];
        if (label >= 0 && label < results_->classes) ++perLabel[size_t(label)];
        wrong += label != results_->predicted[i];
    }
    std::vector<int> classes(perLabel.size());
    std::iota(classes.begin(), classes.end(), 0);
    std::stable_sort(classes.begin(), classes.end(), [&](int a, int b) { return perLabel[size_t(a)] > perLabel[size_t(b)]; });
    QStringList top;
    for (size_t k = 0; k < classes.size() && k < 4 && perLabel[size_t(classes[k])] > 0; ++k) {
        top << tr("%1: %2").arg(QString::fromStdString(results_->className(classes[k]))).arg(perLabel[size_t(classes[k])]);
    }
    return tr("%1 in [%2, %3): %4 images (%5 %), %6 misclassified\nlabels: %7")
        .arg(QString::fromStdString(scoreName(scoreAt(kind))))
        .arg(significantDigits(h.binStart(bin), 4))
        .arg(significantDigits(h.binStart(bin + 1), 4))
        .arg(h.counts[size_t(bin)])
        .arg(decimal(100.0 * h.counts[size_t(bin)] / std::max(1, total), 1))
        .arg(wrong)
        .arg(top.join(", "));
}

void ScoreHistograms::draw(int kind) {
    QCustomPlot* plot = plots_[size_t(kind)];
    plot->clearPlottables();
    plot->clearItems();
    const Histogram& h = histograms_[size_t(kind)];
    if (!results_ || h.counts.empty()) {
        plot->replot();
        return;
    }
    auto* bars = new QCPBars(plot->xAxis, plot->yAxis);
    bars->setWidthType(QCPBars::wtPlotCoords);
    bars->setWidth(h.width);
    bars->setPen(QPen(QColor(31, 119, 180).darker(130)));
    bars->setBrush(QColor(31, 119, 180, 170));
    QVector<double> keys, values;
    int peak = 1;
    for (size_t b = 0; b < h.counts.size(); ++b) {
        keys << h.binStart(int(b)) + h.width / 2;
        values << h.counts[b];
        peak = std::max(peak, h.counts[b]);
    }
    bars->setData(keys, values, true);

    const bool log = logScale_->isChecked();
    plot->yAxis->setScaleType(log ? QCPAxis::stLogarithmic : QCPAxis::stLinear);
    if (log) {
        plot->yAxis->setTicker(QSharedPointer<QCPAxisTickerLog>::create());
        bars->setBaseValue(0.8);
        plot->yAxis->setRange(0.8, peak * 2.0);
    } else {
        plot->yAxis->setTicker(QSharedPointer<QCPAxisTicker>::create());
        bars->setBaseValue(0);
        plot->yAxis->setRange(0, peak * 1.1);
    }
    plot->xAxis->setRange(h.low - h.width, h.high + h.width);

    // The mean, as a dashed vertical line with its value.
    const auto& v = results_->scores[size_t(kind)];
    const double mean = std::accumulate(v.begin(), v.end(), 0.0) / double(std::max<size_t>(1, v.size()));
    auto* line = new QCPItemStraightLine(plot);
    line->point1->setCoords(mean, 0);
    line->point2->setCoords(mean, 1);
    line->setPen(QPen(QColor(214, 39, 40), 1.5, Qt::DashLine));
    auto* label = new QCPItemText(plot);
    label->position->setTypeY(QCPItemPosition::ptAxisRectRatio);
    label->position->setCoords(mean, 0.02);
    label->setPositionAlignment(Qt::AlignTop | (mean > (h.low + h.high) / 2 ? Qt::AlignRight : Qt::AlignLeft));
    label->setText(tr(" mean %1 ").arg(significantDigits(mean, 4)));
    label->setColor(QColor(214, 39, 40));
    plot->replot();
}

}  // namespace alx::ui
