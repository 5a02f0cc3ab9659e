#pragma once
// The explorer's window: the Train panel on the left; on the right the
// live loss curve, the results (accuracy, confusion matrix), the score
// histograms and the grid of uncertain digits. All engine work runs in a
// TrainingWorker in its own thread; this class only sends it requests and
// draws what it reports.
#include <QMainWindow>
#include <QThread>

#include "run_data.h"

class QAction;
class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QProgressBar;
class QPushButton;
class QSpinBox;
class QTabWidget;

namespace alx::ui {

class ActiveLearningPage;
class ConfusionView;
class LossPlot;
class ScoreHistograms;
class TrainingWorker;
class UncertainGrid;

class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    explicit MainWindow(QWidget* parent = nullptr);
    ~MainWindow() override;

    // For tests and scripted use: the folder searched first for datasets.
    void setDataDirectory(const QString& dir);
    void selectModel(const QString& name);
    void selectDataset(const QString& name);
    void setEpochs(int epochs);
    void setSubset(int trainImages, int testImages);

    LossPlot* lossPlot() const { return lossPlot_; }
    ScoreHistograms* histograms() const { return histograms_; }
    UncertainGrid* uncertainGrid() const { return grid_; }
    ConfusionView* confusionView() const { return confusion_; }
    QTabWidget* tabs() const { return tabs_; }
    ActiveLearningPage* activeLearningPage() const { return alPage_; }
    QPushButton* trainButton() const { return trainButton_; }
    QPushButton* stopButton() const { return stopButton_; }
    RunResultsPtr results() const { return results_; }
    bool isBusy() const { return busy_; }

Q_SIGNALS:
    // Re-emitted for tests and automation.
    void runFinished();
    void runStopped(const QString& message);
    void runFailed(const QString& message);
    void runSaved(const QString& dir);
    void activeLearningFinished();
    // Queued to the worker.
    void trainRequested(const alx::ui::TrainRequest& request);
    void downloadRequested(const QString& dataset);
    void saveRequested(const QString& dir);
    void openRequested(const QString& dir, const QString& dataDir);
    void activeLearningRequested(const alx::ui::AlRequest& request);

public Q_SLOTS:
    void startTraining();
    void stop();
    void saveRunAs(const QString& dir = {});
    void openRunFrom(const QString& dir = {});
    void exportPlots(const QString& dir = {});

protected:
    void closeEvent(QCloseEvent* event) override;

private:
    QWidget* buildTrainPanel();
    void buildMenus();
    void applyPreset(const QString& model);
    void refreshDatasetStatus();
    void setBusy(bool busy, const QString& what = {});
    void showResults(const RunResultsPtr& results);
    void showImages(const QString& title, const std::vector<int64_t>& indices);
    void showDetail(qint64 index);
    void loadSettings();
    void saveSettings() const;

    QThread workerThread_;
    TrainingWorker* worker_;
    RunResultsPtr results_;
    bool busy_ = false;
    QString dataDir_;

    QComboBox* dataset_;
    QLabel* datasetStatus_;
    QPushButton* downloadButton_;
    QProgressBar* downloadProgress_;
    QComboBox* model_;
    QLabel* modelSummary_;
    QComboBox* optimiser_;
    QDoubleSpinBox* learningRate_;
    QSpinBox* batchSize_;
    QSpinBox* epochs_;
    QSpinBox* validation_;
    QSpinBox* trainImages_;
    QSpinBox* testImages_;
    QSpinBox* neighbours_;
    QComboBox* device_;
    QSpinBox* seed_;
    QPushButton* trainButton_;
    QPushButton* stopButton_;

    QTabWidget* tabs_;
    LossPlot* lossPlot_;
    QProgressBar* progress_;
    QLabel* progressText_;
    QLabel* accuracy_;
    ConfusionView* confusion_;
    ScoreHistograms* histograms_;
    UncertainGrid* grid_;
    ActiveLearningPage* alPage_;
    QLabel* deviceStatus_;
    QAction* trainAction_;
    QAction* stopAction_;
    QAction* saveAction_;
    QAction* exportAction_;
};

}  // namespace alx::ui
