#include "alx/jobs/train_job.h"

#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <optional>
#include <tuple>

#include "alx/models/model_registry.h"
#include "alx/models/scripted_model.h"
#include "alx/scoring/neighbours.h"
#include "alx/storage/label_review.h"
#include "alx/util/device.h"
#include "alx/util/errors.h"
#include "alx/util/files.h"
#include "alx/util/timing.h"

namespace alx {
namespace {

// Weights for another model are refused before anything is loaded or
// written: no empty run folder is left behind.
void checkWeightsFiles(const TrainJobRequest& request) {
    if (isModelFile(request.model)) {
        if (!request.weights.empty() && request.weights != request.model) {
            throw InputError("a TorchScript model carries its own weights: evaluate it without --weights", "weights");
        }
        if (!request.initWeights.empty()) {
            throw InputError("a TorchScript model starts from its own weights (or --reinit): leave out --init-weights",
                             "init_weights");
        }
        return;
    }
    if (request.reinitialise) throw InputError("--reinit is for TorchScript models; ALX's own start from a fresh draw", "reinit");
    for (const std::string& path : {request.weights, request.initWeights}) {
        if (path.empty()) continue;
        const WeightsInfo info = readWeightsInfo(path);
        if (!info.model.empty() && info.model != request.model) {
            throw InputError(fileError(path, "holds weights for model '" + info.model + "', not '" + request.model + "'"),
                             request.weights.empty() ? "init_weights" : "weights");
        }
    }
}

// The training images and labels a person's review leaves: images left out
// (excludeFile) and labels changed (relabelFile).
struct ReviewedTraining {
    torch::Tensor trainIndex, validationIndex;  // into the dataset's training images
    torch::Tensor labels;                       // int64 [M], relabelled where the review says
    int64_t excluded = 0, relabelled = 0;
};

ReviewedTraining applyReview(const TrainJobRequest& request, const LoadedDataset& data) {
    ReviewedTraining out;
    std::tie(out.trainIndex, out.validationIndex) = splitValidation(data.train.size(), request.validation, request.seed);
    out.labels = data.train.labels;
    if (!request.weights.empty() || (request.excludeFile.empty() && request.relabelFile.empty())) return out;
    const int64_t classes = data.classes();
    const auto check = [&](const std::string& path, int64_t index) {
        if (index >= data.train.size()) {
            throw InputError(fileError(path, "names training image " + std::to_string(index) + ", beyond the " +
                                                 std::to_string(data.train.size()) + " used"),
                             path == request.excludeFile ? "exclude" : "relabel");
        }
    };
    std::vector<int64_t> relabelledIndices;
    if (!request.relabelFile.empty()) {
        out.labels = out.labels.clone();
        auto* y = out.labels.data_ptr<int64_t>();
        for (const auto& [index, label] : readLabelEdits(request.relabelFile, true, classes).relabel) {
            check(request.relabelFile, index);
            out.relabelled += y[index] != label;
            y[index] = label;
            relabelledIndices.push_back(index);
        }
    }
    if (!request.excludeFile.empty()) {
        auto list = readLabelEdits(request.excludeFile, false, classes).exclude;
        // One review for both: an image marked mislabelled with its right
        // label typed trains with that label; the rest it marks are left out.
        if (request.excludeFile == request.relabelFile) {
            list.erase(std::remove_if(list.begin(), list.end(),
                                      [&](int64_t i) {
                                          return std::binary_search(relabelledIndices.begin(), relabelledIndices.end(), i);
                                      }),
                       list.end());
        }
        for (int64_t index : list) check(request.excludeFile, index);
        const auto drop = torch::tensor(list, torch::kInt64);
        out.trainIndex = out.trainIndex.index({~torch::isin(out.trainIndex, drop)});
        out.excluded = int64_t(list.size()) - torch::isin(out.validationIndex, drop).sum().item<int64_t>();
    }
    return out;
}

// Marks the summary as ended early, and keeps it when the run is written.
void endEarly(TrainJobResult& result, JobOutcome outcome, const std::string& message, const std::optional<RunFolder>& folder) {
    result.outcome = outcome;
    result.message = message;
    result.summary.status = outcome == JobOutcome::Cancelled ? "cancelled" : "diverged";
    result.summary.message = message;
    if (folder) folder->writeSummary(result.summary);
}

// Trains the model; false when it ended early (the result says how). With a
// validation split, `validation` receives its evaluation for temperature scaling.
bool train(const TrainJobRequest& request, const TrainConfig& config, const LoadedDataset& data,
           const ReviewedTraining& reviewed, const torch::Device& device, const TrainJobCallbacks& callbacks,
           const std::optional<RunFolder>& folder, TrainJobResult& result, Evaluation& validation) {
    const torch::Tensor images = normaliseImages(data.train.images, device);
    const torch::Tensor labels = reviewed.labels.to(device);
    auto subset = [&](const torch::Tensor& index) {
        const auto i = index.to(device);
        return TensorSet{images.index_select(0, i), labels.index_select(0, i)};
    };
    const bool whole = reviewed.trainIndex.size(0) == data.train.size();
    const TensorSet trainSet = whole ? TensorSet{images, labels} : subset(reviewed.trainIndex);
    const TensorSet validationSet = request.validation > 0 ? subset(reviewed.validationIndex) : TensorSet{};

    RunSummary& summary = result.summary;
    const auto start = std::chrono::steady_clock::now();
    TrainCallbacks trainCallbacks;
    trainCallbacks.shouldStop = callbacks.shouldStop;
    if (callbacks.onBatch) {
        trainCallbacks.onBatch = [&](const BatchReport& b) { callbacks.onBatch(b, secondsSince(start)); };
    }
    trainCallbacks.onEpoch = [&](const EpochReport& e) {
        summary.epochs.push_back(e);
        summary.trainSeconds += e.seconds;
        summary.status = "training";
        if (folder) folder->writeSummary(summary);  // an interrupted run keeps its curve
        if (callbacks.onEpoch) callbacks.onEpoch(e);
    };
    const TrainResult trained = trainModel(*result.model, trainSet, validationSet, config, trainCallbacks);
    summary.trainSeconds = trained.seconds;
    if (trained.outcome != TrainOutcome::Finished) {
        endEarly(result, trained.outcome == TrainOutcome::Cancelled ? JobOutcome::Cancelled : JobOutcome::Diverged,
                 trained.message, folder);
        return false;
    }
    summary.status = "finished";
    if (request.validation > 0) {
        try {
            validation = evaluateModel(*result.model, validationSet, kEvaluationBatch, callbacks.shouldStop);
        } catch (const Cancelled&) {  // the weights are what matters: kept, and the evaluation below stops too
        }
    }
    if (folder) folder->writeWeights(*result.model, {request.model, {data.shape, data.classes()}});
    return true;
}

// Evaluates and scores the test images (and finds their nearest training
// images when asked); throws Cancelled when stopped.
void evaluate(const TrainJobRequest& request, const LoadedDataset& data, const torch::Device& device,
              const TrainJobCallbacks& callbacks, TrainJobResult& result) {
    const auto evalStart = std::chrono::steady_clock::now();
    const TensorSet test{normaliseImages(data.test.images, device), data.test.labels.to(device)};
    result.evaluation = evaluateModel(*result.model, test, kEvaluationBatch, callbacks.shouldStop);
    result.scores = computeScores(result.evaluation.probabilities, result.evaluation.embeddings,
                                  std::min<int64_t>(request.neighbours, test.size() - 1), callbacks.shouldStop);
    if (request.trainNeighbours) {
        // Each test image beside the training images the network puts nearest.
        const TensorSet train{normaliseImages(data.train.images, device), data.train.labels.to(device)};
        const auto trainEmbeddings = evaluateModel(*result.model, train, kEvaluationBatch, callbacks.shouldStop).embeddings;
        result.trainNeighbours = nearestNeighboursIn(result.evaluation.embeddings, trainEmbeddings,
                                                     std::min<int64_t>(request.neighbours, train.size()), 0,
                                                     callbacks.shouldStop);
        result.trainImages = data.train.images;
        result.trainLabels = data.train.labels;
    }
    result.summary.evalSeconds = secondsSince(evalStart);
}

}  // namespace

TrainConfig trainConfigFor(const TrainJobRequest& request) {
    const ModelPreset preset = modelInfo(request.model).preset;
    TrainConfig config;
    config.optimiser = request.optimiser.empty() ? preset.optimiser : parseOptimiser(request.optimiser);
    config.momentum = request.momentum >= 0 ? request.momentum : preset.momentum;
    config.learningRate = request.learningRate > 0 ? request.learningRate : preset.learningRate;
    config.batchSize = request.batchSize > 0 ? request.batchSize : preset.batchSize;
    config.epochs = request.epochs > 0 ? request.epochs : preset.epochs;
    config.seed = request.seed;
    config.lossReadInterval = request.lossReadInterval;
    config.cudaGraphs = request.cudaGraphs;
    return config;
}

TrainJobResult runTrainJob(const TrainJobRequest& request, const TrainJobCallbacks& callbacks) {
    const bool evaluateOnly = !request.weights.empty();
    TrainConfig config = trainConfigFor(request);  // an unknown model or optimiser is refused here
    if (request.neighbours < 1) throw InputError("the neighbours per image must be at least 1", "neighbours");
    configureThreads(request.threads);
    const torch::Device device = resolveDevice(request.device);
    checkWeightsFiles(request);
    std::optional<RunFolder> folder;
    if (!request.outDir.empty()) {
        ensureWritableDirectory(request.outDir);
        folder.emplace(request.outDir);
    }

    TrainJobResult result;
    const LoadedDataset data = loadJobData(seededDataset(request.data, request.seed), callbacks.shouldStop, callbacks.onDataset);
    const ReviewedTraining reviewed = applyReview(request, data);
    const ModelInput input{data.shape, data.classes()};
    torch::manual_seed(request.seed);
    result.model = makeModel(request.model, input, request.reinitialise);
    result.model->to(device);
    const WeightsInfo expected{request.model, input};
    if (evaluateOnly && !isModelFile(request.model)) loadWeights(*result.model, request.weights, expected);
    if (!request.initWeights.empty()) loadWeights(*result.model, request.initWeights, expected);

    RunSummary& summary = result.summary;
    summary = summaryFor(request.model, request.data.spec.name, device, config, request.validation, request.neighbours,
                         reviewed.trainIndex.size(0));
    summary.classNames = data.classNames;
    summary.dataDir = data.dir;
    summary.imageShape = data.shape;
    if (const ScriptContract* contract = scriptContractOf(*result.model)) {
        summary.script = {contract->sha256, contract->embedding, request.reinitialise};
    }
    summary.testFraction = data.testFraction;
    summary.excludeFile = request.excludeFile;
    summary.relabelFile = request.relabelFile;
    summary.excludedImages = reviewed.excluded;
    summary.relabelledImages = reviewed.relabelled;
    if (evaluateOnly) {
        summary.epochsPlanned = 0;
        summary.weightsFrom = request.weights;
    }
    if (callbacks.onStart) {
        callbacks.onStart({summary.device, evaluateOnly ? 0 : reviewed.trainIndex.size(0), reviewed.validationIndex.size(0),
                           data.test.size(), reviewed.excluded, reviewed.relabelled, config, summary.script.embedding});
    }
    if (callbacks.shouldStop && callbacks.shouldStop()) {
        result.outcome = JobOutcome::Cancelled;
        result.message = "stopped before training started";
        return result;
    }

    Evaluation validation;  // for temperature scaling, when a validation split is held out
    if (!evaluateOnly && !train(request, config, data, reviewed, device, callbacks, folder, result, validation)) return result;

    if (callbacks.onEvaluating) callbacks.onEvaluating();
    try {
        evaluate(request, data, device, callbacks, result);
    } catch (const Cancelled&) {
        result.stoppedInEvaluation = true;
        endEarly(result, JobOutcome::Cancelled, "stopped during evaluation; training had finished", folder);
        return result;
    }
    recordEvaluation(summary, result.evaluation, result.scores);
    if (validation.probabilities.defined()) {
        recordTemperature(summary, validation.probabilities, validation.labels, result.evaluation);
    }
    result.evaluated = true;
    result.testImages = data.test.images;
    result.testPaths = data.testPaths;
    result.trainPaths = data.trainPaths;
    if (folder) {
        folder->writeEvaluation(summary, result.evaluation, result.scores,
                                result.trainNeighbours.indices.defined() ? &result.trainNeighbours : nullptr);
    }
    return result;
}

}  // namespace alx
