#include "pages/training_panel.h"

#include <QFileInfo>

#include "text.h"
#include "widgets/model_combo.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>
#include <QSettings>
#include <QSpinBox>
#include <QVBoxLayout>

#include <algorithm>
#include <optional>

#include "alx/data/dataset_catalog.h"
#include "alx/data/image_folder.h"
#include "alx/data/image_shape.h"
#include "alx/util/build_info.h"
#include "alx/util/errors.h"

namespace alx::ui {

namespace {

QSpinBox* countBox(QWidget* parent, int maximum, int step, const QString& zeroText) {
    auto* box = new QSpinBox(parent);
    box->setRange(0, maximum);
    box->setSingleStep(step);
    box->setSpecialValueText(zeroText);
    return box;
}

}  // namespace

TrainingPanel::TrainingPanel(QWidget* parent) : QWidget(parent) {
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(buildDataBox());
    layout->addWidget(buildModelBox());
    layout->addWidget(buildRunBox());
    layout->addStretch();

    connect(model_, &QComboBox::currentIndexChanged, this, [this] { applyPreset(model_->currentData().toString()); });
    connect(presetButton_, &QPushButton::clicked, this, [this] { applyPreset(model_->currentData().toString()); });
    connect(dataset_, &QComboBox::currentIndexChanged, this, &TrainingPanel::refreshDatasetStatus);
    connect(trainButton_, &QPushButton::clicked, this, &TrainingPanel::trainClicked);
    connect(stopButton_, &QPushButton::clicked, this, &TrainingPanel::stopClicked);
    connect(folderButton_, &QPushButton::clicked, this, [this] {
        const QString dir = QFileDialog::getExistingDirectory(this, tr("Folder with the dataset's IDX files"), dataDir_);
        if (!dir.isEmpty()) useDataFolder(dir);
    });
    connect(downloadButton_, &QPushButton::clicked, this, [this] { Q_EMIT downloadClicked(datasetName()); });
    applyPreset(model_->currentData().toString());
}

QWidget* TrainingPanel::buildDataBox() {
    auto* box = new QGroupBox(tr("Data"), this);
    auto* form = new QFormLayout(box);
    dataset_ = new QComboBox(box);
    for (const auto& name : datasetNames()) {
        dataset_->addItem(QString::fromStdString(datasetSpec(name).displayName), QString::fromStdString(name));
    }
    form->addRow(tr("&Dataset:"), dataset_);
    datasetStatus_ = new QLabel(box);
    datasetStatus_->setWordWrap(true);
    form->addRow(datasetStatus_);
    auto* buttons = new QHBoxLayout;
    folderButton_ = new QPushButton(tr("Folder…"), box);
    folderButton_->setToolTip(tr("Choose a folder that holds the four IDX files, or a folder of your own images"));
    downloadButton_ = new QPushButton(tr("Download"), box);
    downloadButton_->setToolTip(tr("Download MNIST into the cache and check its MD5s"));
    buttons->addWidget(folderButton_);
    buttons->addWidget(downloadButton_);
    form->addRow(buttons);
    downloadProgress_ = new QProgressBar(box);
    downloadProgress_->setVisible(false);
    form->addRow(downloadProgress_);
    form->addRow(buildImageOptions(box));
    trainImages_ = countBox(box, 60000, 1000, tr("all"));
    trainImages_->setToolTip(tr("Train on the first N training images only (a quick look); in active learning, the pool"));
    form->addRow(tr("Training images:"), trainImages_);
    testImages_ = countBox(box, 10000, 1000, tr("all"));
    form->addRow(tr("Test images:"), testImages_);
    validation_ = countBox(box, 30000, 1000, tr("none"));
    validation_->setToolTip(tr("Hold out N training images to plot validation accuracy per epoch"));
    form->addRow(tr("Validation images:"), validation_);
    return box;
}

// How an image folder's images become one tensor: shown for image folders only.
QWidget* TrainingPanel::buildImageOptions(QWidget* parent) {
    imageOptions_ = new QWidget(parent);
    auto* row = new QHBoxLayout(imageOptions_);
    row->setContentsMargins(0, 0, 0, 0);
    imageSize_ = new QComboBox(imageOptions_);
    imageSize_->setEditable(true);
    imageSize_->addItem(tr("own size"), QString());
    for (const char* size : {"28x28", "32x32", "64x64", "96x96", "128x128", "224x224"}) imageSize_->addItem(size, size);
    imageSize_->setToolTip(tr("Every image resized to HxW (e.g. 64x64); images of several sizes need one"));
    channels_ = new QComboBox(imageOptions_);
    channels_->addItem(tr("as they are"), 0);
    channels_->addItem(tr("grey"), 1);
    channels_->addItem(tr("colour"), 3);
    channels_->setToolTip(tr("As they are: grey when every image is grey, else colour"));
    row->addWidget(new QLabel(tr("Size:"), imageOptions_));
    row->addWidget(imageSize_, 1);
    row->addWidget(new QLabel(tr("Colour:"), imageOptions_));
    row->addWidget(channels_, 1);
    return imageOptions_;
}

QWidget* TrainingPanel::buildModelBox() {
    auto* box = new QGroupBox(tr("Model"), this);
    auto* form = new QFormLayout(box);
    model_ = new ModelCombo(box);
    form->addRow(tr("&Model:"), model_);
    modelSummary_ = new QLabel(box);
    modelSummary_->setWordWrap(true);
    form->addRow(modelSummary_);
    optimiser_ = new QComboBox(box);
    optimiser_->addItem(tr("Adam"), "adam");
    optimiser_->addItem(tr("SGD, momentum 0.9"), "sgd");
    form->addRow(tr("Optimiser:"), optimiser_);
    learningRate_ = new QDoubleSpinBox(box);
    learningRate_->setDecimals(5);
    learningRate_->setRange(0.00001, 10.0);
    learningRate_->setSingleStep(0.0005);
    form->addRow(tr("&Learning rate:"), learningRate_);
    batchSize_ = new QSpinBox(box);
    batchSize_->setRange(1, 4096);
    form->addRow(tr("&Batch size:"), batchSize_);
    epochs_ = new QSpinBox(box);
    epochs_->setRange(1, 1000);
    form->addRow(tr("&Epochs:"), epochs_);
    presetButton_ = new QPushButton(tr("Notebook preset"), box);
    presetButton_->setToolTip(tr("Restore the notebook's optimiser, learning rate, batch size and epochs"));
    form->addRow(presetButton_);
    return box;
}

QWidget* TrainingPanel::buildRunBox() {
    auto* box = new QGroupBox(tr("Run"), this);
    auto* form = new QFormLayout(box);
    device_ = new QComboBox(box);
    device_->addItem(tr("Automatic"), "auto");
    device_->addItem(tr("CPU"), "cpu");
    if (cudaAvailable()) device_->addItem(tr("CUDA GPU"), "cuda");  // offered only when present
    form->addRow(tr("De&vice:"), device_);
    seed_ = new QSpinBox(box);
    seed_->setRange(0, 1000000);
    form->addRow(tr("&Seed:"), seed_);
    neighbours_ = new QSpinBox(box);
    neighbours_->setRange(1, 50);
    neighbours_->setValue(5);
    neighbours_->setToolTip(tr("Nearest neighbours per image for the neighbour scores and the grid"));
    form->addRow(tr("&Neighbours:"), neighbours_);
    trainNeighbours_ = new QCheckBox(tr("Also from the training set"), box);
    trainNeighbours_->setChecked(true);
    trainNeighbours_->setToolTip(tr("Find each test image's nearest training images too: the images a prediction leans on"));
    form->addRow(QString(), trainNeighbours_);
    auto* buttons = new QHBoxLayout;
    trainButton_ = new QPushButton(tr("Train"), box);
    trainButton_->setDefault(true);
    stopButton_ = new QPushButton(tr("Stop"), box);
    buttons->addWidget(trainButton_);
    buttons->addWidget(stopButton_);
    form->addRow(buttons);
    return box;
}

TrainJobRequest TrainingPanel::trainRequest() const {
    TrainJobRequest r;
    r.data = dataRequest();
    r.model = model_->currentData().toString().toStdString();
    r.optimiser = optimiser_->currentData().toString().toStdString();
    r.learningRate = learningRate_->value();
    r.batchSize = batchSize_->value();
    r.epochs = epochs_->value();
    r.device = device_->currentData().toString().toStdString();
    r.seed = uint64_t(seed_->value());
    r.validation = validation_->value();
    r.neighbours = neighbours_->value();
    r.trainNeighbours = trainNeighbours_->isChecked();
    r.momentum = 0.9;  // with SGD, whatever the model's preset
    return r;
}

DatasetRequest TrainingPanel::dataRequest() const {
    DatasetRequest data;
    data.spec = datasetSpec(s(datasetName()));
    data.dataDir = s(dataDir_);
    data.trainImages = trainImages_->value();
    data.testImages = testImages_->value();
    // HxW as alx-cli reads it; anything else ("own size"): their own size.
    parseImageSize(imageSize_->currentText().trimmed().toStdString(), data.folder.height, data.folder.width);
    data.folder.channels = channels_->currentData().toInt();
    return data;
}

void TrainingPanel::fillActiveLearningRequest(ActiveLearningJobRequest& request, bool keepRun) const {
    ActiveLearningSettings& settings = request.settings;
    if (keepRun) {  // a resumed run keeps its dataset, seed and subset (its settings record them)
        // An image folder is the dataset itself: its recorded place, while it is there.
        const bool folder = settings.data.spec.format == DatasetFormat::ImageFolder;
        if (!folder || !QFileInfo(q(settings.data.dataDir)).isDir()) settings.data.dataDir = s(dataDir_);
    } else {
        settings.data = dataRequest();
        settings.seed = uint64_t(seed_->value());
    }
    settings.device = s(device_->currentData().toString());
}

QString TrainingPanel::datasetName() const { return dataset_->currentData().toString(); }
QString TrainingPanel::datasetDisplayName() const { return dataset_->currentText(); }
QString TrainingPanel::modelDisplayName() const { return model_->currentText(); }

void TrainingPanel::setDataDirectory(const QString& dir) {
    dataDir_ = dir;
    refreshDatasetStatus();
}

void TrainingPanel::useDataFolder(const QString& dir) {
    // Recognised by the label files' checksums, not by the folder's name:
    // MNIST and Fashion-MNIST name their files alike.
    // An image folder by its layout: class folders, train/ and test/, unlabelled/ or labels.csv.
    const auto held = identifyDataset(dir.toStdString());
    if (held) {
        selectDataset(QString::fromStdString(*held));
        Q_EMIT message(tr("%1 holds %2; it is selected.").arg(dir, QString::fromStdString(datasetSpec(*held).displayName)));
    } else if (looksLikeImageFolder(dir.toStdString())) {
        selectDataset("images");
        Q_EMIT message(tr("%1 is a folder of images; it is selected.").arg(dir));
    } else {
        Q_EMIT message(tr("%1 holds no dataset ALX recognises by its label files.").arg(dir));
    }
    setDataDirectory(dir);
}

void TrainingPanel::showImageFolderOf(const std::string& dataset, const std::string& dir) {
    const DatasetSpec* spec = findDatasetSpec(dataset);
    if (dir.empty() || !spec || spec->format != DatasetFormat::ImageFolder) return;
    selectDataset(QString::fromStdString(dataset));
    setDataDirectory(QString::fromStdString(dir));
}

void TrainingPanel::selectModel(const QString& name) { model_->selectModel(name); }
void TrainingPanel::selectDataset(const QString& name) { dataset_->setCurrentIndex(dataset_->findData(name)); }
void TrainingPanel::setEpochs(int epochs) { epochs_->setValue(epochs); }
void TrainingPanel::setSeed(int seed) { seed_->setValue(seed); }
void TrainingPanel::setSubset(int trainImages, int testImages) {
    trainImages_->setValue(trainImages);
    testImages_->setValue(testImages);
}

void TrainingPanel::setBusy(bool busy) {
    trainButton_->setEnabled(!busy);
    stopButton_->setEnabled(busy);
    downloadButton_->setEnabled(!busy);
    folderButton_->setEnabled(!busy);
}

void TrainingPanel::startDownloadProgress() {
    downloadProgress_->setRange(0, 1000);
    downloadProgress_->setValue(0);
    downloadProgress_->setVisible(true);
}

void TrainingPanel::showDownloadProgress(int fileIndex, int fileCount, qlonglong received, qlonglong total) {
    downloadProgress_->setVisible(true);
    const double fileFraction = total > 0 ? double(received) / double(total) : 0;
    downloadProgress_->setValue(int(1000 * (fileIndex + fileFraction) / std::max(1, fileCount)));
}

void TrainingPanel::endDownloadProgress() {
    downloadProgress_->setVisible(false);
    refreshDatasetStatus();
}

void TrainingPanel::refreshDatasetStatus() {
    const DatasetSpec& spec = datasetSpec(datasetName().toStdString());
    QString text;
    bool found = false;
    try {
        // A folder that holds another dataset is refused here with the
        // reason ("holds MNIST, not Fashion-MNIST"), shown as it is.
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
    imageOptions_->setVisible(spec.format == DatasetFormat::ImageFolder);
    datasetStatus_->setStyleSheet(found ? "color: #2a7d2a" : "color: #b22222");
    downloadButton_->setVisible(!spec.mirrors.empty() && !found);
}

void TrainingPanel::applyPreset(const QString& name) {
    std::optional<ModelInfo> info;
    try {
        info = modelInfo(name.toStdString());
    } catch (const InputError&) {
        return;  // the "TorchScript file…" item while its dialog is open
    }
    modelSummary_->setText(tr("%1<br><small>embedding: %2</small>")
                               .arg(QString::fromStdString(info->summary), QString::fromStdString(info->embedding)));
    optimiser_->setCurrentIndex(optimiser_->findData(QString::fromStdString(optimiserName(info->preset.optimiser))));
    learningRate_->setValue(info->preset.learningRate);
    batchSize_->setValue(int(info->preset.batchSize));
    epochs_->setValue(info->preset.epochs);
}

void TrainingPanel::loadSettings(const QSettings& settings) {
    const QString model = settings.value("train/model", "lenet5").toString();
    model_->selectModel(model);
    applyPreset(model_->currentData().toString());
    dataset_->setCurrentIndex(std::max(0, dataset_->findData(settings.value("train/dataset", "mnist").toString())));
    device_->setCurrentIndex(std::max(0, device_->findData(settings.value("train/device", "auto").toString())));
    seed_->setValue(settings.value("train/seed", 0).toInt());
    neighbours_->setValue(settings.value("train/neighbours", 5).toInt());
    trainNeighbours_->setChecked(settings.value("train/train_neighbours", true).toBool());
    dataDir_ = settings.value("data/dir").toString();
    refreshDatasetStatus();
}

void TrainingPanel::saveSettings(QSettings& settings) const {
    settings.setValue("train/model", model_->currentData());
    settings.setValue("train/dataset", dataset_->currentData());
    settings.setValue("train/device", device_->currentData());
    settings.setValue("train/seed", seed_->value());
    settings.setValue("train/neighbours", neighbours_->value());
    settings.setValue("train/train_neighbours", trainNeighbours_->isChecked());
    settings.setValue("data/dir", dataDir_);
}

}  // namespace alx::ui
