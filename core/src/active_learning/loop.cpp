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
#include "alx/active_learning/stopping.h"
#include "alx/active_learning/semi_supervised.h"
#include "alx/active_learning/typical.h"
#include "round.h"

namespace alx {
namespace {

using namespace active_learning_detail;

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
                                 const std::vector<int64_t>& firstSet, torch::Tensor& knownLabels) {
    std::vector<int64_t> labelled =
        !resumeLabelled.empty() ? resumeLabelled
        : !firstSet.empty()     ? firstSet
                                : firstLabelledSet(config.coldStart, pool, config.initial, config.classes, seed);
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
    torch::Tensor stopImages;                   // the stop set's images (stopping.h)
    std::vector<int64_t> lastPredictions;       // the stop set as the previous round's model predicted it
    std::vector<std::optional<double>> kappas;  // the repeat's, round by round
    std::optional<Neighbours> pixelGraph;       // the semi-supervised rounds' first graph, made once
    bool modelIsResumed = false;                // s.model is the last resumed round's, already trained
};

// The round's model learnt from the labelled images and the whole pool
// (semi_supervised.h), from scratch whatever config.retrainFromScratch says:
// its targets change with every label.
TrainResult trainSemiSupervisedRound(const ActiveLearningConfig& config, const TensorSet& pool, uint64_t seed,
                                     int round, const ActiveLearningCallbacks& callbacks, LoopState& s) {
    try {
        const SemiSupervisedSettings method;
        if (!s.pixelGraph) s.pixelGraph = pixelGraph(pool.images, method.pixelNeighbours, method.pixelShift, callbacks.shouldStop);
        SemiSupervisedResult trained = semiSupervisedModel(config, config.classes, pool.images, *s.pixelGraph, s.labelled,
                                                           labelsOf(s.knownLabels, s.labelled), seed, round,
                                                           callbacks.shouldStop);
        s.model = trained.model;
        return trained.training;
    } catch (const Cancelled&) {
        TrainResult cancelled;
        cancelled.outcome = TrainOutcome::Cancelled;
        return cancelled;
    }
}

// Trains the round's model on the labelled set: from scratch in the first
// round, then continuing from the last round's (config.warmSteps).
TrainResult trainRound(const ActiveLearningConfig& config, const TensorSet& pool, uint64_t seed, int round,
                       const ActiveLearningCallbacks& callbacks, LoopState& s, TensorSet& train) {
    const torch::Device device = pool.images.device();
    const auto index = indexTensor(s.labelled, device);
    train = TensorSet{pool.images.index_select(0, index), s.knownLabels.index_select(0, index)};
    if (config.semiSupervised) return trainSemiSupervisedRound(config, pool, seed, round, callbacks, s);
    if (s.modelIsResumed) {  // this round's model, as it was saved
        s.modelIsResumed = false;
        return {};
    }
    const bool warm = s.model && config.warmSteps > 0;
    // A new model's weights and every round's dropout masks come from the
    // global generator: seeded by the round, so a resumed repeat draws the same.
    torch::manual_seed(roundSeed(seed, SeedPurpose::Weights, round));
    if (!warm) {
        s.model = makeModel(config.model, {shapeOf(pool.images), config.classes}, config.reinitialise);
        s.model->to(device);
    }
    TrainCallbacks trainCallbacks;
    trainCallbacks.shouldStop = callbacks.shouldStop;
    return trainModel(*s.model, train, {}, roundTrainConfig(config, train.size(), seed, round, warm), trainCallbacks);
}

// The agreement of this round's model with the last round's on the stop set
// (none for the first model of a run), keeping this round's predictions for
// the next.
std::optional<double> stopSetKappa(const ActiveLearningConfig& config, const ActiveLearningCallbacks& callbacks,
                                   LoopState& s) {
    if (s.stopImages.size(0) == 0) return std::nullopt;
    std::vector<int64_t> predicted = predictedClasses(*s.model, s.stopImages, callbacks.shouldStop);
    std::optional<double> kappa;
    if (!s.lastPredictions.empty()) kappa = cohensKappa(s.lastPredictions, predicted, config.classes);
    s.lastPredictions = std::move(predicted);
    return kappa;
}

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

// Refuses settings the loop cannot run, naming the setting.
void checkLoopSettings(Strategy strategy, const ActiveLearningConfig& config, const TensorSet& pool) {
    if (config.acquire < 1) throw InputError("the images acquired per round must be at least 1", "acquire");
    if (config.classes < 2) throw InputError("active learning needs at least 2 classes, not " + std::to_string(config.classes), "classes");
    if (config.budget < config.initial) throw InputError("the budget must be at least the initial set", "budget");
    if (config.budget > pool.size()) throw InputError("the budget exceeds the pool of " + std::to_string(pool.size()) + " images", "budget");
    if (config.warmSteps < 0) throw InputError("the warm-start steps cannot be negative", "warm_steps");
    if (!(config.stopAtKappa >= 0 && config.stopAtKappa <= 1)) throw InputError("the kappa to stop at must be between 0 and 1", "stop_at_kappa");
    modelInfo(config.model);  // an unknown name fails here
    requireModelFits(strategy, config.model);
}

// The result with the labelled images and their labels as the loop leaves them.
ActiveLearningResult withLabelled(ActiveLearningResult result, const LoopState& s) {
    result.labelled = s.labelled;
    result.labels = labelsOf(s.knownLabels, s.labelled);
    return result;
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

std::vector<int64_t> firstLabelledSet(ColdStart start, const TensorSet& pool, int64_t initial, int64_t classes,
                                      uint64_t seed) {
    const int64_t images = pool.images.size(0);  // not pool.size(): only Balanced may read the labels
    if (initial < 1 || initial > images) {
        throw InputError("the initial set (" + std::to_string(initial) + " images) must be between 1 and the pool's " +
                             std::to_string(images),
                         "initial");
    }
    if (start == ColdStart::Balanced) return initialLabelledSet(pool.labels, initial, classes, seed);
    if (start == ColdStart::Typical) return typicalImages(coldStartFeatures(pool.images), initial, {}, mix(seed, 1));
    return randomFreeImages(images, initial, {}, mix(seed, 1));
}

ActiveLearningResult runActiveLearning(Strategy strategy, const ActiveLearningConfig& config, const TensorSet& pool,
                                       const TensorSet& test, uint64_t seed, const ActiveLearningCallbacks& callbacks,
                                       const std::vector<int64_t>& resumeLabelled,
                                       const std::vector<int64_t>& resumeLabels,
                                       const std::vector<int64_t>& firstSet,
                                       const std::vector<std::optional<double>>& resumeKappas,
                                       ClassifierPtr resumeModel) {
    checkLoopSettings(strategy, config, pool);
    ActiveLearningResult result;
    LoopState s;
    s.knownLabels = pool.labels.clone();
    s.labelled = startingSet(config, pool, seed, resumeLabelled, resumeLabels, firstSet, s.knownLabels);
    s.isLabelled.insert(s.labelled.begin(), s.labelled.end());
    s.kappas = resumeKappas;
    if (resumeModel && !resumeLabelled.empty()) {
        s.model = std::move(resumeModel);
        s.model->to(pool.images.device());
        s.modelIsResumed = true;
    }
    result.stoppedByKappa = stoppedByKappa(s.kappas, config.stopAtKappa);
    if (int64_t(s.labelled.size()) >= config.budget || result.stoppedByKappa) {  // a finished run: nothing left to do
        return withLabelled(std::move(result), s);
    }
    const std::vector<int64_t> initial(s.labelled.begin(), s.labelled.begin() + std::min<int64_t>(config.initial, int64_t(s.labelled.size())));
    s.stopImages = pool.images.index_select(0, indexTensor(stopSetFor(pool.size(), initial, seed), pool.images.device()));
    // Rounds already finished when resuming: the initial set is round 0.
    int round = resumeLabelled.empty()
                    ? 0
                    : int((int64_t(s.labelled.size()) - config.initial + config.acquire - 1) / config.acquire);
    // When resuming, the round that produced the last labels is already
    // recorded: take its saved model (resumeModel) or retrain on them, to
    // have a model that acquires and the stop set's predictions the next
    // kappa compares with, without recording that round again.
    bool record = resumeLabelled.empty();
    // A round's time runs from the end of the previous one: the acquisition
    // that chose its images, its training and its evaluation.
    auto roundStart = std::chrono::steady_clock::now();
    while (!(callbacks.shouldStop && callbacks.shouldStop())) {
        TensorSet train;
        const TrainResult trained = trainRound(config, pool, seed, round, callbacks, s, train);
        if (trained.outcome == TrainOutcome::Cancelled) break;
        if (trained.outcome == TrainOutcome::Diverged) throw RunError(trained.message);
        const std::optional<double> kappa = stopSetKappa(config, callbacks, s);
        if (record) {
            ActiveLearningRound r{round, int64_t(s.labelled.size()), 0, 0, s.justAcquired, s.justScores, s.justLabels, 0, kappa};
            measureRound(*s.model, test, callbacks.shouldStop, r);
            if (callbacks.onRoundModel && config.warmSteps > 0 && !config.semiSupervised) {
                callbacks.onRoundModel(*s.model, r.labels);
            }
            r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - roundStart).count();
            result.rounds.push_back(r);
            s.kappas.push_back(kappa);
            if (callbacks.onRound) callbacks.onRound(r);
            roundStart = std::chrono::steady_clock::now();
        }
        record = true;
        // The rule had not fired on the rounds before (the loop would have
        // ended there), so it fires, if at all, on this one.
        result.stoppedByKappa = stoppedByKappa(s.kappas, config.stopAtKappa);
        if (int64_t(s.labelled.size()) >= config.budget || result.stoppedByKappa) {
            return withLabelled(std::move(result), s);
        }
        acquireRound(strategy, config, pool, train, seed, round, callbacks, s);
        ++round;
    }
    result.cancelled = true;
    return withLabelled(std::move(result), s);
}

}  // namespace alx
