#pragma once
// The confusion matrix as a shaded table (rows: true label, columns:
// prediction). Clicking a cell asks to show the images in it.
#include <QTableWidget>

#include "worker/run_data.h"

namespace alx::ui {

class ConfusionView : public QTableWidget {
    Q_OBJECT
public:
    explicit ConfusionView(QWidget* parent = nullptr);
    void setResults(const RunResultsPtr& results);
    void clearResults();
    // The evaluated images with this true label and prediction.
    std::vector<int64_t> imagesIn(int label, int predicted) const;

Q_SIGNALS:
    void cellChosen(int label, int predicted);

private:
    RunResultsPtr results_;
};

}  // namespace alx::ui
