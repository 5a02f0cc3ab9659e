#pragma once
// The Training tab: the live loss curve, a progress bar and one line that
// says what the worker is doing (epoch, batch, loss, time left).
#include <QWidget>

#include "worker/run_data.h"

class QLabel;
class QProgressBar;

namespace alx::ui {

class LossPlot;

class TrainingView : public QWidget {
    Q_OBJECT
public:
    explicit TrainingView(QWidget* parent = nullptr);

    LossPlot* lossPlot() const { return lossPlot_; }

    // A new run: the curve and the bar start again.
    void begin(const QString& what);
    void started(const QString& device, qlonglong trainImages, qlonglong testImages);
    void batch(const BatchPoint& point);
    void evaluating();
    void finished(const RunResults& results);
    // An opened run: its epochs on the curve, and what it was.
    void opened(const RunResults& results, const QString& dir);
    void say(const QString& text);

private:
    LossPlot* lossPlot_;
    QProgressBar* progress_;
    QLabel* text_;
};

}  // namespace alx::ui
