#pragma once
// t-SNE's repulsive forces by interpolation on a grid and convolution by FFT
// (Linderman, Rachh, Hoskins, Steinerberger and Kluger 2019, "Fast
// interpolation-based t-SNE for improved visualization of single-cell
// RNA-seq data", FIt-SNE). The map's bounding square is cut into boxes with
// a few equispaced interpolation nodes each; every point's charges are
// spread to the nodes of its box by Lagrange interpolation, the kernel's
// sums over all pairs of nodes are one convolution on that uniform grid
// (an FFT, zero-padded), and each point reads its sums back from its box's
// nodes. Cost per iteration: O(N) plus the FFT of the grid, against
// Barnes-Hut's O(N log N) walks through a tree (private to core/src/maps).
#include <cstdint>

namespace alx {

struct InterpolationGrid {
    int nodesPerBox = 3;      // per dimension: Lagrange interpolation of degree 2
    double maxBoxWidth = 1;   // in map units; the kernel varies on a scale of 1
    int64_t minBoxes = 50;    // per dimension, however small the map
    int64_t maxBoxes = 400;   // per dimension, to bound the grid's memory (a map with far outliers)
};

// For the n points `xy` (x0, y0, x1, y1, ...): writes to r (2n values)
// sum_j w_ij^2 (y_i - y_j) and returns Z = sum_{i != j} w_ij, where
// w_ij = 1 / (1 + |y_i - y_j|^2): what QuadTree::repulsion sums, for all
// points at once.
double fftRepulsion(const double* xy, int64_t n, double* r, const InterpolationGrid& grid = {});

// The smallest m >= n whose only prime factors are 2, 3 and 5 (sizes the
// FFT does fastest).
int64_t smoothFftSize(int64_t n);

}  // namespace alx
