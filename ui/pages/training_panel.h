#pragma once
// The Train panel on the left of the window: the dataset and the folder it
// is read from (with Download for MNIST), the subset and validation split,
// the model with its notebook preset (optimiser, learning rate, batch size,
// epochs), the device and seed, and the Train and Stop buttons. It builds
// the requests; MainWindow sends them to the worker.
#include <QWidget>

#include "worker/run_data.h"

class QCheckBox;
class QComboBox;
class ModelCombo;
class QDoubleSpinBox;
class QLabel;
class QProgressBar;
class QPushButton;
class QSettings;
class QSpinBox;

namespace alx::ui {

class TrainingPanel : public QWidget {
    Q_OBJECT
public:
    explicit TrainingPanel(QWidget* parent = nullptr);

    TrainJobRequest trainRequest() const;
    // The panel's share of an active-learning request: dataset, folder,
    // subset, device and seed. `keepRun`: a resumed run keeps its own
    // dataset, seed and subset (its settings must match), and takes the rest.
    void fillActiveLearningRequest(ActiveLearningJobRequest& request, bool keepRun) const;
    // The dataset, its folder and the subset chosen.
    DatasetRequest dataRequest() const;

    QString datasetName() const;
    QString datasetDisplayName() const;
    QString modelDisplayName() const;
    QString dataDirectory() const { return dataDir_; }

    // The folder searched first for datasets, as typed (tests, settings).
    void setDataDirectory(const QString& dir);
    // The folder the person picked with Folder…: the dataset its label
    // files hold is selected, and `message` says which.
    void useDataFolder(const QString& dir);
    void selectModel(const QString& name);
    // An opened run of an image folder: its folder in the Data box, so that
    // training again, mapping or resuming reads the same images.
    void showImageFolderOf(const std::string& dataset, const std::string& dir);
    void selectDataset(const QString& name);
    void setEpochs(int epochs);
    void setSubset(int trainImages, int testImages);
    void setSeed(int seed);

    void setBusy(bool busy);
    void showDownloadProgress(int fileIndex, int fileCount, qlonglong received, qlonglong total);
    void startDownloadProgress();
    void endDownloadProgress();
    // Says where the chosen dataset is, or why it cannot be used.
    void refreshDatasetStatus();

    void loadSettings(const QSettings& settings);
    void saveSettings(QSettings& settings) const;

    QPushButton* trainButton() const { return trainButton_; }
    QPushButton* stopButton() const { return stopButton_; }
    QLabel* datasetStatus() const { return datasetStatus_; }

Q_SIGNALS:
    void trainClicked();
    void stopClicked();
    void downloadClicked(const QString& dataset);
    void message(const QString& text);  // for the status bar

private:
    QWidget* buildDataBox();
    QWidget* buildModelBox();
    QWidget* buildImageOptions(QWidget* parent);
    QWidget* buildRunBox();
    void applyPreset(const QString& model);

    QString dataDir_;
    QComboBox* dataset_;
    QLabel* datasetStatus_;
    QComboBox* imageSize_;   // an image folder's: "own size" or HxW
    QComboBox* channels_;    // an image folder's: as the images are, grey or colour
    QWidget* imageOptions_;
    QPushButton* folderButton_;
    QPushButton* downloadButton_;
    QProgressBar* downloadProgress_;
    QSpinBox* trainImages_;
    QSpinBox* testImages_;
    QSpinBox* validation_;
    ModelCombo* model_;
    QLabel* modelSummary_;
    QComboBox* optimiser_;
    QDoubleSpinBox* learningRate_;
    QSpinBox* batchSize_;
    QSpinBox* epochs_;
    QPushButton* presetButton_;
    QComboBox* device_;
    QSpinBox* seed_;
    QSpinBox* neighbours_;
    QCheckBox* trainNeighbours_;
    QPushButton* trainButton_;
    QPushButton* stopButton_;
};

}  // namespace alx::ui
