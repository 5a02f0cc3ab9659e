#include "window/main_window.h"
#include "text.h"

#include <QCloseEvent>
#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QLabel>
#include <QMessageBox>
#include <QScrollArea>
#include <QSettings>
#include <QSplitter>
#include <QStandardPaths>
#include <QStatusBar>
#include <QTabWidget>

#include "pages/active_learning_page.h"
#include "pages/map_page.h"
#include "alx/storage/runs_library.h"
#include "alx/util/build_info.h"
#include "worker/job_worker.h"
#include "plots/loss_plot.h"
#include "pages/results_view.h"
#include "window/run_actions.h"
#include "plots/score_histograms.h"
#include "pages/suspect_labels_page.h"
#include "pages/training_panel.h"
#include "pages/training_view.h"
#include "widgets/uncertain_grid.h"

namespace alx::ui {

namespace {

// <runs folder>/<yyyyMMdd-HHmmss>-al-<model>-<dataset>, created; a
// suffix keeps two runs started in the same second apart. Empty on failure.
QString newActiveLearningFolder(const ActiveLearningJobRequest& request) {
    const QString base = MainWindow::runsFolder() + "/" +
                         QDateTime::currentDateTime().toString("yyyyMMdd-HHmmss") + "-al-" +
                         q(request.settings.loop.model) + "-" + q(request.settings.data.spec.name);
    QString dir = base;
    for (int n = 2; QFileInfo::exists(dir); ++n) dir = base + "-" + QString::number(n);
    return QDir().mkpath(dir) ? dir : QString();
}

}  // namespace

QString MainWindow::runsFolder() {
    const QString chosen = qEnvironmentVariable("ALX_RUNS_DIR");
    if (!chosen.isEmpty()) return chosen;
    return QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation) + "/alx/runs";
}

void MainWindow::warn(const QString& title, const QString& message) {
    if (!qEnvironmentVariableIsSet("ALX_NO_DIALOGS")) QMessageBox::warning(this, title, message);
}

MainWindow::MainWindow(QWidget* parent) : QMainWindow(parent), worker_(new JobWorker) {
    setWindowTitle(tr("ALX, the Active Learning Explorer"));
    setWindowIcon(QIcon::fromTheme("alx", QIcon(":/icons/alx-256.png")));
    qRegisterMetaType<TrainJobRequest>();
    qRegisterMetaType<BatchPoint>();
    qRegisterMetaType<EpochReport>();
    qRegisterMetaType<RunResultsPtr>();
    qRegisterMetaType<ActiveLearningJobRequest>();
    qRegisterMetaType<AlRoundPoint>();
    qRegisterMetaType<AlQuery>();
    qRegisterMetaType<PileBatch>();
    qRegisterMetaType<AlOpenedRun>();
    qRegisterMetaType<MapDataPtr>();
    qRegisterMetaType<ComparisonDataPtr>();
    qRegisterMetaType<AuditViewPtr>();

    // The worker lives in its own thread; every call to it is a queued signal.
    worker_->moveToThread(&workerThread_);
    connect(&workerThread_, &QThread::finished, worker_, &QObject::deleteLater);
    workerThread_.start();

    auto* splitter = new QSplitter(this);
    auto* panelScroll = new QScrollArea(splitter);
    panelScroll->setWidgetResizable(true);
    panel_ = new TrainingPanel;
    panelScroll->setWidget(panel_);
    panelScroll->setMinimumWidth(330);
    panelScroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    splitter->addWidget(panelScroll);
    splitter->addWidget(buildPages());
    splitter->setStretchFactor(1, 1);
    setCentralWidget(splitter);

    deviceStatus_ = new QLabel(cudaAvailable() ? tr("CUDA available") : tr("CPU only (no CUDA)"), this);
    statusBar()->addPermanentWidget(deviceStatus_);
    actions_ = new RunActions(this);

    connectPanel();
    connectWorker();
    connectActiveLearning();
    connectRuns();
    connectAudits();
    connectSweeps();
    loadSettings();
    setBusy(false);
}

MainWindow::~MainWindow() { shutDown(); }

void MainWindow::connectPanel() {
    connect(panel_, &TrainingPanel::trainClicked, this, &MainWindow::startTraining);
    connect(panel_, &TrainingPanel::stopClicked, this, &MainWindow::stop);
    connect(panel_, &TrainingPanel::downloadClicked, this, &MainWindow::startDownload);
    connect(panel_, &TrainingPanel::message, this, [this](const QString& text) { statusBar()->showMessage(text, 15000); });
    connect(actions_, &RunActions::openTriggered, this, [this] { openRunFrom(); });
    connect(actions_, &RunActions::saveTriggered, this, [this] { saveRunAs(); });
    connect(actions_, &RunActions::exportTriggered, this, [this] { exportPlots(); });
    connect(actions_, &RunActions::exportLabelsTriggered, this, [this] { exportLabels(); });
    connect(actions_, &RunActions::exportModelTriggered, this, [this] { exportModel(); });
    connect(actions_, &RunActions::trainTriggered, this, &MainWindow::startTraining);
    connect(actions_, &RunActions::stopTriggered, this, &MainWindow::stop);
}

void MainWindow::connectWorker() {
    connect(this, &MainWindow::trainRequested, worker_, &JobWorker::train);
    connect(this, &MainWindow::downloadRequested, worker_, &JobWorker::download);
    connect(this, &MainWindow::saveRequested, worker_, &JobWorker::saveRun);
    connect(this, &MainWindow::exportModelRequested, worker_, &JobWorker::exportModel);
    connect(worker_, &JobWorker::modelExported, this, [this](const QString& file, const QString& model) {
        statusBar()->showMessage(tr("%1 written to %2 as TorchScript (pixels in [0, 1] in)").arg(model, file), 15000);
    });
    connect(this, &MainWindow::openRequested, worker_, &JobWorker::openRun);
    connect(this, &MainWindow::activeLearningRequested, worker_, &JobWorker::runActiveLearning);
    connect(this, &MainWindow::mapRequested, worker_, &JobWorker::computeMap);
    connect(worker_, &JobWorker::mapUpdated, this, [this](const MapDataPtr& map) {
        mapPage_->setMap(map);
        if (!map->final || !busy_) return;  // a map opened with its run does not end a job
        setBusy(false);
        mapPage_->setRunning(false);
        Q_EMIT mapFinished();
    });

    connect(worker_, &JobWorker::trainingStarted, this, [this](const QString& device, qlonglong train, qlonglong test) {
        deviceStatus_->setText(tr("Device: %1").arg(device));
        trainingView_->started(device, train, test);
    });
    connect(worker_, &JobWorker::batchProgress, trainingView_, &TrainingView::batch);
    connect(worker_, &JobWorker::epochFinished, lossPlot(), &LossPlot::addEpoch);
    connect(worker_, &JobWorker::evaluating, trainingView_, &TrainingView::evaluating);
    connect(worker_, &JobWorker::finished, this, [this](const RunResultsPtr& r) {
        trainingView_->finished(*r);
        showResults(r);
        Q_EMIT runFinished();
    });
    connect(worker_, &JobWorker::stopped, this, [this](const QString& message) {
        setBusy(false);
        alPage_->setRunning(false);
        mapPage_->setRunning(false);
        trainingView_->say(message);
        statusBar()->showMessage(message, 10000);
        Q_EMIT runStopped(message);
    });
    connect(worker_, &JobWorker::failed, this, [this](const QString& title, const QString& message) {
        setBusy(false);
        alPage_->setRunning(false);
        mapPage_->setRunning(false);
        trainingView_->say(title + ": " + message);
        statusBar()->showMessage(title + ": " + message, 15000);
        warn(title, message);
        Q_EMIT runFailed(message);
    });
    connect(worker_, &JobWorker::downloadProgress, panel_, &TrainingPanel::showDownloadProgress);
    connect(worker_, &JobWorker::downloadFinished, this, [this](bool ok, const QString& message) {
        setBusy(false);
        panel_->endDownloadProgress();
        statusBar()->showMessage(message, 15000);
        if (!ok) warn(tr("Download"), message);
    });
    connect(worker_, &JobWorker::runKept, this, [this](const QString& dir) {
        suspectPage_->setRunDir(dir);
        statusBar()->showMessage(tr("Run kept in %1").arg(dir), 10000);
        Q_EMIT runKept(dir);
    });
    connect(worker_, &JobWorker::runSaved, this, [this](const QString& dir) {
        setBusy(false);
        suspectPage_->setRunDir(dir);
        statusBar()->showMessage(tr("Run saved to %1").arg(dir), 10000);
        Q_EMIT runSaved(dir);
    });
    connect(worker_, &JobWorker::runOpened, this, [this](const RunResultsPtr& r, const QString& dir) {
        trainingView_->opened(*r, dir);
        panel_->showImageFolderOf(r->summary.dataset, r->summary.dataDir);
        showResults(r);
        suspectPage_->setRunDir(dir);
        Q_EMIT runFinished();
    });
}

void MainWindow::setDataDirectory(const QString& dir) { panel_->setDataDirectory(dir); }
void MainWindow::selectModel(const QString& name) { panel_->selectModel(name); }
void MainWindow::selectDataset(const QString& name) { panel_->selectDataset(name); }
void MainWindow::setEpochs(int epochs) { panel_->setEpochs(epochs); }
void MainWindow::setSubset(int trainImages, int testImages) { panel_->setSubset(trainImages, testImages); }
LossPlot* MainWindow::lossPlot() const { return trainingView_->lossPlot(); }
ConfusionView* MainWindow::confusionView() const { return resultsView_->confusionView(); }
QPushButton* MainWindow::trainButton() const { return panel_->trainButton(); }
QPushButton* MainWindow::stopButton() const { return panel_->stopButton(); }

void MainWindow::setBusy(bool busy, const QString& what) {
    busy_ = busy;
    panel_->setBusy(busy);
    actions_->setBusy(busy, results_ != nullptr);
    if (!what.isEmpty()) {
        statusBar()->showMessage(what);
    } else if (!busy) {
        statusBar()->clearMessage();
    }
}

void MainWindow::startTraining() { startTrainingWith(panel_->trainRequest()); }

void MainWindow::startTrainingWith(TrainJobRequest request) {
    if (busy_ || !worker_) return;
    // Every run is kept: written as it trains into a new folder of the runs
    // folder, so that neither a finished nor a stopped run is lost.
    try {
        request.outDir = RunsLibrary(s(runsFolder())).newRunFolder(request.model, request.data.spec.name);
    } catch (const std::exception& e) {
        statusBar()->showMessage(tr("This run will not be kept: %1").arg(QString::fromStdString(e.what())), 15000);
    }
    results_.reset();
    histograms_->clear();
    grid_->clear();
    resultsView_->clear(tr("Training…"));
    trainingView_->begin(tr("Loading %1…").arg(panel_->datasetDisplayName()));
    tabs_->setCurrentWidget(trainingView_);
    setBusy(true, tr("Training %1 on %2").arg(panel_->modelDisplayName(), panel_->datasetDisplayName()));
    saveSettings();
    worker_->clearStop();  // before queuing: a Stop from now on ends this job
    Q_EMIT trainRequested(request);
}

void MainWindow::startActiveLearning(ActiveLearningJobRequest request) {
    if (busy_ || !worker_) return;
    // A resumed run keeps its dataset, seed and subset (the folder's settings
    // must match); the data folder and device are the panel's.
    panel_->fillActiveLearningRequest(request, request.resume);
    QString status;
    if (request.resume) {
        status = tr("Resuming the active-learning run in %1…").arg(QString::fromStdString(request.outDir));
    } else {
        const QString dir = newActiveLearningFolder(request);
        if (dir.isEmpty()) {
            const QString message = tr("Cannot create a folder for the run under %1")
                                        .arg(runsFolder());
            statusBar()->showMessage(message, 15000);
            warn(tr("Cannot run active learning"), message);
            Q_EMIT runFailed(message);
            return;
        }
        request.outDir = dir.toStdString();
        alPage_->clearCurves();
        status = tr("Active learning on %1; the run is written to %2").arg(panel_->datasetDisplayName(), dir);
    }
    alRunDir_ = QString::fromStdString(request.outDir);
    alPage_->setResumable(request);  // a stopped run can be continued
    alPage_->setRunning(true);
    setBusy(true, status);
    worker_->clearStop();  // before queuing: a Stop from now on ends this job
    Q_EMIT activeLearningRequested(request);
}

void MainWindow::startDownload(const QString& dataset) {
    if (busy_ || !worker_) return;
    setBusy(true, tr("Downloading…"));
    panel_->startDownloadProgress();
    worker_->clearStop();  // before queuing: a Stop from now on ends this job
    Q_EMIT downloadRequested(dataset);
}

void MainWindow::stop() {
    if (!busy_ || !worker_) return;
    worker_->requestStop();
    statusBar()->showMessage(tr("Stopping…"));
}

void MainWindow::startMap(const QString& method, const QString& split) {
    if (busy_ || !results_ || !worker_) return;
    mapPage_->setRunning(true);
    setBusy(true, method == "tsne" ? tr("t-SNE map of the run's embeddings…") : tr("PCA map of the run's embeddings…"));
    worker_->clearStop();  // before queuing: a Stop from now on ends this job
    Q_EMIT mapRequested(method, split, panel_->dataDirectory());
}

void MainWindow::showResults(const RunResultsPtr& r) {
    results_ = r;
    mapPage_->setResults(r);
    resultsView_->setResults(r);
    histograms_->setResults(r);
    grid_->setResults(r);
    suspectPage_->setResults(r);
    setBusy(false);
}

void MainWindow::saveRunAs(const QString& chosen) {
    if (!results_ || busy_ || !worker_) return;
    const QString dir = chosen.isEmpty() ? QFileDialog::getExistingDirectory(this, tr("Save the run into a folder")) : chosen;
    if (dir.isEmpty()) return;
    setBusy(true, tr("Saving the run…"));
    Q_EMIT saveRequested(dir);
}

void MainWindow::openRunFrom(const QString& chosen) {
    if (!worker_) return;
    const QString dir =
        chosen.isEmpty()
            ? QFileDialog::getExistingDirectory(this, tr("Open a run folder (Save run, alx-cli train, al or sweep)"))
            : chosen;
    // A sweep opens in a window of its own, so it may open while a job runs.
    if (dir.isEmpty() || openSweep(dir)) return;
    if (busy_) return statusBar()->showMessage(tr("A job is running; open the run once it has ended."), 10000);
    setBusy(true, tr("Opening %1…").arg(dir));
    Q_EMIT openRequested(dir, panel_->dataDirectory());
}

void MainWindow::exportPlots(const QString& chosen) {
    if (!results_) return;
    const QString dir = chosen.isEmpty() ? QFileDialog::getExistingDirectory(this, tr("Export the plots into a folder")) : chosen;
    if (dir.isEmpty()) return;
    const bool ok = exportPlotFiles(dir, lossPlot(), histograms_);
    statusBar()->showMessage(ok ? tr("Plots exported to %1 (PNG and PDF)").arg(dir)
                                : tr("Some plots could not be written to %1").arg(dir),
                             10000);
}

void MainWindow::loadSettings() {
    {
        const QSettings probe;
        if (probe.status() == QSettings::FormatError) {
            // A damaged settings file: start from the defaults. QSettings
            // never writes over a file it could not parse, so the file is
            // set aside (as <name>.damaged) for the next save to start afresh.
            const QString path = probe.fileName();
            QFile::remove(path + ".damaged");
            QFile::rename(path, path + ".damaged");
            statusBar()->showMessage(tr("The settings file %1 was damaged; using the defaults.").arg(path), 15000);
            qWarning("alx: damaged settings file %s: using the defaults", qPrintable(path));
        }
    }
    QSettings settings;
    // Version 1 is the first; files without a version predate it and read the same.
    if (settings.value("settingsVersion", 1).toInt() > 1) {
        settings.clear();
        statusBar()->showMessage(tr("Settings written by a newer ALX were reset to the defaults."), 15000);
    }
    if (!restoreGeometry(settings.value("window/geometry").toByteArray())) resize(1280, 820);
    panel_->loadSettings(settings);
}

void MainWindow::saveSettings() const {
    QSettings settings;
    settings.setValue("settingsVersion", 1);
    settings.setValue("window/geometry", saveGeometry());
    panel_->saveSettings(settings);
}

void MainWindow::shutDown() {
    // Jobs poll the stop flag between files, batches and chunks (and a
    // wait for labels is released), so this wait is short; whatever the
    // worker reports afterwards goes nowhere. The thread's end deletes it.
    if (!workerThread_.isRunning()) return;
    worker_->requestStop();
    workerThread_.quit();
    workerThread_.wait();
    worker_ = nullptr;
}

void MainWindow::closeEvent(QCloseEvent* event) {
    saveSettings();
    shutDown();
    event->accept();
}

}  // namespace alx::ui
