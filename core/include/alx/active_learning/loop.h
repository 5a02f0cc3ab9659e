#pragma once
// Pool-based active learning: start from a few labels, let a strategy pick
// the next images to label from the unlabelled training pool, retrain, and
// measure test accuracy against the number of labels.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <torch/types.h>

#include "alx/active_learning/acquisition.h"
#include "alx/active_learning/config.h"
#include "alx/data/tensor_set.h"
#include "alx/training/trainer.h"

namespace alx {

struct ActiveLearningRound {
    int round = 0;                      // 0 = the initial labelled set
    int64_t labels = 0;                 // labelled images after this round's acquisition and training
    double testAccuracy = 0;
    double ece = 0;                     // expected calibration error of the test probabilities (15 bins)
    std::vector<int64_t> acquired;      // pool (training set) indices labelled in this round
    std::vector<float> acquiredScores;  // the strategy's score of each
    std::vector<int64_t> acquiredLabels;  // the labels they were trained with (the person's, or the dataset's)
    double seconds = 0;                 // acquisition, training and evaluation of this round
    // Cohen's kappa of this round's predictions of the stop set against the
    // previous round's (stopping.h); none in the first round.
    std::optional<double> kappa;
};

struct ActiveLearningCallbacks {
    std::function<void(const ActiveLearningRound&)> onRound;
    std::function<bool()> shouldStop;  // polled between rounds and between training steps
    // Human in the loop: given the images chosen (training-set indices),
    // returns their labels; empty means the dataset's own labels are used.
    std::function<std::vector<int64_t>(const std::vector<int64_t>&)> labeller;
    // A round's model, after its training and before onRound, where the next
    // round continues from it (config.warmSteps > 0, not semi-supervised):
    // what a resumed repeat needs to continue exactly. `labels`: the
    // labelled images it learnt.
    std::function<void(Classifier& model, int64_t labels)> onRoundModel;
};

struct ActiveLearningResult {
    std::vector<ActiveLearningRound> rounds;
    std::vector<int64_t> labelled;  // training-set indices in the order they were labelled
    std::vector<int64_t> labels;    // the label each was trained with, same order
    bool cancelled = false;
    bool stoppedByKappa = false;    // ended by config.stopAtKappa before the budget
};

// The balanced initial set: initial / classes images of each class, drawn
// with the seed; throws InputError when the pool cannot provide them.
std::vector<int64_t> initialLabelledSet(const torch::Tensor& labels, int64_t initial, int64_t classes, uint64_t seed);

// The first `initial` images a run labels, chosen by `start` from the pool
// (images on any device; labels only for Balanced), seeded: the balanced
// set above, the typical images of typical.h, or a uniform draw.
std::vector<int64_t> firstLabelledSet(ColdStart start, const TensorSet& pool, int64_t initial, int64_t classes,
                                      uint64_t seed);

// Runs one repeat of `strategy`. `pool` is the whole training set
// (normalised images and true labels, on the training device); `test` the
// test set. `resumeLabelled` continues a run: the labelled indices of its
// finished rounds, in order (initial set first); the rounds they cover are
// not repeated; `resumeLabels` are the labels they were trained with (empty:
// the pool's own labels; a person's labels must be given back here). Seeds
// of each round derive from `seed` and the round number, so a resumed run
// continues exactly as an uninterrupted one would. A new run starts from
// `firstSet` when given (its caller chose it with firstLabelledSet), else
// from firstLabelledSet(config.coldStart, ...). `resumeKappas` are the
// kappas of the resumed rounds, in order, for config.stopAtKappa's rule.
// `resumeModel`, when given, is the model of the last resumed round (as
// onRoundModel saw it), which the next round continues from; without it a
// resumed repeat first retrains on its labelled images from scratch.
ActiveLearningResult runActiveLearning(Strategy strategy, const ActiveLearningConfig& config, const TensorSet& pool,
                                       const TensorSet& test, uint64_t seed,
                                       const ActiveLearningCallbacks& callbacks = {},
                                       const std::vector<int64_t>& resumeLabelled = {},
                                       const std::vector<int64_t>& resumeLabels = {},
                                       const std::vector<int64_t>& firstSet = {},
                                       const std::vector<std::optional<double>>& resumeKappas = {},
                                       ClassifierPtr resumeModel = nullptr);

}  // namespace alx
