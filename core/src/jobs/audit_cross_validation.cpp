#include <torch/torch.h>

#include <numeric>

#include "alx/active_learning/config.h"
#include "alx/audit/audit_evidence.h"
#include "alx/audit/stratified_folds.h"
#include "alx/jobs/train_job.h"
#include "alx/models/model_registry.h"
#include "alx/scoring/evaluator.h"
#include "alx/scoring/neighbours.h"
#include "alx/storage/audit_folder.h"
#include "alx/util/errors.h"
#include "audit_members.h"

namespace alx::audit_detail {
namespace {

// A fold trains as `alx-cli train --model M --epochs N --seed S` would.
TrainConfig foldConfig(const std::string& model, int epochs, uint64_t seed) {
    TrainJobRequest request;
    request.model = model;
    request.epochs = epochs;
    request.seed = seed;
    return trainConfigFor(request);
}

struct FoldSplit {
    torch::Tensor heldOut, kept;  // int64 indices into the training split
};

// What one fold of one member gives: the held-out images' probabilities and,
// with neighbour evidence, their k nearest kept images' label shares.
struct FoldOutput {
    torch::Tensor probabilities, neighbourShares;
};

// `onDevice`: the whole training split, normalised, on the training device.
FoldOutput trainFold(const AuditJobRequest& request, const std::string& model, uint64_t seed, int f, int epochs,
                     const LoadedDataset& data, const TensorSet& onDevice, const FoldSplit& split,
                     const AuditJobCallbacks& callbacks) {
    const torch::Device device = onDevice.images.device();
    const auto subset = [&](const torch::Tensor& index) {
        const auto i = index.to(device);
        return TensorSet{onDevice.images.index_select(0, i), onDevice.labels.index_select(0, i)};
    };
    const TensorSet kept = subset(split.kept), heldOut = subset(split.heldOut);
    const uint64_t foldSeed = repeatSeed(seed, f);
    torch::manual_seed(foldSeed);
    ClassifierPtr net = makeModel(model, {shapeOf(data.train.images), data.classes()});  // the uint8 images' shape
    net->to(device);
    TrainCallbacks trainCallbacks;
    trainCallbacks.shouldStop = callbacks.shouldStop;
    trainCallbacks.onEpoch = [&](const EpochReport& e) {
        if (callbacks.onEpoch) callbacks.onEpoch(f, e);
    };
    const TrainResult trained = trainModel(*net, kept, TensorSet{}, foldConfig(model, epochs, foldSeed), trainCallbacks);
    if (trained.outcome == TrainOutcome::Cancelled) throw Cancelled();
    if (trained.outcome == TrainOutcome::Diverged) throw RunError("fold " + std::to_string(f + 1) + ": " + trained.message);
    const Evaluation evaluation = evaluateModel(*net, heldOut, kEvaluationBatch, callbacks.shouldStop);
    FoldOutput out{evaluation.probabilities.to(torch::kCPU, torch::kFloat32).contiguous(), {}};
    if (request.neighbours > 0) {
        // The fold model's own training images are the reference: their
        // given labels, in the embedding it learned from them.
        const Evaluation reference = evaluateModel(*net, kept, kEvaluationBatch, callbacks.shouldStop);
        const Neighbours near = nearestNeighboursIn(evaluation.embeddings, reference.embeddings, request.neighbours, 0,
                                                    callbacks.shouldStop);
        const auto keptLabels = data.train.labels.to(torch::kInt64).index_select(0, split.kept).contiguous();
        const auto indices = near.indices.to(torch::kCPU, torch::kInt64).contiguous();
        const std::vector<float> shares = neighbourLabelShares(
            std::vector<int64_t>(indices.data_ptr<int64_t>(), indices.data_ptr<int64_t>() + indices.numel()), indices.size(0),
            indices.size(1), std::vector<int64_t>(keptLabels.data_ptr<int64_t>(), keptLabels.data_ptr<int64_t>() + keptLabels.numel()),
            data.classes());
        out.neighbourShares = torch::tensor(shares).reshape({indices.size(0), data.classes()});
    }
    return out;
}

}  // namespace

std::vector<float> floatValues(const torch::Tensor& t) {
    const auto c = t.to(torch::kCPU, torch::kFloat32).contiguous();
    return std::vector<float>(c.data_ptr<float>(), c.data_ptr<float>() + c.numel());
}

AuditMembers crossValidatedMembers(const AuditJobRequest& request, const std::vector<std::string>& models,
                                   const LoadedDataset& data, const torch::Device& device,
                                   const AuditJobCallbacks& callbacks, int& foldsResumed) {
    const int64_t n = data.train.size(), classes = data.classes();
    const auto labels = data.train.labels.to(torch::kInt64).contiguous();
    const std::vector<int> fold = stratifiedFolds(labels.data_ptr<int64_t>(), n, request.folds, request.seed);
    const int epochs = request.epochs > 0 ? request.epochs : modelInfo(models.front()).preset.epochs;  // as the plan records it
    std::string modelList;
    for (const auto& m : models) modelList += (modelList.empty() ? "" : ",") + m;
    const AuditFolder folder(request.outDir);
    folder.startFolds({modelList, request.data.spec.name, request.folds, epochs, request.seed, n, request.seeds,
                       request.neighbours});

    const TensorSet onDevice{normaliseImages(data.train.images, device), data.train.labels.to(device)};
    const auto foldTensor = torch::tensor(std::vector<int64_t>(fold.begin(), fold.end()), torch::kInt64);
    std::vector<FoldSplit> splits;
    for (int f = 0; f < request.folds; ++f) {
        splits.push_back({torch::nonzero(foldTensor == f).flatten(), torch::nonzero(foldTensor != f).flatten()});
    }
    const int members = int(models.size()) * request.seeds;
    AuditMembers out;
    for (int m = 0; m < members; ++m) {
        const std::string& model = models[size_t(m / request.seeds)];
        const uint64_t seed = memberSeed(request.seed, m % request.seeds);
        const int modelEpochs = request.epochs > 0 ? request.epochs : modelInfo(model).preset.epochs;
        torch::Tensor probabilities = torch::zeros({n, classes}, torch::kFloat32);
        torch::Tensor shares = torch::zeros({n, classes}, torch::kFloat32);
        for (int f = 0; f < request.folds; ++f) {
            const FoldSplit& split = splits[size_t(f)];
            const int64_t held = split.heldOut.size(0);
            FoldOutput o{folder.readFold(f, m, held, classes).value_or(torch::Tensor()),
                         request.neighbours > 0 ? folder.readFold(f, m, held, classes, true).value_or(torch::Tensor())
                                                : torch::Tensor()};
            const bool resumed = o.probabilities.defined() && (request.neighbours == 0 || o.neighbourShares.defined());
            if (callbacks.onFold) callbacks.onFold(f, request.folds, m, members, split.kept.size(0), held, resumed);
            if (resumed) {
                ++foldsResumed;
            } else {
                o = trainFold(request, model, seed, f, modelEpochs, data, onDevice, split, callbacks);
                if (o.neighbourShares.defined()) folder.writeFold(f, m, o.neighbourShares, true);
                folder.writeFold(f, m, o.probabilities);  // last: a finished fold survives a stop
            }
            probabilities.index_copy_(0, split.heldOut, o.probabilities);
            if (o.neighbourShares.defined()) shares.index_copy_(0, split.heldOut, o.neighbourShares);
        }
        out.probabilities.push_back(floatValues(probabilities));
        if (request.neighbours > 0) out.neighbourShares.push_back(floatValues(shares));
        out.names.push_back(model + " seed " + std::to_string(seed));
    }
    out.given.assign(labels.data_ptr<int64_t>(), labels.data_ptr<int64_t>() + n);
    out.classes = classes;
    return out;
}

}  // namespace alx::audit_detail
