#include "alx/scoring/scores.h"

#include <torch/torch.h>

namespace alx {

torch::Tensor leastConfidence(const torch::Tensor& p) { return 1.0 - std::get<0>(p.max(1)); }

torch::Tensor entropy(const torch::Tensor& p) {
    // xlogy gives 0 for p = 0 (0 ln 0 = 0) without an epsilon that would bias the sum.
    return -torch::xlogy(p, p).sum(1);
}

torch::Tensor margin(const torch::Tensor& p) {
    const auto top = std::get<0>(p.topk(2, 1));
    return top.select(1, 0) - top.select(1, 1);
}

torch::Tensor meanCosineSimilarity(const Neighbours& nb) { return nb.similarity.mean(1); }

torch::Tensor meanL2Distance(const Neighbours& nb) {
    // |u - v| for unit vectors is sqrt(2 - 2 u.v); rounding can push the radicand below 0.
    return (2.0 - 2.0 * nb.similarity).clamp_min(0.0).sqrt().mean(1);
}

torch::Tensor klToNeighbours(const torch::Tensor& p, const Neighbours& nb) {
    const int64_t n = p.size(0), m = nb.indices.size(1), classes = p.size(1);
    // q_i = mean of the neighbours' distributions: gather [N*m, C] and average.
    const auto q = p.index_select(0, nb.indices.reshape({-1})).view({n, m, classes}).mean(1);
    constexpr double kFloor = 1e-10;
    return (q * (q.clamp_min(kFloor).log() - p.clamp_min(kFloor).log())).sum(1);
}

ScoreTable computeScores(const torch::Tensor& probabilities, const torch::Tensor& embeddings, int64_t m,
                         const std::function<bool()>& shouldStop) {
    c10::InferenceMode inference;
    ScoreTable table;
    table.neighbours = nearestNeighbours(embeddings, m, 0, shouldStop);
    const auto& p = probabilities;
    table.values[int(ScoreKind::LeastConfidence)] = leastConfidence(p);
    table.values[int(ScoreKind::Entropy)] = entropy(p);
    table.values[int(ScoreKind::Margin)] = margin(p);
    table.values[int(ScoreKind::CosineSimilarity)] = meanCosineSimilarity(table.neighbours);
    table.values[int(ScoreKind::L2Distance)] = meanL2Distance(table.neighbours);
    table.values[int(ScoreKind::KlDivergence)] = klToNeighbours(p, table.neighbours);
    return table;
}

}  // namespace alx
