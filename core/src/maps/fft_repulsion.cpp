#include "fft_repulsion.h"

#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "kernels/parallel_items.h"

namespace alx {
namespace {

constexpr int64_t kPointBlock = 4096;

// Where each point sits on the grid: per dimension its box and the Lagrange
// weights of that box's nodes (at (t + 0.5) / p of the box's width).
struct Placement {
    int64_t boxes = 0, nodes = 0;  // per dimension; nodes = boxes * p
    int p = 0;
    double low = 0, boxWidth = 0;
    std::vector<int64_t> box;      // [n][2]
    std::vector<double> weight;    // [n][2][p]
};

Placement place(const double* xy, int64_t n, const InterpolationGrid& grid) {
    double low = std::numeric_limits<double>::infinity(), high = -low;
    for (int64_t k = 0; k < 2 * n; ++k) {
        low = std::min(low, xy[k]);
        high = std::max(high, xy[k]);
    }
    Placement at;
    at.p = grid.nodesPerBox;
    const double span = std::max(high - low, 1e-9);
    const auto wanted = int64_t(std::ceil(span / grid.maxBoxWidth));
    // Twice the nodes is the padded FFT's size: keep boxes * p * 2 smooth.
    at.boxes = smoothFftSize(std::clamp<int64_t>(wanted, grid.minBoxes, grid.maxBoxes));
    at.nodes = at.boxes * at.p;
    at.boxWidth = span / double(at.boxes) * (1 + 1e-9);  // the highest point inside the last box
    at.low = low;
    const int p = at.p;
    std::vector<double> node(static_cast<size_t>(p), 0.0), denominator(static_cast<size_t>(p), 1.0);
    for (int t = 0; t < p; ++t) node[size_t(t)] = (t + 0.5) / p;
    for (int t = 0; t < p; ++t) {
        for (int s = 0; s < p; ++s) {
            if (s != t) denominator[size_t(t)] *= node[size_t(t)] - node[size_t(s)];
        }
    }
    at.box.resize(size_t(2 * n));
    at.weight.resize(size_t(2 * n * p));
    forEachItem((n + kPointBlock - 1) / kPointBlock, true, {}, [&](int64_t b) {
        for (int64_t k = 2 * b * kPointBlock; k < std::min(2 * n, 2 * (b + 1) * kPointBlock); ++k) {
            const double v = (xy[k] - low) / at.boxWidth;
            const int64_t box = std::min<int64_t>(at.boxes - 1, int64_t(v));
            const double u = v - double(box);
            at.box[size_t(k)] = box;
            for (int t = 0; t < p; ++t) {
                double w = 1;
                for (int s = 0; s < p; ++s) {
                    if (s != t) w *= u - node[size_t(s)];
                }
                at.weight[size_t(k * p + t)] = w / denominator[size_t(t)];
            }
        }
    });
    return at;
}

// Calls visit(node, weight) for the p x p nodes of point i's box, node being
// the index in a grid whose rows are `rowLength` long: where the point's
// charges are spread, and where its sums are read back from.
template <class Visit>
void forEachNodeOf(const Placement& at, int64_t i, int64_t rowLength, Visit&& visit) {
    const int p = at.p;
    const int64_t bx = at.box[size_t(2 * i)] * p, by = at.box[size_t(2 * i + 1)] * p;
    const double* wx = &at.weight[size_t(2 * i * p)];
    const double* wy = &at.weight[size_t((2 * i + 1) * p)];
    for (int a = 0; a < p; ++a) {
        for (int b = 0; b < p; ++b) visit((bx + a) * rowLength + (by + b), wx[a] * wy[b]);
    }
}

// The kernel at every offset between two nodes, laid out for a circular
// convolution of size 2m (offset d at index d mod 2m), as its real FFT. In
// float32: its FFT is several times faster than float64's, and its rounding
// is far below the interpolation's error.
torch::Tensor kernelSpectrum(int64_t m, double spacing, int power) {
    const int64_t size = 2 * m;
    auto offset = torch::arange(size, torch::kFloat32);
    offset = torch::where(offset < float(m), offset, offset - float(size)) * float(spacing);
    offset.select(0, m).fill_(0);  // the one index no pair of nodes reaches
    const auto squared = offset.square();
    auto kernel = (squared.unsqueeze(1) + squared.unsqueeze(0)).add_(1).reciprocal_();
    if (power == 2) kernel.square_();
    return torch::fft_rfft2(kernel);
}

}  // namespace

int64_t smoothFftSize(int64_t n) {
    for (int64_t m = std::max<int64_t>(n, 1);; ++m) {
        int64_t rest = m;
        for (int64_t f : {2, 3, 5}) {
            while (rest % f == 0) rest /= f;
        }
        if (rest == 1) return m;
    }
}

double fftRepulsion(const double* xy, int64_t n, double* r, const InterpolationGrid& grid) {
    c10::InferenceMode inference;
    const Placement at = place(xy, n, grid);
    const int64_t m = at.nodes, size = 2 * m;
    // Charges 1, x and y spread onto the nodes, in the top-left m x m of a
    // grid zero-padded to 2m x 2m for a linear (not circular) convolution.
    auto charges = torch::zeros({3, size, size}, torch::kFloat32);
    float* c = charges.data_ptr<float>();
    const int64_t plane = size * size;
    for (int64_t i = 0; i < n; ++i) {
        forEachNodeOf(at, i, size, [&](int64_t node, double w) {
            c[node] += float(w);
            c[plane + node] += float(w * xy[2 * i]);
            c[2 * plane + node] += float(w * xy[2 * i + 1]);
        });
    }
    // One transform of the charges serves both kernels: the squared one for
    // the forces (charges 1, x, y), the plain one for Z (charge 1).
    const double spacing = at.boxWidth / at.p;
    const auto spectra = torch::fft_rfft2(charges);
    const auto products =
        torch::cat({spectra * kernelSpectrum(m, spacing, 2), spectra.slice(0, 0, 1) * kernelSpectrum(m, spacing, 1)});
    const auto potentials = torch::fft_irfft2(products, std::vector<int64_t>{size, size}).contiguous();
    const float* s = potentials.data_ptr<float>();  // [4][2m][2m]: node (u, v)'s sums at u * 2m + v
    std::vector<double> z(static_cast<size_t>(n), 0.0);
    forEachItem((n + kPointBlock - 1) / kPointBlock, true, {}, [&](int64_t blk) {
        for (int64_t i = blk * kPointBlock; i < std::min(n, (blk + 1) * kPointBlock); ++i) {
            double one = 0, sx = 0, sy = 0, zi = 0;
            forEachNodeOf(at, i, size, [&](int64_t node, double w) {
                one += w * s[node];
                sx += w * s[plane + node];
                sy += w * s[2 * plane + node];
                zi += w * s[3 * plane + node];
            });
            // sum_j w_ij^2 (y_i - y_j); the point's own term (w_ii = 1) is zero here
            r[2 * i] = xy[2 * i] * one - sx;
            r[2 * i + 1] = xy[2 * i + 1] * one - sy;
            z[size_t(i)] = zi - 1;  // less its own w_ii = 1
        }
    });
    double total = 0;
    for (double v : z) total += v;  // in a fixed order: the same map whatever the threads
    return total;
}

}  // namespace alx
