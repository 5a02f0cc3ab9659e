#pragma once
// Active-learning curves (accuracy against labels) and their summaries,
// shared by alx-cli al, sweeps and the app. No LibTorch here.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "alx/active_learning/settings.h"
#include "alx/active_learning/strategy.h"

namespace alx {

// One round of one repeat of one strategy: a row of curve.csv.
struct CurveRow {
    Strategy strategy = Strategy::Random;
    int repeat = 0;
    int64_t labels = 0;
    double accuracy = 0;
    std::optional<double> ece;  // absent in curves written before it was recorded
    // Agreement of this round's predictions on the stop set with the last
    // round's (stopping.h); absent in a repeat's first round and in curves
    // written before it was recorded.
    std::optional<double> kappa;
};

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

// One strategy's curve in a few numbers, as summary.json and the app show it.
struct StrategySummary {
    Strategy strategy = Strategy::Random;
    std::optional<double> labelsTo90, labelsTo95, finalAccuracy;  // medians over the repeats
    Spread labelsTo90Spread, labelsTo95Spread, finalAccuracySpread;
    // Where the stopping rule (stopping.h) stops each repeat, the median
    // over the repeats (a repeat where it never does counts as above every
    // other, as for the labels to a target), and the accuracy there (the
    // median over the repeats it stopped).
    std::optional<double> labelsAtStop, accuracyAtStop;
    Spread labelsAtStopSpread;
    int repeatsWithRounds = 0;
};

// One repeat's rows of one strategy, in the order of their labels (its
// rounds' order), and their kappas round by round.
std::vector<CurveRow> repeatRounds(const std::vector<CurveRow>& rows, Strategy strategy, int repeat);
std::vector<std::optional<double>> kappasOf(const std::vector<CurveRow>& rounds);

// Per repeat of one strategy's rows, the row at which the stopping rule with
// `threshold` stops it (stopping.h): rounds in the order of their labels.
std::vector<std::optional<CurveRow>> stopRows(const std::vector<CurveRow>& rows, Strategy strategy, int repeats,
                                              double threshold);

// The summary of each strategy's curve: one entry per strategy in
// `strategies`, the stop with kappa threshold `stopKappa`.
std::vector<StrategySummary> summariseCurve(const std::vector<CurveRow>& rows, const std::vector<Strategy>& strategies,
                                            int repeats, double stopKappa);
// The same for a run's rows and settings (its strategies and repeats, its
// --stop-at-kappa or else the rule's 0.99): a sweep task's single repeat
// counts as the one repeat it holds.
std::vector<StrategySummary> summariseRun(const std::vector<CurveRow>& rows, const ActiveLearningSettings& settings);

}  // namespace alx
