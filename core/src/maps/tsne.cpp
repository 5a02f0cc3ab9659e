#include "alx/maps/tsne.h"

#include <ATen/CPUGeneratorImpl.h>
#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <utility>
#include <vector>

#include "alx/maps/pca.h"
#include "alx/scoring/neighbours.h"
#include "alx/util/errors.h"
#include "barnes_hut.h"
#include "fft_repulsion.h"
#include "kernels/parallel_items.h"

namespace alx {
namespace {

constexpr int64_t kBlock = 1024;      // points per work item across threads
constexpr int64_t kGroupBlock = 64;  // groups of Barnes-Hut's walks per work item

// Bisection on the precision beta of one point's Gaussian (here: Laplace,
// on cosine distances, as scikit-learn does for non-Euclidean metrics) so
// that the entropy of p_j|i matches log(perplexity).
void calibrateRow(const double* distance, int64_t k, double perplexity, double* p) {
    const double target = std::log(perplexity);
    double beta = 1, lo = -std::numeric_limits<double>::infinity(), hi = std::numeric_limits<double>::infinity();
    for (int step = 0; step < 100; ++step) {
        double sum = 0;
        for (int64_t j = 0; j < k; ++j) sum += (p[j] = std::exp(-distance[j] * beta));
        if (sum == 0) sum = 1e-8;
        double weighted = 0;
        for (int64_t j = 0; j < k; ++j) {
            p[j] /= sum;
            weighted += distance[j] * p[j];
        }
        const double entropy = std::log(sum) + beta * weighted;
        const double difference = entropy - target;
        if (std::abs(difference) <= 1e-5) break;
        if (difference > 0) {
            lo = beta;
            beta = std::isinf(hi) ? beta * 2 : (beta + hi) / 2;
        } else {
            hi = beta;
            beta = std::isinf(lo) ? beta / 2 : (beta + lo) / 2;
        }
    }
}

// P + P^T of the conditional affinities (row i: p_j|i for its k neighbours
// neighbour[i * k ...]), in rows sorted by column with duplicates summed,
// scaled to sum to 1: counted into place, then each row sorted on its own.
Affinities symmetrise(const int64_t* neighbour, const double* conditional, int64_t n, int64_t k) {
    std::vector<int64_t> start(size_t(n + 1), 0);
    for (int64_t i = 0; i < n; ++i) {
        start[size_t(i + 1)] += k;
        for (int64_t t = 0; t < k; ++t) start[size_t(neighbour[i * k + t] + 1)] += 1;
    }
    for (int64_t i = 0; i < n; ++i) start[size_t(i + 1)] += start[size_t(i)];
    std::vector<std::pair<int64_t, double>> entry(size_t(start[size_t(n)]));
    std::vector<int64_t> cursor(start.begin(), start.end() - 1);
    for (int64_t i = 0; i < n; ++i) {
        for (int64_t t = 0; t < k; ++t) {
            const int64_t j = neighbour[i * k + t];
            const double v = conditional[i * k + t];
            entry[size_t(cursor[size_t(i)]++)] = {j, v};
            entry[size_t(cursor[size_t(j)]++)] = {i, v};
        }
    }
    std::vector<int64_t> kept(size_t(n), 0);  // entries per row once duplicates are summed
    forEachItem((n + kBlock - 1) / kBlock, true, {}, [&](int64_t b) {
        for (int64_t i = b * kBlock; i < std::min(n, (b + 1) * kBlock); ++i) {
            auto* first = entry.data() + start[size_t(i)];
            auto* last = entry.data() + start[size_t(i + 1)];
            std::sort(first, last, [](const auto& x, const auto& y) { return x.first < y.first; });
            auto* out = first;
            for (auto* at = first; at != last; ++at) {
                if (out != first && (out - 1)->first == at->first) {
                    (out - 1)->second += at->second;
                } else {
                    *out++ = *at;
                }
            }
            kept[size_t(i)] = out - first;
        }
    });
    Affinities p;
    p.rowStart.assign(size_t(n + 1), 0);
    for (int64_t i = 0; i < n; ++i) p.rowStart[size_t(i + 1)] = p.rowStart[size_t(i)] + kept[size_t(i)];
    p.column.resize(size_t(p.rowStart[size_t(n)]));
    p.value.resize(p.column.size());
    double total = 0;
    for (int64_t i = 0; i < n; ++i) {
        for (int64_t t = 0; t < kept[size_t(i)]; ++t) {
            const auto& [column, value] = entry[size_t(start[size_t(i)] + t)];
            p.column[size_t(p.rowStart[size_t(i)] + t)] = column;
            p.value[size_t(p.rowStart[size_t(i)] + t)] = value;
            total += value;
        }
    }
    for (double& v : p.value) v /= total;
    return p;
}

// The attractive part of the gradient, sum_j p_ij w_ij (y_i - y_j), for rows [begin, end).
void attraction(const Affinities& p, const double* y, int64_t begin, int64_t end, double* out) {
    for (int64_t i = begin; i < end; ++i) {
        double fx = 0, fy = 0;
        for (int64_t at = p.rowStart[size_t(i)]; at < p.rowStart[size_t(i + 1)]; ++at) {
            const int64_t j = p.column[size_t(at)];
            const double dx = y[2 * i] - y[2 * j], dy = y[2 * i + 1] - y[2 * j + 1];
            const double pw = p.value[size_t(at)] / (1.0 + dx * dx + dy * dy);
            fx += pw * dx;
            fy += pw * dy;
        }
        out[2 * i] = fx;
        out[2 * i + 1] = fy;
    }
}

// Barnes-Hut's repulsion at accuracy theta: writes sum_j w_ij^2 (y_i - y_j)
// to r (2n values) and returns Z = sum_{i != j} w_ij, as fftRepulsion does.
double barnesHutRepulsion(const double* xy, int64_t n, double theta, double* r) {
    QuadTree tree;
    tree.build(xy, n);
    std::fill(r, r + 2 * n, 0.0);
    std::vector<double> z(size_t(n), 0.0);
    const auto& groups = tree.groups();
    const auto count = int64_t(groups.size());
    forEachItem((count + kGroupBlock - 1) / kGroupBlock, true, {}, [&](int64_t b) {
        QuadTree::Interactions scratch;
        for (int64_t g = b * kGroupBlock; g < std::min(count, (b + 1) * kGroupBlock); ++g) {
            tree.repulsion(groups[size_t(g)], theta, scratch, z.data(), r);
        }
    });
    double total = 0;
    for (double v : z) total += v;  // in a fixed order: the same map whatever the threads
    return total;
}

// The gradient with an approximate repulsion, repulsion(xy, n, r) -> Z
// (barnesHutRepulsion, fftRepulsion); `scale` multiplies P (early exaggeration).
template <class Repulsion>
torch::Tensor gradientApproximate(const Affinities& p, const torch::Tensor& y, double scale, Repulsion&& repulsion) {
    const int64_t n = y.size(0);
    const auto yc = y.contiguous();
    const double* xy = yc.data_ptr<double>();
    auto attractive = torch::empty({n, 2}, torch::kFloat64);
    auto repulsive = torch::empty({n, 2}, torch::kFloat64);
    double* a = attractive.data_ptr<double>();
    forEachItem((n + kBlock - 1) / kBlock, true, {}, [&](int64_t b) {
        attraction(p, xy, b * kBlock, std::min(n, (b + 1) * kBlock), a);
    });
    const double z = repulsion(xy, n, repulsive.data_ptr<double>());
    return 4.0 * (scale * attractive - repulsive / std::max(z, 1e-300));
}

torch::Tensor gradientBarnesHut(const Affinities& p, const torch::Tensor& y, double theta, double scale) {
    return gradientApproximate(p, y, scale, [theta](const double* xy, int64_t n, double* r) {
        return barnesHutRepulsion(xy, n, theta, r);
    });
}

// The gradient with the repulsion interpolated on a grid (FIt-SNE).
torch::Tensor gradientInterpolated(const Affinities& p, const torch::Tensor& y, double scale) {
    return gradientApproximate(p, y, scale, [](const double* xy, int64_t n, double* r) { return fftRepulsion(xy, n, r); });
}

// The gradient computed exactly, in blocks of rows, on y's device.
torch::Tensor gradientExact(const torch::Tensor& rows, const torch::Tensor& cols, const torch::Tensor& values,
                            const torch::Tensor& y, double scale) {
    const int64_t n = y.size(0);
    const int64_t block = y.is_cuda() ? 4096 : 512;
    auto repulsive = torch::zeros_like(y);
    auto z = torch::zeros({}, y.options());
    for (int64_t start = 0; start < n; start += block) {
        const int64_t end = std::min(n, start + block);
        const auto yb = y.slice(0, start, end);
        auto w = 1.0 / (1.0 + (yb.unsqueeze(1) - y.unsqueeze(0)).pow(2).sum(2));  // [b, n]
        const auto self = torch::arange(start, end, rows.options());
        w.index_put_({self - start, self}, 0.0);
        z += w.sum();
        const auto w2 = w * w;
        repulsive.slice(0, start, end).copy_(w2.sum(1, true) * yb - torch::mm(w2, y));
    }
    const auto diff = y.index_select(0, rows) - y.index_select(0, cols);
    const auto pw = values / (1.0 + diff.pow(2).sum(1));
    const auto attractive = torch::zeros_like(y).index_add_(0, rows, pw.unsqueeze(1) * diff);
    return 4.0 * (scale * attractive - repulsive / z);
}

struct CooAffinities {
    torch::Tensor rows, cols, values;
};

CooAffinities toCoo(const Affinities& p, const torch::Device& device) {
    std::vector<int64_t> rows(p.column.size());
    for (int64_t i = 0; i < p.size(); ++i) {
        for (int64_t at = p.rowStart[size_t(i)]; at < p.rowStart[size_t(i + 1)]; ++at) rows[size_t(at)] = i;
    }
    const auto options = torch::TensorOptions().dtype(torch::kInt64);
    return {torch::tensor(rows, options).to(device), torch::tensor(p.column, options).to(device),
            torch::tensor(p.value, torch::TensorOptions().dtype(torch::kFloat64)).to(device)};
}

}  // namespace

Affinities tsneAffinities(const torch::Tensor& embeddings, double perplexity, const std::function<bool()>& shouldStop) {
    const int64_t n = embeddings.size(0);
    if (n < 3) throw InputError("t-SNE needs at least 3 points, not " + std::to_string(n));
    if (!(perplexity >= 1) || !std::isfinite(perplexity)) {
        throw InputError("the perplexity must be a number of at least 1", "perplexity");
    }
    const int64_t k = std::min<int64_t>(n - 1, int64_t(std::floor(3 * perplexity)));
    const Neighbours nb = nearestNeighbours(embeddings, k, 0, shouldStop);
    c10::InferenceMode inference;
    const auto distance = (1.0 - nb.similarity.to(torch::kCPU, torch::kFloat64)).clamp_min(0).contiguous();
    auto conditional = torch::empty({n, k}, torch::kFloat64);
    const double* d = distance.data_ptr<double>();
    double* out = conditional.data_ptr<double>();
    forEachItem((n + kBlock - 1) / kBlock, true, shouldStop, [&](int64_t b) {
        for (int64_t i = b * kBlock; i < std::min(n, (b + 1) * kBlock); ++i) calibrateRow(d + i * k, k, perplexity, out + i * k);
    });
    const auto neighbour = nb.indices.to(torch::kCPU, torch::kInt64).contiguous();
    return symmetrise(neighbour.data_ptr<int64_t>(), out, n, k);
}

torch::Tensor tsneGradientExact(const Affinities& p, const torch::Tensor& y) {
    const CooAffinities coo = toCoo(p, torch::kCPU);
    return gradientExact(coo.rows, coo.cols, coo.values, y.to(torch::kCPU, torch::kFloat64), 1.0);
}

torch::Tensor tsneGradientBarnesHut(const Affinities& p, const torch::Tensor& y, double theta) {
    return gradientBarnesHut(p, y.to(torch::kCPU, torch::kFloat64), theta, 1.0);
}

torch::Tensor tsneGradientInterpolated(const Affinities& p, const torch::Tensor& y) {
    return gradientInterpolated(p, y.to(torch::kCPU, torch::kFloat64), 1.0);
}

double tsneKlDivergenceExact(const Affinities& p, const torch::Tensor& y) {
    const auto yd = y.to(torch::kCPU, torch::kFloat64);
    const auto d2 = (yd.unsqueeze(1) - yd.unsqueeze(0)).pow(2).sum(2);
    auto w = 1.0 / (1.0 + d2);
    w.fill_diagonal_(0.0);
    const double z = w.sum().item<double>();
    const auto wc = w.contiguous();
    const double* wp = wc.data_ptr<double>();
    const int64_t n = yd.size(0);
    double kl = 0;
    for (int64_t i = 0; i < n; ++i) {
        for (int64_t at = p.rowStart[size_t(i)]; at < p.rowStart[size_t(i + 1)]; ++at) {
            const double pij = p.value[size_t(at)];
            if (pij > 0) kl += pij * std::log(pij / std::max(wp[i * n + p.column[size_t(at)]] / z, 1e-300));
        }
    }
    return kl;
}

torch::Tensor tsneMap(const torch::Tensor& embeddings, const TsneConfig& config, const TsneCallbacks& callbacks) {
    if (config.iterations < 1) throw InputError("t-SNE needs at least one iteration", "iterations");
    if (!(config.theta >= 0)) throw InputError("theta must be 0 or more", "theta");
    const int64_t n = embeddings.size(0);
    const auto stop = [&] { return callbacks.shouldStop && callbacks.shouldStop(); };
    const Affinities p = tsneAffinities(embeddings, config.perplexity, callbacks.shouldStop);
    c10::InferenceMode inference;

    torch::Tensor y;
    if (config.pcaInit) {
        y = pcaMap(embeddings).to(torch::kFloat64);
        y = y / y.select(1, 0).std(/*unbiased=*/false).clamp_min(1e-12) * 1e-4;
    } else {
        auto generator = at::make_generator<at::CPUGeneratorImpl>(config.seed);
        y = torch::randn({n, 2}, generator, torch::kFloat64) * 1e-4;
    }
    // The exact repulsion on a GPU (fast there); on the CPU interpolated or by Barnes-Hut.
    const torch::Device device = embeddings.device();
    const bool exact = device.is_cuda() || config.theta == 0;
    const bool grid = config.repulsion == TsneRepulsion::Grid ||
                      (config.repulsion == TsneRepulsion::Automatic && n >= kGridFromPoints);
    CooAffinities coo;
    if (exact) coo = toCoo(p, device);
    y = y.to(device);
    const double learningRate =
        config.learningRate > 0 ? config.learningRate : std::max(double(n) / config.earlyExaggeration / 4, 50.0);

    auto update = torch::zeros_like(y);
    auto gains = torch::ones_like(y);
    for (int iteration = 0; iteration < config.iterations; ++iteration) {
        if (stop()) throw Cancelled();
        const bool exploring = iteration < config.exaggerationIterations;
        if (iteration == config.exaggerationIterations) {
            // A fresh start of the optimiser for the second phase, as scikit-learn does.
            update.zero_();
            gains.fill_(1.0);
        }
        const double scale = exploring ? config.earlyExaggeration : 1.0;
        const double momentum = exploring ? 0.5 : 0.8;
        const auto gradient = exact  ? gradientExact(coo.rows, coo.cols, coo.values, y, scale)
                              : grid ? gradientInterpolated(p, y, scale)
                                     : gradientBarnesHut(p, y, config.theta, scale);
        const auto sameDirection = (update * gradient) >= 0;  // the step kept the gradient's sign
        gains = torch::where(sameDirection, gains * 0.8, gains + 0.2).clamp_min(0.01);
        update = momentum * update - learningRate * (gains * gradient);
        y = y + update;
        const int done = iteration + 1;
        if (callbacks.onProgress && (done % std::max(1, callbacks.progressEvery) == 0 || done == config.iterations)) {
            callbacks.onProgress({done, config.iterations, y.to(torch::kCPU, torch::kFloat32).clone()});
        }
    }
    return y.to(torch::kCPU, torch::kFloat32).contiguous();
}

}  // namespace alx
