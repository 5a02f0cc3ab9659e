#pragma once
// The menus: File (open, save, export plots, export labels, quit), Run (train, stop) and
// Help (usage, about). The actions only say what was chosen; MainWindow
// does it. Also the plot export that File > Export writes.
#include <QObject>
#include <QString>

class QAction;
class QMainWindow;

namespace alx::ui {

class LossPlot;
class ScoreHistograms;

class RunActions : public QObject {
    Q_OBJECT
public:
    // Builds the menus in `window`'s menu bar.
    explicit RunActions(QMainWindow* window);

    // Train while idle, Stop while busy; Save and Export need results.
    void setBusy(bool busy, bool hasResults);

Q_SIGNALS:
    void openTriggered();
    void saveTriggered();
    void exportTriggered();
    void exportLabelsTriggered();
    void exportModelTriggered();
    void trainTriggered();
    void stopTriggered();

private:
    void showUsage();
    void showAbout();

    QMainWindow* window_;
    QAction* train_;
    QAction* stop_;
    QAction* save_;
    QAction* export_;
};

// Writes the loss curve and the six score histograms into `dir` as PNG and
// PDF (loss.*, histogram_<score>.*); false when any could not be written.
bool exportPlotFiles(const QString& dir, LossPlot* lossPlot, ScoreHistograms* histograms);

}  // namespace alx::ui
