#pragma once
// t-SNE (van der Maaten and Hinton 2008) as in van der Maaten 2014,
// "Accelerating t-SNE using tree-based algorithms": perplexity-calibrated
// affinities over the exact nearest neighbours (cosine distance, the
// engine's neighbour metric), early exaggeration, momentum and gains, and
// the repulsive forces interpolated on a grid and convolved by FFT
// (Linderman et al. 2019) or by Barnes-Hut, so that all 70,000 MNIST images
// take a minute, not hours. scikit-learn's TSNE is the reference for the
// defaults. On a GPU the repulsion is computed exactly, in blocks.
#include <cstdint>
#include <functional>
#include <vector>

#include <torch/types.h>

namespace alx {

// How the repulsive forces are computed on the CPU: interpolated on a grid
// and convolved by FFT (Linderman et al. 2019), whose cost grows with the
// map's extent, or by Barnes-Hut, whose cost grows with N log N.
// Automatic: the grid from kGridFromPoints points on. Measured on MNIST
// LeNet-5 embeddings (docs/maps.md): 10,000 points 15.9 s on the grid
// against 10.8 s by Barnes-Hut, 70,000 points 45.7 s against 125.5 s.
enum class TsneRepulsion { Automatic, Grid, BarnesHut };
inline constexpr int64_t kGridFromPoints = 20000;

struct TsneConfig {
    double perplexity = 30;
    int iterations = 1000;
    uint64_t seed = 0;            // the random initialisation's (pcaInit false)
    bool pcaInit = true;          // start from the PCA map, scaled to a standard deviation of 1e-4
    TsneRepulsion repulsion = TsneRepulsion::Automatic;  // on the CPU
    double theta = 0.5;           // Barnes-Hut's accuracy (0: exact repulsion, O(N^2) per iteration, either way)
    double earlyExaggeration = 12;
    int exaggerationIterations = 250;
    double learningRate = 0;      // 0: max(N / earlyExaggeration / 4, 50)
};

// The symmetric affinities P, sparse: row i's neighbours are
// column[rowStart[i] .. rowStart[i + 1]), sorted, with their p_ij; the
// values sum to 1 over the whole matrix.
struct Affinities {
    std::vector<int64_t> rowStart;
    std::vector<int64_t> column;
    std::vector<double> value;
    int64_t size() const { return int64_t(rowStart.size()) - 1; }
};

// Each point's conditional distribution over its min(N - 1, 3 * perplexity)
// nearest neighbours (cosine distance d = 1 - u.v), its precision found by
// bisection so that its perplexity matches; then P = (P + P^T) / sum.
Affinities tsneAffinities(const torch::Tensor& embeddings, double perplexity,
                          const std::function<bool()>& shouldStop = {});

// The gradient of KL(P || Q) with respect to the map y [N, 2] (float64 on
// the CPU): exactly, and with Barnes-Hut's approximation of the repulsion
// at accuracy `theta`. Both return float64 [N, 2].
torch::Tensor tsneGradientExact(const Affinities& p, const torch::Tensor& y);
torch::Tensor tsneGradientBarnesHut(const Affinities& p, const torch::Tensor& y, double theta);
torch::Tensor tsneGradientInterpolated(const Affinities& p, const torch::Tensor& y);
// KL(P || Q), exactly.
double tsneKlDivergenceExact(const Affinities& p, const torch::Tensor& y);

struct TsneProgress {
    int iteration = 0;         // done
    int iterations = 0;
    torch::Tensor map;         // float32 [N, 2] on the CPU, a snapshot
};

struct TsneCallbacks {
    std::function<bool()> shouldStop;               // polled every iteration (throws Cancelled)
    std::function<void(const TsneProgress&)> onProgress;
    int progressEvery = 25;                         // iterations between onProgress calls (and the last)
};

// The 2-D t-SNE map of `embeddings` [N, D] (N >= 3): float32 [N, 2] on the
// CPU. The same input and config give the same map, whatever the number of
// threads. Runs on the embeddings' device when it is a GPU.
torch::Tensor tsneMap(const torch::Tensor& embeddings, const TsneConfig& config, const TsneCallbacks& callbacks = {});

}  // namespace alx
