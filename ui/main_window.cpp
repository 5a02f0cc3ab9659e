#include "main_window.h"

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QComboBox>
#include <QDesktopServices>
#include <QDialog>
#include <QDialogButtonBox>
#include <QDir>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QGridLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QKeySequence>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QProgressBar>
#include <QPushButton>
#include <QScrollArea>
#include <QSettings>
#include <QSpinBox>
#include <QSplitter>
#include <QStatusBar>
#include <QTabWidget>
#include <QVBoxLayout>
#include <qcustomplot.h>

#include "alx/build_info.h"
#include "alx/dataset_catalog.h"
#include "alx/errors.h"
#include "alx/version.h"
#include "active_learning_page.h"
#include "confusion_view.h"
#include "digit_detail_dialog.h"
#include "digit_tile.h"
#include "loss_plot.h"
#include "score_histograms.h"
#include "training_worker.h"
#include "uncertain_grid.h"

namespace alx::ui {

namespace {

// Saves a plot as PNG and PDF beside each other, each written to a
// temporary name first and renamed, so no torn file is left behind.
bool savePlot(QCustomPlot* plot, const QString& base) {
    const QString png = base + ".png", pdf = base + ".pdf";
    const bool ok = plot->savePng(png + ".part", 1200, 800) &&
                    plot->savePdf(pdf + ".part", 1200, 800);
    if (!ok) {
        QFile::remove(png + ".part");
        QFile::remove(pdf + ".part");
        return false;
    }
    return std::rename((png + ".part").toLocal8Bit().constData(), png.toLocal8Bit().constData()) == 0 &&
           std::rename((pdf + ".part").toLocal8Bit().constData(), pdf.toLocal8Bit().constData()) == 0;
}

QString formatDuration(double seconds) {
    const int s = int(seconds + 0.5);
    return s >= 3600 ? QString("%1:%2:%3").arg(s / 3600).arg(s / 60 % 60, 2, 10, QChar('0')).arg(s % 60, 2, 10, QChar('0'))
                     : QString("%1:%2").arg(s / 60).arg(s % 60, 2, 10, QChar('0'));
}

}  // namespace

MainWindow::MainWindow(QWidget* parent) : QMainWindow(parent), worker_(new TrainingWorker) {
    setWindowTitle(tr("ALX, the Active Learning Explorer"));
    setWindowIcon(QIcon::fromTheme("alx", QIcon(":/icons/alx-256.png")));
    qRegisterMetaType<TrainRequest>();
    qRegisterMetaType<BatchPoint>();
    qRegisterMetaType<EpochPoint>();
    qRegisterMetaType<RunResultsPtr>();
    qRegisterMetaType<AlRequest>();
    qRegisterMetaType<AlRoundPoint>();
    qRegisterMetaType<AlQuery>();

    // The worker lives in its own thread; every call to it is a queued signal.
    worker_->moveToThread(&workerThread_);
    connect(&workerThread_, &QThread::finished, worker_, &QObject::deleteLater);
    connect(this, &MainWindow::trainRequested, worker_, &TrainingWorker::train);
    connect(this, &MainWindow::downloadRequested, worker_, &TrainingWorker::download);
    connect(this, &MainWindow::saveRequested, worker_, &TrainingWorker::saveRun);
    connect(this, &MainWindow::openRequested, worker_, &TrainingWorker::openRun);
    connect(this, &MainWindow::activeLearningRequested, worker_, &TrainingWorker::runActiveLearning);
    workerThread_.start();

    auto* splitter = new QSplitter(this);
    auto* panelScroll = new QScrollArea(splitter);
    panelScroll->setWidgetResizable(true);
    panelScroll->setWidget(buildTrainPanel());
    panelScroll->setMinimumWidth(330);
    panelScroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    splitter->addWidget(panelScroll);

    tabs_ = new QTabWidget(splitter);
    auto* trainingTab = new QWidget(tabs_);
    auto* trainingLayout = new QVBoxLayout(trainingTab);
    lossPlot_ = new LossPlot(trainingTab);
    trainingLayout->addWidget(lossPlot_, 1);
    progress_ = new QProgressBar(trainingTab);
    progress_->setRange(0, 1000);
    progress_->setValue(0);
    progress_->setTextVisible(false);
    trainingLayout->addWidget(progress_);
    progressText_ = new QLabel(tr("Choose a model and a dataset, then click Train."), trainingTab);
    trainingLayout->addWidget(progressText_);
    tabs_->addTab(trainingTab, tr("&Training"));

    auto* resultsTab = new QWidget(tabs_);
    auto* resultsLayout = new QVBoxLayout(resultsTab);
    accuracy_ = new QLabel(tr("No results yet."), resultsTab);
    QFont big = accuracy_->font();
    big.setPointSizeF(big.pointSizeF() * 1.4);
    accuracy_->setFont(big);
    resultsLayout->addWidget(accuracy_);
    resultsLayout->addWidget(new QLabel(tr("Confusion matrix (rows: true label, columns: prediction); click a cell to see its images:"), resultsTab));
    confusion_ = new ConfusionView(resultsTab);
    resultsLayout->addWidget(confusion_, 1);
    tabs_->addTab(resultsTab, tr("&Results"));

    histograms_ = new ScoreHistograms(tabs_);
    tabs_->addTab(histograms_, tr("&Scores"));
    grid_ = new UncertainGrid(tabs_);
    tabs_->addTab(grid_, tr("&Uncertain digits"));
    alPage_ = new ActiveLearningPage(tabs_);
    tabs_->addTab(alPage_, tr("Active &learning"));
    splitter->addWidget(tabs_);
    splitter->setStretchFactor(1, 1);
    setCentralWidget(splitter);

    deviceStatus_ = new QLabel(this);
    statusBar()->addPermanentWidget(deviceStatus_);
    deviceStatus_->setText(cudaAvailable() ? tr("CUDA available") : tr("CPU only (no CUDA)"));

    connect(confusion_, &ConfusionView::cellChosen, this, [this](int label, int predicted) {
        showImages(tr("True %1, predicted %2").arg(label).arg(predicted), confusion_->imagesIn(label, predicted));
    });
    connect(grid_, &UncertainGrid::imageClicked, this, &MainWindow::showDetail);

    connect(worker_, &TrainingWorker::trainingStarted, this, [this](const QString& device, qlonglong train, qlonglong test) {
        deviceStatus_->setText(tr("Device: %1").arg(device));
        progressText_->setText(tr("Training on %1 images (%2 test images) on %3…").arg(train).arg(test).arg(device));
    });
    connect(worker_, &TrainingWorker::batchProgress, this, [this](const BatchPoint& b) {
        lossPlot_->addBatch(b);
        const double done = double(b.epoch - 1) * double(b.batches) + double(b.batch);
        const double total = double(b.epochs) * double(b.batches);
        progress_->setValue(int(1000 * done / std::max(1.0, total)));
        const double eta = b.elapsedSeconds * (total - done) / std::max(1.0, done);
        progressText_->setText(tr("Epoch %1 of %2, batch %3 of %4, loss %5, elapsed %6, about %7 left")
                                   .arg(b.epoch).arg(b.epochs).arg(b.batch).arg(b.batches).arg(b.loss, 0, 'f', 4)
                                   .arg(formatDuration(b.elapsedSeconds), formatDuration(eta)));
    });
    connect(worker_, &TrainingWorker::epochFinished, lossPlot_, &LossPlot::addEpoch);
    connect(worker_, &TrainingWorker::evaluating, this, [this] {
        progressText_->setText(tr("Evaluating the test set and computing the six scores and the neighbours…"));
    });
    connect(worker_, &TrainingWorker::finished, this, [this](const RunResultsPtr& r) {
        setBusy(false);
        progress_->setValue(1000);
        progressText_->setText(tr("Done: test accuracy %1 % after %2 of training, %3 to evaluate and score.")
                                   .arg(100 * r->accuracy, 0, 'f', 2).arg(formatDuration(r->trainSeconds))
                                   .arg(formatDuration(r->evalSeconds)));
        showResults(r);
        Q_EMIT runFinished();
    });
    connect(alPage_, &ActiveLearningPage::runRequested, this, [this](AlRequest request) {
        if (busy_) return;
        request.dataset = dataset_->currentData().toString().toStdString();
        request.dataDir = dataDir_.toStdString();
        request.device = device_->currentData().toString().toStdString();
        request.seed = uint64_t(seed_->value());
        alPage_->clearCurves();
        alPage_->setRunning(true);
        setBusy(true, tr("Active learning on %1…").arg(dataset_->currentText()));
        worker_->clearStop();  // before queuing: a Stop from now on ends this job
        Q_EMIT activeLearningRequested(request);
    });
    connect(alPage_, &ActiveLearningPage::stopRequested, this, &MainWindow::stop);
    connect(alPage_, &ActiveLearningPage::labelsGiven, this, [this](const std::vector<int64_t>& labels) {
        worker_->provideLabels(labels);
    });
    connect(worker_, &TrainingWorker::alRound, alPage_, &ActiveLearningPage::addRound);
    connect(worker_, &TrainingWorker::alLabelsNeeded, alPage_, &ActiveLearningPage::askForLabels);
    connect(worker_, &TrainingWorker::alFinished, this, [this](const QString& message) {
        setBusy(false);
        alPage_->setRunning(false);
        statusBar()->showMessage(message, 10000);
        Q_EMIT activeLearningFinished();
    });
    connect(worker_, &TrainingWorker::stopped, this, [this](const QString& message) {
        setBusy(false);
        alPage_->setRunning(false);
        progressText_->setText(message);
        statusBar()->showMessage(message, 10000);
        Q_EMIT runStopped(message);
    });
    connect(worker_, &TrainingWorker::failed, this, [this](const QString& title, const QString& message) {
        setBusy(false);
        alPage_->setRunning(false);
        progressText_->setText(title + ": " + message);
        if (!qEnvironmentVariableIsSet("ALX_NO_DIALOGS")) QMessageBox::warning(this, title, message);
        Q_EMIT runFailed(message);
    });
    connect(worker_, &TrainingWorker::downloadProgress, this, [this](int file, int files, qlonglong received, qlonglong total) {
        downloadProgress_->setVisible(true);
        downloadProgress_->setRange(0, 1000);
        const double fileFraction = total > 0 ? double(received) / double(total) : 0;
        downloadProgress_->setValue(int(1000 * (file + fileFraction) / std::max(1, files)));
    });
    connect(worker_, &TrainingWorker::downloadFinished, this, [this](bool ok, const QString& message) {
        setBusy(false);
        downloadProgress_->setVisible(false);
        refreshDatasetStatus();
        statusBar()->showMessage(message, 15000);
        if (!ok && !qEnvironmentVariableIsSet("ALX_NO_DIALOGS")) QMessageBox::warning(this, tr("Download"), message);
    });
    connect(worker_, &TrainingWorker::runSaved, this, [this](const QString& dir) {
        setBusy(false);
        statusBar()->showMessage(tr("Run saved to %1").arg(dir), 10000);
        Q_EMIT runSaved(dir);
    });
    connect(worker_, &TrainingWorker::runOpened, this, [this](const RunResultsPtr& r, const QString& dir) {
        setBusy(false);
        lossPlot_->clear();
        for (const EpochPoint& e : r->epochs) lossPlot_->addEpoch(e);
        progressText_->setText(tr("Opened %1: %2 on %3, test accuracy %4 %")
                                   .arg(dir, QString::fromStdString(r->modelDisplayName), QString::fromStdString(r->dataset))
                                   .arg(100 * r->accuracy, 0, 'f', 2));
        showResults(r);
        Q_EMIT runFinished();
    });

    buildMenus();
    loadSettings();
    refreshDatasetStatus();
    setBusy(false);
}

MainWindow::~MainWindow() {
    // After closeEvent the thread has ended and the worker is gone.
    if (workerThread_.isRunning()) {
        worker_->requestStop();
        workerThread_.quit();
        workerThread_.wait();
    }
}

QWidget* MainWindow::buildTrainPanel() {
    auto* panel = new QWidget;
    auto* layout = new QVBoxLayout(panel);

    auto* dataBox = new QGroupBox(tr("Data"), panel);
    auto* dataForm = new QFormLayout(dataBox);
    dataset_ = new QComboBox(dataBox);
    for (const auto& name : datasetNames()) {
        dataset_->addItem(QString::fromStdString(datasetSpec(name).displayName), QString::fromStdString(name));
    }
    dataForm->addRow(tr("&Dataset:"), dataset_);
    datasetStatus_ = new QLabel(dataBox);
    datasetStatus_->setWordWrap(true);
    dataForm->addRow(datasetStatus_);
    auto* dataButtons = new QHBoxLayout;
    auto* folderButton = new QPushButton(tr("Folder…"), dataBox);
    folderButton->setToolTip(tr("Choose a folder that holds the four IDX files"));
    downloadButton_ = new QPushButton(tr("Download"), dataBox);
    downloadButton_->setToolTip(tr("Download MNIST into the cache and check its MD5s"));
    dataButtons->addWidget(folderButton);
    dataButtons->addWidget(downloadButton_);
    dataForm->addRow(dataButtons);
    downloadProgress_ = new QProgressBar(dataBox);
    downloadProgress_->setVisible(false);
    dataForm->addRow(downloadProgress_);
    trainImages_ = new QSpinBox(dataBox);
    trainImages_->setRange(0, 60000);
    trainImages_->setSingleStep(1000);
    trainImages_->setSpecialValueText(tr("all"));
    trainImages_->setToolTip(tr("Train on the first N training images only (a quick look)"));
    dataForm->addRow(tr("Training images:"), trainImages_);
    testImages_ = new QSpinBox(dataBox);
    testImages_->setRange(0, 10000);
    testImages_->setSingleStep(1000);
    testImages_->setSpecialValueText(tr("all"));
    dataForm->addRow(tr("Test images:"), testImages_);
    validation_ = new QSpinBox(dataBox);
    validation_->setRange(0, 30000);
    validation_->setSingleStep(1000);
    validation_->setSpecialValueText(tr("none"));
    validation_->setToolTip(tr("Hold out N training images to plot validation accuracy per epoch"));
    dataForm->addRow(tr("Validation images:"), validation_);
    layout->addWidget(dataBox);

    auto* modelBox = new QGroupBox(tr("Model"), panel);
    auto* modelForm = new QFormLayout(modelBox);
    model_ = new QComboBox(modelBox);
    for (const ModelChoice& m : modelChoices()) {
        model_->addItem(QString::fromStdString(m.displayName), QString::fromStdString(m.name));
    }
    modelForm->addRow(tr("&Model:"), model_);
    modelSummary_ = new QLabel(modelBox);
    modelSummary_->setWordWrap(true);
    modelForm->addRow(modelSummary_);
    optimiser_ = new QComboBox(modelBox);
    optimiser_->addItem(tr("Adam"), "adam");
    optimiser_->addItem(tr("SGD, momentum 0.9"), "sgd");
    modelForm->addRow(tr("Optimiser:"), optimiser_);
    learningRate_ = new QDoubleSpinBox(modelBox);
    learningRate_->setDecimals(5);
    learningRate_->setRange(0.00001, 10.0);
    learningRate_->setSingleStep(0.0005);
    modelForm->addRow(tr("&Learning rate:"), learningRate_);
    batchSize_ = new QSpinBox(modelBox);
    batchSize_->setRange(1, 4096);
    modelForm->addRow(tr("&Batch size:"), batchSize_);
    epochs_ = new QSpinBox(modelBox);
    epochs_->setRange(1, 1000);
    modelForm->addRow(tr("&Epochs:"), epochs_);
    auto* presetButton = new QPushButton(tr("Notebook preset"), modelBox);
    presetButton->setToolTip(tr("Restore the notebook's optimiser, learning rate, batch size and epochs"));
    modelForm->addRow(presetButton);
    layout->addWidget(modelBox);

    auto* runBox = new QGroupBox(tr("Run"), panel);
    auto* runForm = new QFormLayout(runBox);
    device_ = new QComboBox(runBox);
    device_->addItem(tr("Automatic"), "auto");
    device_->addItem(tr("CPU"), "cpu");
    if (cudaAvailable()) device_->addItem(tr("CUDA GPU"), "cuda");  // offered only when present
    runForm->addRow(tr("De&vice:"), device_);
    seed_ = new QSpinBox(runBox);
    seed_->setRange(0, 1000000);
    runForm->addRow(tr("&Seed:"), seed_);
    neighbours_ = new QSpinBox(runBox);
    neighbours_->setRange(1, 50);
    neighbours_->setValue(5);
    neighbours_->setToolTip(tr("Nearest neighbours per image for the neighbour scores and the grid"));
    runForm->addRow(tr("&Neighbours:"), neighbours_);
    auto* buttons = new QHBoxLayout;
    trainButton_ = new QPushButton(tr("Train"), runBox);
    trainButton_->setDefault(true);
    stopButton_ = new QPushButton(tr("Stop"), runBox);
    buttons->addWidget(trainButton_);
    buttons->addWidget(stopButton_);
    runForm->addRow(buttons);
    layout->addWidget(runBox);
    layout->addStretch();

    connect(model_, &QComboBox::currentIndexChanged, this, [this] { applyPreset(model_->currentData().toString()); });
    connect(presetButton, &QPushButton::clicked, this, [this] { applyPreset(model_->currentData().toString()); });
    connect(dataset_, &QComboBox::currentIndexChanged, this, &MainWindow::refreshDatasetStatus);
    connect(trainButton_, &QPushButton::clicked, this, &MainWindow::startTraining);
    connect(stopButton_, &QPushButton::clicked, this, &MainWindow::stop);
    connect(folderButton, &QPushButton::clicked, this, [this] {
        const QString dir = QFileDialog::getExistingDirectory(this, tr("Folder with the dataset's IDX files"), dataDir_);
        if (!dir.isEmpty()) setDataDirectory(dir);
    });
    connect(downloadButton_, &QPushButton::clicked, this, [this] {
        setBusy(true, tr("Downloading…"));
        downloadProgress_->setVisible(true);
        downloadProgress_->setValue(0);
        worker_->clearStop();  // before queuing: a Stop from now on ends this job
        Q_EMIT downloadRequested(dataset_->currentData().toString());
    });
    return panel;
}

void MainWindow::buildMenus() {
    QMenu* file = menuBar()->addMenu(tr("&File"));
    QAction* open = file->addAction(tr("&Open run…"), this, [this] { openRunFrom(); });
    open->setShortcut(QKeySequence::Open);
    saveAction_ = file->addAction(tr("&Save run…"), this, [this] { saveRunAs(); });
    saveAction_->setShortcut(QKeySequence::Save);
    exportAction_ = file->addAction(tr("&Export plots (PNG and PDF)…"), this, [this] { exportPlots(); });
    exportAction_->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_E));
    file->addSeparator();
    QAction* quit = file->addAction(tr("&Quit"), this, &QWidget::close);
    quit->setShortcut(QKeySequence::Quit);

    QMenu* run = menuBar()->addMenu(tr("&Run"));
    trainAction_ = run->addAction(tr("&Train"), this, &MainWindow::startTraining);
    trainAction_->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Return));
    stopAction_ = run->addAction(tr("&Stop"), this, &MainWindow::stop);
    stopAction_->setShortcut(QKeySequence::Cancel);  // Esc

    QMenu* help = menuBar()->addMenu(tr("&Help"));
    help->addAction(tr("&Usage"), this, [this] {
        QMessageBox::information(
            this, tr("Using ALX"),
            tr("<p>1. Pick a dataset (MNIST is downloaded with <b>Download</b>; Fashion-MNIST comes with Debian) "
               "and a model; its notebook preset fills the fields.</p>"
               "<p>2. <b>Train</b> (Ctrl+Return). The loss is plotted live; <b>Stop</b> (Esc) ends the run and keeps the curve.</p>"
               "<p>3. After evaluation: <b>Results</b> shows the accuracy and the confusion matrix, <b>Scores</b> one histogram per "
               "score, <b>Uncertain digits</b> the images a score ranks most uncertain beside their nearest neighbours. "
               "Click an image for its probabilities.</p>"
               "<p>4. <b>File › Save run</b> keeps the weights and every result; <b>Open run</b> shows them again without "
               "training. The same folder layout is what <tt>alx-cli train</tt> writes. See README.md for the details.</p>"));
    });
    help->addAction(tr("&About ALX"), this, [this] {
        QMessageBox::about(
            this, tr("About ALX"),
            tr("<h3>ALX %1</h3><p>The Active Learning Explorer: train CNNs on handwritten digits and see which images "
               "they are unsure of, and why.</p><p>LibTorch %2, Qt %3; %4.<br>%5</p>"
               "<p>MNIST: Yann LeCun, Corinna Cortes, Christopher J.C. Burges, CC BY-SA 3.0.<br>"
               "Fashion-MNIST: Zalando SE, MIT licence.<br>Plots: QCustomPlot (GPL).</p>")
                .arg(kVersion, QString::fromStdString(libtorchVersion()), qVersion(),
                     cudaAvailable() ? tr("CUDA available") : tr("CPU only"), QString::fromStdString(blasNote())));
    });
}

void MainWindow::applyPreset(const QString& name) {
    for (const ModelChoice& m : modelChoices()) {
        if (QString::fromStdString(m.name) != name) continue;
        modelSummary_->setText(tr("%1<br><small>embedding: %2</small>")
                                   .arg(QString::fromStdString(m.summary), QString::fromStdString(m.embedding)));
        optimiser_->setCurrentIndex(optimiser_->findData(QString::fromStdString(m.optimiser)));
        learningRate_->setValue(m.learningRate);
        batchSize_->setValue(int(m.batchSize));
        epochs_->setValue(m.epochs);
    }
}

void MainWindow::refreshDatasetStatus() {
    const std::string name = dataset_->currentData().toString().toStdString();
    const DatasetSpec& spec = datasetSpec(name);
    QString text;
    bool found = false;
    try {
        if (const auto where = locateDataset(spec, dataDir_.toStdString())) {
            text = tr("Found in %1").arg(QString::fromStdString(where->dir));
            found = true;
        } else {
            text = tr("Not found on this machine.");
        }
    } catch (const InputError& e) {
        text = QString::fromStdString(e.what());
    }
    datasetStatus_->setText(text);
    datasetStatus_->setStyleSheet(found ? "color: #2a7d2a" : "color: #b22222");
    downloadButton_->setVisible(!spec.mirrors.empty() && !found);
}

void MainWindow::setDataDirectory(const QString& dir) {
    dataDir_ = dir;
    refreshDatasetStatus();
}

void MainWindow::selectModel(const QString& name) { model_->setCurrentIndex(model_->findData(name)); }
void MainWindow::selectDataset(const QString& name) { dataset_->setCurrentIndex(dataset_->findData(name)); }
void MainWindow::setEpochs(int epochs) { epochs_->setValue(epochs); }
void MainWindow::setSubset(int trainImages, int testImages) {
    trainImages_->setValue(trainImages);
    testImages_->setValue(testImages);
}

void MainWindow::setBusy(bool busy, const QString& what) {
    busy_ = busy;
    trainButton_->setEnabled(!busy);
    trainAction_->setEnabled(!busy);
    stopButton_->setEnabled(busy);
    stopAction_->setEnabled(busy);
    downloadButton_->setEnabled(!busy);
    saveAction_->setEnabled(!busy && results_ != nullptr);
    exportAction_->setEnabled(!busy && results_ != nullptr);
    if (!what.isEmpty()) {
        statusBar()->showMessage(what);
    } else if (!busy) {
        statusBar()->clearMessage();
    }
}

void MainWindow::startTraining() {
    if (busy_) return;
    TrainRequest r;
    r.dataset = dataset_->currentData().toString().toStdString();
    r.dataDir = dataDir_.toStdString();
    r.model = model_->currentData().toString().toStdString();
    r.optimiser = optimiser_->currentData().toString().toStdString();
    r.learningRate = learningRate_->value();
    r.batchSize = batchSize_->value();
    r.epochs = epochs_->value();
    r.device = device_->currentData().toString().toStdString();
    r.seed = uint64_t(seed_->value());
    r.validation = validation_->value();
    r.neighbours = neighbours_->value();
    r.trainImages = trainImages_->value();
    r.testImages = testImages_->value();
    results_.reset();
    lossPlot_->clear();
    histograms_->clear();
    grid_->clear();
    confusion_->clearResults();
    accuracy_->setText(tr("Training…"));
    progress_->setValue(0);
    progressText_->setText(tr("Loading %1…").arg(dataset_->currentText()));
    tabs_->setCurrentIndex(0);
    setBusy(true, tr("Training %1 on %2").arg(model_->currentText(), dataset_->currentText()));
    saveSettings();
    worker_->clearStop();  // before queuing: a Stop from now on ends this job
    Q_EMIT trainRequested(r);
}

void MainWindow::stop() {
    if (!busy_) return;
    worker_->requestStop();
    statusBar()->showMessage(tr("Stopping…"));
}

void MainWindow::showResults(const RunResultsPtr& r) {
    results_ = r;
    accuracy_->setText(tr("%1 on %2: test accuracy <b>%3 %</b> (%4 of %5 images)")
                           .arg(QString::fromStdString(r->modelDisplayName),
                                QString::fromStdString(datasetSpec(r->dataset).displayName))
                           .arg(100 * r->accuracy, 0, 'f', 2)
                           .arg(int64_t(r->accuracy * double(r->count) + 0.5))
                           .arg(r->count));
    confusion_->setResults(r);
    histograms_->setResults(r);
    grid_->setResults(r);
    setBusy(false);
}

void MainWindow::showImages(const QString& title, const std::vector<int64_t>& indices) {
    if (!results_) return;
    auto* dialog = new QDialog(this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setWindowTitle(tr("%1: %2 images").arg(title).arg(indices.size()));
    auto* layout = new QVBoxLayout(dialog);
    auto* scroll = new QScrollArea(dialog);
    scroll->setWidgetResizable(true);
    auto* inner = new QWidget(scroll);
    auto* grid = new QGridLayout(inner);
    grid->setAlignment(Qt::AlignTop | Qt::AlignLeft);
    const int columns = 10;
    for (size_t k = 0; k < indices.size() && k < 500; ++k) {
        const int64_t i = indices[k];
        auto* tile = new DigitTile(results_->image(i), i, tr("#%1").arg(i), 48, inner);
        connect(tile, &DigitTile::clicked, this, &MainWindow::showDetail);
        grid->addWidget(tile, int(k) / columns, int(k) % columns);
    }
    scroll->setWidget(inner);
    layout->addWidget(scroll);
    if (indices.size() > 500) layout->addWidget(new QLabel(tr("The first 500 are shown."), dialog));
    dialog->resize(680, 520);
    dialog->show();
}

void MainWindow::showDetail(qint64 index) {
    if (!results_) return;
    auto* dialog = new DigitDetailDialog(results_, index, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->show();
}

void MainWindow::saveRunAs(const QString& chosen) {
    if (!results_ || busy_) return;
    const QString dir = chosen.isEmpty() ? QFileDialog::getExistingDirectory(this, tr("Save the run into a folder")) : chosen;
    if (dir.isEmpty()) return;
    setBusy(true, tr("Saving the run…"));
    Q_EMIT saveRequested(dir);
}

void MainWindow::openRunFrom(const QString& chosen) {
    if (busy_) return;
    const QString dir = chosen.isEmpty()
                            ? QFileDialog::getExistingDirectory(this, tr("Open a run folder (Save run or alx-cli train)"))
                            : chosen;
    if (dir.isEmpty()) return;
    setBusy(true, tr("Opening %1…").arg(dir));
    Q_EMIT openRequested(dir, dataDir_);
}

void MainWindow::exportPlots(const QString& chosen) {
    if (!results_) return;
    const QString dir = chosen.isEmpty() ? QFileDialog::getExistingDirectory(this, tr("Export the plots into a folder")) : chosen;
    if (dir.isEmpty()) return;
    bool ok = savePlot(lossPlot_->plot(), dir + "/loss");
    for (int kind = 0; kind < kScoreCount; ++kind) {
        ok = savePlot(histograms_->plot(kind), dir + "/histogram_" + scoreKeyName(kind)) && ok;
    }
    statusBar()->showMessage(ok ? tr("Plots exported to %1 (PNG and PDF)").arg(dir) : tr("Some plots could not be written to %1").arg(dir), 10000);
}

void MainWindow::loadSettings() {
    QSettings settings;
    if (settings.status() != QSettings::NoError) {
        // A damaged settings file: start from the defaults (it is rewritten on the next save).
        settings.clear();
        settings.sync();
        statusBar()->showMessage(tr("The settings file %1 was damaged; using the defaults.").arg(settings.fileName()), 15000);
        qWarning("alx: damaged settings file %s: using the defaults", qPrintable(settings.fileName()));
    }
    // Version 1 is the first; files without a version predate it and read the same.
    if (settings.value("settingsVersion", 1).toInt() > 1) {
        settings.clear();
        statusBar()->showMessage(tr("Settings written by a newer ALX were reset to the defaults."), 15000);
    }
    if (!restoreGeometry(settings.value("window/geometry").toByteArray())) resize(1280, 820);
    const QString model = settings.value("train/model", "lenet5").toString();
    model_->setCurrentIndex(std::max(0, model_->findData(model)));
    applyPreset(model_->currentData().toString());
    dataset_->setCurrentIndex(std::max(0, dataset_->findData(settings.value("train/dataset", "mnist").toString())));
    device_->setCurrentIndex(std::max(0, device_->findData(settings.value("train/device", "auto").toString())));
    seed_->setValue(settings.value("train/seed", 0).toInt());
    neighbours_->setValue(settings.value("train/neighbours", 5).toInt());
    dataDir_ = settings.value("data/dir").toString();
}

void MainWindow::saveSettings() const {
    QSettings settings;
    settings.setValue("settingsVersion", 1);
    settings.setValue("window/geometry", saveGeometry());
    settings.setValue("train/model", model_->currentData());
    settings.setValue("train/dataset", dataset_->currentData());
    settings.setValue("train/device", device_->currentData());
    settings.setValue("train/seed", seed_->value());
    settings.setValue("train/neighbours", neighbours_->value());
    settings.setValue("data/dir", dataDir_);
}

void MainWindow::closeEvent(QCloseEvent* event) {
    // The worker checks the flag between batches, so this wait is short;
    // whatever it reports afterwards goes nowhere.
    worker_->requestStop();
    saveSettings();
    workerThread_.quit();
    workerThread_.wait();
    event->accept();
}

}  // namespace alx::ui
