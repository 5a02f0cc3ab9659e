#include "dialogs/image_detail_dialog.h"
#include "text.h"

#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QVBoxLayout>
#include <qcustomplot.h>

#include "widgets/image_tile.h"

namespace alx::ui {

ImageDetailDialog::ImageDetailDialog(const RunResultsPtr& r, int64_t index, QWidget* parent)
    : QDialog(parent), plot_(new QCustomPlot(this)) {
    setWindowTitle(tr("Test image #%1").arg(index));
    auto* layout = new QVBoxLayout(this);
    auto* top = new QHBoxLayout;
    layout->addLayout(top);

    const int label = r->labels[size_t(index)], predicted = r->predicted[size_t(index)];
    const auto name = [&r](int c) { return QString::fromStdString(r->className(c)); };
    top->addWidget(new ImageTile(tileImage(r->images, size_t(index)), index,
                                 tr("label %1, predicted %2").arg(name(label), name(predicted)), 224, this,
                                 label == predicted ? QColor(44, 160, 44) : QColor(214, 39, 40)));

    // Probabilities per class.
    auto* bars = new QCPBars(plot_->xAxis, plot_->yAxis);
    QVector<double> keys, values;
    for (int c = 0; c < r->classes; ++c) {
        keys << c;
        values << r->probabilities[size_t(index * r->classes + c)];
    }
    bars->setData(keys, values);
    bars->setBrush(QColor(31, 119, 180, 190));
    auto ticker = QSharedPointer<QCPAxisTickerFixed>::create();
    ticker->setTickStep(1);
    plot_->xAxis->setTicker(ticker);
    // Named ticks when the names are words (Fashion-MNIST), turned to fit.
    auto named = QSharedPointer<QCPAxisTickerText>::create();
    bool words = false;
    for (int c = 0; c < r->classes; ++c) {
        named->addTick(c, name(c));
        words = words || name(c) != QString::number(c);
    }
    if (words) {
        plot_->xAxis->setTicker(named);
        plot_->xAxis->setTickLabelRotation(40);
    }
    plot_->xAxis->setRange(-0.7, r->classes - 0.3);
    plot_->xAxis->setLabel(tr("class"));
    plot_->yAxis->setRange(0, 1.05);
    plot_->yAxis->setLabel(tr("probability"));
    plot_->setMinimumSize(320, 240);
    top->addWidget(plot_, 1);

    auto* scores = new QGridLayout;
    for (int kind = 0; kind < kScoreCount; ++kind) {
        scores->addWidget(new QLabel(QString::fromStdString(scoreName(scoreAt(kind))) + ":", this), kind / 3, (kind % 3) * 2);
        scores->addWidget(new QLabel(significantDigits(r->score(kind, index), 5), this), kind / 3, (kind % 3) * 2 + 1);
    }
    layout->addLayout(scores);

    layout->addWidget(new QLabel(tr("Nearest test images in feature space (cosine):"), this));
    auto* neighbours = new QHBoxLayout;
    for (int j = 0; j < r->neighboursPerImage; ++j) {
        const int64_t n = r->neighbours[size_t(index * r->neighboursPerImage + j)];
        neighbours->addWidget(new ImageTile(tileImage(r->images, size_t(n)), n,
                                            tr("test #%1\nlabel %2\nd = %3").arg(n).arg(name(r->labels[size_t(n)])).arg(decimal(r->neighbourDistance(index, j), 3)),
                                            84, this));
    }
    neighbours->addStretch();
    layout->addLayout(neighbours);

    // The training images the prediction leans on, when the run found them.
    if (r->trainNeighboursPerImage > 0) {
        layout->addWidget(new QLabel(tr("Nearest training images in feature space (cosine):"), this));
        auto* train = new QHBoxLayout;
        for (int j = 0; j < r->trainNeighboursPerImage; ++j) {
            const int64_t n = r->trainNeighbours[size_t(index * r->trainNeighboursPerImage + j)];
            const int trainLabel = r->trainLabel(n);
            auto* tile = new ImageTile(tileImage(r->trainImage(n), r->trainImages.shape), n,
                                       tr("training #%1\nlabel %2\nd = %3").arg(n).arg(name(trainLabel)).arg(decimal(r->trainNeighbourDistance(index, j), 3)),
                                       84, this, trainLabel == predicted ? QColor() : QColor(255, 127, 14));
            tile->setClickable(false);
            tile->setToolTip(trainLabel == predicted ? tr("labelled as this image is predicted")
                                                     : tr("labelled otherwise than this image is predicted"));
            train->addWidget(tile);
        }
        train->addStretch();
        layout->addLayout(train);
    }
}

}  // namespace alx::ui
