#include "plots/loss_plot.h"

#include <QVBoxLayout>
#include <qcustomplot.h>

#include "worker/run_data.h"

namespace alx::ui {

LossPlot::LossPlot(QWidget* parent) : QWidget(parent), plot_(new QCustomPlot(this)) {
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(plot_);

    batches_ = plot_->addGraph();
    batches_->setName(tr("batch loss"));
    batches_->setPen(QPen(QColor(31, 119, 180, 70), 1));

    epochs_ = plot_->addGraph();
    epochs_->setName(tr("epoch mean loss"));
    epochs_->setPen(QPen(QColor(31, 119, 180), 2));
    epochs_->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, 7));

    validation_ = plot_->addGraph(plot_->xAxis, plot_->yAxis2);
    validation_->setName(tr("validation accuracy"));
    validation_->setPen(QPen(QColor(44, 160, 44), 2));
    validation_->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssSquare, 6));

    plot_->xAxis->setLabel(tr("epoch"));
    plot_->yAxis->setLabel(tr("cross-entropy loss"));
    plot_->yAxis2->setLabel(tr("validation accuracy"));
    plot_->yAxis2->setRange(0, 1);
    plot_->legend->setVisible(true);
    plot_->axisRect()->insetLayout()->setInsetAlignment(0, Qt::AlignTop | Qt::AlignRight);
    plot_->setInteractions(QCP::iRangeDrag | QCP::iRangeZoom);

    // One coalesced redraw rather than one per point (a redraw costs
    // milliseconds; points can arrive hundreds of times a second).
    replotTimer_.setSingleShot(true);
    replotTimer_.setInterval(100);
    connect(&replotTimer_, &QTimer::timeout, this, &LossPlot::replotNow);
    clear();
}

void LossPlot::clear() {
    batches_->data()->clear();
    epochs_->data()->clear();
    validation_->data()->clear();
    validation_->setVisible(false);
    validation_->removeFromLegend();
    plannedEpochs_ = 1;
    plot_->yAxis2->setVisible(false);
    plot_->xAxis->setRange(0, 1);
    plot_->yAxis->setRange(0, 1);
    replotNow();
}

void LossPlot::addBatch(const BatchPoint& point) {
    plannedEpochs_ = std::max(plannedEpochs_, point.epochs);
    // x in epochs: epoch 2, batch 50 of 100 is at 1.5.
    batches_->addData(point.epoch - 1 + double(point.batch) / double(std::max<int64_t>(1, point.batches)), point.loss);
    scheduleReplot();
}

void LossPlot::addEpoch(const EpochReport& point) {
    plannedEpochs_ = std::max(plannedEpochs_, point.epochs);
    epochs_->addData(point.epoch, point.meanLoss);
    if (point.validationAccuracy) {
        validation_->addData(point.epoch, *point.validationAccuracy);
        if (!validation_->visible()) validation_->addToLegend();
        validation_->setVisible(true);
        plot_->yAxis2->setVisible(true);
    }
    scheduleReplot();
}

int LossPlot::epochPointCount() const { return epochs_->dataCount(); }
int LossPlot::batchPointCount() const { return batches_->dataCount(); }

void LossPlot::scheduleReplot() {
    dirty_ = true;
    if (!replotTimer_.isActive()) replotTimer_.start();
}

void LossPlot::replotNow() {
    dirty_ = false;
    // The whole run's width from the start, so the curve grows into it.
    plot_->xAxis->setRange(0, plannedEpochs_);
    bool found = false;
    QCPRange values = batches_->data()->valueRange(found);
    if (!found) values = epochs_->data()->valueRange(found);
    if (found) plot_->yAxis->setRange(0, values.upper * 1.05);
    plot_->replot(QCustomPlot::rpQueuedReplot);
    ++replots_;
}

}  // namespace alx::ui
