#pragma once
// Choosing images to label without looking at any label: the `typical`
// cold start, after TypiClust (Hacohen, Dekel and Weinshall 2022, "Active
// Learning on a Budget: Opposite Strategies Suit High and Low Budgets").
// The pool's features are clustered by k-means into as many clusters as
// images will then be labelled; from the largest clusters that hold no
// labelled image yet, each gives its most typical image: the one whose
// nearest neighbours within the cluster are closest (typicality = 1 / mean
// distance to them). So the first labels are dense, central images, one per
// region of the pool, not outliers and not ten of the commonest look.
#include <cstdint>
#include <vector>

#include <torch/types.h>

namespace alx {

// Features to cluster, without a trained network: the pixels (uint8 or
// normalised [N, C, H, W]), area-averaged down to at most 24 x 24 per
// channel, projected on their first 50 principal components. float [N, d]
// on the CPU.
torch::Tensor coldStartFeatures(const torch::Tensor& images);

struct Clustering {
    torch::Tensor centres;     // float [k, D]
    torch::Tensor assignment;  // int64 [N]: each row's cluster
};

// Lloyd's k-means from a k-means++ start (Arthur and Vassilvitskii 2007),
// seeded; stops when no assignment changes or after `iterations`. A cluster
// that empties keeps its centre. Throws InputError unless 1 <= k <= N.
Clustering kMeans(const torch::Tensor& x, int64_t k, uint64_t seed, int iterations = 100);

// Each row's typicality within the rows of `x` [M, D]: 1 / the mean
// Euclidean distance to its `neighbours` nearest other rows (fewer when M is
// smaller). float [M]; a single row has typicality 1.
torch::Tensor typicality(const torch::Tensor& x, int64_t neighbours = 20);

// `count` rows of `features` [N, D] to label next, none of `chosen` (rows
// labelled or shown before): k-means into |chosen| + count clusters, then
// the most typical free row of each cluster, the largest clusters without
// a chosen row first (clusters of fewer than 5 rows, an outlier's, count as
// covered); then, if the count is not reached, the next most typical rows
// of the clusters in the same order. In the order picked; fewer only when
// fewer rows are free.
std::vector<int64_t> typicalImages(const torch::Tensor& features, int64_t count, const std::vector<int64_t>& chosen,
                                   uint64_t seed);

}  // namespace alx
