#include "alx/active_learning/pixel_graph.h"

#include <torch/torch.h>

#include <algorithm>
#include <cstdlib>

#include "alx/maps/pca.h"
#include "alx/util/errors.h"

namespace alx {
namespace {

constexpr int64_t kGraphSide = 32;       // pixels per side, at most: MNIST's 28 and CIFAR's 32 stay as they are
constexpr int64_t kGraphDimensions = 50;  // principal components kept

torch::Tensor graphPixels(const torch::Tensor& images) {
    torch::Tensor x = images.to(torch::kCPU, torch::kFloat32);
    const int64_t h = std::min(x.size(2), kGraphSide), w = std::min(x.size(3), kGraphSide);
    if (h != x.size(2) || w != x.size(3)) x = torch::adaptive_avg_pool2d(x, {h, w});
    return x.contiguous();
}

torch::Tensor shifted(const torch::Tensor& x, int64_t dy, int64_t dx) {
    if (dy == 0 && dx == 0) return x;
    namespace F = torch::nn::functional;
    const int64_t py = std::abs(dy), px = std::abs(dx);
    const torch::Tensor padded = F::pad(x, F::PadFuncOptions({px, px, py, py}).mode(torch::kReplicate));
    // Content moves down by dy: row r of the result is row r - dy of x.
    return padded.narrow(2, py - dy, x.size(2)).narrow(3, px - dx, x.size(3)).contiguous();
}

}  // namespace

std::vector<std::pair<int64_t, int64_t>> pixelGraphShifts(int64_t reach) {
    if (reach < 0) throw InputError("the pixel graph's reach must not be negative", "pixel_shift");
    std::vector<std::pair<int64_t, int64_t>> moves{{0, 0}};
    for (int64_t dy = -reach; dy <= reach; ++dy) {
        for (int64_t dx = -reach; dx <= reach; ++dx) {
            if ((dy != 0 || dx != 0) && std::abs(dy) + std::abs(dx) <= reach) moves.emplace_back(dy, dx);
        }
    }
    return moves;
}

torch::Tensor shiftedGraphPixels(const torch::Tensor& images, int64_t dy, int64_t dx) {
    return shifted(graphPixels(images), dy, dx);
}

Neighbours bestDistinctNeighbours(const torch::Tensor& indices, const torch::Tensor& similarity, int64_t neighbours) {
    const torch::Tensor idx = indices.to(torch::kCPU, torch::kInt64).contiguous();
    const torch::Tensor sim = similarity.to(torch::kCPU, torch::kFloat32).contiguous();
    const int64_t n = idx.size(0), c = idx.size(1);
    torch::Tensor outIndices = torch::empty({n, neighbours}, torch::kInt64);
    torch::Tensor outSimilarity = torch::empty({n, neighbours}, torch::kFloat32);
    const int64_t* in = idx.data_ptr<int64_t>();
    const float* s = sim.data_ptr<float>();
    int64_t* oi = outIndices.data_ptr<int64_t>();
    float* os = outSimilarity.data_ptr<float>();
    std::vector<std::pair<int64_t, float>> row;
    for (int64_t i = 0; i < n; ++i) {
        row.clear();
        for (int64_t j = 0; j < c; ++j) {
            if (in[i * c + j] != i) row.emplace_back(in[i * c + j], s[i * c + j]);
        }
        // By index, best first, so the first of each index is its best.
        std::sort(row.begin(), row.end(), [](const auto& a, const auto& b) {
            return a.first != b.first ? a.first < b.first : a.second > b.second;
        });
        row.erase(std::unique(row.begin(), row.end(), [](const auto& a, const auto& b) { return a.first == b.first; }),
                  row.end());
        if (int64_t(row.size()) < neighbours) {
            throw InputError("image " + std::to_string(i) + " has " + std::to_string(row.size()) +
                                 " distinct neighbour candidates, fewer than the " + std::to_string(neighbours) + " asked",
                             "neighbours");
        }
        std::partial_sort(row.begin(), row.begin() + neighbours, row.end(), [](const auto& a, const auto& b) {
            return a.second != b.second ? a.second > b.second : a.first < b.first;
        });
        for (int64_t k = 0; k < neighbours; ++k) {
            oi[i * neighbours + k] = row[size_t(k)].first;
            os[i * neighbours + k] = row[size_t(k)].second;
        }
    }
    return {outIndices, outSimilarity};
}

Neighbours pixelGraph(const torch::Tensor& images, int64_t neighbours, int64_t reach,
                      const std::function<bool()>& shouldStop) {
    torch::NoGradGuard noGrad;
    const int64_t n = images.size(0);
    if (neighbours < 1 || neighbours >= n) {
        throw InputError("the pixel graph's neighbours per image (" + std::to_string(neighbours) +
                             ") must be between 1 and " + std::to_string(n - 1),
                         "neighbours");
    }
    const torch::Tensor pixels = graphPixels(images);
    const torch::Tensor flat = pixels.flatten(1);
    const int64_t k = std::min({kGraphDimensions, flat.size(1), n - 1});
    const Pca pca = fitPca(flat, k);
    const torch::Tensor queries = projectPca(pca, flat);
    // Each shift's nearest, one more than asked: an image's own shifted copy
    // is among them and left out in the merge.
    const int64_t m = std::min(neighbours + 1, n);
    std::vector<torch::Tensor> indices, similarities;
    for (const auto& [dy, dx] : pixelGraphShifts(reach)) {
        const bool unmoved = dy == 0 && dx == 0;  // the queries themselves, already projected
        const torch::Tensor reference = unmoved ? queries : projectPca(pca, shifted(pixels, dy, dx).flatten(1));
        const Neighbours found = nearestNeighboursIn(queries, reference, m, 0, shouldStop);
        indices.push_back(found.indices);
        similarities.push_back(found.similarity);
    }
    return bestDistinctNeighbours(torch::cat(indices, 1), torch::cat(similarities, 1), neighbours);
}

}  // namespace alx
