#pragma once
// Finding the images whose given label is probably wrong, by confident
// learning: Northcutt, Jiang & Chuang, "Confident Learning: Estimating
// Uncertainty in Dataset Labels", JAIR 70 (2021), with the choices of
// cleanlab's find_label_issues(filter_by="prune_by_noise_rate") where the
// paper leaves room. Standard library only: the CLI, the app and the tests
// hand it a plain table of probabilities.
//
// The input is out-of-sample probabilities (a model that did not train on
// the image: the test split, or cross-validation for the training split);
// in-sample probabilities make every label look right.
//
// The steps, with n images, k classes, p the row of an image and i its
// given label:
//  1. Thresholds: t_j = mean of p_j over the images labelled j, clipped
//     below at kMinimumThreshold. A class no image is labelled with gets
//     kThresholdOfAbsentClass (2): no probability reaches it, so nothing is
//     ever counted as truly belonging to it (cleanlab does the same). An
//     image the model believes is of such a class is therefore never
//     flagged; it is still suggested that class and ranks by its low
//     self-confidence among the rest.
//  2. Confident joint C (k x k, [given i][true j]): an image is "confident"
//     for class j when p_j >= t_j - kThresholdTolerance; it is counted in
//     (i, j*) with j* the class of largest p among its confident classes
//     (ties: the lowest index). j* may be i: the diagonal counts the images
//     the model confidently agrees with. An image confident for no class is
//     not counted.
//     Paper and cleanlab differ in one corner, and this follows the paper:
//     when two or more classes are confident, cleanlab takes the argmax over
//     *all* classes, which can be a class below its threshold (t = (.9, .1,
//     .1), p = (.5, .3, .2): cleanlab counts class 0, this counts class 1).
//  3. Calibration (cleanlab's calibrate_confident_joint): the diagonal is
//     raised to at least 1 (so that a row with no confident image keeps its
//     images on the diagonal), each row i is scaled to sum to the number of
//     images labelled i (which makes the whole sum to n: cleanlab's second
//     scaling is then the identity and is left out), and each row is rounded
//     to integers keeping its total (roundPreservingSum). The joint Q is
//     that integer matrix over n, so n * Q[i][j] is a whole number of images.
//  4. Prune by noise rate: for each given class i with more than
//     minKeptPerClass images and each j != i, the m_ij images labelled i
//     with the largest p_j - p_i are flagged (ties: the lowest index first).
//     m_ij is the calibrated count of cell (i, j), except where the
//     calibrated diagonal d_i is below minKeptPerClass (cleanlab's
//     _keep_at_least_n_per_class): there the row pays the difference
//     minKeptPerClass - d_i in equal shares, one per non-zero entry of the
//     row less one (at least one share), each cell then truncated to an
//     integer >= 0. An image picked from several cells is flagged once.
//  5. Then, as cleanlab does, no image is flagged whose argmax (lowest index
//     on ties) is its given label: the model agrees with the label.
//
// Per image: suggested = argmax p over all classes (the class the audit
// believes; it differs from the given label for every flagged image), the
// self-confidence p_given, and cleanlab's normalised margin
// (p_given - max_{j != given} p_j + 1) / 2, in [0, 1]; low is suspicious in
// both.
//
// Throws InputError (field "probabilities" or "labels") for a table that is
// not probabilities: a value not finite or outside [0, 1], a row not summing
// to 1 within 1e-3, a label outside 0..k-1, no images, or fewer than two classes.
#include <cstddef>
#include <cstdint>
#include <vector>

namespace alx {

// cleanlab's constants, kept so that the flagged set matches it.
inline constexpr double kThresholdTolerance = 1e-6;     // p_j >= t_j - this counts as reaching t_j
inline constexpr double kMinimumThreshold = 2e-6;       // so that p_j = 0 never reaches a threshold
inline constexpr double kThresholdOfAbsentClass = 2.0;  // above every probability

// Which score orders the flagged images; the rest are always ranked by self-confidence.
enum class FlaggedRanking {
    SelfConfidence,    // p_given, lowest first (cleanlab's default)
    NormalizedMargin,  // (p_given - max other + 1) / 2, lowest first
};

struct ConfidentLearningOptions {
    int64_t minKeptPerClass = 1;  // cleanlab's min_examples_per_class
    FlaggedRanking flaggedRanking = FlaggedRanking::SelfConfidence;
};

// All k x k matrices are row-major, k * k entries, indexed [given i][true j].
struct LabelAudit {
    int64_t images = 0;
    int64_t classes = 0;

    std::vector<int64_t> labelCounts;     // [k] images per given label
    std::vector<double> thresholds;       // [k] t_j
    std::vector<int64_t> confidentJoint;  // C: raw counts, before calibration (no diagonal raised)
    std::vector<int64_t> calibratedJoint;  // integers; row i sums to labelCounts[i], the whole to n
    std::vector<double> joint;             // Q = calibratedJoint / n
    // P(given = i | true = j) = Q[i][j] / sum_i Q[i][j]; each column sums to 1.
    // A true class with no estimated images (an empty column) gets the
    // identity column: without evidence, no noise.
    std::vector<double> noiseMatrix;
    // P(true = j | given = i) = Q[i][j] / sum_j Q[i][j]; each row sums to 1
    // (cleanlab's inverse noise matrix, transposed). A class no image is
    // labelled with gets the identity row.
    std::vector<double> inverseNoiseMatrix;
    std::vector<int64_t> pruneCounts;  // m_ij, the images pruning picks per off-diagonal cell (diagonal 0)

    std::vector<uint8_t> flagged;         // [n] 1 = suspect label
    std::vector<int64_t> suggested;       // [n] argmax p, lowest index on ties
    std::vector<float> pGiven;            // [n] p of the given label: the self-confidence
    std::vector<float> pSuggested;        // [n] p of the suggested label
    std::vector<double> normalizedMargin;  // [n] (p_given - max_{j != given} p_j + 1) / 2
    // [n] the value each image was ranked by: the flagged ranking's score for
    // a flagged image, the self-confidence for the others.
    std::vector<double> score;
    // The audit order, n image indices: the flagged first by score
    // ascending, then the rest by self-confidence ascending; ties by index.
    std::vector<int64_t> order;
    std::vector<int64_t> suspectsPerClass;  // [k] flagged images per given label
    int64_t flaggedCount = 0;

    // Entry (i, j) of one of the k x k matrices above.
    template <typename T>
    T at(const std::vector<T>& matrix, int64_t i, int64_t j) const {
        return matrix[static_cast<std::size_t>(i * classes + j)];
    }
};

// The whole audit. `probabilities`: n * k floats, row-major; `labels`: n given labels.
LabelAudit auditLabels(const float* probabilities, const int64_t* labels, int64_t images, int64_t classes,
                       const ConfidentLearningOptions& options = {});
LabelAudit auditLabels(const std::vector<float>& probabilities, const std::vector<int64_t>& labels,
                       int64_t classes, const ConfidentLearningOptions& options = {});

// The audit order for another ranking of the flagged images, from a finished
// audit (the rest stay by self-confidence), without computing it again.
std::vector<int64_t> auditOrder(const LabelAudit& audit, FlaggedRanking flaggedRanking);

// Step 3's rounding, as cleanlab's round_preserving_sum: each value rounded
// to the nearest integer (halves to even), then, while the integers' total
// differs from the rounded total of the values, the values rounded furthest
// the wrong way move by one: when the total is short, those with the largest
// (value - integer) go up (ties: the highest index first); when it is over,
// those with the smallest go down (ties: the lowest index first), the order
// a stable sort in numpy gives.
std::vector<int64_t> roundPreservingSum(const std::vector<double>& values);

}  // namespace alx
