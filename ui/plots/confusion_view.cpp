#include "plots/confusion_view.h"

#include <QHeaderView>

#include <algorithm>

namespace alx::ui {

ConfusionView::ConfusionView(QWidget* parent) : QTableWidget(parent) {
    setEditTriggers(QAbstractItemView::NoEditTriggers);
    setSelectionMode(QAbstractItemView::SingleSelection);
    horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
    verticalHeader()->setSectionResizeMode(QHeaderView::Stretch);
    setToolTip(tr("Rows: true label; columns: prediction. Click a cell to see its images."));
    connect(this, &QTableWidget::cellClicked, this, [this](int row, int column) {
        if (results_) Q_EMIT cellChosen(row, column);
    });
}

void ConfusionView::clearResults() {
    results_.reset();
    clear();
    setRowCount(0);
    setColumnCount(0);
}

void ConfusionView::setResults(const RunResultsPtr& results) {
    results_ = results;
    const int c = results->classes;
    clear();
    setRowCount(c);
    setColumnCount(c);
    QStringList headers;
    for (int i = 0; i < c; ++i) headers << QString::fromStdString(results->className(i));
    setHorizontalHeaderLabels(headers);
    setVerticalHeaderLabels(headers);
    int64_t offDiagonalMax = 1;
    for (int r = 0; r < c; ++r) {
        for (int k = 0; k < c; ++k) {
            if (r != k) offDiagonalMax = std::max(offDiagonalMax, results->confusion[size_t(r * c + k)]);
        }
    }
    for (int r = 0; r < c; ++r) {
        int64_t rowTotal = 0;
        for (int k = 0; k < c; ++k) rowTotal += results->confusion[size_t(r * c + k)];
        for (int k = 0; k < c; ++k) {
            const int64_t n = results->confusion[size_t(r * c + k)];
            auto* item = new QTableWidgetItem(QString::number(n));
            item->setTextAlignment(Qt::AlignCenter);
            // Green diagonal; errors in red, shaded against the largest error.
            if (r == k) {
                item->setBackground(QColor(44, 160, 44, 40 + int(160.0 * n / std::max<int64_t>(1, rowTotal))));
            } else if (n > 0) {
                item->setBackground(QColor(214, 39, 40, 30 + int(200.0 * n / offDiagonalMax)));
            }
            item->setToolTip(tr("true %1, predicted %2: %3 images")
                                 .arg(QString::fromStdString(results->className(r)), QString::fromStdString(results->className(k)))
                                 .arg(n));
            setItem(r, k, item);
        }
    }
}

std::vector<int64_t> ConfusionView::imagesIn(int label, int predicted) const {
    std::vector<int64_t> out;
    if (!results_) return out;
    for (int64_t i = 0; i < results_->count; ++i) {
        if (results_->labels[size_t(i)] == label && results_->predicted[size_t(i)] == predicted) out.push_back(i);
    }
    return out;
}

}  // namespace alx::ui
