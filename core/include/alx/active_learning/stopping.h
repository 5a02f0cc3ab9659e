#pragma once
// When to stop labelling, without test labels: stabilising predictions
// (Bloodgood and Vijay-Shanker 2009, "A Method for Stopping Active Learning
// Based on Stabilizing Predictions and the Need for User-Adjustable
// Stopping"). Each round's model predicts a fixed stop set of images
// unlabelled at the start; Cohen's kappa measures how far this round's
// predictions agree with the last round's beyond chance; once it has stayed
// at or above a threshold for a few rounds in a row, more labels change the
// model little. No LibTorch here.
#include <cstdint>
#include <optional>
#include <vector>

namespace alx {

constexpr double kStopKappa = 0.99;         // the paper's threshold
constexpr int kStopRounds = 3;              // rounds in a row at or above it (the paper's window)
constexpr int64_t kStopSetImages = 2000;    // the stop set, at most (the pool's other images when fewer)

// Cohen's kappa of two labellings of the same items with `classes` classes:
// (observed agreement - chance agreement) / (1 - chance agreement), chance
// from each labelling's own class shares. Two labellings that put every item
// in one and the same class agree fully: 1. Throws InputError on lists of
// different lengths, empty lists, or a class outside [0, classes).
double cohensKappa(const std::vector<int64_t>& a, const std::vector<int64_t>& b, int64_t classes);

// A repeat's kappas, round by round (empty where a round has none, as the
// first): the position at which kappa has been at least `threshold` in
// `rounds` rounds in a row, the round after which the rule stops; empty
// when it never is.
std::optional<size_t> stopPosition(const std::vector<std::optional<double>>& kappas, double threshold = kStopKappa,
                                   int rounds = kStopRounds);

// Whether a repeat with these kappas has stopped under --stop-at-kappa
// `stopAtKappa` (0: it never stops before its budget).
inline bool stoppedByKappa(const std::vector<std::optional<double>>& kappas, double stopAtKappa) {
    return stopAtKappa > 0 && stopPosition(kappas, stopAtKappa).has_value();
}

// The threshold a run's summary stops at: its --stop-at-kappa, or the
// paper's when the run goes on to its budget (0).
inline double summaryStopKappa(double stopAtKappa) { return stopAtKappa > 0 ? stopAtKappa : kStopKappa; }

}  // namespace alx
