#include "digit_detail_dialog.h"

#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QVBoxLayout>
#include <qcustomplot.h>

#include "digit_tile.h"

namespace alx::ui {

DigitDetailDialog::DigitDetailDialog(const RunResultsPtr& r, int64_t index, QWidget* parent)
    : QDialog(parent), plot_(new QCustomPlot(this)) {
    setWindowTitle(tr("Test image #%1").arg(index));
    auto* layout = new QVBoxLayout(this);
    auto* top = new QHBoxLayout;
    layout->addLayout(top);

    const int label = r->labels[size_t(index)], predicted = r->predicted[size_t(index)];
    top->addWidget(new DigitTile(r->image(index), index,
                                 tr("label %1, predicted %2").arg(label).arg(predicted), 224, this,
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
    plot_->xAxis->setRange(-0.7, r->classes - 0.3);
    plot_->xAxis->setLabel(tr("class"));
    plot_->yAxis->setRange(0, 1.05);
    plot_->yAxis->setLabel(tr("probability"));
    plot_->setMinimumSize(320, 240);
    top->addWidget(plot_, 1);

    auto* scores = new QGridLayout;
    for (int kind = 0; kind < kScoreCount; ++kind) {
        scores->addWidget(new QLabel(QString::fromStdString(scoreName(scoreAt(kind))) + ":", this), kind / 3, (kind % 3) * 2);
        scores->addWidget(new QLabel(QString::number(r->score(kind, index), 'g', 5), this), kind / 3, (kind % 3) * 2 + 1);
    }
    layout->addLayout(scores);

    layout->addWidget(new QLabel(tr("Nearest neighbours in feature space (cosine, whole evaluated set):"), this));
    auto* neighbours = new QHBoxLayout;
    for (int j = 0; j < r->neighboursPerImage; ++j) {
        const int64_t n = r->neighbours[size_t(index * r->neighboursPerImage + j)];
        auto* tile = new DigitTile(r->image(n), n,
                                   tr("#%1 label %2\nd = %3").arg(n).arg(r->labels[size_t(n)]).arg(r->neighbourDistance(index, j), 0, 'f', 3),
                                   84, this);
        neighbours->addWidget(tile);
    }
    neighbours->addStretch();
    layout->addLayout(neighbours);
}

}  // namespace alx::ui
