#pragma once
// Drives the engine's jobs in its own thread (see MainWindow): training,
// evaluation, scoring, active learning, downloads, saving and opening runs. It never touches
// a widget; it reports only through signals, which Qt queues to the GUI
// thread. Stop is a flag checked between batches and chunks, so it may be
// set from any thread.
#include <QObject>
#include <QString>

#include <atomic>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <vector>

#include "worker/run_data.h"

namespace alx {
struct ActiveLearningQuery;
struct PileQueryReport;
}

namespace alx::ui {

class JobWorker : public QObject {
    Q_OBJECT
public:
    JobWorker();
    ~JobWorker() override;

    // Thread-safe: asks the running job, or the next one if none has begun
    // yet, to end at its next check (and releases a wait for the person's
    // labels). The flag stays set until clearStop().
    void requestStop();
    // Thread-safe: forgets an earlier Stop. The GUI calls it just before it
    // queues a job, so that a Stop sent after that, even before the job
    // begins, still ends it.
    void clearStop();
    // Thread-safe: the person's labels for the last AlQuery.
    void provideLabels(const std::vector<int64_t>& labels);
    // Thread-safe: one answer of the person about the last PileBatch, queued
    // for the job, which writes it to the run's labels.csv before it asks
    // for the next; answers queued before a Stop are still written.
    void provideAnswer(const alx::PileAnswer& answer);

public Q_SLOTS:
    void train(const alx::TrainJobRequest& request);
    void download(const QString& dataset);
    // Writes the last run as alx-cli does (summary.json, per_sample.csv,
    // embeddings.npy, probabilities.npy, model.pt) into `dir`.
    void saveRun(const QString& dir);
    // The current run's model as TorchScript (pixels in [0, 1] in; docs/torchscript.md).
    void exportModel(const QString& file);
    // Reads a directory written by saveRun() or `alx-cli train`, with the
    // test images from the run's dataset, without retraining; or an
    // active-learning run folder (`alx-cli al` or this app).
    void openRun(const QString& dir, const QString& dataDir);
    // A map (method "tsne" or "pca") of the current run's test images, or of
    // its test and training images (split "all"), reported as it unfolds;
    // kept in the run's folder when it has one (opened or saved).
    void computeMap(const QString& method, const QString& split, const QString& dataDir);
    // Two or more run folders side by side (each validated whole).
    void compareRuns(const QStringList& dirs, const QString& score, int topN, const QString& dataDir);
    // The runs' test images audited together (their probabilities averaged):
    // the first run is opened as openRun does, then auditReady.
    void auditRunsTogether(const QStringList& dirs, const QString& dataDir);
    // The run's training images audited by 5-fold cross-validation (2 epochs
    // a fold, `seeds` models a fold, `neighbours` nearest training images),
    // kept in the run's training_audit folder, where finished folds are
    // found again; then auditReady with the training images.
    void auditTrainingImages(const QString& runDir, int seeds, int neighbours, const QString& dataDir);
    // Pool-based active learning, strategy after strategy, repeat after repeat.
    void runActiveLearning(const alx::ActiveLearningJobRequest& request);

Q_SIGNALS:
    void trainingStarted(const QString& device, qlonglong trainImages, qlonglong testImages);
    void batchProgress(const alx::ui::BatchPoint& point);
    void epochFinished(const alx::EpochReport& epoch);
    void evaluating();
    void finished(const alx::ui::RunResultsPtr& results);
    // Stopped on request or by a diverging loss; the epochs so far were already reported.
    void stopped(const QString& message);
    void failed(const QString& title, const QString& message);
    void downloadProgress(int fileIndex, int fileCount, qlonglong received, qlonglong total);
    void downloadFinished(bool ok, const QString& message);
    void runSaved(const QString& dir);
    void modelExported(const QString& file, const QString& model);
    // A training run's folder in the runs folder (TrainJobRequest::outDir), once
    // the job is over and the folder holds something: finished, stopped or
    // diverged, it is kept.
    void runKept(const QString& dir);
    void runOpened(const alx::ui::RunResultsPtr& results, const QString& dir);
    void alRound(const alx::ui::AlRoundPoint& point);
    void alLabelsNeeded(const alx::ui::AlQuery& query);
    // A batch of an unlabelled pile to label, once per batch; answers come back through provideAnswer().
    void pileBatchNeeded(const alx::ui::PileBatch& batch);
    void alFinished(const QString& message);
    // An active-learning run folder, opened: its curves, its settings as a
    // request that resumes it, and the last round's acquired images.
    void activeLearningRunOpened(const alx::ui::AlOpenedRun& run);
    void mapUpdated(const alx::ui::MapDataPtr& map);
    void comparisonReady(const alx::ui::ComparisonDataPtr& comparison);
    void auditReady(const alx::ui::AuditViewPtr& audit);
    void auditProgress(const QString& text);

private:
    // The one stop check every job polls (between files, batches and chunks).
    bool stopRequested() const { return stop_.load(std::memory_order_relaxed); }
    void openActiveLearningRun(const QString& dir, const QString& dataDir);
    // Asks the GUI for the person's labels of a query and waits for them (or a Stop).
    std::vector<int64_t> askForLabels(const ActiveLearningQuery& query, const std::string& you,
                                      const std::vector<std::string>& classNames);

    // The person's next answer about a pile's batch, waited for; the batch is
    // shown once (shownRound). Throws Cancelled on a Stop once the queue is empty.
    PileAnswer nextPileAnswer(const PileQueryReport& query, int& shownRound);

    struct State;  // the last model and tensors, kept in the .cpp (torch stays out of ui headers)
    std::unique_ptr<State> state_;
    std::atomic<bool> stop_{false};
    std::mutex labelMutex_;
    std::condition_variable labelsArrived_;
    std::optional<std::vector<int64_t>> givenLabels_;
    std::deque<PileAnswer> givenAnswers_;  // guarded by labelMutex_
};

}  // namespace alx::ui
