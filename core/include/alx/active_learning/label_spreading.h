#pragma once
// Spreading a few labels over the neighbour graph of the whole pool (Zhou,
// Bousquet, Lal, Weston and Schoelkopf 2004, "Learning with Local and
// Global Consistency"): each image takes the classes of the images it is
// near, iterated until the labelled images' classes have flowed along the
// graph. The pseudo-labels it gives, weighted by how sure the spreading is,
// are what the semi-supervised loop trains on (semi_supervised.h).
#include <cstdint>
#include <vector>

#include <torch/types.h>

#include "alx/active_learning/semi_supervised_settings.h"
#include "alx/scoring/neighbours.h"

namespace alx {

// The graph's edges are each row's neighbours (graph.indices [N, m]) with
// weight max(similarity, 0)^power, made symmetric (W = A + A^T), normalised
// S = D^-1/2 W D^-1/2 (D the row sums); from F = Y (one-hot rows for the
// labelled images, zero elsewhere) it iterates F <- alpha S F + (1 - alpha) Y.
// Returns F's rows divided by their sums: float [N, classes] class shares, a
// uniform row where nothing reached an image. `labelled` are row indices,
// `labels` their classes. Throws InputError on a label or index out of range.
torch::Tensor spreadLabels(const Neighbours& graph, const std::vector<int64_t>& labelled,
                           const std::vector<int64_t>& labels, int64_t classes, const SpreadingSettings& settings = {});

// Targets for training on the whole pool from spread class shares [N, C]:
// each image's most likely class, weighted by 1 - H(shares) / log C (sure
// rows near 1, uniform rows 0), then reweighted so that every class's
// total weight is the same (a class the spreading favours does not swamp
// the others); the labelled images keep their given label and a weight of
// one before that balancing.
struct PseudoLabels {
    torch::Tensor targets;  // int64 [N]
    torch::Tensor weights;  // float [N], >= 0
};
PseudoLabels pseudoLabelsFrom(const torch::Tensor& shares, const std::vector<int64_t>& labelled,
                              const std::vector<int64_t>& labels);

}  // namespace alx
