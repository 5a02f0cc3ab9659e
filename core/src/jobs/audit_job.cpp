#include "alx/jobs/audit_job.h"

#include <torch/torch.h>

#include "alx/jobs/train_job.h"
#include "alx/models/model_registry.h"
#include "alx/scoring/evaluator.h"
#include "alx/storage/audit_folder.h"
#include "alx/util/device.h"
#include "alx/util/errors.h"
#include "alx/util/files.h"
#include "audit_members.h"

namespace alx {
namespace {

using audit_detail::AuditMembers;
using audit_detail::floatValues;

std::vector<int64_t> int64Values(const torch::Tensor& t) {
    const auto c = t.to(torch::kCPU, torch::kInt64).contiguous();
    return std::vector<int64_t>(c.data_ptr<int64_t>(), c.data_ptr<int64_t>() + c.numel());
}

// The test split's probabilities of models trained here on the training
// split, one per seed (and each test image's nearest training images, for
// the neighbour evidence).
AuditMembers trainedHere(const AuditJobRequest& request, const AuditJobCallbacks& callbacks, LabelAuditSettings& settings) {
    AuditMembers out;
    for (int s = 0; s < request.seeds; ++s) {
        TrainJobRequest train;
        train.data = request.data;
        train.model = request.model;
        train.epochs = request.epochs;
        train.seed = audit_detail::memberSeed(request.seed, s);
        train.device = request.device;
        train.threads = request.threads;
        train.trainNeighbours = request.neighbours > 0;
        train.neighbours = std::max<int64_t>(train.neighbours, request.neighbours);
        TrainJobCallbacks trainCallbacks;
        trainCallbacks.shouldStop = callbacks.shouldStop;
        if (s == 0) trainCallbacks.onDataset = callbacks.onDataset;
        trainCallbacks.onEpoch = [&](const EpochReport& e) {
            if (callbacks.onEpoch) callbacks.onEpoch(s, e);
        };
        TrainJobResult trained = runTrainJob(train, trainCallbacks);
        if (trained.outcome == JobOutcome::Cancelled) throw Cancelled();
        if (trained.outcome == JobOutcome::Diverged) throw RunError(trained.message);
        settings.epochs = trained.summary.epochsPlanned;
        out.given = int64Values(trained.evaluation.labels);
        out.classes = trained.evaluation.probabilities.size(1);
        out.probabilities.push_back(floatValues(trained.evaluation.probabilities));
        if (request.neighbours > 0) {
            const auto near = trained.trainNeighbours.indices.slice(1, 0, request.neighbours);
            out.neighbourShares.push_back(neighbourLabelShares(int64Values(near), near.size(0), near.size(1),
                                                               int64Values(trained.trainLabels), out.classes));
        }
        out.names.push_back(request.model + " seed " + std::to_string(train.seed));
    }
    return out;
}

// The runs' test probabilities and, with neighbour evidence, their test
// images' nearest training images (train_neighbours.npy), labelled from the
// dataset they were trained on.
AuditMembers fromRuns(const AuditJobRequest& request, const std::vector<SavedRun>& runs, const AuditJobCallbacks& callbacks) {
    AuditMembers out;
    out.given = int64Values(runs.front().labels);
    out.classes = runs.front().classes();
    std::vector<int64_t> trainLabels;
    if (request.neighbours > 0) {
        DatasetRequest data = request.data;
        data.testImages = 1;
        trainLabels = int64Values(loadJobData(data, callbacks.shouldStop, callbacks.onDataset).train.labels);
    }
    for (size_t r = 0; r < runs.size(); ++r) {
        out.probabilities.push_back(floatValues(runs[r].probabilities));
        out.names.push_back(request.runDirs[r]);
        if (request.neighbours == 0) continue;
        const Neighbours& near = runs[r].trainNeighbours;
        if (!near.indices.defined() || near.indices.size(1) < request.neighbours) {
            throw InputError(request.runDirs[r] + ": the run keeps " +
                                 std::to_string(near.indices.defined() ? near.indices.size(1) : 0) +
                                 " nearest training images per test image, fewer than --neighbours " +
                                 std::to_string(request.neighbours) + " (train it with --train-neighbours --neighbours " +
                                 std::to_string(request.neighbours) + ")",
                             "neighbours");
        }
        const auto first = near.indices.slice(1, 0, request.neighbours);
        out.neighbourShares.push_back(
            neighbourLabelShares(int64Values(first), first.size(0), first.size(1), trainLabels, out.classes));
    }
    return out;
}

void checkRequest(const AuditJobRequest& request) {
    if (request.split != "test" && request.split != "train") {
        throw InputError("unknown split '" + request.split + "' (known: test, train)", "split");
    }
    if (request.runDirs.empty() == request.model.empty()) {
        throw InputError("audit either run folders or a model, not both and not neither", "run");
    }
    if (request.outDir.empty()) throw InputError("the audit needs an output folder", "out_dir");
    if (request.split == "train" && request.folds < 2) throw InputError("at least 2 folds are needed", "folds");
    if (request.seeds < 1) throw InputError("at least 1 seed is needed", "seeds");
    if (request.neighbours < 0) throw InputError("the neighbours per image cannot be negative", "neighbours");
    if (request.split == "test" && !request.runDirs.empty() && request.seeds > 1) {
        throw InputError("--seeds trains models; on the test split the runs given are the ensemble's members", "seeds");
    }
}

[[noreturn]] void refuseDiffering(const std::vector<std::string>& dirs, size_t r, const std::string& what) {
    throw InputError(dirs[r] + ": " + what + " differs from " + dirs.front() + "'s; an audit averages runs of the same images",
                     "run");
}

// The runs' datasets agree with the first's: the same data and the same
// training images.
void requireSameData(const std::vector<SavedRun>& runs, const std::vector<std::string>& dirs) {
    const RunSummary& first = runs.front().summary;
    for (size_t r = 1; r < runs.size(); ++r) {
        const RunSummary& s = runs[r].summary;
        const auto refuse = [&](const std::string& what) { refuseDiffering(dirs, r, what); };
        if (s.dataset != first.dataset) refuse("the dataset (" + s.dataset + " vs " + first.dataset + ")");
        if (!s.dataDir.empty() && !first.dataDir.empty() && s.dataDir != first.dataDir) refuse("the data folder (" + s.dataDir + ")");
        if (s.trainImages != first.trainImages) refuse("the number of training images (" + std::to_string(s.trainImages) + ")");
    }
}

}  // namespace

void requireSameTestImages(const std::vector<SavedRun>& runs, const std::vector<std::string>& dirs) {
    if (runs.empty()) throw InputError("no runs to audit", "run");
    requireSameData(runs, dirs);
    for (size_t r = 1; r < runs.size(); ++r) {
        const auto refuse = [&](const std::string& what) { refuseDiffering(dirs, r, what); };
        if (runs[r].size() != runs[0].size()) refuse("the number of test images (" + std::to_string(runs[r].size()) + ")");
        if (runs[r].classes() != runs[0].classes()) refuse("the number of classes (" + std::to_string(runs[r].classes()) + ")");
        if (!torch::equal(runs[r].labels.to(torch::kInt64), runs[0].labels.to(torch::kInt64))) refuse("the test images' labels");
    }
}

EnsembleAudit auditRunsTogether(const std::vector<SavedRun>& runs, const std::vector<std::string>& dirs,
                                const ConfidentLearningOptions& options) {
    requireSameTestImages(runs, dirs);
    std::vector<std::vector<float>> tables;
    for (const SavedRun& run : runs) tables.push_back(floatValues(run.probabilities));
    return auditEnsemble(tables, {}, 0, int64Values(runs.front().labels), runs.front().classes(), options);
}

namespace {

// A --run audit: the runs read whole and checked to agree; the request then
// takes their models (returned, one per run) and their data: the folder
// recorded when none is given, and the first N training images they were
// given, before a validation split or a review took some away.
std::vector<std::string> takeRuns(AuditJobRequest& request, const std::vector<SavedRun>& runs, LabelAuditSettings& settings) {
    std::vector<std::string> models;
    for (const SavedRun& run : runs) models.push_back(run.summary.model);
    request.split == "test" ? requireSameTestImages(runs, request.runDirs) : requireSameData(runs, request.runDirs);
    request.model = models.front();
    request.data = runDataset(runs.front().summary, request.data);
    const RunSummary& first = runs.front().summary;
    if (request.data.dataDir.empty()) request.data.dataDir = recordedOrGivenDir(first.dataDir, "");
    if (request.data.trainImages == 0 && first.trainImages > 0) {
        request.data.trainImages = first.trainImages + first.validationCount + first.excludedImages;
    }
    if (runs.size() == 1) settings.runDir = request.runDirs.front();
    settings.classNames = first.classNames;
    return models;
}

// The members for the request's split: the runs' test probabilities, models
// trained here, or cross-validation of the training split (which loads it
// and leaves request.data as loaded).
AuditMembers collectMembers(AuditJobRequest& request, const std::vector<SavedRun>& runs,
                            const std::vector<std::string>& models, const torch::Device& device,
                            const AuditJobCallbacks& callbacks, LabelAuditSettings& settings, AuditJobResult& result) {
    if (request.split == "test" && !runs.empty()) {
        settings.source = "run";
        return fromRuns(request, runs, callbacks);
    }
    if (request.split == "test") {
        settings.source = "trained_here";
        if (callbacks.onStage) callbacks.onStage("training " + modelInfo(request.model).displayName + " on the training split");
        return trainedHere(request, callbacks, settings);
    }
    settings.source = "cross_validation";
    settings.folds = request.folds;
    settings.epochs = request.epochs > 0 ? request.epochs : modelInfo(models.front()).preset.epochs;
    request.data.testImages = 1;  // only the training split is audited
    const LoadedDataset loaded = loadJobData(request.data, callbacks.shouldStop, callbacks.onDataset);
    if (settings.classNames.empty()) settings.classNames = loaded.classNames;
    return audit_detail::crossValidatedMembers(request, models, loaded, device, callbacks, result.foldsResumed);
}

}  // namespace

AuditJobResult runAuditJob(const AuditJobRequest& asked, const AuditJobCallbacks& callbacks) {
    checkRequest(asked);
    AuditJobRequest request = asked;
    LabelAuditSettings settings;
    settings.split = request.split;
    settings.seed = request.seed;
    settings.seeds = request.seeds;
    settings.ranking = request.ranking == FlaggedRanking::NormalizedMargin ? "normalized_margin" : "self_confidence";
    const std::vector<SavedRun> runs = readRuns(request.runDirs);  // each validated whole, or refused naming the file
    std::vector<std::string> models{request.model};
    if (runs.empty()) {
        request.data = seededDataset(request.data, request.seed);
    } else {
        models = takeRuns(request, runs, settings);
    }
    for (const std::string& m : models) modelInfo(m);  // an unknown model is refused before any work
    ensureWritableDirectory(request.outDir);
    configureThreads(request.threads);
    const torch::Device device = resolveDevice(request.device);
    settings.model = request.model;
    for (size_t m = 1; m < models.size(); ++m) settings.model += "," + models[m];
    settings.dataset = request.data.spec.name;

    AuditJobResult result;
    AuditMembers members;
    try {
        members = collectMembers(request, runs, models, device, callbacks, settings, result);
    } catch (const Cancelled&) {
        result.outcome = JobOutcome::Cancelled;
        result.message = request.split == "train" ? "stopped; the finished folds are kept in " + AuditFolder(request.outDir).foldsDir()
                                                  : "stopped";
        return result;
    }
    settings.members = members.names;
    result.data = request.data;

    if (callbacks.onStage) callbacks.onStage("confident learning over " + std::to_string(members.given.size()) + " images");
    ConfidentLearningOptions options;
    options.flaggedRanking = request.ranking;
    EnsembleAudit audited = auditEnsemble(members.probabilities, members.neighbourShares, request.neighbours, members.given,
                                          members.classes, options);
    result.audit = std::move(audited.audit);
    result.evidence = std::move(audited.evidence);
    const torch::Tensor p = torch::tensor(audited.probabilities).reshape({int64_t(members.given.size()), members.classes});
    const AuditFolder folder(request.outDir);
    folder.writeAudit(result.audit, members.given, settings, p, result.evidence);
    result.issuesPath = folder.issuesPath();
    result.qualityPath = folder.qualityPath();
    return result;
}

}  // namespace alx
