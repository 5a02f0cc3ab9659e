#pragma once
#include <functional>

#include <torch/types.h>

namespace alx {

// The m nearest neighbours of every row of `embeddings` among the other
// rows: highest cosine similarity of the unit-normalised vectors
// u = f / max(|f|, 1e-12), self excluded, nearest first.
struct Neighbours {
    torch::Tensor indices;     // int64 [N, m]
    torch::Tensor similarity;  // float [N, m], u . u_j
};

// Exact search over the whole set: the similarity matrix is computed in
// blocks of `chunkRows` rows (a [chunkRows, N] product and a top-k on the
// device), so memory stays at chunkRows x N floats even for 60,000 images.
// Throws InputError when m >= N or m < 1; Cancelled between chunks when
// shouldStop() turns true.
Neighbours nearestNeighbours(const torch::Tensor& embeddings, int64_t m, int64_t chunkRows = 2048,
                             const std::function<bool()>& shouldStop = {});

// f / max(|f|, 1e-12), row-wise.
torch::Tensor unitNormalise(const torch::Tensor& embeddings);

}  // namespace alx
