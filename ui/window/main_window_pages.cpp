// The main window's pages, in the order of their tabs, and how they link to
// one another (a click on an image anywhere opens its details); the Active
// learning page's wiring to the worker, and its labels' export.
#include <QDialog>
#include <QDir>
#include <QFileDialog>
#include <QMessageBox>
#include <QStatusBar>
#include <QTabWidget>
#include <QVBoxLayout>

#include <QLabel>

#include <algorithm>

#include "pages/active_learning_page.h"
#include "alx/storage/active_learning_run.h"
#include "alx/sweeps/sweep_progress.h"
#include "plots/learning_curve_plot.h"
#include "dialogs/comparison_view.h"
#include "worker/job_worker.h"
#include "window/main_window.h"
#include "text.h"
#include "pages/map_page.h"
#include "pages/results_view.h"
#include "pages/runs_page.h"
#include "pages/training_panel.h"
#include "plots/score_histograms.h"
#include "pages/suspect_labels_page.h"
#include "pages/training_view.h"
#include "widgets/uncertain_grid.h"

namespace alx::ui {

QTabWidget* MainWindow::buildPages() {
    tabs_ = new QTabWidget;
    trainingView_ = new TrainingView(tabs_);
    tabs_->addTab(trainingView_, tr("&Training"));
    resultsView_ = new ResultsView(tabs_);
    tabs_->addTab(resultsView_, tr("&Results"));
    histograms_ = new ScoreHistograms(tabs_);
    tabs_->addTab(histograms_, tr("&Scores"));
    grid_ = new UncertainGrid(tabs_);
    tabs_->addTab(grid_, tr("&Uncertain images"));
    mapPage_ = new MapPage(tabs_);
    tabs_->addTab(mapPage_, tr("&Map"));
    suspectPage_ = new SuspectLabelsPage(tabs_);
    tabs_->addTab(suspectPage_, tr("Suspect &labels"));
    runsPage_ = new RunsPage(runsFolder(), tabs_);
    tabs_->addTab(runsPage_, tr("R&uns"));
    alPage_ = new ActiveLearningPage(tabs_);
    tabs_->addTab(alPage_, tr("&Active learning"));
    connect(grid_, &UncertainGrid::imageClicked, resultsView_, &ResultsView::showDetail);
    connect(grid_, &UncertainGrid::rankingChanged, mapPage_, &MapPage::setRanking);
    connect(mapPage_, &MapPage::imageClicked, resultsView_, &ResultsView::showDetail);
    connect(suspectPage_, &SuspectLabelsPage::imageClicked, resultsView_, &ResultsView::showDetail);
    connect(mapPage_, &MapPage::imagesSelected, resultsView_, &ResultsView::showImages);
    connect(mapPage_, &MapPage::computeRequested, this, &MainWindow::startMap);
    connect(mapPage_, &MapPage::stopRequested, this, &MainWindow::stop);
    return tabs_;
}

// The Runs page opens runs and asks the worker to compare them; the
// comparison shows in its own window.
void MainWindow::connectRuns() {
    comparisonWindow_ = new QDialog(this);
    comparisonWindow_->setWindowTitle(tr("Runs compared"));
    auto* layout = new QVBoxLayout(comparisonWindow_);
    comparisonView_ = new ComparisonView(comparisonWindow_);
    layout->addWidget(comparisonView_);
    comparisonWindow_->resize(1100, 760);
    connect(runsPage_, &RunsPage::openRequested, this, [this](const QString& path) { openRunFrom(path); });
    connect(runsPage_, &RunsPage::compareRequested, this, [this](const QStringList& paths) {
        if (compareLearningCurves(paths)) return;
        if (busy_ || !worker_) return;
        setBusy(true, tr("Comparing %1 runs…").arg(paths.size()));
        worker_->clearStop();
        Q_EMIT compareRequested(paths, "entropy", 100, panel_->dataDirectory());
    });
    connect(this, &MainWindow::compareRequested, worker_, &JobWorker::compareRuns);
    connect(worker_, &JobWorker::comparisonReady, this, [this](const ComparisonDataPtr& c) {
        setBusy(false);
        comparisonView_->setComparison(c);
        comparisonWindow_->show();
        comparisonWindow_->raise();
        Q_EMIT comparisonShown();
    });
    connect(this, &MainWindow::runKept, runsPage_, &RunsPage::refresh);
}

LearningCurvePlot* MainWindow::curveComparison() const { return lastCurveComparison_.data(); }

// Active-learning runs and sweeps are compared by their curves: one plot, a curve per
// run and strategy, the band of its repeats around it. False when the
// selection holds other runs.
bool MainWindow::compareLearningCurves(const QStringList& paths) {
    for (const QString& path : paths) {
        const auto& runs = runsPage_->runs();
        const auto it = std::find_if(runs.begin(), runs.end(), [&](const RunListing& r) { return QString::fromStdString(r.path) == path; });
        if (it == runs.end() || (it->kind != "active_learning" && it->kind != "sweep")) return false;
    }
    auto* window = new QDialog(this);
    window->setAttribute(Qt::WA_DeleteOnClose);
    window->setWindowTitle(tr("Active-learning runs compared"));
    auto* layout = new QVBoxLayout(window);
    auto* plot = new LearningCurvePlot(window);
    layout->addWidget(plot);
    QStringList problems, described;
    for (int r = 0; r < paths.size(); ++r) {
        try {
            const SweepFolder sweep(paths[r].toStdString());
            if (sweep.holdsSweep()) {
                // A sweep's tasks as they stand, a curve per strategy and combination of its varied settings.
                const SweepPlan plan = sweep.readPlan();
                described << tr("%1. %2 (%3)").arg(r + 1).arg(paths[r], q(loopOptionsText(plan.base.loop, plan.axes.coldStarts)));
                for (const SweepGroup& group : collectSweep(sweep, plan).groups) {
                    QString setting;
                    for (const auto& [name, value] : group.settings) setting += QString(" %1 %2").arg(QString::fromStdString(name), QString::fromStdString(value));
                    for (const CurveRow& row : group.rows) {
                        plot->addPoint(tr("%1. %2%3").arg(r + 1).arg(q(strategyName(row.strategy)), setting).toStdString(),
                                       row.repeat, row.labels, row.accuracy, row.kappa);
                    }
                }
                continue;
            }
            // Validated whole, like every reader of runs; a damaged one is named and left out.
            ActiveLearningSettings settings;
            const ActiveLearningRunFolder folder(paths[r].toStdString());
            const std::vector<CurveRow> rows = folder.validate(&settings);
            described << tr("%1. %2 (%3)").arg(r + 1).arg(paths[r], q(loopOptionsText(settings.loop)));
            for (const CurveRow& row : rows) {
                plot->addPoint(tr("%1. %2").arg(r + 1).arg(q(strategyName(row.strategy))).toStdString(), row.repeat,
                               row.labels, row.accuracy, row.kappa);
            }
        } catch (const std::exception& e) {
            problems << QString::fromStdString(e.what());
        }
    }
    auto* note = new QLabel(tr("Runs: %1").arg(described.join("; ")) + (problems.isEmpty() ? QString() : tr("\nLeft out: %1").arg(problems.join("; "))), window);
    note->setWordWrap(true);
    layout->addWidget(note);
    window->resize(900, 600);
    window->show();
    lastCurveComparison_ = plot;
    Q_EMIT comparisonShown();
    return true;
}

void MainWindow::connectActiveLearning() {
    connect(alPage_, &ActiveLearningPage::runRequested, this, &MainWindow::startActiveLearning);
    connect(alPage_, &ActiveLearningPage::stopRequested, this, &MainWindow::stop);
    connect(alPage_, &ActiveLearningPage::labelsGiven, this, [this](const std::vector<int64_t>& labels) {
        if (worker_) worker_->provideLabels(labels);
    });
    connect(worker_, &JobWorker::alRound, alPage_, &ActiveLearningPage::addRound);
    connect(worker_, &JobWorker::alLabelsNeeded, alPage_, &ActiveLearningPage::askForLabels);
    connect(worker_, &JobWorker::pileBatchNeeded, alPage_, &ActiveLearningPage::askPile);
    // Straight to the worker (thread-safe): it records each answer while the person goes on.
    connect(alPage_, &ActiveLearningPage::pileAnswered, this, [this](const PileAnswer& answer) {
        if (worker_) worker_->provideAnswer(answer);
    });
    connect(worker_, &JobWorker::alFinished, this, [this](const QString& message) {
        setBusy(false);
        alPage_->setRunning(false);
        statusBar()->showMessage(message, 10000);
        Q_EMIT activeLearningFinished();
    });
    connect(worker_, &JobWorker::activeLearningRunOpened, this, [this](const AlOpenedRun& run) {
        setBusy(false);
        alRunDir_ = QString::fromStdString(run.dir);
        // A resume reads the run's dataset: show whether it is found here.
        panel_->selectDataset(q(run.request.settings.data.spec.name));
        panel_->showImageFolderOf(run.request.settings.data.spec.name, run.request.settings.data.dataDir);
        alPage_->showOpenedRun(run);
        tabs_->setCurrentWidget(alPage_);
        statusBar()->showMessage(tr("Opened the active-learning run in %1 (%2 rounds); Resume continues it.")
                                     .arg(alRunDir_).arg(run.rounds.size()), 15000);
        Q_EMIT activeLearningRunOpened(alRunDir_);
    });
}

void MainWindow::exportModel(const QString& chosen) {
    if (!results_) {
        statusBar()->showMessage(tr("Train a model, or open a run that keeps its model, first."), 10000);
        return;
    }
    const QString file = chosen.isEmpty() ? QFileDialog::getSaveFileName(this, tr("Export the model as TorchScript"),
                                                                         QDir::homePath() + "/model.pt",
                                                                         tr("TorchScript (*.pt)"))
                                          : chosen;
    if (!file.isEmpty()) Q_EMIT exportModelRequested(file);
}

void MainWindow::exportLabels(const QString& chosen) {
    const QString dir = QString::fromStdString(alPage_->runFolder());
    if (dir.isEmpty()) {
        statusBar()->showMessage(tr("Open or run an active-learning run that labels a pile first."), 10000);
        return;
    }
    const QString file =
        chosen.isEmpty() ? QFileDialog::getSaveFileName(this, tr("Export the labels you gave"), dir + "/my-labels.csv",
                                                        tr("CSV files (*.csv)"))
                         : chosen;
    if (file.isEmpty()) return;
    try {
        const int64_t written = ActiveLearningRunFolder(s(dir)).exportLabels(s(file));
        statusBar()->showMessage(tr("%1 labels written to %2 (path,label)").arg(written).arg(file), 10000);
    } catch (const std::exception& e) {
        QMessageBox::warning(this, tr("Cannot export the labels"), QString::fromStdString(e.what()));
    }
}

}  // namespace alx::ui
