#include "alx/active_learning/loop.h"

#include "alx/audit/calibration.h"

#include <ATen/CPUGeneratorImpl.h>
#include <torch/torch.h>

#include <chrono>
#include <set>

#include "alx/util/errors.h"
#include "alx/scoring/evaluator.h"
#include "alx/data/dataset_loader.h"
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

// What a round's seed is for: the initial set has salt 1, these their own.
enum class SeedPurpose : uint64_t { Weights = 1, Training = 2, Candidates = 3, Acquisition = 4 };

// A round's seed for one purpose. Rounds below 1,000 keep the salts runs have
// always used (purpose x 1000 + round), so that a run resumed from an earlier
// version continues exactly as it would have; from round 1,000 on, where those
// salts would collide with the next purpose's, the purpose moves to the high bits.
uint64_t roundSeed(uint64_t seed, SeedPurpose purpose, int round) {
    const auto p = uint64_t(purpose), r = uint64_t(round);
    return mix(seed, round < 1000 ? p * 1000 + r : (p << 32) + r);
}

torch::Tensor indexTensor(const std::vector<int64_t>& indices, const torch::Device& device) {
    return torch::tensor(indices, torch::kInt64).to(device);
}

// A round's training, capped so that its cost does not grow with the labelled set.
TrainConfig roundTrainConfig(const ActiveLearningConfig& config, int64_t trainImages, uint64_t seed, int round) {
    TrainConfig tc;
    tc.optimiser = OptimiserKind::Adam;
    tc.learningRate = config.learningRate;
    tc.batchSize = std::min<int64_t>(config.batchSize, trainImages);
    const int64_t stepsPerEpoch = (trainImages + tc.batchSize - 1) / tc.batchSize;
    tc.epochs = int(std::max<int64_t>(1, std::min<int64_t>(config.epochsPerRound, config.maxStepsPerRound / stepsPerEpoch)));
    tc.seed = roundSeed(seed, SeedPurpose::Training, round);
    tc.lossReadInterval = 1000000;  // only at epoch ends
    return tc;
}

// The test accuracy and calibration error of the round's model.
void measureRound(Classifier& model, const TensorSet& test, const std::function<bool()>& shouldStop,
                  ActiveLearningRound& r) {
    const Evaluation eval = evaluateModel(model, test, kEvaluationBatch, shouldStop);
    r.testAccuracy = eval.accuracy;
    const auto p = eval.probabilities.to(torch::kCPU, torch::kFloat32).contiguous();
    const auto y = eval.labels.to(torch::kCPU, torch::kInt64).contiguous();
    r.ece = measureCalibration(p.data_ptr<float>(), y.data_ptr<int64_t>(), p.size(0), p.size(1)).ece;
}

// The candidates a round scores: a random subset of the unlabelled pool.
std::vector<int64_t> candidatesFor(int64_t poolSize, const std::set<int64_t>& isLabelled,
                                   const ActiveLearningConfig& config, uint64_t seed, int round) {
    std::vector<int64_t> unlabelled;
    unlabelled.reserve(size_t(poolSize) - isLabelled.size());
    for (int64_t i = 0; i < poolSize; ++i) {
        if (!isLabelled.count(i)) unlabelled.push_back(i);
    }
    if (config.poolSubset <= 0 || config.poolSubset >= int64_t(unlabelled.size())) return unlabelled;
    auto generator = at::make_generator<at::CPUGeneratorImpl>(roundSeed(seed, SeedPurpose::Candidates, round));
    const auto pick = torch::randperm(int64_t(unlabelled.size()), generator, torch::kInt64);
    std::vector<int64_t> candidates;
    for (int64_t j = 0; j < config.poolSubset; ++j) candidates.push_back(unlabelled[size_t(pick[j].item<int64_t>())]);
    return candidates;
}

// The labels the images are known by: the pool's, then those given since.
std::vector<int64_t> labelsOf(const torch::Tensor& knownLabels, const std::vector<int64_t>& indices) {
    std::vector<int64_t> out;
    const auto cpu = knownLabels.to(torch::kCPU);
    for (int64_t i : indices) out.push_back(cpu[i].item<int64_t>());
    return out;
}

// The labelled set a run starts from (the balanced initial set, or what a
// resumed run had), checked, with the labels it was trained with applied.
std::vector<int64_t> startingSet(const ActiveLearningConfig& config, const TensorSet& pool, uint64_t seed,
                                 const std::vector<int64_t>& resumeLabelled, const std::vector<int64_t>& resumeLabels,
                                 torch::Tensor& knownLabels) {
    std::vector<int64_t> labelled =
        resumeLabelled.empty() ? initialLabelledSet(pool.labels, config.initial, config.classes, seed) : resumeLabelled;
    if (std::set<int64_t>(labelled.begin(), labelled.end()).size() != labelled.size()) {
        throw InputError("the resumed labelled set holds an image twice");
    }
    for (int64_t i : labelled) {
        if (i < 0 || i >= pool.size()) throw InputError("the resumed labelled set holds an image outside the pool");
    }
    if (!resumeLabels.empty()) {
        if (resumeLabels.size() != labelled.size()) throw InputError("the resumed labels do not match the labelled set");
        for (size_t j = 0; j < labelled.size(); ++j) {
            if (resumeLabels[j] < 0 || resumeLabels[j] >= config.classes) throw InputError("a resumed label is out of range");
            knownLabels[labelled[j]] = resumeLabels[j];
        }
    }
    return labelled;
}

// The loop's state between rounds.
struct LoopState {
    std::vector<int64_t> labelled;
    std::set<int64_t> isLabelled;
    torch::Tensor knownLabels;  // the true labels, or the person's where a labeller answers
    ClassifierPtr model;
    std::vector<int64_t> justAcquired, justLabels;
    std::vector<float> justScores;
};

// Chooses the next images, asks the labeller for their labels, and adds them.
void acquireRound(Strategy strategy, const ActiveLearningConfig& config, const TensorSet& pool, const TensorSet& train,
                  uint64_t seed, int round, const ActiveLearningCallbacks& callbacks, LoopState& s) {
    const std::vector<int64_t> candidates = candidatesFor(pool.size(), s.isLabelled, config, seed, round);
    AcquisitionInput in;
    in.model = s.model.get();
    in.candidateImages = pool.images.index_select(0, indexTensor(candidates, pool.images.device()));
    in.labelledImages = train.images;
    in.count = std::min(config.acquire, config.budget - int64_t(s.labelled.size()));
    in.mcSamples = config.mcSamples;
    in.neighbours = config.neighbours;
    in.seed = roundSeed(seed, SeedPurpose::Acquisition, round);
    const Acquisition chosen = acquire(strategy, in);
    const auto picks = chosen.chosen.to(torch::kCPU);
    const auto scores = chosen.scores.to(torch::kCPU, torch::kFloat32);
    s.justAcquired.clear();
    s.justScores.clear();
    for (int64_t j = 0; j < picks.size(0); ++j) {
        const int64_t poolIndex = candidates[size_t(picks[j].item<int64_t>())];
        if (!s.isLabelled.insert(poolIndex).second) throw RunError("internal error: an image was acquired twice");
        s.justAcquired.push_back(poolIndex);
        s.justScores.push_back(scores[j].item<float>());
    }
    if (callbacks.labeller) {
        const std::vector<int64_t> given = callbacks.labeller(s.justAcquired);
        if (!given.empty() && given.size() != s.justAcquired.size()) {
            throw InputError("the labeller returned the wrong number of labels");
        }
        for (size_t j = 0; j < given.size(); ++j) {
            if (given[j] < 0 || given[j] >= config.classes) {
                throw InputError("a label must be between 0 and " + std::to_string(config.classes - 1));
            }
            s.knownLabels[s.justAcquired[j]] = given[j];
        }
    }
    s.justLabels = labelsOf(s.knownLabels, s.justAcquired);
    s.labelled.insert(s.labelled.end(), s.justAcquired.begin(), s.justAcquired.end());
}

}  // namespace

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
    if (config.classes < 2) throw InputError("active learning needs at least 2 classes, not " + std::to_string(config.classes), "classes");
    if (config.budget < config.initial) throw InputError("the budget must be at least the initial set", "budget");
    if (config.budget > pool.size()) throw InputError("the budget exceeds the pool of " + std::to_string(pool.size()) + " images", "budget");
    modelInfo(config.model);  // an unknown name fails here
    requireModelFits(strategy, config.model);
    const torch::Device device = pool.images.device();

    ActiveLearningResult result;
    LoopState s;
    s.knownLabels = pool.labels.clone();
    s.labelled = startingSet(config, pool, seed, resumeLabelled, resumeLabels, s.knownLabels);
    s.isLabelled.insert(s.labelled.begin(), s.labelled.end());
    if (int64_t(s.labelled.size()) >= config.budget) {  // a finished run: nothing left to do
        result.labelled = s.labelled;
        result.labels = labelsOf(s.knownLabels, s.labelled);
        return result;
    }
    // Rounds already finished when resuming: the initial set is round 0.
    int round = resumeLabelled.empty()
                    ? 0
                    : int((int64_t(s.labelled.size()) - config.initial + config.acquire - 1) / config.acquire);
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
        if (!s.model || config.retrainFromScratch) {
            torch::manual_seed(roundSeed(seed, SeedPurpose::Weights, round));
            s.model = makeModel(config.model, {shapeOf(pool.images), config.classes});
            s.model->to(device);
        }
        const auto index = indexTensor(s.labelled, device);
        const TensorSet train{pool.images.index_select(0, index), s.knownLabels.index_select(0, index)};
        TrainCallbacks trainCallbacks;
        trainCallbacks.shouldStop = callbacks.shouldStop;
        const TrainResult trained = trainModel(*s.model, train, {}, roundTrainConfig(config, train.size(), seed, round), trainCallbacks);
        if (trained.outcome == TrainOutcome::Cancelled) {
            result.cancelled = true;
            break;
        }
        if (trained.outcome == TrainOutcome::Diverged) throw RunError(trained.message);
        if (record) {
            ActiveLearningRound r{round, int64_t(s.labelled.size()), 0, 0, s.justAcquired, s.justScores, s.justLabels, 0};
            measureRound(*s.model, test, callbacks.shouldStop, r);
            r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - roundStart).count();
            result.rounds.push_back(r);
            if (callbacks.onRound) callbacks.onRound(r);
            roundStart = std::chrono::steady_clock::now();
        }
        record = true;
        if (int64_t(s.labelled.size()) >= config.budget) break;
        acquireRound(strategy, config, pool, train, seed, round, callbacks, s);
        ++round;
    }
    result.labelled = s.labelled;
    result.labels = labelsOf(s.knownLabels, s.labelled);
    return result;
}

}  // namespace alx
