#pragma once
// Principal component analysis, for the Map page's instant map and
// t-SNE's initialisation.
#include <cstdint>

#include <torch/types.h>

namespace alx {

struct Pca {
    torch::Tensor mean;        // float [D]
    torch::Tensor components;  // float [k, D], unit rows, largest variance first
    torch::Tensor variance;    // float [k], the variance along each
};

// The first `k` principal components of the rows of `x` [N, D] (N >= 2),
// from the eigenvectors of the covariance matrix (computed in float64).
// Each component's sign is fixed so that its largest-magnitude entry is
// positive, so that the same data always gives the same map.
Pca fitPca(const torch::Tensor& x, int64_t k);

// (x - mean) projected on the components: float [N, k].
torch::Tensor projectPca(const Pca& pca, const torch::Tensor& x);

// The 2-D PCA map of a set of embeddings, unit-normalised first as the
// engine's cosine neighbour metric sees them: float [N, 2] on the CPU.
torch::Tensor pcaMap(const torch::Tensor& embeddings);

}  // namespace alx
