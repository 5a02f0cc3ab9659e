#pragma once
// Two or more evaluated runs side by side, as `alx-cli compare` writes them
// into its output folder (computed by compare/run_comparison.h):
//   comparison.json     per run its summary, per-class accuracy, score means,
//                       ECE; per pair disagreements, McNemar's test, overlap
//   disagreements.csv   index,label,<one predicted-label column per run>
// No LibTorch here: the app's comparison window shows these as they are.
#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "alx/storage/run_summary.h"
#include "alx/vocabulary.h"

namespace alx {

struct ComparedRun {
    std::string path;
    RunSummary summary;                          // as the run recorded it
    std::vector<double> perClassAccuracy;        // one per class (NaN for a class with no image)
    std::array<double, kScoreCount> scoreMeans{};
    double ece = 0;                              // 15 bins
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

// comparison.json and disagreements.csv, written atomically into `dir`
// (created when missing).
void writeComparison(const std::string& dir, const RunComparison& comparison);

}  // namespace alx
