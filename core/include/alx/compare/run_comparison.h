#pragma once
// Two or more evaluated runs on the same test images, side by side
// (`alx-cli compare`, the app's Runs panel): per run its accuracy, per-class
// accuracy, score means and calibration; per pair how many images they
// predict differently, McNemar's exact test on their errors and the overlap
// (Jaccard) of their top-N most uncertain images by a chosen score; and the
// images on which the predictions are not all the same.
#include <string>
#include <vector>

#include "alx/storage/comparison_files.h"
#include "alx/storage/run_folder.h"

namespace alx {

// The runs must share their dataset and test labels (InputError naming the
// folder otherwise); at least two.
RunComparison compareRuns(const std::vector<std::string>& paths, const std::vector<SavedRun>& runs, ScoreKind score,
                          int64_t topN);

}  // namespace alx
