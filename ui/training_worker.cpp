// LibTorch before Qt: Qt's `slots` macro breaks LibTorch headers that follow it.
#include <torch/torch.h>

#include "alx/active_learning.h"
#include "alx/atomic_file.h"
#include "alx/dataset_catalog.h"
#include "alx/dataset_loader.h"
#include "alx/device.h"
#include "alx/downloader.h"
#include "alx/errors.h"
#include "alx/evaluator.h"
#include "alx/model_registry.h"
#include "alx/run_reader.h"
#include "alx/run_writer.h"
#include "alx/scores.h"
#include "alx/trainer.h"

#include "training_worker.h"

#include <QDir>

#include <chrono>
#include <filesystem>

namespace alx::ui {

struct TrainingWorker::State {
    ClassifierPtr model;
    RunSummary summary;
    Evaluation evaluation;
    ScoreTable scores;
    bool hasRun = false;
};

namespace {

QString qs(const std::string& s) { return QString::fromStdString(s); }

template <typename T>
std::vector<T> toVector(const torch::Tensor& t) {
    const auto c = t.to(torch::kCPU).contiguous();
    return std::vector<T>(c.data_ptr<T>(), c.data_ptr<T>() + c.numel());
}

std::vector<int> toIntVector(const torch::Tensor& t) {
    const auto v = toVector<int64_t>(t.to(torch::kInt64));
    return std::vector<int>(v.begin(), v.end());
}

// Copies what the views need out of the tensors, once, in the worker thread.
RunResultsPtr makeResults(const RunSummary& summary, const torch::Tensor& images, const torch::Tensor& labels,
                          const torch::Tensor& predicted, const torch::Tensor& probabilities,
                          const std::array<torch::Tensor, kScoreCount>& scores, const Neighbours& neighbours,
                          const torch::Tensor& confusion, double accuracy) {
    auto r = std::make_shared<RunResults>();
    r->model = summary.model;
    r->modelDisplayName = modelInfo(summary.model).displayName;
    r->dataset = summary.dataset;
    r->device = summary.device;
    r->count = labels.size(0);
    r->classes = int(probabilities.size(1));
    r->neighboursPerImage = int(neighbours.indices.size(1));
    r->accuracy = accuracy;
    r->trainSeconds = summary.trainSeconds;
    r->evalSeconds = summary.evalSeconds;
    for (const auto& e : summary.epochs) {
        r->epochs.push_back({e.epoch, e.epochs, e.meanLoss, e.seconds, e.validationAccuracy.value_or(-1)});
    }
    r->images = toVector<uint8_t>(images.to(torch::kUInt8));
    r->labels = toIntVector(labels);
    r->predicted = toIntVector(predicted);
    r->probabilities = toVector<float>(probabilities.to(torch::kFloat32));
    for (int s = 0; s < kScoreCount; ++s) r->scores[size_t(s)] = toVector<float>(scores[size_t(s)].to(torch::kFloat32));
    r->neighbours = toVector<int64_t>(neighbours.indices.to(torch::kInt64));
    r->neighbourSimilarity = toVector<float>(neighbours.similarity.to(torch::kFloat32));
    r->confusion = toVector<int64_t>(confusion.to(torch::kInt64));
    return r;
}

LoadedDataset loadFor(const std::string& dataset, const std::string& dataDir, int64_t trainImages,
                      int64_t testImages) {
    return loadRequestedDataset({dataset, dataDir, true, trainImages, testImages});
}

}  // namespace

std::vector<ModelChoice> modelChoices() {
    std::vector<ModelChoice> out;
    for (const ModelInfo& m : modelCatalogue()) {
        out.push_back({m.name, m.displayName, m.summary, makeModel(m.name)->embeddingDescription(),
                       optimiserName(m.preset.optimiser), m.preset.learningRate, m.preset.momentum,
                       m.preset.batchSize, m.preset.epochs});
    }
    return out;
}

std::vector<std::pair<std::string, std::string>> strategyChoices() {
    std::vector<std::pair<std::string, std::string>> out;
    for (Strategy s : allStrategies()) out.push_back({strategyName(s), strategyDescription(s)});
    return out;
}

TrainingWorker::TrainingWorker() : state_(std::make_unique<State>()) {}

void TrainingWorker::requestStop() {
    {
        std::lock_guard<std::mutex> lock(labelMutex_);
        stop_.store(true);
    }
    labelsArrived_.notify_all();
}

void TrainingWorker::clearStop() { stop_.store(false); }

void TrainingWorker::provideLabels(const std::vector<int64_t>& labels) {
    {
        std::lock_guard<std::mutex> lock(labelMutex_);
        givenLabels_ = labels;
    }
    labelsArrived_.notify_all();
}

void TrainingWorker::runActiveLearning(const AlRequest& request) {
    {
        std::lock_guard<std::mutex> lock(labelMutex_);  // provideLabels() may run in the GUI thread
        givenLabels_.reset();
    }
    auto shouldStop = [this] { return stop_.load(std::memory_order_relaxed); };
    try {
        configureThreads();
        const torch::Device device = resolveDevice(request.device);
        std::vector<Strategy> strategies;
        for (const auto& name : request.strategies) strategies.push_back(parseStrategy(name));
        if (strategies.empty()) throw InputError("Choose at least one strategy.");
        if (request.human) strategies.resize(1);
        const LoadedDataset data = loadFor(request.dataset, request.dataDir, 0, 0);
        const TensorSet pool{normaliseImages(data.train.images, device), data.train.labels.to(device)};
        const TensorSet test{normaliseImages(data.test.images, device), data.test.labels.to(device)};
        const auto rawImages = data.train.images.contiguous();
        auto imagesOf = [&](const std::vector<int64_t>& indices) {
            std::vector<uint8_t> bytes;
            for (int64_t i : indices) {
                const auto* p = rawImages[i].data_ptr<uint8_t>();
                bytes.insert(bytes.end(), p, p + 28 * 28);
            }
            return bytes;
        };
        Q_EMIT trainingStarted(qs(describeDevice(device)), qlonglong(pool.size()), qlonglong(test.size()));

        const ActiveLearningConfig& config = request.loop;
        const int repeats = request.human ? 1 : request.repeats;
        for (Strategy strategy : strategies) {
            const std::string name = strategyName(strategy) + (request.human ? " (you)" : "");
            for (int repeat = 0; repeat < repeats; ++repeat) {
                ActiveLearningCallbacks callbacks;
                callbacks.shouldStop = shouldStop;
                int round = 0;
                callbacks.onRound = [&](const ActiveLearningRound& r) {
                    round = r.round;
                    AlRoundPoint point;
                    point.strategy = name;
                    point.repeat = repeat;
                    point.round = r.round;
                    point.labels = r.labels;
                    point.accuracy = r.testAccuracy;
                    point.acquired = r.acquired;
                    point.scores = r.acquiredScores;
                    point.images = imagesOf(r.acquired);
                    for (int64_t i : r.acquired) point.trueLabels.push_back(int(data.train.labels[i].item<int64_t>()));
                    Q_EMIT alRound(point);
                };
                if (request.human) {
                    callbacks.labeller = [&](const std::vector<int64_t>& indices) {
                        Q_EMIT alLabelsNeeded({name, round + 1, indices, imagesOf(indices)});
                        std::unique_lock<std::mutex> lock(labelMutex_);
                        labelsArrived_.wait(lock, [&] { return givenLabels_.has_value() || stop_.load(); });
                        if (stop_.load()) throw Cancelled();
                        std::vector<int64_t> labels = *givenLabels_;
                        givenLabels_.reset();
                        return labels;
                    };
                }
                const uint64_t seed = request.seed * 1000 + uint64_t(repeat);
                const ActiveLearningResult result = alx::runActiveLearning(strategy, config, pool, test, seed, callbacks);
                if (result.cancelled) throw Cancelled();
            }
        }
        Q_EMIT alFinished(tr("Active learning finished."));
    } catch (const Cancelled&) {
        Q_EMIT stopped(tr("Active learning stopped; the finished rounds are kept."));
    } catch (const InputError& e) {
        Q_EMIT failed(tr("Cannot run active learning"), qs(e.what()));
    } catch (const std::exception& e) {
        Q_EMIT failed(tr("Active learning failed"), qs(e.what()));
    }
}
TrainingWorker::~TrainingWorker() = default;

void TrainingWorker::train(const TrainRequest& request) {
    auto shouldStop = [this] { return stop_.load(std::memory_order_relaxed); };
    try {
        configureThreads();
        const torch::Device device = resolveDevice(request.device);
        modelInfo(request.model);  // an unknown name is an InputError before any loading
        LoadedDataset data = loadFor(request.dataset, request.dataDir, request.trainImages, request.testImages);
        if (shouldStop()) {
            Q_EMIT stopped(tr("Stopped before training started."));
            return;
        }
        const auto [trainIndex, valIndex] = splitValidation(data.train.size(), request.validation, request.seed);

        torch::manual_seed(request.seed);
        ClassifierPtr model = makeModel(request.model);
        model->to(device);

        TrainConfig config;
        config.optimiser = request.optimiser == "sgd" ? OptimiserKind::Sgd : OptimiserKind::Adam;
        config.momentum = request.momentum;
        config.learningRate = request.learningRate;
        config.batchSize = request.batchSize;
        config.epochs = request.epochs;
        config.seed = request.seed;
        config.lossReadInterval = 20;

        RunSummary summary = summaryFor(request.model, request.dataset, device, config, request.validation,
                                        request.neighbours, trainIndex.size(0));

        const auto allImages = normaliseImages(data.train.images, device);
        const auto allLabels = data.train.labels.to(device);
        auto subset = [&](const torch::Tensor& index) {
            const auto i = index.to(device);
            return TensorSet{allImages.index_select(0, i), allLabels.index_select(0, i)};
        };
        const TensorSet train = request.validation > 0 ? subset(trainIndex) : TensorSet{allImages, allLabels};
        const TensorSet validation = request.validation > 0 ? subset(valIndex) : TensorSet{};
        Q_EMIT trainingStarted(qs(summary.device), qlonglong(train.size()), qlonglong(data.test.size()));

        const auto start = std::chrono::steady_clock::now();
        TrainCallbacks callbacks;
        callbacks.shouldStop = shouldStop;
        callbacks.onBatch = [&](const BatchReport& b) {
            const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
            Q_EMIT batchProgress({b.epoch, config.epochs, b.batch, b.batches, b.recentLoss, elapsed});
        };
        callbacks.onEpoch = [&](const EpochReport& e) {
            summary.epochs.push_back(e);
            Q_EMIT epochFinished({e.epoch, e.epochs, e.meanLoss, e.seconds, e.validationAccuracy.value_or(-1)});
        };
        const TrainResult result = trainModel(*model, train, validation, config, callbacks);
        summary.trainSeconds = result.seconds;
        if (result.outcome == TrainOutcome::Cancelled) {
            Q_EMIT stopped(tr("Training stopped: %1. The loss curve so far is kept.").arg(qs(result.message)));
            return;
        }
        if (result.outcome == TrainOutcome::Diverged) {
            Q_EMIT failed(tr("Training diverged"), qs(result.message));
            return;
        }

        Q_EMIT evaluating();
        const auto evalStart = std::chrono::steady_clock::now();
        const TensorSet test{normaliseImages(data.test.images, device), data.test.labels.to(device)};
        // Small batches: Stop is checked between them.
        Evaluation evaluation = evaluateModel(*model, test, kEvaluationBatch, shouldStop);
        ScoreTable scores = computeScores(evaluation.probabilities, evaluation.embeddings,
                                          std::min<int64_t>(request.neighbours, test.size() - 1), shouldStop);
        summary.evalSeconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - evalStart).count();

        state_->model = model;
        state_->summary = summary;
        state_->evaluation = evaluation;
        state_->scores = scores;
        state_->hasRun = true;
        Q_EMIT finished(makeResults(summary, data.test.images, evaluation.labels, evaluation.predicted,
                                    evaluation.probabilities, scores.values, scores.neighbours, evaluation.confusion,
                                    evaluation.accuracy));
    } catch (const Cancelled&) {
        Q_EMIT stopped(tr("Stopped during evaluation. The loss curve is kept."));
    } catch (const InputError& e) {
        Q_EMIT failed(tr("Cannot train"), qs(e.what()));
    } catch (const std::exception& e) {
        Q_EMIT failed(tr("Training failed"), qs(e.what()));
    }
}

void TrainingWorker::download(const QString& dataset) {
    try {
        const DatasetSpec& spec = datasetSpec(dataset.toStdString());
        DownloadOptions options;
        options.shouldStop = [this] { return stop_.load(std::memory_order_relaxed); };
        options.onProgress = [this](const DownloadProgress& p) {
            Q_EMIT downloadProgress(p.fileIndex, p.fileCount, qlonglong(p.received), qlonglong(p.total));
        };
        const std::string dest = userCacheDir(spec.name);
        downloadDataset(spec, dest, options);
        loadDataset(spec, dest);  // verify what landed, as training will read it
        Q_EMIT downloadFinished(true, tr("%1 downloaded to %2 and verified.").arg(qs(spec.displayName), qs(dest)));
    } catch (const Cancelled&) {
        Q_EMIT downloadFinished(false, tr("Download cancelled; complete files were kept."));
    } catch (const std::exception& e) {
        Q_EMIT downloadFinished(false, qs(e.what()));
    }
}

void TrainingWorker::saveRun(const QString& dir) {
    if (!state_->hasRun) {
        Q_EMIT failed(tr("Nothing to save"), tr("Train a model first."));
        return;
    }
    try {
        const std::string path = dir.toStdString();
        ensureWritableDirectory(path);
        saveWeights(*state_->model, (std::filesystem::path(path) / "model.pt").string());
        writeEvaluationOutputs(path, state_->summary, state_->evaluation, state_->scores);
        Q_EMIT runSaved(dir);
    } catch (const std::exception& e) {
        Q_EMIT failed(tr("Cannot save the run"), qs(e.what()));
    }
}

void TrainingWorker::openRun(const QString& dir, const QString& dataDir) {
    try {
        const SavedRun run = readRun(dir.toStdString());
        modelInfo(run.model);  // an unknown model is refused here, not later
        const LoadedDataset data = loadFor(run.dataset, dataDir.toStdString(), 0, run.size());
        if (data.test.size() != run.size() || !torch::equal(data.test.labels, run.labels)) {
            throw InputError(fileError(dir.toStdString(), "its labels do not match the " + run.dataset +
                                                              " test set found on this machine"));
        }
        RunSummary summary;
        summary.model = run.model;
        summary.dataset = run.dataset;
        summary.device = run.device;
        summary.epochs = run.epochs;
        summary.trainSeconds = run.trainSeconds;
        summary.evalSeconds = run.evalSeconds;
        summary.trainImages = run.trainImages;
        summary.neighbours = run.neighbours.indices.size(1);

        // Keep it as the current run, so it can be saved again elsewhere.
        state_->model = makeModel(run.model);
        const std::string weights = (std::filesystem::path(dir.toStdString()) / "model.pt").string();
        if (std::filesystem::exists(weights)) loadWeights(*state_->model, weights);
        state_->summary = summary;
        state_->evaluation = {run.probabilities, run.embeddings, run.predicted, run.labels, run.confusion,
                              run.testAccuracy};
        state_->scores.values = run.scores;
        state_->scores.neighbours = run.neighbours;
        state_->hasRun = true;
        Q_EMIT runOpened(makeResults(summary, data.test.images, run.labels, run.predicted, run.probabilities,
                                     run.scores, run.neighbours, run.confusion, run.testAccuracy),
                         dir);
    } catch (const std::exception& e) {
        Q_EMIT failed(tr("Cannot open the run"), qs(e.what()));
    }
}

}  // namespace alx::ui
