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
// device), so memory stays at a few blocks of chunkRows x N floats even for
// 60,000 images. chunkRows 0 picks it for the device: 256 on the CPU, where
// each thread takes whole blocks and a block of 10,000 columns stays in the
// cache between the product and the top-k; 2048 on a GPU. Throws InputError
// (field "neighbours") when m >= N or m < 1; Cancelled between blocks when
// shouldStop() turns true.
Neighbours nearestNeighbours(const torch::Tensor& embeddings, int64_t m, int64_t chunkRows = 0,
                             const std::function<bool()>& shouldStop = {});

// The m nearest rows of `reference` [R, D] to every row of `queries` [N, D]
// by the same cosine similarity (no row is excluded: the sets differ), with
// the same blocked, exact search: for each test image its nearest training
// images. Throws InputError (field "neighbours") when m > R or m < 1.
Neighbours nearestNeighboursIn(const torch::Tensor& queries, const torch::Tensor& reference, int64_t m,
                               int64_t chunkRows = 0, const std::function<bool()>& shouldStop = {});

// f / max(|f|, 1e-12), row-wise.
torch::Tensor unitNormalise(const torch::Tensor& embeddings);

}  // namespace alx
