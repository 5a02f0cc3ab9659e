#pragma once
// The files of an active-learning run folder, read and written here only:
//   settings.json   the loop's settings (a resumed run must match them)
//   curve.csv       strategy,repeat,labels,test_accuracy: one row per round
//   summary.json    per strategy: median labels to 90 % / 95 %, final accuracy
//   state/<strategy>-<repeat>.json   the labelled images in order and the
//                   labels they were trained with: what a resume continues from
// Every file is written atomically; readers refuse a damaged file, naming it.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "alx/active_learning/config.h"
#include "alx/active_learning/learning_curve.h"

namespace alx {

struct ActiveLearningSettings {
    std::string dataset = "mnist";
    ActiveLearningConfig loop;
    int repeats = 3;
    uint64_t seed = 0;
    bool personLabels = false;  // a person labelled the acquired images (the app's labeller)
    int64_t trainImages = 0;    // the pool and test set cut to their first N images; 0 = all
    int64_t testImages = 0;
    // A sweep's task runs one repeat of `repeats` (seeded as that repeat of
    // the whole run); -1: all of them.
    int onlyRepeat = -1;
};

struct CurveRow {
    std::string strategy;
    int repeat = 0;
    int64_t labels = 0;
    double accuracy = 0;
    std::optional<double> ece;  // absent in curves written before it was recorded
};

struct RepeatState {
    std::vector<int64_t> labelled;  // training-set indices, in the order they were labelled
    std::vector<int64_t> labels;    // the label each was trained with; empty in states written before they were kept
};

struct StrategySummary {
    std::string strategy, description;
    std::optional<double> labelsTo90, labelsTo95, finalAccuracy;  // medians over the repeats
    Spread labelsTo90Spread, labelsTo95Spread, finalAccuracySpread;
    int repeatsWithRounds = 0;
};

class ActiveLearningRunFolder {
public:
    explicit ActiveLearningRunFolder(std::string dir);
    const std::string& dir() const { return dir_; }
    std::string curvePath() const;
    std::string summaryPath() const;
    std::string settingsPath() const;
    std::string statePath(const std::string& strategy, int repeat) const;

    bool holdsRun() const;  // settings.json or curve.csv exists
    ActiveLearningSettings readSettings() const;
    void writeSettings(const ActiveLearningSettings& settings) const;
    // Refuses (InputError) when the folder's settings differ from `settings`,
    // naming both.
    void requireSameSettings(const ActiveLearningSettings& settings) const;

    std::vector<CurveRow> readCurve() const;  // empty when there is none yet
    void writeCurve(const std::vector<CurveRow>& rows) const;

    std::optional<RepeatState> readState(const std::string& strategy, int repeat) const;
    void writeState(const std::string& strategy, int repeat, const RepeatState& state) const;

    // Writes summary.json from the curve: one entry per strategy in `strategies`.
    void writeSummary(const std::vector<CurveRow>& rows, const std::vector<std::string>& strategies,
                      const ActiveLearningSettings& settings) const;

    // Validates the whole folder (settings, curve, every state file and that
    // each state accounts for its curve rows) and returns the curve.
    // `settings`, when given, receives the folder's settings as read.
    std::vector<CurveRow> validate(ActiveLearningSettings* settings = nullptr) const;

private:
    std::string dir_;
};

// curve.csv's header and one row as it is written (no newline).
std::string curveHeader();
std::string curveLine(const CurveRow& row);

// The summary of each strategy's curve, as summary.json and the app show it.
std::vector<StrategySummary> summariseCurve(const std::vector<CurveRow>& rows, const std::vector<std::string>& strategies,
                                            int repeats);
// The same for a run folder's rows: a sweep task's single repeat counts as
// the one repeat it holds.
std::vector<StrategySummary> summariseRun(const std::vector<CurveRow>& rows, const std::vector<std::string>& strategies,
                                          const ActiveLearningSettings& settings);

}  // namespace alx
