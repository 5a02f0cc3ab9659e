#pragma once
// Stratified K-fold assignment, for out-of-sample probabilities of the
// training split: each image is predicted by the model of the one fold that
// did not train on it, and every fold has each class in the proportion of
// the whole, so that each fold's model sees every class.
//
// Each class's images (in index order) are shuffled and dealt to the folds
// in turn, the deal carrying on from class to class where the previous one
// stopped. So within a class the fold sizes differ by at most one, and so
// do the fold totals.
//
// The shuffle is Fisher-Yates driven by std::mt19937_64(seed), with its own
// unbiased draw of an integer in [0, m) (rejection sampling on the 64-bit
// output), classes in ascending order: the same seed gives the same folds
// with every compiler and standard library (std::shuffle and
// std::uniform_int_distribution are not specified that precisely).
#include <cstdint>
#include <vector>

namespace alx {

inline constexpr int kDefaultAuditFolds = 5;

// The fold (0..folds-1) of each image. Labels are class indices >= 0; a class
// may have no images. Throws InputError (field "folds") for folds < 2 or
// folds above the image count of the smallest class that has images (a fold
// would then lack that class), and (field "labels") for a negative label or
// no images.
std::vector<int> stratifiedFolds(const int64_t* labels, int64_t images, int folds, uint64_t seed);
std::vector<int> stratifiedFolds(const std::vector<int64_t>& labels, int folds, uint64_t seed);

// The same deal without the per-class check, for cross-validating a handful
// of labels: a class with fewer images than folds is missing from some
// folds' training sets, and those folds' models then cannot predict it.
// Throws InputError (field "folds") for folds < 2 or more folds than images.
std::vector<int> dealtFolds(const std::vector<int64_t>& labels, int folds, uint64_t seed);

}  // namespace alx
