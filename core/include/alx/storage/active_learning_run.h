#pragma once
// The files of an active-learning run folder, read and written here only:
//   settings.json   the run's settings (a resumed run must match them)
//   curve.csv       strategy,repeat,labels,test_accuracy,ece: one row per round
//   summary.json    per strategy: median labels to 90 % / 95 %, final accuracy
//   state/<strategy>-<repeat>.json   the labelled images in order and the
//                   labels they were trained with: what a resume continues from
// Every file is written atomically; readers refuse a damaged file, naming it.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "alx/active_learning/learning_curve.h"
#include "alx/active_learning/settings.h"

namespace alx {

struct RepeatState {
    std::vector<int64_t> labelled;  // training-set indices, in the order they were labelled
    std::vector<int64_t> labels;    // the label each was trained with; empty in states written before they were kept
};

class ActiveLearningRunFolder {
public:
    explicit ActiveLearningRunFolder(std::string dir);
    const std::string& dir() const { return dir_; }
    std::string curvePath() const;
    std::string summaryPath() const;
    std::string settingsPath() const;
    std::string statePath(Strategy strategy, int repeat) const;

    bool holdsRun() const;  // settings.json or curve.csv exists
    // The recorded settings (settingsJson's fields; the rest keep their defaults).
    ActiveLearningSettings readSettings() const;
    void writeSettings(const ActiveLearningSettings& settings) const;
    // Refuses (InputError) when the folder's settings differ from `settings`,
    // naming both.
    void requireSameSettings(const ActiveLearningSettings& settings) const;

    std::vector<CurveRow> readCurve() const;  // empty when there is none yet
    void writeCurve(const std::vector<CurveRow>& rows) const;

    std::optional<RepeatState> readState(Strategy strategy, int repeat) const;
    void writeState(Strategy strategy, int repeat, const RepeatState& state) const;

    // Writes summary.json from the curve: one entry per strategy of `settings`.
    void writeSummary(const std::vector<CurveRow>& rows, const ActiveLearningSettings& settings) const;

    // Validates the whole folder (settings, curve, every state file and that
    // each state accounts for its curve rows) and returns the curve.
    // `settings`, when given, receives the folder's settings as read, with
    // the strategies in the order the curve first names them.
    std::vector<CurveRow> validate(ActiveLearningSettings* settings = nullptr) const;

private:
    std::string dir_;
};

// curve.csv's header and one row as it is written (no newline).
std::string curveHeader();
std::string curveLine(const CurveRow& row);

}  // namespace alx
