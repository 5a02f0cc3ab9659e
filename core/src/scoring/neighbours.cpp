#include "alx/scoring/neighbours.h"

#include <torch/torch.h>

#include "alx/util/errors.h"
#include "kernels/parallel_items.h"

namespace alx {

torch::Tensor unitNormalise(const torch::Tensor& embeddings) {
    return embeddings / embeddings.norm(2, 1, true).clamp_min(1e-12);
}

Neighbours nearestNeighbours(const torch::Tensor& embeddings, int64_t m, int64_t chunkRows,
                             const std::function<bool()>& shouldStop) {
    const int64_t n = embeddings.size(0);
    if (m < 1 || m >= n) {
        throw InputError("the neighbours per image (" + std::to_string(m) + ") must be between 1 and " +
                             std::to_string(n - 1) + " (the evaluated set has " + std::to_string(n) + " images)",
                         "neighbours");
    }
    c10::InferenceMode inference;
    const auto u = unitNormalise(embeddings.to(torch::kFloat32));
    const auto ut = u.t().contiguous();
    const bool cpu = u.device().is_cpu();
    if (chunkRows <= 0) chunkRows = cpu ? 256 : 2048;
    const int64_t chunks = (n + chunkRows - 1) / chunkRows;
    std::vector<torch::Tensor> indices(chunks), similarities(chunks);
    forEachItem(chunks, cpu, shouldStop, [&](int64_t c) {
        const int64_t start = c * chunkRows, end = std::min(n, start + chunkRows);
        auto sim = torch::mm(u.slice(0, start, end), ut);  // [rows, n]
        // Exclude each row's own image, whatever ties or rounding say.
        const auto rows = torch::arange(end - start, torch::TensorOptions().dtype(torch::kInt64).device(u.device()));
        sim.index_put_({rows, rows + start}, -std::numeric_limits<float>::infinity());
        auto top = sim.topk(m, 1, /*largest=*/true, /*sorted=*/true);
        similarities[c] = std::get<0>(top);
        indices[c] = std::get<1>(top);
    });
    return {torch::cat(indices), torch::cat(similarities)};
}

Neighbours nearestNeighboursIn(const torch::Tensor& queries, const torch::Tensor& reference, int64_t m,
                               int64_t chunkRows, const std::function<bool()>& shouldStop) {
    const int64_t n = queries.size(0), r = reference.size(0);
    if (m < 1 || m > r) {
        throw InputError("the neighbours per image (" + std::to_string(m) + ") must be between 1 and " +
                             std::to_string(r) + " (the reference set's size)",
                         "neighbours");
    }
    c10::InferenceMode inference;
    const auto q = unitNormalise(queries.to(torch::kFloat32));
    const auto ut = unitNormalise(reference.to(q.device(), torch::kFloat32)).t().contiguous();
    const bool cpu = q.device().is_cpu();
    if (chunkRows <= 0) chunkRows = cpu ? 256 : 2048;
    const int64_t chunks = (n + chunkRows - 1) / chunkRows;
    std::vector<torch::Tensor> indices(chunks), similarities(chunks);
    forEachItem(chunks, cpu, shouldStop, [&](int64_t c) {
        const int64_t start = c * chunkRows, end = std::min(n, start + chunkRows);
        auto top = torch::mm(q.slice(0, start, end), ut).topk(m, 1, /*largest=*/true, /*sorted=*/true);
        similarities[c] = std::get<0>(top);
        indices[c] = std::get<1>(top);
    });
    return {torch::cat(indices), torch::cat(similarities)};
}

}  // namespace alx
