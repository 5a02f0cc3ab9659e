// LibTorch before Qt: Qt's `slots` macro breaks LibTorch headers that follow it.
#include <torch/types.h>

#include "alx/compare/run_comparison.h"
#include "alx/data/downloader.h"
#include "alx/jobs/active_learning_job.h"
#include "alx/jobs/map_job.h"
#include "alx/jobs/run_folder_job.h"
#include "alx/jobs/train_job.h"
#include "alx/storage/runs_library.h"
#include "alx/util/errors.h"

#include "worker/job_worker.h"
#include "text.h"
#include "worker/worker_results.h"


namespace alx::ui {

struct JobWorker::State {
    ClassifierPtr model;
    RunSummary summary;
    Evaluation evaluation;
    ScoreTable scores;
    Neighbours trainNeighbours;  // defined when the run has them
    std::string runDir;          // the folder the run was opened from or saved to; empty for a fresh run
    bool hasRun = false;
};

JobWorker::JobWorker() : state_(std::make_unique<State>()) {}

void JobWorker::requestStop() {
    {
        std::lock_guard<std::mutex> lock(labelMutex_);
        stop_.store(true);
    }
    labelsArrived_.notify_all();
}

void JobWorker::clearStop() { stop_.store(false); }

void JobWorker::provideLabels(const std::vector<int64_t>& labels) {
    {
        std::lock_guard<std::mutex> lock(labelMutex_);
        givenLabels_ = labels;
    }
    labelsArrived_.notify_all();
}

void JobWorker::provideAnswer(const PileAnswer& answer) {
    {
        std::lock_guard<std::mutex> lock(labelMutex_);
        givenAnswers_.push_back(answer);
    }
    labelsArrived_.notify_all();
}

PileAnswer JobWorker::nextPileAnswer(const PileQueryReport& query, int& shownRound) {
    if (query.round != shownRound) {
        shownRound = query.round;
        Q_EMIT pileBatchNeeded({query.round, query.withoutModel, query.rows, query.paths, query.images, query.given,
                                query.classNames, query.labelled, query.budget, query.pileImages, query.pilePaths,
                                query.map, query.answers});
    }
    std::unique_lock<std::mutex> lock(labelMutex_);
    labelsArrived_.wait(lock, [&] { return !givenAnswers_.empty() || stopRequested(); });
    if (givenAnswers_.empty()) throw Cancelled();  // stopped, every answer given is recorded
    const PileAnswer answer = givenAnswers_.front();
    givenAnswers_.pop_front();
    return answer;
}

namespace {

AlRoundPoint roundPoint(const ActiveLearningRoundReport& r, const std::string& you,
                        const std::vector<std::string>& classNames) {
    AlRoundPoint point;
    point.strategy = strategyName(r.strategy) + you;
    point.repeat = r.repeat;
    point.round = r.round.round;
    point.labels = r.round.labels;
    point.accuracy = r.round.testAccuracy;
    point.acquired = r.round.acquired;
    point.scores = r.round.acquiredScores;
    point.images = r.acquiredImages;
    point.classNames = classNames;
    for (int64_t label : r.trueLabels) point.trueLabels.push_back(int(label));
    for (int64_t label : r.round.acquiredLabels) point.usedLabels.push_back(int(label));
    point.crossValidated = r.crossValidated;
    point.kappa = r.round.kappa;
    return point;
}

}  // namespace

void JobWorker::runActiveLearning(const ActiveLearningJobRequest& request) {
    {
        std::lock_guard<std::mutex> lock(labelMutex_);  // provideLabels() may run in the GUI thread
        givenLabels_.reset();
        givenAnswers_.clear();
    }
    try {
        ActiveLearningJobRequest job = request;
        ActiveLearningSettings& settings = job.settings;
        settings.personLabels = settings.personLabels || holdsPile(settings.data);  // a pile is labelled by the person
        if (settings.personLabels) {  // a person labels one strategy, one repeat
            settings.strategies.resize(std::min<size_t>(settings.strategies.size(), 1));
            settings.repeats = 1;
        }
        ActiveLearningJobCallbacks callbacks;
        callbacks.shouldStop = [this] { return stopRequested(); };
        callbacks.onStart = [this](const std::string& device, int64_t pool, int64_t test) {
            Q_EMIT trainingStarted(q(device), qlonglong(pool), qlonglong(test));
        };
        const std::string you = settings.personLabels ? " (you)" : "";
        // Callbacks run one at a time on this thread: the names the data
        // brought are there for every round after it loaded.
        std::vector<std::string> classNames;
        callbacks.onDataset = [&classNames](const DatasetReport& report) { classNames = report.classNames; };
        callbacks.onResumedRepeat = [this, you](Strategy strategy, int repeat, const std::vector<CurveRow>& rows) {
            for (const CurveRow& row : rows) {
                AlRoundPoint point;
                point.strategy = strategyName(strategy) + you;
                point.repeat = repeat;
                point.labels = row.labels;
                point.accuracy = row.accuracy;
                point.kappa = row.kappa;
                Q_EMIT alRound(point);
            }
        };
        callbacks.onRound = [this, you](const ActiveLearningRoundReport& r) { Q_EMIT alRound(roundPoint(r, you, r.classNames)); };
        callbacks.labeller = [this, you, &classNames](const ActiveLearningQuery& query) {
            return askForLabels(query, you, classNames);
        };
        int shownRound = -1;
        callbacks.nextAnswer = [this, &shownRound](const PileQueryReport& query) { return nextPileAnswer(query, shownRound); };
        const ActiveLearningJobResult result = runActiveLearningJob(job, callbacks);
        if (result.outcome == JobOutcome::Cancelled) {
            Q_EMIT stopped(tr("Active learning stopped; the finished rounds are kept in %1.").arg(q(request.outDir)));
            return;
        }
        Q_EMIT alFinished(tr("Active learning finished; the run is in %1.").arg(q(request.outDir)));
    } catch (const Cancelled&) {
        Q_EMIT stopped(tr("Active learning stopped; the finished rounds are kept."));
    } catch (const InputError& e) {
        Q_EMIT failed(tr("Cannot run active learning"), q(e.what()));
    } catch (const std::exception& e) {
        Q_EMIT failed(tr("Active learning failed"), q(e.what()));
    }
}

std::vector<int64_t> JobWorker::askForLabels(const ActiveLearningQuery& query, const std::string& you,
                                             const std::vector<std::string>& classNames) {
    Q_EMIT alLabelsNeeded({strategyName(query.strategy) + you, query.round, query.indices, query.images, classNames});
    std::unique_lock<std::mutex> lock(labelMutex_);
    labelsArrived_.wait(lock, [&] { return givenLabels_.has_value() || stopRequested(); });
    if (stopRequested()) throw Cancelled();
    std::vector<int64_t> labels = *givenLabels_;
    givenLabels_.reset();
    return labels;
}

JobWorker::~JobWorker() = default;

void JobWorker::train(const TrainJobRequest& request) {
    // Whatever way the job ends, a folder it wrote to is reported (finished,
    // stopped or diverged, it is listed so), and one it never wrote to goes.
    struct Kept {
        JobWorker* worker;
        std::string dir;
        ~Kept() {
            if (keepRunFolder(dir)) Q_EMIT worker->runKept(QString::fromStdString(dir));
        }
    } kept{this, request.outDir};
    try {
        TrainJobRequest job = request;  // written as it goes into outDir, as alx-cli does
        job.lossReadInterval = 20;      // the loss plot moves every 20 batches

        TrainJobCallbacks callbacks;
        callbacks.shouldStop = [this] { return stopRequested(); };
        int epochs = 0;
        callbacks.onStart = [&](const TrainJobStart& s) {
            epochs = s.config.epochs;
            Q_EMIT trainingStarted(q(s.device), qlonglong(s.trainImages), qlonglong(s.testImages));
        };
        callbacks.onBatch = [&](const BatchReport& b, double elapsed) {
            Q_EMIT batchProgress({b.epoch, epochs, b.batch, b.batches, b.recentLoss, elapsed});
        };
        callbacks.onEpoch = [this](const EpochReport& e) {
            Q_EMIT epochFinished(e);
        };
        callbacks.onEvaluating = [this] { Q_EMIT evaluating(); };

        TrainJobResult result = runTrainJob(job, callbacks);
        if (result.outcome == JobOutcome::Diverged) {
            Q_EMIT failed(tr("Training diverged"), q(result.message));
            return;
        }
        if (result.outcome == JobOutcome::Cancelled) {
            Q_EMIT stopped(result.stoppedInEvaluation
                               ? tr("Stopped during evaluation. The loss curve is kept.")
                               : tr("Training stopped: %1. The loss curve so far is kept.").arg(q(result.message)));
            return;
        }
        state_->model = result.model;
        state_->summary = result.summary;
        state_->evaluation = result.evaluation;
        state_->scores = result.scores;
        state_->trainNeighbours = result.trainNeighbours;
        state_->runDir = request.outDir;
        state_->hasRun = true;
        Q_EMIT finished(makeResults(result.summary, result.testImages, result.evaluation, result.scores,
                                    {&result.trainNeighbours, &result.trainImages, &result.trainLabels,
                                     &result.testPaths, &result.trainPaths}));
    } catch (const Cancelled&) {
        Q_EMIT stopped(tr("Stopped before training started."));
    } catch (const InputError& e) {
        Q_EMIT failed(tr("Cannot train"), q(e.what()));
    } catch (const std::exception& e) {
        Q_EMIT failed(tr("Training failed"), q(e.what()));
    }
}

void JobWorker::download(const QString& dataset) {
    try {
        const DatasetSpec& spec = datasetSpec(s(dataset));
        DownloadOptions options;
        options.shouldStop = [this] { return stopRequested(); };
        options.onProgress = [this](const DownloadProgress& p) {
            Q_EMIT downloadProgress(p.fileIndex, p.fileCount, qlonglong(p.received), qlonglong(p.total));
        };
        const std::string dest = userCacheDir(spec.name);
        downloadDataset(spec, dest, options);
        LoadOptions verify;  // check what landed, as training will read it
        verify.shouldStop = [this] { return stopRequested(); };
        loadDataset(spec, dest, verify);
        Q_EMIT downloadFinished(true, tr("%1 downloaded to %2 and verified.").arg(q(spec.displayName), q(dest)));
    } catch (const Cancelled&) {
        Q_EMIT downloadFinished(false, tr("Download cancelled; complete files were kept."));
    } catch (const std::exception& e) {
        Q_EMIT downloadFinished(false, q(e.what()));
    }
}

void JobWorker::saveRun(const QString& dir) {
    if (!state_->hasRun) {
        Q_EMIT failed(tr("Nothing to save"), tr("Train a model first."));
        return;
    }
    try {
        const Neighbours* trainNeighbours =
            state_->trainNeighbours.indices.defined() ? &state_->trainNeighbours : nullptr;
        saveTrainingRun(dir.toStdString(), state_->summary, state_->model.get(), state_->evaluation, state_->scores,
                        trainNeighbours);
        state_->runDir = dir.toStdString();
        Q_EMIT runSaved(dir);
    } catch (const std::exception& e) {
        Q_EMIT failed(tr("Cannot save the run"), q(e.what()));
    }
}

void JobWorker::exportModel(const QString& file) {
    if (!state_->hasRun || !state_->model) {
        Q_EMIT failed(tr("No model to export"), tr("Train a model, or open a run that keeps its model."));
        return;
    }
    try {
        const ModelExport written = alx::exportModel(*state_->model, state_->summary,
                                                     state_->evaluation.probabilities.size(1), file.toStdString());
        Q_EMIT modelExported(file, q(written.model));
    } catch (const std::exception& e) {
        Q_EMIT failed(tr("Cannot export the model"), q(e.what()));
    }
}

void JobWorker::openRun(const QString& dir, const QString& dataDir) {
    try {
        if (detectRunKind(dir.toStdString()) == RunKind::ActiveLearning) {
            openActiveLearningRun(dir, dataDir);
            return;
        }
        DatasetRequest data;
        data.dataDir = dataDir.toStdString();
        OpenedTrainingRun opened = openTrainingRun(dir.toStdString(), data, [this] { return stopRequested(); });
        const SavedRun& run = opened.run;
        // Keep it as the current run, so it can be saved again elsewhere.
        state_->model = opened.model;
        state_->summary = run.summary;
        state_->evaluation = opened.evaluation;
        state_->scores = opened.scores;
        state_->trainNeighbours = run.trainNeighbours;
        state_->runDir = dir.toStdString();
        state_->hasRun = true;
        Q_EMIT runOpened(makeResults(run.summary, opened.testImages, opened.evaluation, opened.scores,
                                     {&run.trainNeighbours, &opened.trainImages, &opened.trainLabels,
                                      &opened.testPaths, &opened.trainPaths}),
                         dir);
        // A map kept with the run is shown again without computing it: t-SNE
        // before PCA, and of the test images before one of all images.
        for (const char* split : {"test", "all"}) {
            for (const char* method : {"tsne", "pca"}) {
                const auto kept = run.maps.find(RunFolder::mapName(method, split));
                if (kept == run.maps.end()) continue;
                MapSource source{method, split, RunFolder(dir.toStdString()).mapPath(method, split),
                                 &opened.trainImages, &opened.trainLabels, nullptr, run.size()};
                Q_EMIT mapUpdated(makeMap(source, kept->second, true));
                return;
            }
        }
    } catch (const std::exception& e) {
        Q_EMIT failed(tr("Cannot open the run"), q(e.what()));
    }
}

void JobWorker::computeMap(const QString& method, const QString& split, const QString& dataDir) {
    if (!state_->hasRun) {
        Q_EMIT failed(tr("No run to map"), tr("Train a model or open a run first."));
        return;
    }
    try {
        const RunInMemory run{state_->summary, state_->evaluation.embeddings, state_->evaluation.labels,
                              state_->model, state_->runDir};
        MapJobRequest request;
        request.method = method.toStdString();
        request.split = split.toStdString();
        request.data.dataDir = dataDir.toStdString();
        MapJobCallbacks callbacks;
        callbacks.shouldStop = [this] { return stopRequested(); };
        callbacks.progressEvery = 25;  // the page redraws at most this often, coalesced
        MapSource source{request.method, request.split, "", nullptr, nullptr, nullptr,
                         split == "train" ? 0 : run.testEmbeddings.size(0)};
        callbacks.onProgress = [&](const TsneProgress& p) {
            Q_EMIT mapUpdated(makeMap(source, p.map, false, p.iteration, p.iterations));
        };
        const MapJobResult result = mapRunInMemory(run, request, callbacks);
        source.file = result.path;
        source.testRows = result.testRows;
        source.trainImages = &result.trainImages;
        source.trainLabels = &result.trainLabels;
        source.trainPredicted = &result.trainPredicted;
        Q_EMIT mapUpdated(makeMap(source, result.map, true));
    } catch (const Cancelled&) {
        Q_EMIT stopped(tr("Map stopped; nothing was kept."));
    } catch (const InputError& e) {
        Q_EMIT failed(tr("Cannot draw the map"), q(e.what()));
    } catch (const std::exception& e) {
        Q_EMIT failed(tr("The map failed"), q(e.what()));
    }
}

void JobWorker::compareRuns(const QStringList& dirs, const QString& score, int topN, const QString& dataDir) {
    try {
        const ScoreKind kind = parseScoreKind(score.toStdString());
        std::vector<std::string> paths;
        for (const QString& dir : dirs) paths.push_back(dir.toStdString());
        const std::vector<SavedRun> runs = readRuns(paths, [this] { return stopRequested(); });  // each validated whole
        const RunComparison comparison = alx::compareRuns(paths, runs, kind, topN);
        // The images they disagree on, from the dataset on this machine; the numbers stand without them.
        torch::Tensor images;
        std::string problem;
        try {
            DatasetRequest data;
            data.dataDir = dataDir.toStdString();
            data = runDataset(runs.front().summary, data);
            data.trainImages = 1;
            data.testImages = runs.front().size();
            const LoadedDataset loaded = loadJobData(data, [this] { return stopRequested(); }, {});
            if (torch::equal(loaded.test.labels, runs.front().labels.to(torch::kCPU))) {
                images = loaded.test.images;
            } else {
                problem = "the test images found here are not the runs'";
            }
        } catch (const InputError& e) {
            problem = e.what();
        }
        Q_EMIT comparisonReady(makeComparison(comparison, runs, images.defined() ? &images : nullptr, problem));
    } catch (const Cancelled&) {
        Q_EMIT stopped(tr("Comparison stopped."));
    } catch (const std::exception& e) {
        Q_EMIT failed(tr("Cannot compare the runs"), q(e.what()));
    }
}

void JobWorker::openActiveLearningRun(const QString& dir, const QString& dataDir) {
    DatasetRequest data;
    data.dataDir = dataDir.toStdString();
    const OpenedActiveLearningRun run = alx::openActiveLearningRun(dir.toStdString(), data, [this] { return stopRequested(); });
    Q_EMIT activeLearningRunOpened(makeOpenedActiveLearningRun(run, dir.toStdString(), data.dataDir));
}

}  // namespace alx::ui
