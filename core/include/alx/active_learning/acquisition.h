#pragma once
// Acquisition strategies for pool-based active learning: which unlabelled
// images to label next. The selection rules are plain functions on tensors
// so that each can be checked on inputs whose right answer is known.
#include <cstdint>
#include <string>
#include <vector>

#include <torch/types.h>

#include "alx/active_learning/strategy.h"
#include "alx/models/model.h"

namespace alx {


// Indices of the k largest (or smallest) scores, best first.
torch::Tensor topK(const torch::Tensor& scores, int64_t k, bool largest);

// From Monte Carlo probabilities [T, N, C]:
// BALD = H[mean_t p_t] - mean_t H[p_t] (natural logs, 0 ln 0 = 0).
torch::Tensor baldScores(const torch::Tensor& mcProbabilities);
// 1 - (number of passes voting for the modal class) / T.
torch::Tensor variationRatios(const torch::Tensor& mcProbabilities);

// k-center greedy: repeatedly takes the candidate farthest (Euclidean) from
// its nearest centre, starting from `centres`; with no centres, the first
// pick is the candidate farthest from the candidates' mean.
// Returns indices into `candidates`, in the order picked.
torch::Tensor kCenterGreedy(const torch::Tensor& candidates, const torch::Tensor& centres, int64_t k);

// Inputs for one acquisition step, all over the scored pool candidates.
struct AcquisitionInput {
    Classifier* model = nullptr;
    torch::Tensor candidateImages;   // normalised [P, C, H, W], the pool (subset) to choose from
    torch::Tensor labelledImages;    // normalised [L, C, H, W], for the core-set centres
    int64_t count = 10;              // how many to choose
    int mcSamples = 20;
    int64_t neighbours = 5;          // for kl_neighbours
    uint64_t seed = 0;               // random strategy and MC dropout masks
};

struct Acquisition {
    torch::Tensor chosen;  // int64 [count], indices into the candidates
    torch::Tensor scores;  // float [count], the strategy's score of each (random: 0)
};

Acquisition acquire(Strategy strategy, const AcquisitionInput& input);

}  // namespace alx
