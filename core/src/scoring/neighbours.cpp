#include "alx/scoring/neighbours.h"

#include <torch/torch.h>

#include <tuple>
#include <vector>

#include "alx/util/errors.h"
#include "kernels/parallel_items.h"
#include "kernels/row_top_k.h"

namespace alx {

torch::Tensor unitNormalise(const torch::Tensor& embeddings) {
    return embeddings / embeddings.norm(2, 1, true).clamp_min(1e-12);
}

namespace {

constexpr int64_t kColumnBlock = 4096;  // reference images per product on the CPU: 256 x 4096 floats stay in cache

// Each lane's scratch block of similarities, allocated once per search: a
// fresh product for every block cost more in page faults than the product.
class Scratch {
public:
    Scratch(int64_t rows, int64_t columns) : rows_(rows), columns_(columns), blocks_(size_t(itemLanes(true))) {}
    torch::Tensor& forItem(int64_t c) {
        torch::Tensor& block = blocks_[size_t(c % int64_t(blocks_.size()))];
        if (!block.defined()) block = torch::empty({rows_, columns_}, torch::kFloat32);
        return block;
    }

private:
    int64_t rows_, columns_;
    std::vector<torch::Tensor> blocks_;
};

// The m most similar reference images of each query: queries [r, d] and
// referenceT [d, n], both unit-normalised. `self`, when 0 or more, is the
// reference index of the first query, each query's own image being left out.
// On the CPU the product goes block of columns by block, each scanned for
// its best while in the cache (kernels/row_top_k.h); elsewhere one product
// and LibTorch's topk.
std::pair<torch::Tensor, torch::Tensor> mostSimilar(const torch::Tensor& queries, const torch::Tensor& referenceT,
                                                    int64_t m, int64_t self, torch::Tensor* scratch) {
    const int64_t r = queries.size(0), n = referenceT.size(1);
    if (!queries.device().is_cpu()) {
        auto sim = torch::mm(queries, referenceT);
        if (self >= 0) {
            const auto rows = torch::arange(r, torch::TensorOptions().dtype(torch::kInt64).device(sim.device()));
            sim.index_put_({rows, rows + self}, -std::numeric_limits<float>::infinity());
        }
        auto top = sim.topk(m, 1, /*largest=*/true, /*sorted=*/true);
        return {std::get<0>(top), std::get<1>(top)};
    }
    RowTopK top(r, m);
    const int64_t width = scratch->size(1);
    for (int64_t begin = 0; begin < n; begin += width) {
        const int64_t count = std::min(width, n - begin);
        auto block = scratch->slice(0, 0, r).slice(1, 0, count);  // rows strided by `width`
        torch::mm_out(block, queries, referenceT.slice(1, begin, begin + count));
        float* data = block.data_ptr<float>();
        const int64_t stride = block.stride(0);
        // Exclude each query's own image, whatever ties or rounding say.
        for (int64_t i = 0; self >= 0 && i < r; ++i) {
            const int64_t own = self + i - begin;
            if (own >= 0 && own < count) data[i * stride + own] = -std::numeric_limits<float>::infinity();
        }
        top.offer(data, count, stride, begin);
    }
    auto values = torch::empty({r, m}, torch::kFloat32);
    auto indices = torch::empty({r, m}, torch::kInt64);
    top.finish(values.data_ptr<float>(), indices.data_ptr<int64_t>());
    return {values, indices};
}

}  // namespace

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
    Scratch scratch(chunkRows, std::min(n, kColumnBlock));
    forEachItem(chunks, cpu, shouldStop, [&](int64_t c) {
        const int64_t start = c * chunkRows, end = std::min(n, start + chunkRows);
        torch::Tensor* block = cpu ? &scratch.forItem(c) : nullptr;
        std::tie(similarities[c], indices[c]) = mostSimilar(u.slice(0, start, end), ut, m, start, block);
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
    Scratch scratch(chunkRows, std::min(r, kColumnBlock));
    forEachItem(chunks, cpu, shouldStop, [&](int64_t c) {
        const int64_t start = c * chunkRows, end = std::min(n, start + chunkRows);
        torch::Tensor* block = cpu ? &scratch.forItem(c) : nullptr;
        std::tie(similarities[c], indices[c]) = mostSimilar(q.slice(0, start, end), ut, m, -1, block);
    });
    return {torch::cat(indices), torch::cat(similarities)};
}

}  // namespace alx
