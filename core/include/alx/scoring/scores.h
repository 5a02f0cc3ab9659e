#pragma once
#include <array>
#include <functional>
#include <string>

#include <torch/types.h>

#include "alx/scoring/neighbours.h"
#include "alx/vocabulary.h"

namespace alx {


struct ScoreTable {
    std::array<torch::Tensor, kScoreCount> values;  // each float [N], on the input's device
    Neighbours neighbours;

    const torch::Tensor& operator[](ScoreKind kind) const { return values[static_cast<int>(kind)]; }
};

// Each score from softmax probabilities p [N, C] alone.
torch::Tensor leastConfidence(const torch::Tensor& p);  // 1 - max p
torch::Tensor entropy(const torch::Tensor& p);          // -sum p ln p, 0 ln 0 = 0
torch::Tensor margin(const torch::Tensor& p);           // p(top1) - p(top2)

// The neighbour scores, given the neighbours' similarities or indices.
torch::Tensor meanCosineSimilarity(const Neighbours& nb);  // mean u.u_j
torch::Tensor meanL2Distance(const Neighbours& nb);        // mean sqrt(max(2 - 2 u.u_j, 0))
// KL(q || p) with q = mean of the neighbours' p, logs of max(., 1e-10).
torch::Tensor klToNeighbours(const torch::Tensor& p, const Neighbours& nb);

// All six, with the m nearest neighbours searched over the whole set.
ScoreTable computeScores(const torch::Tensor& probabilities, const torch::Tensor& embeddings, int64_t m,
                         const std::function<bool()>& shouldStop = {});

}  // namespace alx
