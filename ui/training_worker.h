#pragma once
// Drives the engine in its own thread (see MainWindow): training,
// evaluation, scoring, downloads, saving and opening runs. It never touches
// a widget; it reports only through signals, which Qt queues to the GUI
// thread. Stop is a flag checked between batches and chunks, so it may be
// set from any thread.
#include <QObject>
#include <QString>

#include <atomic>
#include <memory>

#include "run_data.h"

namespace alx::ui {

class TrainingWorker : public QObject {
    Q_OBJECT
public:
    TrainingWorker();
    ~TrainingWorker() override;

    // Thread-safe: asks the running job to end at its next check.
    void requestStop() { stop_.store(true); }

public Q_SLOTS:
    void train(const alx::ui::TrainRequest& request);
    void download(const QString& dataset);
    // Writes the last run as alx-cli does (summary.json, per_sample.csv,
    // embeddings.npy, probabilities.npy, model.pt) into `dir`.
    void saveRun(const QString& dir);
    // Reads a directory written by saveRun() or `alx-cli train`, with the
    // test images from the run's dataset, without retraining.
    void openRun(const QString& dir, const QString& dataDir);

Q_SIGNALS:
    void trainingStarted(const QString& device, qlonglong trainImages, qlonglong testImages);
    void batchProgress(const alx::ui::BatchPoint& point);
    void epochFinished(const alx::ui::EpochPoint& point);
    void evaluating();
    void finished(const alx::ui::RunResultsPtr& results);
    // Stopped on request or by a diverging loss; the epochs so far were already reported.
    void stopped(const QString& message);
    void failed(const QString& title, const QString& message);
    void downloadProgress(int fileIndex, int fileCount, qlonglong received, qlonglong total);
    void downloadFinished(bool ok, const QString& message);
    void runSaved(const QString& dir);
    void runOpened(const alx::ui::RunResultsPtr& results, const QString& dir);

private:
    struct State;  // the last model and tensors, kept in the .cpp (torch stays out of ui headers)
    std::unique_ptr<State> state_;
    std::atomic<bool> stop_{false};
};

}  // namespace alx::ui
