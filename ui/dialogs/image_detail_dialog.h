#pragma once
// One test image large, its predicted probabilities as a bar chart, its six
// scores, and its nearest neighbours with their labels and distances.
#include <QDialog>

#include "worker/run_data.h"

class QCustomPlot;

namespace alx::ui {

class ImageDetailDialog : public QDialog {
    Q_OBJECT
public:
    ImageDetailDialog(const RunResultsPtr& results, int64_t index, QWidget* parent = nullptr);
    QCustomPlot* probabilityPlot() const { return plot_; }

private:
    QCustomPlot* plot_;
};

}  // namespace alx::ui
