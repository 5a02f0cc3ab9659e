#pragma once
// The files of an active-learning run folder, read and written here only:
//   settings.json   the run's settings (a resumed run must match them)
//   curve.csv       strategy,repeat,labels,test_accuracy,ece,kappa: one row per
//                   round (kappa: stopping.h; empty in a repeat's first round)
//   summary.json    per strategy: median labels to 90 % / 95 %, final accuracy,
//                   labels and accuracy at the stopping rule's stop
//   state/<strategy>-<repeat>.json   the labelled images in order and the
//                   labels they were trained with: what a resume continues from
//   state/<strategy>-<repeat>-<labels>.pt   the weights of the repeat's last
//                   model, which learnt <labels> images: what its next round
//                   continues from (warm starts); only the latest is kept,
//                   and none once the repeat is finished
//   labels.csv      path,label,status,round: a person's answer about each image
//                   of an unlabelled pile shown so far, in the order shown,
//                   rewritten with every answer (status pending, labelled,
//                   skipped or unusable; label is the class, when labelled);
//                   what labelling a pile resumes from
// Every file is written atomically; readers refuse a damaged file, naming it.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "alx/active_learning/learning_curve.h"
#include "alx/active_learning/pile_state.h"
#include "alx/active_learning/settings.h"

namespace alx {

// Declared, not included: the app's windows read run folders through this
// header and must not see LibTorch (weights_file.h has them).
class Classifier;
struct WeightsInfo;
using ClassifierPtr = std::shared_ptr<Classifier>;

struct RepeatState {
    std::vector<int64_t> labelled;  // training-set indices, in the order they were labelled
    std::vector<int64_t> labels;    // the label each was trained with; empty in states written before they were kept
};

// One row of labels.csv: an image of the pile by its path in the dataset's folder.
struct PileLabelRow {
    std::string path;
    LabelStatus status = LabelStatus::Pending;
    std::string className;
    int round = 0;
};

class ActiveLearningRunFolder {
public:
    explicit ActiveLearningRunFolder(std::string dir);
    const std::string& dir() const { return dir_; }
    std::string curvePath() const;
    std::string summaryPath() const;
    std::string settingsPath() const;
    std::string statePath(Strategy strategy, int repeat) const;
    std::string modelPath(Strategy strategy, int repeat, int64_t labels) const;

    bool holdsRun() const;  // settings.json or curve.csv exists
    // The recorded settings (settingsJson's fields; the rest keep their defaults).
    ActiveLearningSettings readSettings() const;
    void writeSettings(const ActiveLearningSettings& settings) const;
    // Refuses (InputError) when the folder's settings differ from `settings`,
    // naming both (a person-labelled run's semi-supervised method may differ:
    // settings_json.h).
    void requireSameSettings(const ActiveLearningSettings& settings) const;

    std::vector<CurveRow> readCurve() const;  // empty when there is none yet
    void writeCurve(const std::vector<CurveRow>& rows) const;

    std::optional<RepeatState> readState(Strategy strategy, int repeat) const;
    void writeState(Strategy strategy, int repeat, const RepeatState& state) const;

    // The repeat's model after the round that had `labels` labelled images
    // (weights_file.h), written before that round's state so that a state
    // never names a model that is not there; writeState removes the
    // repeat's older ones. readModel: none when the state's model was never
    // saved (a run from scratch, or one recorded before); InputError naming
    // the file when it is damaged or belongs to another model.
    void writeModel(Strategy strategy, int repeat, int64_t labels, Classifier& model, const WeightsInfo& info) const;
    ClassifierPtr readModel(Strategy strategy, int repeat, int64_t labels, const WeightsInfo& info,
                            bool reinitialise) const;
    // Removes the repeat's saved models but the one after `keepLabels`
    // labels (0: all of them, once the repeat is finished).
    void removeModels(Strategy strategy, int repeat, int64_t keepLabels = 0) const;

    std::string labelsPath() const;
    // The rows of labels.csv (none when there is none); refuses a damaged
    // file, naming it and the line.
    std::vector<PileLabelRow> readLabels() const;
    void writeLabels(const std::vector<PileLabelRow>& rows) const;
    // Writes `path,label` for each labelled image (the format of an image
    // folder's labels.csv and of `al --oracle`), in the order labelled;
    // returns how many. Refuses a run without labels.csv, naming it.
    int64_t exportLabels(const std::string& out) const;

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

// Reads a `path,label` CSV (header first; more columns are ignored): the
// label of each path, in file order; an empty label is no answer. Throws
// InputError naming the file and line of a malformed row.
std::vector<std::pair<std::string, std::string>> readPathLabels(const std::string& file);

// curve.csv's header and one row as it is written (no newline).
std::string curveHeader();
std::string curveLine(const CurveRow& row);

}  // namespace alx
