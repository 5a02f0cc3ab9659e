#include "alx/jobs/audit_job.h"

#include <torch/torch.h>

#include <optional>

#include "alx/active_learning/config.h"
#include "alx/audit/stratified_folds.h"
#include "alx/jobs/train_job.h"
#include "alx/models/model_registry.h"
#include "alx/scoring/evaluator.h"
#include "alx/storage/audit_folder.h"
#include "alx/storage/run_folder.h"
#include "alx/util/device.h"
#include "alx/util/errors.h"
#include "alx/util/files.h"

namespace alx {
namespace {

// A fold trains as `alx-cli train --model M --epochs N --seed S` would.
TrainConfig foldConfig(const std::string& model, int epochs, uint64_t seed) {
    TrainJobRequest request;
    request.model = model;
    request.epochs = epochs;
    request.seed = seed;
    return trainConfigFor(request);
}

// Fold f's out-of-sample probabilities: its own model, trained on the other folds.
torch::Tensor trainFold(const AuditJobRequest& request, const std::string& model, int64_t classes, int f, int epochs,
                        const TensorSet& train, const TensorSet& heldOut, const AuditJobCallbacks& callbacks) {
    const uint64_t seed = repeatSeed(request.seed, f);
    torch::manual_seed(seed);
    ClassifierPtr net = makeModel(model, {shapeOf(train.images), classes});
    net->to(train.images.device());
    TrainCallbacks trainCallbacks;
    trainCallbacks.shouldStop = callbacks.shouldStop;
    trainCallbacks.onEpoch = [&](const EpochReport& e) {
        if (callbacks.onEpoch) callbacks.onEpoch(f, e);
    };
    const TrainResult trained = trainModel(*net, train, TensorSet{}, foldConfig(model, epochs, seed), trainCallbacks);
    if (trained.outcome == TrainOutcome::Cancelled) throw Cancelled();
    if (trained.outcome == TrainOutcome::Diverged) throw RunError("fold " + std::to_string(f + 1) + ": " + trained.message);
    const Evaluation evaluation = evaluateModel(*net, heldOut, kEvaluationBatch, callbacks.shouldStop);
    return evaluation.probabilities.to(torch::kCPU, torch::kFloat32).contiguous();
}

// Out-of-sample probabilities of the training split: one model per fold,
// each kept in the audit's folder as it finishes.
torch::Tensor crossValidatedProbabilities(const AuditJobRequest& request, const std::string& model,
                                          const LoadedDataset& data, const torch::Device& device,
                                          const AuditJobCallbacks& callbacks, AuditJobResult& result) {
    const int64_t n = data.train.size(), classes = data.classes();
    const auto labels = data.train.labels.to(torch::kInt64).contiguous();
    const std::vector<int> fold = stratifiedFolds(labels.data_ptr<int64_t>(), n, request.folds, request.seed);
    const int epochs = request.epochs > 0 ? request.epochs : modelInfo(model).preset.epochs;
    const AuditFolder folder(request.outDir);
    folder.startFolds({model, request.data.spec.name, request.folds, epochs, request.seed, n});

    const torch::Tensor images = normaliseImages(data.train.images, device);
    const torch::Tensor onDevice = data.train.labels.to(device);
    const auto subset = [&](const torch::Tensor& index) {
        const auto i = index.to(device);
        return TensorSet{images.index_select(0, i), onDevice.index_select(0, i)};
    };
    const auto foldTensor = torch::tensor(std::vector<int64_t>(fold.begin(), fold.end()), torch::kInt64);
    torch::Tensor probabilities = torch::zeros({n, classes}, torch::kFloat32);
    for (int f = 0; f < request.folds; ++f) {
        const auto heldOut = torch::nonzero(foldTensor == f).flatten();
        const auto kept = torch::nonzero(foldTensor != f).flatten();
        std::optional<torch::Tensor> foldProbabilities = folder.readFold(f, heldOut.size(0), classes);
        if (callbacks.onFold) callbacks.onFold(f, request.folds, kept.size(0), heldOut.size(0), foldProbabilities.has_value());
        if (foldProbabilities) {
            ++result.foldsResumed;
        } else {
            foldProbabilities = trainFold(request, model, classes, f, epochs, subset(kept), subset(heldOut), callbacks);
            folder.writeFold(f, *foldProbabilities);  // a finished fold survives a stop
        }
        probabilities.index_copy_(0, heldOut, *foldProbabilities);
    }
    return probabilities;
}

// The test split's probabilities of a model trained here on the training split.
Evaluation trainedHere(const AuditJobRequest& request, const std::string& model, const AuditJobCallbacks& callbacks,
                       LabelAuditSettings& settings) {
    TrainJobRequest train;
    train.data = request.data;
    train.model = model;
    train.epochs = request.epochs;
    train.seed = request.seed;
    train.device = request.device;
    train.threads = request.threads;
    TrainJobCallbacks trainCallbacks;
    trainCallbacks.shouldStop = callbacks.shouldStop;
    trainCallbacks.onDataset = callbacks.onDataset;
    trainCallbacks.onEpoch = [&](const EpochReport& e) {
        if (callbacks.onEpoch) callbacks.onEpoch(0, e);
    };
    TrainJobResult trained = runTrainJob(train, trainCallbacks);
    if (trained.outcome == JobOutcome::Cancelled) throw Cancelled();
    if (trained.outcome == JobOutcome::Diverged) throw RunError(trained.message);
    settings.epochs = trained.summary.epochsPlanned;
    return trained.evaluation;
}

void checkRequest(const AuditJobRequest& request) {
    if (request.split != "test" && request.split != "train") {
        throw InputError("unknown split '" + request.split + "' (known: test, train)", "split");
    }
    if (request.runDir.empty() == request.model.empty()) {
        throw InputError("audit either a run folder or a model, not both and not neither", "run");
    }
    if (request.outDir.empty()) throw InputError("the audit needs an output folder", "out_dir");
    if (request.split == "train" && request.folds < 2) throw InputError("at least 2 folds are needed", "folds");
}

}  // namespace

AuditJobResult runAuditJob(const AuditJobRequest& asked, const AuditJobCallbacks& callbacks) {
    checkRequest(asked);
    AuditJobRequest request = asked;
    LabelAuditSettings settings;
    settings.split = request.split;
    settings.seed = request.seed;
    settings.ranking = request.ranking == FlaggedRanking::NormalizedMargin ? "normalized_margin" : "self_confidence";
    settings.runDir = request.runDir;
    SavedRun run;
    if (!request.runDir.empty()) {
        run = RunFolder(request.runDir).read();  // validated whole, or refused naming the file
        request.model = run.summary.model;
        request.data = runDataset(run.summary, request.data);
    } else {
        request.data = seededDataset(request.data, request.seed);
    }
    modelInfo(request.model);  // an unknown model is refused before any work
    ensureWritableDirectory(request.outDir);
    configureThreads(request.threads);
    const torch::Device device = resolveDevice(request.device);
    settings.model = request.model;
    settings.dataset = request.data.spec.name;
    settings.classNames = run.summary.classNames;

    AuditJobResult result;
    torch::Tensor probabilities, labels;
    try {
        if (request.split == "test" && !request.runDir.empty()) {
            settings.source = "run";
            probabilities = run.probabilities;
            labels = run.labels;
        } else if (request.split == "test") {
            settings.source = "trained_here";
            if (callbacks.onStage) callbacks.onStage("training " + modelInfo(request.model).displayName + " on the training split");
            const Evaluation evaluation = trainedHere(request, request.model, callbacks, settings);
            probabilities = evaluation.probabilities;
            labels = evaluation.labels;
        } else {
            settings.source = "cross_validation";
            settings.folds = request.folds;
            settings.epochs = request.epochs > 0 ? request.epochs : modelInfo(request.model).preset.epochs;
            DatasetRequest data = request.data;
            data.testImages = 1;  // only the training split is audited
            const LoadedDataset loaded = loadJobData(data, callbacks.shouldStop, callbacks.onDataset);
            probabilities = crossValidatedProbabilities(request, request.model, loaded, device, callbacks, result);
            labels = loaded.train.labels;
        }
    } catch (const Cancelled&) {
        result.outcome = JobOutcome::Cancelled;
        result.message = result.foldsResumed > 0 || request.split == "train"
                             ? "stopped; the finished folds are kept in " + AuditFolder(request.outDir).foldsDir()
                             : "stopped";
        return result;
    }

    if (callbacks.onStage) callbacks.onStage("confident learning over " + std::to_string(labels.size(0)) + " images");
    const auto p = probabilities.to(torch::kCPU, torch::kFloat32).contiguous();
    const auto y = labels.to(torch::kCPU, torch::kInt64).contiguous();
    ConfidentLearningOptions options;
    options.flaggedRanking = request.ranking;
    result.audit = auditLabels(p.data_ptr<float>(), y.data_ptr<int64_t>(), p.size(0), p.size(1), options);
    const std::vector<int64_t> given(y.data_ptr<int64_t>(), y.data_ptr<int64_t>() + y.numel());
    const AuditFolder folder(request.outDir);
    folder.writeAudit(result.audit, given, settings, p);
    result.issuesPath = folder.issuesPath();
    result.qualityPath = folder.qualityPath();
    return result;
}

}  // namespace alx
