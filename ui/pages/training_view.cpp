#include "pages/training_view.h"
#include "text.h"

#include <QLabel>
#include <QProgressBar>
#include <QVBoxLayout>

#include <algorithm>

#include "plots/loss_plot.h"

namespace alx::ui {

namespace {

QString formatDuration(double seconds) {
    const int s = int(seconds + 0.5);
    return s >= 3600 ? QString("%1:%2:%3").arg(s / 3600).arg(s / 60 % 60, 2, 10, QChar('0')).arg(s % 60, 2, 10, QChar('0'))
                     : QString("%1:%2").arg(s / 60).arg(s % 60, 2, 10, QChar('0'));
}

}  // namespace

TrainingView::TrainingView(QWidget* parent) : QWidget(parent) {
    auto* layout = new QVBoxLayout(this);
    lossPlot_ = new LossPlot(this);
    layout->addWidget(lossPlot_, 1);
    progress_ = new QProgressBar(this);
    progress_->setRange(0, 1000);
    progress_->setValue(0);
    progress_->setTextVisible(false);
    layout->addWidget(progress_);
    text_ = new QLabel(tr("Choose a model and a dataset, then click Train."), this);
    layout->addWidget(text_);
}

void TrainingView::begin(const QString& what) {
    lossPlot_->clear();
    progress_->setValue(0);
    text_->setText(what);
}

void TrainingView::started(const QString& device, qlonglong trainImages, qlonglong testImages) {
    text_->setText(tr("Training on %1 images (%2 test images) on %3…").arg(trainImages).arg(testImages).arg(device));
}

void TrainingView::batch(const BatchPoint& b) {
    lossPlot_->addBatch(b);
    const double done = double(b.epoch - 1) * double(b.batches) + double(b.batch);
    const double total = double(b.epochs) * double(b.batches);
    progress_->setValue(int(1000 * done / std::max(1.0, total)));
    const double eta = b.elapsedSeconds * (total - done) / std::max(1.0, done);
    text_->setText(tr("Epoch %1 of %2, batch %3 of %4, loss %5, elapsed %6, about %7 left")
                       .arg(b.epoch).arg(b.epochs).arg(b.batch).arg(b.batches).arg(decimal(b.loss, 4))
                       .arg(formatDuration(b.elapsedSeconds), formatDuration(eta)));
}

void TrainingView::evaluating() {
    text_->setText(tr("Evaluating the test set and computing the six scores and the neighbours…"));
}

void TrainingView::finished(const RunResults& r) {
    progress_->setValue(1000);
    text_->setText(tr("Done: test accuracy %1 % after %2 of training, %3 to evaluate and score.")
                       .arg(decimal(100 * r.summary.testAccuracy, 2)).arg(formatDuration(r.summary.trainSeconds))
                       .arg(formatDuration(r.summary.evalSeconds)));
}

void TrainingView::opened(const RunResults& r, const QString& dir) {
    lossPlot_->clear();
    for (const EpochReport& e : r.summary.epochs) lossPlot_->addEpoch(e);
    text_->setText(tr("Opened %1: %2 on %3, test accuracy %4 %")
                       .arg(dir, QString::fromStdString(modelInfo(r.summary.model).displayName), QString::fromStdString(r.summary.dataset))
                       .arg(decimal(100 * r.summary.testAccuracy, 2)));
}

void TrainingView::say(const QString& text) { text_->setText(text); }

}  // namespace alx::ui
