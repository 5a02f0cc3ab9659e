#pragma once
// What every active-learning loop does each round, shared by the simulated
// loop (loop.cpp) and the labelling of an unlabelled pile (pile_loop.cpp):
// the round's seeds, its capped training, its measurement and the candidates
// it scores. Private to core.
#include <cstdint>
#include <functional>
#include <set>
#include <vector>

#include <torch/types.h>

#include "alx/active_learning/config.h"
#include "alx/active_learning/loop.h"
#include "alx/active_learning/semi_supervised.h"
#include "alx/data/tensor_set.h"
#include "alx/models/model.h"
#include "alx/training/trainer.h"

namespace alx::active_learning_detail {

// splitmix64: independent, reproducible seeds per round and purpose.
uint64_t mix(uint64_t seed, uint64_t salt);

// What a round's seed is for: the initial set has salt 1, these their own.
enum class SeedPurpose : uint64_t { Weights = 1, Training = 2, Candidates = 3, Acquisition = 4, Folds = 5, StopSet = 6 };

// A round's seed for one purpose. Rounds below 1,000 keep the salts runs have
// always used (purpose x 1000 + round), so that a run resumed from an earlier
// version continues exactly as it would have; from round 1,000 on, where those
// salts would collide with the next purpose's, the purpose moves to the high bits.
uint64_t roundSeed(uint64_t seed, SeedPurpose purpose, int round);

torch::Tensor indexTensor(const std::vector<int64_t>& indices, const torch::Device& device);

// A round's training, capped so that its cost does not grow with the
// labelled set; a round that continues from the last round's model (`warm`)
// is capped at config.warmSteps as well.
TrainConfig roundTrainConfig(const ActiveLearningConfig& config, int64_t trainImages, uint64_t seed, int round,
                             bool warm = false);

// A semi-supervised round's model (semi_supervised.h) from the loop's
// model settings, with the round's weights seed: the simulated loop's and
// the pile's rounds alike. `graph` is the pool's pixel graph.
SemiSupervisedResult semiSupervisedModel(const ActiveLearningConfig& config, int64_t classes, const torch::Tensor& pool,
                                         const Neighbours& graph, std::vector<int64_t> labelled,
                                         std::vector<int64_t> labels, uint64_t seed, int round,
                                         const std::function<bool()>& shouldStop);

// The test accuracy and calibration error of the round's model.
void measureRound(Classifier& model, const TensorSet& test, const std::function<bool()>& shouldStop,
                  ActiveLearningRound& r);

// `count` of the images 0..size-1 not in `taken`, uniformly at random: the
// first of a seeded permutation (fewer when fewer are free).
std::vector<int64_t> randomFreeImages(int64_t size, int64_t count, const std::set<int64_t>& taken, uint64_t seed);

// The stop set of a repeat (stopping.h): kStopSetImages of the pool's
// images outside its initial set, drawn with the repeat's seed, so that a
// resumed repeat measures on the same images.
std::vector<int64_t> stopSetFor(int64_t poolSize, const std::vector<int64_t>& initial, uint64_t seed);

// The classes a model predicts for `images` (normalised, on its device).
std::vector<int64_t> predictedClasses(Classifier& model, const torch::Tensor& images,
                                      const std::function<bool()>& shouldStop);

// The candidates a round scores: a random subset (config.poolSubset) of the
// pool's images that are not in `taken`.
std::vector<int64_t> candidatesFor(int64_t poolSize, const std::set<int64_t>& taken, const ActiveLearningConfig& config,
                                   uint64_t seed, int round);

}  // namespace alx::active_learning_detail
