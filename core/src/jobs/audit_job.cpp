#include "alx/jobs/audit_job.h"

#include <torch/torch.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "alx/active_learning/config.h"
#include "alx/audit/stratified_folds.h"
#include "alx/data/dataset_catalog.h"
#include "alx/data/idx_reader.h"
#include "alx/jobs/train_job.h"
#include "alx/models/model_registry.h"
#include "alx/scoring/evaluator.h"
#include "alx/storage/atomic_file.h"
#include "alx/storage/label_audit_files.h"
#include "alx/storage/npy.h"
#include "alx/storage/run_reader.h"
#include "alx/util/device.h"
#include "alx/util/errors.h"

namespace fs = std::filesystem;

namespace alx {
namespace {

std::string in(const std::string& dir, const std::string& name) { return (fs::path(dir) / name).string(); }

// A fold trains as `alx-cli train --model M --epochs N --seed S` would.
TrainConfig foldConfig(const std::string& model, int epochs, uint64_t seed) {
    TrainJobRequest request;
    request.model = model;
    request.epochs = epochs;
    request.seed = seed;
    return trainConfigFor(request);
}

// What the folds in outDir/folds were computed with: a resumed audit must match it.
nlohmann::json foldPlan(const AuditJobRequest& request, const std::string& model, const std::string& dataset,
                        int64_t images, int epochs) {
    return {{"model", model}, {"dataset", dataset}, {"folds", request.folds}, {"epochs_per_fold", epochs},
            {"seed", request.seed}, {"images", images}};
}

// Out-of-sample probabilities of the training split: one model per fold.
torch::Tensor crossValidatedProbabilities(const AuditJobRequest& request, const std::string& model,
                                          const LoadedDataset& data, const torch::Device& device,
                                          const AuditJobCallbacks& callbacks, AuditJobResult& result) {
    const int64_t n = data.train.size();
    const int64_t classes = datasetSpec(request.data.name).classes;
    const auto labels = data.train.labels.to(torch::kInt64).contiguous();
    const std::vector<int> fold = stratifiedFolds(labels.data_ptr<int64_t>(), n, request.folds, request.seed);
    const int epochs = request.epochs > 0 ? request.epochs : modelInfo(model).preset.epochs;

    const std::string foldDir = in(request.outDir, "folds");
    fs::create_directories(foldDir);
    const std::string planPath = in(foldDir, "plan.json");
    const nlohmann::json plan = foldPlan(request, model, request.data.name, n, epochs);
    if (fs::exists(planPath)) {
        const auto bytes = readWholeFile(planPath);
        nlohmann::json previous;
        try {
            previous = nlohmann::json::parse(bytes.begin(), bytes.end());
        } catch (const nlohmann::json::exception& e) {
            throw InputError(fileError(planPath, std::string("damaged JSON: ") + e.what()));
        }
        if (previous != plan) {
            throw InputError(fileError(planPath, "these folds were computed with other settings: " + previous.dump() +
                                                     "; asked for " + plan.dump() + ". Choose another output folder."),
                             "out_dir");
        }
    } else {
        writeFileAtomically(planPath, plan.dump(1) + "\n");
    }

    const torch::Tensor images = normaliseImages(data.train.images, device);
    const auto foldTensor = torch::tensor(std::vector<int64_t>(fold.begin(), fold.end()), torch::kInt64);
    torch::Tensor probabilities = torch::zeros({n, classes}, torch::kFloat32);
    for (int f = 0; f < request.folds; ++f) {
        const auto heldOut = torch::nonzero(foldTensor == f).flatten();
        const auto kept = torch::nonzero(foldTensor != f).flatten();
        const std::string foldPath = in(foldDir, "fold_" + std::to_string(f) + ".npy");
        if (fs::exists(foldPath)) {
            const torch::Tensor saved = readNpy(foldPath);
            if (saved.dim() != 2 || saved.size(0) != heldOut.size(0) || saved.size(1) != classes ||
                !torch::isfinite(saved).all().item<bool>()) {
                throw InputError(fileError(foldPath, "is not this fold's " + std::to_string(heldOut.size(0)) + " x " +
                                                         std::to_string(classes) + " probabilities"));
            }
            probabilities.index_copy_(0, heldOut, saved.to(torch::kFloat32));
            ++result.foldsResumed;
            if (callbacks.onFold) callbacks.onFold(f, request.folds, kept.size(0), heldOut.size(0), true);
            continue;
        }
        if (callbacks.onFold) callbacks.onFold(f, request.folds, kept.size(0), heldOut.size(0), false);
        const auto keptOnDevice = kept.to(device), heldOutOnDevice = heldOut.to(device);
        const TensorSet train{images.index_select(0, keptOnDevice), data.train.labels.to(device).index_select(0, keptOnDevice)};
        const TensorSet test{images.index_select(0, heldOutOnDevice), data.train.labels.to(device).index_select(0, heldOutOnDevice)};
        const uint64_t seed = repeatSeed(request.seed, f);
        torch::manual_seed(seed);
        ClassifierPtr net = makeModel(model, classes);
        net->to(device);
        TrainCallbacks trainCallbacks;
        trainCallbacks.shouldStop = callbacks.shouldStop;
        trainCallbacks.onEpoch = [&](const EpochReport& e) {
            if (callbacks.onEpoch) callbacks.onEpoch(f, e);
        };
        const TrainResult trained = trainModel(*net, train, TensorSet{}, foldConfig(model, epochs, seed), trainCallbacks);
        if (trained.outcome == TrainOutcome::Cancelled) throw Cancelled();
        if (trained.outcome == TrainOutcome::Diverged) {
            throw RunError("fold " + std::to_string(f + 1) + ": " + trained.message);
        }
        const Evaluation evaluation = evaluateModel(*net, test, kEvaluationBatch, callbacks.shouldStop);
        const torch::Tensor foldProbabilities = evaluation.probabilities.to(torch::kCPU, torch::kFloat32).contiguous();
        writeNpy(foldPath, foldProbabilities);  // a finished fold survives a stop
        probabilities.index_copy_(0, heldOut, foldProbabilities);
    }
    return probabilities;
}

}  // namespace

AuditJobResult runAuditJob(const AuditJobRequest& request, const AuditJobCallbacks& callbacks) {
    if (request.split != "test" && request.split != "train") {
        throw InputError("unknown split '" + request.split + "' (known: test, train)", "split");
    }
    if (request.runDir.empty() == request.model.empty()) {
        throw InputError("audit either a run folder or a model, not both and not neither", "run");
    }
    if (request.outDir.empty()) throw InputError("the audit needs an output folder", "out_dir");
    if (request.split == "train" && request.folds < 2) throw InputError("at least 2 folds are needed", "folds");
    const auto stage = [&](const std::string& s) {
        if (callbacks.onStage) callbacks.onStage(s);
    };

    AuditJobResult result;
    LabelAuditSettings settings;
    settings.split = request.split;
    settings.seed = request.seed;
    settings.ranking = request.ranking == FlaggedRanking::NormalizedMargin ? "normalized_margin" : "self_confidence";
    settings.runDir = request.runDir;

    std::string model = request.model;
    AuditJobRequest effective = request;
    SavedRun run;
    if (!request.runDir.empty()) {
        run = readRun(request.runDir);  // validated whole, or refused naming the file
        model = run.model;
        effective.data.name = run.dataset;
    }
    modelInfo(model);  // an unknown model is refused before any work
    ensureWritableDirectory(request.outDir);
    configureThreads(request.threads);
    const torch::Device device = resolveDevice(request.device);
    settings.model = model;
    settings.dataset = effective.data.name;
    settings.classNames = datasetSpec(effective.data.name).classNames;
    if (!run.classNames.empty()) settings.classNames = run.classNames;

    torch::Tensor probabilities, labels;
    try {
        if (request.split == "test" && !request.runDir.empty()) {
            settings.source = "run";
            probabilities = run.probabilities;
            labels = run.labels;
        } else if (request.split == "test") {
            settings.source = "trained_here";
            stage("training " + modelInfo(model).displayName + " on the training split");
            TrainJobRequest train;
            train.data = effective.data;
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
            probabilities = trained.evaluation.probabilities;
            labels = trained.evaluation.labels;
            settings.epochs = trained.summary.epochsPlanned;
        } else {
            settings.source = "cross_validation";
            settings.folds = request.folds;
            settings.epochs = request.epochs > 0 ? request.epochs : modelInfo(model).preset.epochs;
            DatasetRequest data = effective.data;
            data.testImages = 1;  // only the training split is audited
            const LoadedDataset loaded = loadJobData(data, callbacks.shouldStop, callbacks.onDataset);
            probabilities = crossValidatedProbabilities(effective, model, loaded, device, callbacks, result);
            labels = loaded.train.labels;
        }
    } catch (const Cancelled&) {
        result.outcome = JobOutcome::Cancelled;
        result.message = result.foldsResumed > 0 || request.split == "train"
                             ? "stopped; the finished folds are kept in " + in(request.outDir, "folds")
                             : "stopped";
        return result;
    }

    stage("confident learning over " + std::to_string(labels.size(0)) + " images");
    const auto p = probabilities.to(torch::kCPU, torch::kFloat32).contiguous();
    const auto y = labels.to(torch::kCPU, torch::kInt64).contiguous();
    ConfidentLearningOptions options;
    options.flaggedRanking = request.ranking;
    result.audit = auditLabels(p.data_ptr<float>(), y.data_ptr<int64_t>(), p.size(0), p.size(1), options);
    const std::vector<int64_t> given(y.data_ptr<int64_t>(), y.data_ptr<int64_t>() + y.numel());
    writeNpy(in(request.outDir, "probabilities.npy"), p);
    result.issuesPath = in(request.outDir, "label_issues.csv");
    result.qualityPath = in(request.outDir, "label_quality.json");
    writeLabelIssues(result.issuesPath, result.audit, given);
    writeLabelQuality(result.qualityPath, result.audit, settings);
    return result;
}

}  // namespace alx
