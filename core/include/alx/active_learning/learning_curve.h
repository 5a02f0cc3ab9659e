#pragma once
// Summaries of active-learning curves (accuracy against labels), shared by
// alx-cli al and the GUI. No LibTorch here.
#include <cstdint>
#include <optional>
#include <vector>

namespace alx {

struct CurvePoint {
    int repeat = 0;
    int64_t labels = 0;
    double accuracy = 0;
};

// The median over `repeats` of the labels at which accuracy first reaches
// `target`; a repeat that never does counts as above every other, and the
// result is empty when the median itself is such a repeat.
std::optional<double> medianLabelsToReach(const std::vector<CurvePoint>& points, int repeats, double target);

// The median over repeats of each repeat's last accuracy; empty without points.
std::optional<double> medianFinalAccuracy(const std::vector<CurvePoint>& points, int repeats);

// The spread behind those medians: the least and the most over the repeats.
// For labels to a target, the most is empty when some repeat never reached it.
struct Spread {
    std::optional<double> least, most;
};
Spread labelsToReachSpread(const std::vector<CurvePoint>& points, int repeats, double target);
Spread finalAccuracySpread(const std::vector<CurvePoint>& points, int repeats);

}  // namespace alx
