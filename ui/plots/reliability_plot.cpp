#include "plots/reliability_plot.h"
#include "text.h"

#include <QLabel>
#include <QToolTip>
#include <QVBoxLayout>
#include <qcustomplot.h>

namespace alx::ui {

ReliabilityPlot::ReliabilityPlot(QWidget* parent) : QWidget(parent), plot_(new QCustomPlot(this)) {
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    figures_ = new QLabel(tr("Calibration: no results yet."), this);
    figures_->setWordWrap(true);
    layout->addWidget(figures_);
    plot_->setMinimumSize(300, 260);
    plot_->xAxis->setLabel(tr("confidence (max probability)"));
    plot_->yAxis->setLabel(tr("accuracy"));
    plot_->xAxis->setRange(0, 1);
    plot_->yAxis->setRange(0, 1.12);
    plot_->legend->setVisible(true);
    plot_->axisRect()->insetLayout()->setInsetAlignment(0, Qt::AlignTop | Qt::AlignLeft);
    plot_->setMouseTracking(true);
    connect(plot_, &QCustomPlot::mouseMove, this, [this](QMouseEvent* event) {
        const QString text = describeBinAt(plot_->xAxis->pixelToCoord(event->pos().x()));
        if (text.isEmpty()) {
            QToolTip::hideText();
        } else {
            QToolTip::showText(event->globalPosition().toPoint(), text, plot_);
        }
    });
    layout->addWidget(plot_, 1);
}

void ReliabilityPlot::clear() {
    before_ = after_ = {};
    scaled_ = false;
    plot_->clearPlottables();
    plot_->clearItems();
    plot_->replot();
    figures_->setText(tr("Calibration: no results yet."));
}

void ReliabilityPlot::setResults(const RunResultsPtr& r) {
    clear();
    if (!r || r->count == 0) return;
    const std::vector<int64_t> labels(r->labels.begin(), r->labels.end());
    before_ = measureCalibration(r->probabilities, labels, r->classes);
    scaled_ = r->summary.calibration.temperature.has_value();
    if (scaled_) {
        const auto scaled = applyTemperature(r->probabilities.data(), r->count, r->classes, *r->summary.calibration.temperature);
        after_ = measureCalibration(scaled, labels, r->classes);
    }

    auto* diagonal = new QCPGraph(plot_->xAxis, plot_->yAxis);
    diagonal->setData(QVector<double>{0, 1}, QVector<double>{0, 1});
    diagonal->setPen(QPen(Qt::gray, 1, Qt::DashLine));
    diagonal->setName(tr("perfect calibration"));
    const auto addBars = [&](const CalibrationMeasures& m, const QColor& colour, const QString& name, double offset) {
        auto* bars = new QCPBars(plot_->xAxis, plot_->yAxis);
        bars->setWidthType(QCPBars::wtPlotCoords);
        const double width = m.bins.empty() ? 0 : (m.bins[0].upper - m.bins[0].lower);
        bars->setWidth(width * (scaled_ ? 0.45 : 0.9));
        QVector<double> keys, values;
        for (const ReliabilityBin& b : m.bins) {
            if (b.count == 0) continue;
            keys << (b.lower + b.upper) / 2 + offset * width;
            values << b.accuracy;
        }
        bars->setData(keys, values);
        // Each bin's count above its bar: a bin of three images says little.
        if (offset <= 0) {
            int k = 0;
            for (const ReliabilityBin& b : m.bins) {
                if (b.count == 0) continue;
                auto* count = new QCPItemText(plot_);
                count->position->setCoords(keys[k], values[k] + 0.01);
                count->setPositionAlignment(Qt::AlignBottom | Qt::AlignHCenter);
                count->setText(QString::number(b.count));
                count->setFont(QFont(font().family(), 7));
                ++k;
            }
        }
        bars->setBrush(colour);
        bars->setPen(QPen(colour.darker(140)));
        bars->setName(name);
    };
    addBars(before_, QColor(31, 119, 180, 170), tr("accuracy per bin"), scaled_ ? -0.23 : 0);
    if (scaled_) addBars(after_, QColor(255, 127, 14, 170), tr("after temperature scaling"), 0.23);
    plot_->replot();

    QString text = tr("Calibration of the test probabilities (15 bins): ECE <b>%1 %</b>, MCE %2 %, NLL %3, Brier %4.")
                       .arg(decimal(100 * before_.ece, 2))
                       .arg(decimal(100 * before_.mce, 1))
                       .arg(decimal(before_.nll, 4))
                       .arg(decimal(before_.brier, 4));
    if (scaled_) {
        text += tr(" Temperature %1, fitted on the validation split: ECE %2 %.").arg(decimal(*r->summary.calibration.temperature, 3)).arg(decimal(100 * after_.ece, 2));
    } else {
        text += tr(" No temperature: the run had no validation split to fit one on (set Validation images).");
    }
    figures_->setText(text);
}

QString ReliabilityPlot::describeBinAt(double confidence) const {
    for (size_t b = 0; b < before_.bins.size(); ++b) {
        const ReliabilityBin& bin = before_.bins[b];
        if (confidence <= bin.lower || confidence > bin.upper) continue;
        QString text = tr("confidence (%1, %2]: %3 images, mean confidence %4, accuracy %5")
                           .arg(decimal(bin.lower, 3))
                           .arg(decimal(bin.upper, 3))
                           .arg(bin.count)
                           .arg(decimal(bin.meanConfidence, 3))
                           .arg(decimal(bin.accuracy, 3));
        if (scaled_ && b < after_.bins.size()) {
            text += tr("\nafter scaling: %1 images, accuracy %2").arg(after_.bins[b].count).arg(decimal(after_.bins[b].accuracy, 3));
        }
        return text;
    }
    return {};
}

}  // namespace alx::ui
