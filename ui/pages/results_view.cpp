#include "pages/results_view.h"
#include "text.h"

#include <QDir>
#include <QDialog>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QScrollArea>
#include <QVBoxLayout>

#include "alx/data/dataset_catalog.h"
#include "plots/confusion_view.h"
#include "dialogs/image_detail_dialog.h"
#include "widgets/image_tile.h"
#include "plots/reliability_plot.h"

namespace alx::ui {

ResultsView::ResultsView(QWidget* parent) : QWidget(parent) {
    auto* layout = new QVBoxLayout(this);
    accuracy_ = new QLabel(tr("No results yet."), this);
    QFont big = accuracy_->font();
    big.setPointSizeF(big.pointSizeF() * 1.4);
    accuracy_->setFont(big);
    layout->addWidget(accuracy_);
    layout->addWidget(new QLabel(tr("Confusion matrix (rows: true label, columns: prediction); click a cell to see its images:"), this));
    auto* row = new QHBoxLayout;
    confusion_ = new ConfusionView(this);
    row->addWidget(confusion_, 3);
    reliability_ = new ReliabilityPlot(this);
    row->addWidget(reliability_, 2);
    layout->addLayout(row, 1);
    connect(confusion_, &ConfusionView::cellChosen, this, [this](int label, int predicted) {
        const auto name = [this](int c) { return results_ ? QString::fromStdString(results_->className(c)) : QString::number(c); };
        showImages(tr("True %1, predicted %2").arg(name(label), name(predicted)), confusion_->imagesIn(label, predicted));
    });
}

void ResultsView::setResults(const RunResultsPtr& r) {
    results_ = r;
    // A person's own images are named by their folder: "LeNet-5 on shapes (3 classes, 40x56 RGB)".
    const DatasetSpec& spec = datasetSpec(r->summary.dataset);
    const QString data = spec.format == DatasetFormat::ImageFolder && !r->summary.dataDir.empty()
                             ? tr("%1 (%2 classes, %3)")
                                   .arg(QDir(QString::fromStdString(r->summary.dataDir)).dirName())
                                   .arg(r->classes)
                                   .arg(QString::fromStdString(r->summary.imageShape.text()))
                             : QString::fromStdString(spec.displayName);
    accuracy_->setText(tr("%1 on %2: test accuracy <b>%3 %</b> (%4 of %5 images)")
                           .arg(QString::fromStdString(modelInfo(r->summary.model).displayName), data)
                           .arg(decimal(100 * r->summary.testAccuracy, 2))
                           .arg(int64_t(r->summary.testAccuracy * double(r->count) + 0.5))
                           .arg(r->count) +
                       (r->summary.script.embedding == kEmbeddingFromLogits
                            ? "<br><small>" + tr("Note: %1.").arg(QString::fromUtf8(kLogitsAsEmbeddingNote)) + "</small>"
                            : QString()));
    confusion_->setResults(r);
    reliability_->setResults(r);
}

void ResultsView::clear(const QString& text) {
    results_.reset();
    confusion_->clearResults();
    reliability_->clear();
    accuracy_->setText(text);
}

void ResultsView::showImages(const QString& title, const std::vector<int64_t>& indices) {
    if (!results_) return;
    auto* dialog = new QDialog(this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setWindowTitle(tr("%1: %2 images").arg(title).arg(indices.size()));
    auto* layout = new QVBoxLayout(dialog);
    auto* scroll = new QScrollArea(dialog);
    scroll->setWidgetResizable(true);
    auto* inner = new QWidget(scroll);
    auto* grid = new QGridLayout(inner);
    grid->setAlignment(Qt::AlignTop | Qt::AlignLeft);
    const int columns = 10;
    const size_t shown = 500;  // a window of 5000 tiles helps nobody
    for (size_t k = 0; k < indices.size() && k < shown; ++k) {
        const int64_t i = indices[k];
        auto* tile = new ImageTile(tileImage(results_->images, size_t(i)), i, tr("#%1").arg(i), 48, inner);
        connect(tile, &ImageTile::clicked, this, &ResultsView::showDetail);
        grid->addWidget(tile, int(k) / columns, int(k) % columns);
    }
    scroll->setWidget(inner);
    layout->addWidget(scroll);
    if (indices.size() > shown) layout->addWidget(new QLabel(tr("The first %1 are shown.").arg(shown), dialog));
    dialog->resize(680, 520);
    dialog->show();
}

void ResultsView::showDetail(qint64 index) {
    if (!results_) return;
    auto* dialog = new ImageDetailDialog(results_, index, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->show();
}

}  // namespace alx::ui
