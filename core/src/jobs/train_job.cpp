#include "alx/jobs/train_job.h"

#include <torch/torch.h>

#include <chrono>
#include <filesystem>

#include "alx/models/model_registry.h"
#include "alx/scoring/neighbours.h"
#include "alx/storage/atomic_file.h"
#include "alx/storage/label_review.h"
#include "alx/storage/weights_file.h"
#include "alx/util/device.h"
#include "alx/util/errors.h"
#include "alx/util/timing.h"

namespace alx {

TrainConfig trainConfigFor(const TrainJobRequest& request) {
    const ModelPreset& preset = modelInfo(request.model).preset;
    TrainConfig config;
    config.optimiser = request.optimiser.empty() ? preset.optimiser : parseOptimiser(request.optimiser);
    config.momentum = request.momentum >= 0 ? request.momentum : preset.momentum;
    config.learningRate = request.learningRate > 0 ? request.learningRate : preset.learningRate;
    config.batchSize = request.batchSize > 0 ? request.batchSize : preset.batchSize;
    config.epochs = request.epochs > 0 ? request.epochs : preset.epochs;
    config.seed = request.seed;
    config.lossReadInterval = request.lossReadInterval;
    return config;
}

TrainJobResult runTrainJob(const TrainJobRequest& request, const TrainJobCallbacks& callbacks) {
    const bool evaluateOnly = !request.weights.empty();
    const bool writing = !request.outDir.empty();
    const auto stop = [&] { return callbacks.shouldStop && callbacks.shouldStop(); };
    TrainConfig config = trainConfigFor(request);  // an unknown model or optimiser is refused here
    if (request.neighbours < 1) throw InputError("the neighbours per image must be at least 1", "neighbours");
    configureThreads(request.threads);
    const torch::Device device = resolveDevice(request.device);

    // Weights for another model are refused before anything is loaded or
    // written: no empty run folder is left behind.
    for (const std::string& path : {request.weights, request.initWeights}) {
        if (path.empty()) continue;
        const WeightsInfo info = readWeightsInfo(path);
        if (!info.model.empty() && info.model != request.model) {
            throw InputError(fileError(path, "holds weights for model '" + info.model + "', not '" + request.model + "'"),
                             request.weights.empty() ? "init_weights" : "weights");
        }
    }
    if (writing) ensureWritableDirectory(request.outDir);

    TrainJobResult result;
    const LoadedDataset data = loadJobData(request.data, callbacks.shouldStop, callbacks.onDataset);
    auto [trainIndex, validationIndex] = splitValidation(data.train.size(), request.validation, request.seed);
    // A person's review: training images left out, or trained with another label.
    torch::Tensor trainLabels = data.train.labels;
    int64_t excluded = 0, relabelled = 0;
    if (!evaluateOnly && (!request.excludeFile.empty() || !request.relabelFile.empty())) {
        const int64_t classes = datasetSpec(request.data.name).classes;
        const auto check = [&](const std::string& path, int64_t index) {
            if (index >= data.train.size()) {
                throw InputError(fileError(path, "names training image " + std::to_string(index) + ", beyond the " +
                                                     std::to_string(data.train.size()) + " used"),
                                 path == request.excludeFile ? "exclude" : "relabel");
            }
        };
        if (!request.relabelFile.empty()) {
            trainLabels = trainLabels.clone();
            auto* y = trainLabels.data_ptr<int64_t>();
            for (const auto& [index, label] : readLabelEdits(request.relabelFile, true, classes).relabel) {
                check(request.relabelFile, index);
                relabelled += y[index] != label;
                y[index] = label;
            }
        }
        if (!request.excludeFile.empty()) {
            const auto list = readLabelEdits(request.excludeFile, false, classes).exclude;
            for (int64_t index : list) check(request.excludeFile, index);
            const auto drop = torch::tensor(list, torch::kInt64);
            trainIndex = trainIndex.index({~torch::isin(trainIndex, drop)});
            excluded = int64_t(list.size()) - torch::isin(validationIndex, drop).sum().item<int64_t>();
        }
    }
    const DatasetSpec& spec = datasetSpec(request.data.name);

    torch::manual_seed(request.seed);
    result.model = makeModel(request.model, spec.classes);
    result.model->to(device);
    const WeightsInfo expected{request.model, spec.classes};
    if (evaluateOnly) loadWeights(*result.model, request.weights, expected);
    if (!request.initWeights.empty()) loadWeights(*result.model, request.initWeights, expected);

    RunSummary& summary = result.summary;
    summary = summaryFor(request.model, request.data.name, device, config, request.validation, request.neighbours,
                         trainIndex.size(0));
    summary.classNames = spec.classNames;
    summary.excludeFile = request.excludeFile;
    summary.relabelFile = request.relabelFile;
    summary.excludedImages = excluded;
    summary.relabelledImages = relabelled;
    if (evaluateOnly) {
        summary.epochsPlanned = 0;
        summary.weightsFrom = request.weights;
    }
    if (callbacks.onStart) {
        callbacks.onStart({summary.device, evaluateOnly ? 0 : trainIndex.size(0), validationIndex.size(0),
                           data.test.size(), excluded, relabelled, config});
    }
    if (stop()) {
        result.outcome = JobOutcome::Cancelled;
        result.message = "stopped before training started";
        return result;
    }

    Evaluation validationEvaluation;  // for temperature scaling, when a validation split is held out
    if (!evaluateOnly) {
        const torch::Tensor images = normaliseImages(data.train.images, device);
        const torch::Tensor labels = trainLabels.to(device);
        auto subset = [&](const torch::Tensor& index) {
            const auto i = index.to(device);
            return TensorSet{images.index_select(0, i), labels.index_select(0, i)};
        };
        const bool whole = trainIndex.size(0) == data.train.size();
        const TensorSet train = whole ? TensorSet{images, labels} : subset(trainIndex);
        const TensorSet validation = request.validation > 0 ? subset(validationIndex) : TensorSet{};

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
            if (writing) writeSummary(request.outDir, summary);  // an interrupted run keeps its curve
            if (callbacks.onEpoch) callbacks.onEpoch(e);
        };
        const TrainResult trained = trainModel(*result.model, train, validation, config, trainCallbacks);
        summary.trainSeconds = trained.seconds;
        if (trained.outcome != TrainOutcome::Finished) {
            const bool cancelled = trained.outcome == TrainOutcome::Cancelled;
            result.outcome = cancelled ? JobOutcome::Cancelled : JobOutcome::Diverged;
            result.message = trained.message;
            summary.status = cancelled ? "cancelled" : "diverged";
            summary.message = trained.message;
            if (writing) writeSummary(request.outDir, summary);
            return result;
        }
        summary.status = "finished";
        if (request.validation > 0) {
            try {
                validationEvaluation = evaluateModel(*result.model, validation, kEvaluationBatch, callbacks.shouldStop);
            } catch (const Cancelled&) {  // the weights are what matters: kept, and the evaluation below stops too
            }
        }
        if (writing) saveWeights(*result.model, (std::filesystem::path(request.outDir) / "model.pt").string(), expected);
    }

    if (callbacks.onEvaluating) callbacks.onEvaluating();
    try {
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
        }
        summary.evalSeconds = secondsSince(evalStart);
    } catch (const Cancelled&) {
        result.outcome = JobOutcome::Cancelled;
        result.stoppedInEvaluation = true;
        result.message = "stopped during evaluation; training had finished";
        summary.status = "cancelled";
        summary.message = result.message;
        if (writing) writeSummary(request.outDir, summary);
        return result;
    }
    recordEvaluation(summary, result.evaluation, result.scores);
    if (validationEvaluation.probabilities.defined()) {
        recordTemperature(summary, validationEvaluation.probabilities, validationEvaluation.labels, result.evaluation);
    }
    result.evaluated = true;
    result.testImages = data.test.images;
    if (result.trainNeighbours.indices.defined()) {
        result.trainImages = data.train.images;
        result.trainLabels = data.train.labels;
    }
    if (writing) {
        writeEvaluationOutputs(request.outDir, summary, result.evaluation, result.scores,
                               result.trainNeighbours.indices.defined() ? &result.trainNeighbours : nullptr);
    }
    return result;
}

}  // namespace alx
