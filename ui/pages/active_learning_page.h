#pragma once
// The Active learning page: strategies and settings, learning curves that
// grow live (accuracy against labels, one line per strategy with the band
// across repeats), the labels each needs for 90 % and 95 %, the images the
// last round acquired, and, in the human mode, a panel where the person
// labels the acquired images (click a field or type 0-9); on a dataset
// with an unlabelled pile, the labelling grid. An opened or stopped run
// folder can be continued with Resume.
#include <QWidget>

#include <optional>

#include "worker/run_data.h"

class QCheckBox;
class QGroupBox;
class QComboBox;
class QDoubleSpinBox;
class ModelCombo;
class QCustomPlot;
class QGridLayout;
class QLabel;
class QLineEdit;
class QListWidget;
class QPushButton;
class QSpinBox;
class QSplitter;
class QTableWidget;

namespace alx::ui {

class LabellingGrid;
class LearningCurvePlot;

class ActiveLearningPage : public QWidget {
    Q_OBJECT
public:
    explicit ActiveLearningPage(QWidget* parent = nullptr);

    // A new run's request from the controls (MainWindow adds the data,
    // device, seed and run folder).
    ActiveLearningJobRequest request() const;
    // Shows a request's settings in the controls.
    void setRequest(const ActiveLearningJobRequest& request);
    // The dataset whose class names the tiles show.
    void setRunning(bool running);
    void addRound(const AlRoundPoint& point);
    void askForLabels(const AlQuery& query);
    // A batch of an unlabelled pile: shown in the labelling grid.
    void askPile(const PileBatch& batch);
    void clearCurves();
    // An opened run folder: its curves, its settings, its last round's
    // images; Resume then continues it.
    void showOpenedRun(const AlOpenedRun& run);
    // The run Resume continues, with its folder in outDir: set as a run
    // starts (so that a stopped run can be continued too) or is opened.
    void setResumable(const ActiveLearningJobRequest& request);
    bool canResume() const { return resumable_.has_value(); }

    // For tests: the rounds received per strategy, and the labelling fields.
    int roundCount(const std::string& strategy) const;
    QList<QLineEdit*> labelFields() const;
    void setStrategies(const QStringList& names);
    void setBudget(int64_t initial, int64_t acquire, int64_t budget, int64_t poolSubset, int repeats, int64_t maxSteps);
    void setHumanMode(bool on);
    void selectModel(const QString& name);
    QTableWidget* table() const { return table_; }
    QCustomPlot* plot() const;
    LearningCurvePlot* curvePlot() const { return curves_; }
    QPushButton* resumeButton() const { return resume_; }
    QPushButton* sweepButton() const { return sweep_; }
    LabellingGrid* labellingGrid() const { return grid_; }
    // The run folder Resume continues (and File > Export labels exports): empty when none.
    std::string runFolder() const { return resumable_ ? resumable_->outDir : std::string(); }

Q_SIGNALS:
    void runRequested(const alx::ActiveLearningJobRequest& request);
    // Run as a sweep: request()'s settings, a task per strategy and repeat, run by alx-cli.
    void sweepRequested();
    void stopRequested();
    void labelsGiven(const std::vector<int64_t>& labels);
    void pileAnswered(const alx::PileAnswer& answer);

private:
    QWidget* buildControls();
    void updateTable();
    void showLastRound(const AlRoundPoint& point);
    void submitLabels();

    QListWidget* strategies_;
    ModelCombo* model_;
    QComboBox* coldStart_;
    QDoubleSpinBox* stopKappa_;
    QSpinBox *initial_, *acquire_, *budget_, *poolSubset_, *mcSamples_, *repeats_, *maxSteps_, *warmSteps_;
    QCheckBox* human_;
    QCheckBox* semiSupervised_;
    QPushButton *run_, *stop_, *resume_, *sweep_;
    LearningCurvePlot* curves_;
    QTableWidget* table_;
    QLabel* lastRoundTitle_;
    QWidget* lastRound_;
    QGridLayout* lastRoundLayout_;
    QSplitter* splitter_;
    QWidget* lastBox_;
    QGroupBox* labelPanel_;
    LabellingGrid* grid_;
    QGridLayout* labelLayout_;
    QPushButton* submit_;
    QList<QLineEdit*> labelFields_;
    std::optional<ActiveLearningJobRequest> resumable_;
    int repeatsRequested_ = 1;
    int labelClasses_ = 10;  // of the images asked for
};

}  // namespace alx::ui
