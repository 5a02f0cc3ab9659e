#pragma once
// Two or more evaluated runs on the same test images, side by side
// (`alx-cli compare`, the app's Runs panel): per run its accuracy, per-class
// accuracy, score means and calibration; per pair how many images they
// predict differently, McNemar's exact test on their errors and the overlap
// (Jaccard) of their top-N most uncertain images by a chosen score; and the
// images on which the predictions are not all the same.
#include <cstdint>
#include <string>
#include <vector>

#include "alx/storage/run_reader.h"
#include "alx/vocabulary.h"

namespace alx {

struct ComparedRun {
    std::string path, model, dataset;
    double accuracy = 0;
    std::vector<double> perClassAccuracy;       // one per class (NaN for a class with no image)
    std::array<double, kScoreCount> scoreMeans{};
    double ece = 0;                             // 15 bins
    std::optional<double> temperature;
    double trainSeconds = 0, evalSeconds = 0;
    int epochs = 0;
    std::vector<std::pair<std::string, std::string>> settings;  // as the run recorded them
};

struct RunPair {
    int first = 0, second = 0;         // indices into RunComparison::runs
    int64_t disagreements = 0;         // images predicted differently
    int64_t onlyFirstRight = 0;        // McNemar's b
    int64_t onlySecondRight = 0;       // McNemar's c
    double mcnemarP = 1;
    double uncertainJaccard = 0;       // |A ∩ B| / |A ∪ B| of the top-N sets
};

struct RunComparison {
    ScoreKind score = ScoreKind::Entropy;
    int64_t topN = 100;
    int64_t images = 0;
    std::vector<ComparedRun> runs;
    std::vector<RunPair> pairs;               // every pair, first < second
    std::vector<int64_t> disagreementImages;  // test indices where the predictions are not all the same
    std::vector<int64_t> labels;              // the test labels (shared)
    std::vector<std::vector<int64_t>> predictions;  // [run][image]
    std::vector<std::vector<int64_t>> topUncertain; // [run] the top-N indices by the score, most uncertain first
};

// The runs must share their dataset and test labels (InputError naming the
// folder otherwise); at least two.
RunComparison compareRuns(const std::vector<std::string>& paths, const std::vector<SavedRun>& runs, ScoreKind score,
                          int64_t topN);

// comparison.json and disagreements.csv (`index,label,<one predicted-label
// column per run>`), written atomically into `dir`.
void writeComparison(const std::string& dir, const RunComparison& comparison);

}  // namespace alx
