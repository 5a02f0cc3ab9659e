#pragma once
// The first graph of the semi-supervised rounds (semi_supervised.h): each
// pool image's nearest neighbours by its pixels alone, before any network
// has been trained. Plain pixel distance takes the same shape one pixel
// over for a different image; as the k-nearest-neighbour classifiers that
// compare images under small shifts (LeCun et al. 1998, "jittered" k-NN),
// the similarity of two images here is the best over small shifts of one of
// them, which keeps far fewer edges between classes.
#include <cstdint>
#include <functional>
#include <utility>
#include <vector>

#include <torch/types.h>

#include "alx/scoring/neighbours.h"

namespace alx {

// The moves (dy, dx) tried: every one of |dy| + |dx| <= reach, none first
// (reach 1: none, and one pixel up, down, left and right).
std::vector<std::pair<int64_t, int64_t>> pixelGraphShifts(int64_t reach);

// `images` [N, C, H, W] area-averaged down to at most 32 x 32, moved by
// (dy, dx) pixels at that size, the edge pixels repeated into the gap.
torch::Tensor shiftedGraphPixels(const torch::Tensor& images, int64_t dy, int64_t dx);

// For each of the N images, the `neighbours` others of greatest similarity
// s(i, j) = max over pixelGraphShifts(reach) of cos(f(x_i), f(shift(x_j))), where
// f projects shiftedGraphPixels on the unshifted images' first 50 principal
// components. Candidates are each shift's nearest; an image is never its own
// neighbour. Sorted by similarity, ties by the lower index. Computed once per
// pool; every round and repeat of a run can share it.
// Reach 0 is the plain cosine of the projected pixels.
Neighbours pixelGraph(const torch::Tensor& images, int64_t neighbours, int64_t reach,
                      const std::function<bool()>& shouldStop = {});

// The merge above, on its own: for each row, over the candidate columns
// `indices` [N, c] with `similarity` [N, c] (from several searches, so an
// index can appear more than once), each index's best similarity, the row's
// own index left out, the best `neighbours` kept. Throws InputError when a
// row has fewer distinct candidates.
Neighbours bestDistinctNeighbours(const torch::Tensor& indices, const torch::Tensor& similarity, int64_t neighbours);

}  // namespace alx
