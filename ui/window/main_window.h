#pragma once
// The explorer's window: the Train panel on the left; on the right the
// live loss curve, the results (accuracy, confusion matrix), the score
// histograms, the grid of uncertain images and the Active learning page.
// All engine work runs in a JobWorker in its own thread; this class only
// sends it requests and routes what it reports to the views.
#include <QMainWindow>
#include <QPointer>
#include <QThread>

#include "worker/run_data.h"

class QLabel;
class QPushButton;
class QDialog;
class QTabWidget;

namespace alx::ui {

class ActiveLearningPage;
class MapPage;
class ConfusionView;
class JobWorker;
class LossPlot;
class ResultsView;
class RunActions;
class ScoreHistograms;
class TrainingPanel;
class TrainingView;
class UncertainGrid;
class SuspectLabelsPage;
class RunsPage;
class ComparisonView;
class LearningCurvePlot;
class SweepView;
struct SweepLaunch;

class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    // Where the app keeps the runs it makes: $ALX_RUNS_DIR, or
    // $XDG_DATA_HOME/alx/runs (~/.local/share/alx/runs).
    static QString runsFolder();
    explicit MainWindow(QWidget* parent = nullptr);
    ~MainWindow() override;

    // For tests and scripted use (the Train panel's fields).
    void setDataDirectory(const QString& dir);
    void selectModel(const QString& name);
    void selectDataset(const QString& name);
    void setEpochs(int epochs);
    void setSubset(int trainImages, int testImages);

    TrainingPanel* trainingPanel() const { return panel_; }
    LossPlot* lossPlot() const;
    ScoreHistograms* histograms() const { return histograms_; }
    UncertainGrid* uncertainGrid() const { return grid_; }
    SuspectLabelsPage* suspectLabelsPage() const { return suspectPage_; }
    RunsPage* runsPage() const { return runsPage_; }
    ComparisonView* comparisonView() const { return comparisonView_; }
    // The plot of the last comparison of active-learning runs (null before one).
    LearningCurvePlot* curveComparison() const;
    ConfusionView* confusionView() const;
    ResultsView* resultsView() const { return resultsView_; }
    QTabWidget* tabs() const { return tabs_; }
    ActiveLearningPage* activeLearningPage() const { return alPage_; }
    MapPage* mapPage() const { return mapPage_; }
    QPushButton* trainButton() const;
    QPushButton* stopButton() const;
    // The worker, for tests that watch its signals (it lives in another
    // thread: connect with a receiver in this one). Null once shut down.
    JobWorker* worker() const { return worker_; }
    RunResultsPtr results() const { return results_; }
    // The folder the last active-learning run started, resumed or opened here writes to.
    QString activeLearningRunDir() const { return alRunDir_; }
    bool isBusy() const { return busy_; }
    // The sweep window opened last (File > Open on a sweep folder, or Run as a sweep); null once closed.
    SweepView* sweepView() const;
    // Run as a sweep without the dialog: writes the sweep the Active learning
    // page and the Train panel describe into launch.dir, submits it and shows
    // it; a refusal goes to the status bar (and a message box) and runFailed.
    void runSweep(const SweepLaunch& launch);

Q_SIGNALS:
    // Re-emitted for tests and automation.
    void runFinished();
    void runStopped(const QString& message);
    void runFailed(const QString& message);
    void runSaved(const QString& dir);
    void activeLearningFinished();
    void activeLearningRunOpened(const QString& dir);
    void sweepOpened(const QString& dir);
    // Queued to the worker.
    void trainRequested(const alx::TrainJobRequest& request);
    void downloadRequested(const QString& dataset);
    void saveRequested(const QString& dir);
    void exportModelRequested(const QString& file);
    void runKept(const QString& dir);  // a finished run written into the runs folder
    void compareRequested(const QStringList& dirs, const QString& score, int topN, const QString& dataDir);
    void comparisonShown();
    void openRequested(const QString& dir, const QString& dataDir);
    void activeLearningRequested(const alx::ActiveLearningJobRequest& request);
    void mapRequested(const QString& method, const QString& split, const QString& dataDir);
    void mapFinished();
    void auditRunsRequested(const QStringList& dirs, const QString& dataDir);
    void trainingAuditRequested(const QString& runDir, int seeds, int neighbours, const QString& dataDir);
    void auditShown();

public Q_SLOTS:
    void startTraining();
    // A run of the panel's settings as `request` has them (a review's edits, say).
    void startTrainingWith(alx::TrainJobRequest request);
    // A new run from the Active learning page (a folder of its own under
    // the app's data location), or a resumed one (request.resume).
    void startActiveLearning(alx::ActiveLearningJobRequest request);
    void stop();
    // A map of the current run (the Map page's Compute): "tsne" or "pca", "test" or "all".
    void startMap(const QString& method, const QString& split);
    void saveRunAs(const QString& dir = {});
    // A run folder (File > Open): a trained run or an active-learning one;
    // the worker tells which.
    void openRunFrom(const QString& dir = {});
    void exportPlots(const QString& dir = {});
    // File > Export labels: the labels a person gave the Active learning
    // page's run (labels.csv) as path,label into `file` (asked when empty).
    void exportLabels(const QString& file = {});
    // The current run's model as a TorchScript file, for torch.jit.load.
    void exportModel(const QString& file = {});

protected:
    void closeEvent(QCloseEvent* event) override;

private:
    // A warning in a message box, unless ALX_NO_DIALOGS is set (scripted runs, tests).
    void warn(const QString& title, const QString& message);
    QTabWidget* buildPages();
    void connectPanel();
    void connectWorker();
    void connectActiveLearning();
    void connectRuns();
    void connectAudits();
    void connectSweeps();
    // Shows the sweep in DIR in a window of its own; false when DIR holds none.
    bool openSweep(const QString& dir);
    // Run as a sweep: the dialog, then runSweep.
    void askForSweep();
    // The page's settings with the panel's data, as a new run would have them.
    ActiveLearningJobRequest sweepRequest() const;
    bool compareLearningCurves(const QStringList& paths);
    void startDownload(const QString& dataset);
    // Stops the running job, ends the worker's thread and waits for it.
    void shutDown();
    void setBusy(bool busy, const QString& what = {});
    void showResults(const RunResultsPtr& results);
    void loadSettings();
    void saveSettings() const;

    QThread workerThread_;
    JobWorker* worker_;
    RunResultsPtr results_;
    bool busy_ = false;
    QString alRunDir_;

    TrainingPanel* panel_;
    RunActions* actions_;
    QTabWidget* tabs_;
    TrainingView* trainingView_;
    ResultsView* resultsView_;
    ScoreHistograms* histograms_;
    UncertainGrid* grid_;
    SuspectLabelsPage* suspectPage_;
    RunsPage* runsPage_;
    ComparisonView* comparisonView_;
    QDialog* comparisonWindow_;
    QPointer<LearningCurvePlot> lastCurveComparison_;
    QPointer<SweepView> lastSweepView_;
    ActiveLearningPage* alPage_;
    MapPage* mapPage_;
    QLabel* deviceStatus_;
};

}  // namespace alx::ui
