#include "alx/active_learning/loop.h"

#include "alx/audit/calibration.h"

#include <ATen/CPUGeneratorImpl.h>
#include <torch/torch.h>

#include <chrono>
#include <set>

#include "alx/util/errors.h"
#include "alx/scoring/evaluator.h"
#include "alx/models/model_registry.h"

namespace alx {
namespace {

uint64_t mix(uint64_t seed, uint64_t salt) {
    // splitmix64: independent, reproducible seeds per round and purpose.
    uint64_t z = seed + 0x9e3779b97f4a7c15ULL * (salt + 1);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

torch::Tensor indexTensor(const std::vector<int64_t>& indices, const torch::Device& device) {
    return torch::tensor(indices, torch::kInt64).to(device);
}

}  // namespace

void requireModelFits(Strategy strategy, const std::string& model) {
    if (needsMcDropout(strategy) && !makeModel(model)->hasDropoutHead()) {
        throw InputError("strategy " + strategyName(strategy) + " needs Monte Carlo dropout, and model '" + model +
                         "' has no dropout; choose gal",
                         "model");
    }
}

std::vector<int64_t> initialLabelledSet(const torch::Tensor& labels, int64_t initial, int64_t classes, uint64_t seed) {
    if (initial < classes || initial % classes != 0) {
        throw InputError("the initial set (" + std::to_string(initial) + " images) must be a positive multiple of the " +
                             std::to_string(classes) + " classes (a balanced start)",
                         "initial");
    }
    auto generator = at::make_generator<at::CPUGeneratorImpl>(mix(seed, 1));
    const auto cpuLabels = labels.to(torch::kCPU);
    const auto order = torch::randperm(cpuLabels.size(0), generator, torch::kInt64);
    const auto* label = cpuLabels.data_ptr<int64_t>();
    const auto* idx = order.data_ptr<int64_t>();
    std::vector<int64_t> perClass(size_t(classes), 0), chosen;
    for (int64_t i = 0; i < order.size(0) && int64_t(chosen.size()) < initial; ++i) {
        const int64_t c = label[idx[i]];
        if (perClass[size_t(c)] < initial / classes) {
            ++perClass[size_t(c)];
            chosen.push_back(idx[i]);
        }
    }
    if (int64_t(chosen.size()) < initial) throw InputError("the pool has too few images of some class for a balanced start", "initial");
    return chosen;
}

ActiveLearningResult runActiveLearning(Strategy strategy, const ActiveLearningConfig& config, const TensorSet& pool,
                                       const TensorSet& test, uint64_t seed, const ActiveLearningCallbacks& callbacks,
                                       const std::vector<int64_t>& resumeLabelled,
                                       const std::vector<int64_t>& resumeLabels) {
    if (config.acquire < 1) throw InputError("the images acquired per round must be at least 1", "acquire");
    if (config.budget < config.initial) throw InputError("the budget must be at least the initial set", "budget");
    if (config.budget > pool.size()) throw InputError("the budget exceeds the pool of " + std::to_string(pool.size()) + " images", "budget");
    modelInfo(config.model);  // an unknown name fails here
    requireModelFits(strategy, config.model);
    const torch::Device device = pool.images.device();
    const int64_t classes = config.classes;

    ActiveLearningResult result;
    // The true labels, or the person's where a labeller answers.
    torch::Tensor knownLabels = pool.labels.clone();
    std::vector<int64_t> labelled =
        resumeLabelled.empty() ? initialLabelledSet(pool.labels, config.initial, classes, seed) : resumeLabelled;
    std::set<int64_t> isLabelled(labelled.begin(), labelled.end());
    if (isLabelled.size() != labelled.size()) throw InputError("the resumed labelled set holds an image twice");
    for (int64_t i : labelled) {
        if (i < 0 || i >= pool.size()) throw InputError("the resumed labelled set holds an image outside the pool");
    }
    if (!resumeLabels.empty()) {
        if (resumeLabels.size() != labelled.size()) throw InputError("the resumed labels do not match the labelled set");
        for (size_t j = 0; j < labelled.size(); ++j) {
            if (resumeLabels[j] < 0 || resumeLabels[j] >= classes) throw InputError("a resumed label is out of range");
            knownLabels[labelled[j]] = resumeLabels[j];
        }
    }

    // Rounds already finished when resuming: the initial set is round 0.
    int round = resumeLabelled.empty()
                    ? 0
                    : int((int64_t(labelled.size()) - config.initial + config.acquire - 1) / config.acquire);
    std::vector<int64_t> justAcquired;
    std::vector<float> justScores;
    std::vector<int64_t> justLabels;
    const auto labelsOf = [&](const std::vector<int64_t>& indices) {
        std::vector<int64_t> out;
        const auto cpu = knownLabels.to(torch::kCPU);
        for (int64_t i : indices) out.push_back(cpu[i].item<int64_t>());
        return out;
    };
    ClassifierPtr model;
    if (int64_t(labelled.size()) >= config.budget) {
        result.labelled = labelled;  // a finished run: nothing left to do
        result.labels = labelsOf(labelled);
        return result;
    }
    // When resuming, the round that produced the last labels is already
    // recorded: retrain on them (to have a model that acquires) without
    // recording that round again.
    bool record = resumeLabelled.empty();
    // A round's time runs from the end of the previous one: the acquisition
    // that chose its images, its training and its evaluation.
    auto roundStart = std::chrono::steady_clock::now();
    while (true) {
        if (callbacks.shouldStop && callbacks.shouldStop()) {
            result.cancelled = true;
            break;
        }
        // Train on the labelled set: from scratch (default) or continuing.
        if (!model || config.retrainFromScratch) {
            torch::manual_seed(mix(seed, 1000 + uint64_t(round)));
            model = makeModel(config.model);
            model->to(device);
        }
        const auto index = indexTensor(labelled, device);
        const TensorSet train{pool.images.index_select(0, index), knownLabels.index_select(0, index)};
        TrainConfig tc;
        tc.optimiser = OptimiserKind::Adam;
        tc.learningRate = config.learningRate;
        tc.batchSize = std::min<int64_t>(config.batchSize, train.size());
        const int64_t stepsPerEpoch = (train.size() + tc.batchSize - 1) / tc.batchSize;
        tc.epochs = int(std::max<int64_t>(1, std::min<int64_t>(config.epochsPerRound, config.maxStepsPerRound / stepsPerEpoch)));
        tc.seed = mix(seed, 2000 + uint64_t(round));
        tc.lossReadInterval = 1000000;  // only at epoch ends
        TrainCallbacks trainCallbacks;
        trainCallbacks.shouldStop = callbacks.shouldStop;
        const TrainResult trained = trainModel(*model, train, {}, tc, trainCallbacks);
        if (trained.outcome == TrainOutcome::Cancelled) {
            result.cancelled = true;
            break;
        }
        if (trained.outcome == TrainOutcome::Diverged) throw RunError(trained.message);

        if (record) {
            const Evaluation eval = evaluateModel(*model, test, kEvaluationBatch, callbacks.shouldStop);
            ActiveLearningRound r;
            r.round = round;
            r.labels = int64_t(labelled.size());
            r.testAccuracy = eval.accuracy;
            {
                const auto p = eval.probabilities.to(torch::kCPU, torch::kFloat32).contiguous();
                const auto y = eval.labels.to(torch::kCPU, torch::kInt64).contiguous();
                r.ece = measureCalibration(p.data_ptr<float>(), y.data_ptr<int64_t>(), p.size(0), p.size(1)).ece;
            }
            r.acquired = justAcquired;
            r.acquiredScores = justScores;
            r.acquiredLabels = justLabels;
            r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - roundStart).count();
            result.rounds.push_back(r);
            if (callbacks.onRound) callbacks.onRound(r);
            roundStart = std::chrono::steady_clock::now();
        }
        record = true;
        if (int64_t(labelled.size()) >= config.budget) break;

        // Candidates: a random subset of the unlabelled pool.
        std::vector<int64_t> unlabelled;
        unlabelled.reserve(size_t(pool.size()) - labelled.size());
        for (int64_t i = 0; i < pool.size(); ++i) {
            if (!isLabelled.count(i)) unlabelled.push_back(i);
        }
        std::vector<int64_t> candidates = unlabelled;
        if (config.poolSubset > 0 && config.poolSubset < int64_t(unlabelled.size())) {
            auto generator = at::make_generator<at::CPUGeneratorImpl>(mix(seed, 3000 + uint64_t(round)));
            const auto pick = torch::randperm(int64_t(unlabelled.size()), generator, torch::kInt64);
            candidates.clear();
            for (int64_t j = 0; j < config.poolSubset; ++j) candidates.push_back(unlabelled[size_t(pick[j].item<int64_t>())]);
        }
        AcquisitionInput in;
        in.model = model.get();
        in.candidateImages = pool.images.index_select(0, indexTensor(candidates, device));
        in.labelledImages = train.images;
        in.count = std::min(config.acquire, config.budget - int64_t(labelled.size()));
        in.mcSamples = config.mcSamples;
        in.neighbours = config.neighbours;
        in.seed = mix(seed, 4000 + uint64_t(round));
        const Acquisition chosen = acquire(strategy, in);
        const auto picks = chosen.chosen.to(torch::kCPU);
        const auto scores = chosen.scores.to(torch::kCPU, torch::kFloat32);
        justAcquired.clear();
        justScores.clear();
        for (int64_t j = 0; j < picks.size(0); ++j) {
            const int64_t poolIndex = candidates[size_t(picks[j].item<int64_t>())];
            if (!isLabelled.insert(poolIndex).second) throw RunError("internal error: an image was acquired twice");
            justAcquired.push_back(poolIndex);
            justScores.push_back(scores[j].item<float>());
        }
        if (callbacks.labeller) {
            const std::vector<int64_t> given = callbacks.labeller(justAcquired);
            if (!given.empty()) {
                if (given.size() != justAcquired.size()) throw InputError("the labeller returned the wrong number of labels");
                for (size_t j = 0; j < given.size(); ++j) {
                    if (given[j] < 0 || given[j] >= classes) {
                        throw InputError("a label must be between 0 and " + std::to_string(classes - 1));
                    }
                    knownLabels[justAcquired[j]] = given[j];
                }
            }
        }
        justLabels = labelsOf(justAcquired);
        labelled.insert(labelled.end(), justAcquired.begin(), justAcquired.end());
        ++round;
    }
    result.labelled = labelled;
    result.labels = labelsOf(labelled);
    return result;
}

}  // namespace alx
