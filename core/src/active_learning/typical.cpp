#include "alx/active_learning/typical.h"

#include <ATen/CPUGeneratorImpl.h>
#include <torch/torch.h>

#include <algorithm>
#include <numeric>
#include <set>

#include "alx/maps/pca.h"
#include "alx/util/errors.h"

namespace alx {
namespace {

constexpr int64_t kFeatureSide = 24;       // pixels per side, at most, before the projection
constexpr int64_t kFeatureDimensions = 50;  // principal components kept
constexpr int64_t kTypicalityNeighbours = 20;  // as TypiClust
constexpr int64_t kMinClusterRows = 5;      // smaller clusters are chosen from last
constexpr int64_t kDistanceRows = 1024;     // rows of a distance block, to bound its memory

// k-means++: each next centre drawn with probability proportional to the
// squared distance to the nearest centre so far.
torch::Tensor kMeansPlusPlus(const torch::Tensor& x, int64_t k, at::Generator& generator) {
    const int64_t n = x.size(0);
    std::vector<int64_t> picked{torch::randint(n, {1}, generator, torch::kInt64).item<int64_t>()};
    torch::Tensor nearest = (x - x[picked[0]]).pow(2).sum(1);
    while (int64_t(picked.size()) < k) {
        const bool allCovered = nearest.sum().item<double>() <= 0;  // every row sits on a centre
        const int64_t next = allCovered ? torch::randint(n, {1}, generator, torch::kInt64).item<int64_t>()
                                        : torch::multinomial(nearest, 1, false, generator).item<int64_t>();
        picked.push_back(next);
        nearest = torch::minimum(nearest, (x - x[next]).pow(2).sum(1));
    }
    return x.index_select(0, torch::tensor(picked, torch::kInt64)).clone();
}

}  // namespace

torch::Tensor coldStartFeatures(const torch::Tensor& images) {
    torch::NoGradGuard noGrad;
    torch::Tensor x = images.to(torch::kCPU, torch::kFloat32);
    const int64_t h = std::min(x.size(2), kFeatureSide), w = std::min(x.size(3), kFeatureSide);
    if (h != x.size(2) || w != x.size(3)) x = torch::adaptive_avg_pool2d(x, {h, w});
    x = x.flatten(1).contiguous();
    const int64_t k = std::min({kFeatureDimensions, x.size(1), x.size(0) - 1});
    if (k < 1) return x;
    return projectPca(fitPca(x, k), x).contiguous();
}

Clustering kMeans(const torch::Tensor& input, int64_t k, uint64_t seed, int iterations) {
    torch::NoGradGuard noGrad;
    const torch::Tensor x = input.to(torch::kCPU, torch::kFloat32).contiguous();
    const int64_t n = x.size(0);
    if (k < 1 || k > n) {
        throw InputError("k-means: " + std::to_string(k) + " clusters of " + std::to_string(n) + " rows", "clusters");
    }
    auto generator = at::make_generator<at::CPUGeneratorImpl>(seed);
    Clustering c{kMeansPlusPlus(x, k, generator), {}};
    const torch::Tensor squaredNorms = x.pow(2).sum(1, true);
    for (int it = 0; it < iterations; ++it) {
        const torch::Tensor distances = squaredNorms - 2 * x.matmul(c.centres.t()) + c.centres.pow(2).sum(1).unsqueeze(0);
        const torch::Tensor assignment = distances.argmin(1);
        if (c.assignment.defined() && assignment.equal(c.assignment)) break;
        c.assignment = assignment;
        const torch::Tensor sums = torch::zeros_like(c.centres).index_add_(0, assignment, x);
        const torch::Tensor counts = torch::bincount(assignment, {}, k).to(torch::kFloat32).unsqueeze(1);
        c.centres = torch::where(counts > 0, sums / counts.clamp_min(1), c.centres);
    }
    return c;
}

torch::Tensor typicality(const torch::Tensor& input, int64_t neighbours) {
    torch::NoGradGuard noGrad;
    const torch::Tensor x = input.to(torch::kCPU, torch::kFloat32).contiguous();
    const int64_t m = x.size(0), k = std::min(neighbours, m - 1);
    if (k < 1) return torch::ones({m});
    torch::Tensor out = torch::empty({m});
    for (int64_t start = 0; start < m; start += kDistanceRows) {
        const int64_t end = std::min(m, start + kDistanceRows);
        torch::Tensor d = torch::cdist(x.slice(0, start, end), x);
        const torch::Tensor rows = torch::arange(end - start, torch::kInt64);
        d.index_put_({rows, rows + start}, std::numeric_limits<float>::infinity());  // not its own neighbour
        const torch::Tensor nearest = std::get<0>(d.topk(k, 1, /*largest=*/false));
        out.slice(0, start, end).copy_(1.0 / (nearest.mean(1) + 1e-12));
    }
    return out;
}

std::vector<int64_t> typicalImages(const torch::Tensor& input, int64_t count, const std::vector<int64_t>& chosen,
                                   uint64_t seed) {
    torch::NoGradGuard noGrad;
    const torch::Tensor x = input.to(torch::kCPU, torch::kFloat32).contiguous();
    const int64_t n = x.size(0);
    std::set<int64_t> taken(chosen.begin(), chosen.end());
    count = std::min(count, n - int64_t(taken.size()));
    if (count <= 0) return {};
    const int64_t k = std::min(n, int64_t(taken.size()) + count);
    const Clustering clusters = kMeans(x, k, seed);
    const auto* cluster = clusters.assignment.data_ptr<int64_t>();
    std::vector<std::vector<int64_t>> members(static_cast<size_t>(k));
    std::vector<bool> covered(static_cast<size_t>(k), false);
    for (int64_t i = 0; i < n; ++i) {
        if (taken.count(i)) {
            covered[size_t(cluster[i])] = true;
        } else {
            members[size_t(cluster[i])].push_back(i);
        }
    }
    // Uncovered clusters of a few rows or more first, so that an outlier's own
    // cluster waits until the dense regions are covered; each group largest
    // first (by all its rows), ties by index.
    std::vector<int64_t> sizes(static_cast<size_t>(k), 0);
    for (int64_t i = 0; i < n; ++i) ++sizes[size_t(cluster[i])];
    const auto first = [&](int64_t c) { return !covered[size_t(c)] && sizes[size_t(c)] >= kMinClusterRows; };
    std::vector<int64_t> order(static_cast<size_t>(k));
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](int64_t a, int64_t b) {
        if (first(a) != first(b)) return first(a);
        return sizes[size_t(a)] > sizes[size_t(b)];
    });
    std::vector<int64_t> picks;
    // A second pass over the clusters (their next most typical rows) only when
    // the first left the count short: empty clusters, or fewer free rows.
    while (int64_t(picks.size()) < count) {
        const size_t before = picks.size();
        for (int64_t c : order) {
            if (int64_t(picks.size()) == count) break;
            std::vector<int64_t>& free = members[size_t(c)];
            if (free.empty()) continue;
            const torch::Tensor rows = torch::tensor(free, torch::kInt64);
            const int64_t best = typicality(x.index_select(0, rows), kTypicalityNeighbours).argmax().item<int64_t>();
            picks.push_back(free[size_t(best)]);
            free.erase(free.begin() + best);
        }
        if (picks.size() == before) break;
    }
    return picks;
}

}  // namespace alx
