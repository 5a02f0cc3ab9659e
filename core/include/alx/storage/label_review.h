#pragma once
// A person's review of suspect labels, and lists of images to leave out or
// relabel when training.
//  - label_review.csv (beside the run; the app's Suspect labels page):
//    `index,verdict,label`, one row per reviewed image, verdict one of
//    mislabelled, ambiguous, fine; label the right one when the person typed
//    it, else empty.
//  - `alx-cli train --exclude FILE` / `--relabel FILE` take a review file or
//    any CSV of `index[,label]` (an optional header line): see readLabelEdits.
// Written atomically; read strictly, a damaged line named.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace alx {

// Where a run folder keeps its review.
std::string labelReviewPath(const std::string& runDir);

enum class ReviewVerdict { Mislabelled, Ambiguous, Fine };
std::string verdictKey(ReviewVerdict verdict);  // "mislabelled", "ambiguous", "fine"

struct ReviewEntry {
    int64_t index = 0;
    ReviewVerdict verdict = ReviewVerdict::Fine;
    std::optional<int64_t> label;  // the right label, when given
};

// In index order; an index at most once (a later mark replaces an earlier one before writing).
std::vector<ReviewEntry> readLabelReview(const std::string& path, int64_t classes);
void writeLabelReview(const std::string& path, std::vector<ReviewEntry> entries);

// The images a file names for training without them (exclude) or with
// another label (relabel). A review file gives, for exclude, the images
// marked mislabelled or ambiguous, and for relabel, those marked mislabelled
// with a label typed. A plain CSV gives every row: `index` (exclude) or
// `index,label` (relabel; a row without a label is refused).
struct LabelEdits {
    std::vector<int64_t> exclude;                           // sorted, unique
    std::vector<std::pair<int64_t, int64_t>> relabel;       // (index, label), sorted by index, unique
};
LabelEdits readLabelEdits(const std::string& path, bool relabel, int64_t classes);

}  // namespace alx
