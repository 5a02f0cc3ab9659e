#include "widgets/uncertain_grid.h"
#include "text.h"

#include <QCheckBox>
#include <QComboBox>
#include <QFrame>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QScrollArea>
#include <QSpinBox>
#include <QVBoxLayout>

#include <algorithm>
#include <numeric>

#include "widgets/image_tile.h"

namespace alx::ui {

UncertainGrid::UncertainGrid(QWidget* parent) : QWidget(parent) {
    auto* layout = new QVBoxLayout(this);
    auto* controls = new QHBoxLayout;
    layout->addLayout(controls);
    controls->addWidget(new QLabel(tr("Rank by"), this));
    score_ = new QComboBox(this);
    for (int kind = 0; kind < kScoreCount; ++kind) score_->addItem(QString::fromStdString(scoreName(scoreAt(kind))), kind);
    score_->setCurrentIndex(1);  // entropy
    controls->addWidget(score_);
    highIsUncertain_ = new QCheckBox(tr("High = uncertain"), this);
    highIsUncertain_->setChecked(highIsUncertain(scoreAt(1)));
    highIsUncertain_->setToolTip(tr("Which end of the score counts as uncertain; set to the usual one when the score changes"));
    controls->addWidget(highIsUncertain_);
    controls->addWidget(new QLabel(tr("Show"), this));
    topN_ = new QSpinBox(this);
    topN_->setRange(1, 500);
    topN_->setValue(32);
    topN_->setSuffix(tr(" images"));
    controls->addWidget(topN_);
    controls->addWidget(new QLabel(tr("Neighbours from"), this));
    neighbourSource_ = new QComboBox(this);
    neighbourSource_->addItem(tr("test images"));
    neighbourSource_->addItem(tr("training images"));
    neighbourSource_->setToolTip(tr("Training images: the ones a prediction leans on (a run trained with them found)"));
    controls->addWidget(neighbourSource_);
    summary_ = new QLabel(this);
    summary_->setWordWrap(true);
    summary_->setMinimumWidth(200);
    controls->addWidget(summary_, 1);

    auto* scroll = new QScrollArea(this);
    scroll->setWidgetResizable(true);
    tiles_ = new QWidget(scroll);
    tileLayout_ = new QGridLayout(tiles_);
    tileLayout_->setAlignment(Qt::AlignTop | Qt::AlignLeft);
    scroll->setWidget(tiles_);
    layout->addWidget(scroll, 1);

    connect(score_, &QComboBox::currentIndexChanged, this, [this] {
        const QSignalBlocker block(highIsUncertain_);
        highIsUncertain_->setChecked(alx::highIsUncertain(scoreAt(score_->currentData().toInt())));
        rebuild();
    });
    connect(highIsUncertain_, &QCheckBox::toggled, this, &UncertainGrid::rebuild);
    connect(topN_, &QSpinBox::valueChanged, this, &UncertainGrid::rebuild);
    connect(neighbourSource_, &QComboBox::currentIndexChanged, this, &UncertainGrid::rebuild);
}

void UncertainGrid::setResults(const RunResultsPtr& results) {
    results_ = results;
    const bool hasTraining = results && results->trainNeighboursPerImage > 0;
    {
        const QSignalBlocker block(neighbourSource_);
        neighbourSource_->setEnabled(hasTraining);
        if (!hasTraining) neighbourSource_->setCurrentIndex(0);
    }
    rebuild();
}

void UncertainGrid::setNeighboursFromTraining(bool training) { neighbourSource_->setCurrentIndex(training ? 1 : 0); }
bool UncertainGrid::neighboursFromTraining() const {
    return neighbourSource_->currentIndex() == 1 && results_ && results_->trainNeighboursPerImage > 0;
}

void UncertainGrid::clear() {
    results_.reset();
    rebuild();
}

int UncertainGrid::tilesPerRow() const {
    if (!results_) return 0;
    return 1 + (neighboursFromTraining() ? results_->trainNeighboursPerImage : results_->neighboursPerImage);
}
void UncertainGrid::setTopN(int n) { topN_->setValue(n); }
void UncertainGrid::setScore(int kind) { score_->setCurrentIndex(kind); }

void UncertainGrid::rebuild() {
    while (QLayoutItem* item = tileLayout_->takeAt(0)) {
        delete item->widget();
        delete item;
    }
    shown_.clear();
    if (!results_) {
        summary_->clear();
        Q_EMIT rankingChanged(shown_);
        return;
    }
    const int kind = score_->currentData().toInt();
    const bool high = highIsUncertain_->isChecked();
    const auto& values = results_->scores[size_t(kind)];
    std::vector<int64_t> order(size_t(results_->count));
    std::iota(order.begin(), order.end(), 0);
    const size_t n = std::min(order.size(), size_t(topN_->value()));
    std::partial_sort(order.begin(), order.begin() + std::ptrdiff_t(n), order.end(), [&](int64_t a, int64_t b) {
        return high ? values[size_t(a)] > values[size_t(b)] : values[size_t(a)] < values[size_t(b)];
    });
    shown_.assign(order.begin(), order.begin() + std::ptrdiff_t(n));
    int wrong = 0;
    for (int64_t i : shown_) wrong += results_->labels[size_t(i)] != results_->predicted[size_t(i)];
    const bool training = neighboursFromTraining();
    const int m = training ? results_->trainNeighboursPerImage : results_->neighboursPerImage;
    summary_->setText(tr("%1 of %2 test images, %3 of them misclassified; beside each, its %4 nearest %5")
                          .arg(n).arg(results_->count).arg(wrong).arg(m).arg(training ? tr("training images") : tr("test images")));
    const auto name = [this](int c) { return QString::fromStdString(results_->className(c)); };

    // Two images to a line (each with its neighbours), read left to right.
    const int blockWidth = m + 3;  // image, separator, m neighbours, gap
    for (int rank = 0; rank < int(shown_.size()); ++rank) {
        const int row = rank / 2, base = (rank % 2) * blockWidth;
        const int64_t i = shown_[size_t(rank)];
        const int label = results_->labels[size_t(i)], predicted = results_->predicted[size_t(i)];
        auto* tile = new ImageTile(tileImage(results_->images, size_t(i)), i,
                                   tr("%1. #%2 %3→%4\n%5").arg(rank + 1).arg(i).arg(name(label), name(predicted)).arg(significantDigits(values[size_t(i)], 3)),
                                   56, tiles_, label == predicted ? QColor(44, 160, 44) : QColor(214, 39, 40));
        connect(tile, &ImageTile::clicked, this, &UncertainGrid::imageClicked);
        tileLayout_->addWidget(tile, row, base);
        auto* separator = new QFrame(tiles_);
        separator->setFrameShape(QFrame::VLine);
        tileLayout_->addWidget(separator, row, base + 1);
        for (int j = 0; j < m; ++j) {
            ImageTile* neighbour = nullptr;
            if (training) {
                const int64_t nb = results_->trainNeighbours[size_t(i * m + j)];
                const int nbLabel = results_->trainLabel(nb);
                neighbour = new ImageTile(tileImage(results_->trainImage(nb), results_->trainImages.shape), nb,
                                          tr("label %1\nd %2").arg(name(nbLabel)).arg(decimal(results_->trainNeighbourDistance(i, j), 3)),
                                          40, tiles_, nbLabel == predicted ? QColor() : QColor(255, 127, 14));
                neighbour->setClickable(false);
                neighbour->setToolTip(tr("Training image #%1, label %2").arg(nb).arg(name(nbLabel)));
            } else {
                const int64_t nb = results_->neighbours[size_t(i * m + j)];
                neighbour = new ImageTile(tileImage(results_->images, size_t(nb)), nb,
                                          tr("label %1\nd %2").arg(name(results_->labels[size_t(nb)])).arg(decimal(results_->neighbourDistance(i, j), 3)),
                                          40, tiles_);
                connect(neighbour, &ImageTile::clicked, this, &UncertainGrid::imageClicked);
            }
            tileLayout_->addWidget(neighbour, row, base + 2 + j, Qt::AlignBottom);
        }
        if (rank % 2 == 0) tileLayout_->setColumnMinimumWidth(base + m + 2, 24);
    }
    Q_EMIT rankingChanged(shown_);
}

}  // namespace alx::ui
