#include "alx/storage/active_learning_run.h"

#include <algorithm>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "alx/models/model_registry.h"
#include "alx/storage/weights_file.h"
#include "alx/storage/run_summary.h"
#include "alx/util/errors.h"
#include "alx/util/files.h"
#include "alx/util/numbers.h"
#include "file_helpers.h"
#include "file_names.h"
#include "settings_json.h"

namespace fs = std::filesystem;

namespace alx {
namespace {

using namespace storage_detail;

constexpr const char* kCurveHeader = "strategy,repeat,labels,test_accuracy,ece,kappa";
// Written before kappa, or before the calibration error, was recorded: still
// read and resumed (the missing columns empty).
constexpr const char* kCurveHeaderWithoutKappa = "strategy,repeat,labels,test_accuracy,ece";
constexpr const char* kCurveHeaderWithoutEce = "strategy,repeat,labels,test_accuracy";

// An optional number of a row in [least, 1]: empty is none.
std::optional<double> optionalShare(const std::string& field, double least, const std::string& name,
                                    const std::string& path, const std::string& where, const std::string& line) {
    if (field.empty()) return std::nullopt;
    const auto value = parseNumber(field);
    if (!value) refuse(path, where + " is damaged: " + line);
    if (!(*value >= least && *value <= 1)) refuse(path, where + ": " + name + " out of range: " + line);
    return value;
}

// One row: "entropy,0,30,0.9123,0.0456,0.9871"; ece and kappa empty where
// not recorded (kappa in a repeat's first round), and absent under the
// older headers (`columns` fields in all).
CurveRow parseCurveLine(const std::string& line, size_t columns, const std::string& path, int lineNumber) {
    const std::string where = "line " + std::to_string(lineNumber);
    const std::vector<std::string> fields = splitCsvLine(line);
    if (fields.size() != columns) refuse(path, where + " is damaged: " + line);
    CurveRow row;
    try {
        row.strategy = parseStrategy(fields[0]);
    } catch (const InputError&) {
        refuse(path, where + ": unknown strategy '" + fields[0] + "'");
    }
    const auto repeat = parseInteger(fields[1]), labels = parseInteger(fields[2]);
    const auto accuracy = parseNumber(fields[3]);
    if (!repeat || !labels || !accuracy) refuse(path, where + " is damaged: " + line);
    if (*repeat < 0 || *repeat > 100000) refuse(path, where + " holds a repeat out of range: " + line);
    row.repeat = int(*repeat);
    row.labels = *labels;
    row.accuracy = *accuracy;
    if (row.labels < 1 || !(row.accuracy >= 0 && row.accuracy <= 1)) refuse(path, where + " holds a value out of range: " + line);
    if (columns > 4) row.ece = optionalShare(fields[4], 0, "ece", path, where, line);
    // Kappa is below 0 when two rounds agree less than chance would.
    if (columns > 5) row.kappa = optionalShare(fields[5], -1, "kappa", path, where, line);
    return row;
}

// The strategies of a curve, in the order its rows first name them.
std::vector<Strategy> strategiesOf(const std::vector<CurveRow>& rows) {
    std::vector<Strategy> out;
    for (const CurveRow& row : rows) out.push_back(row.strategy);
    return distinctStrategies(out);
}

// "<strategy>-<repeat>": what a repeat's files in state/ are named by.
std::string repeatStem(Strategy strategy, int repeat) { return strategyName(strategy) + "-" + std::to_string(repeat); }

}  // namespace

ActiveLearningRunFolder::ActiveLearningRunFolder(std::string dir) : dir_(std::move(dir)) {}

std::string ActiveLearningRunFolder::curvePath() const { return pathIn(dir_, names::kCurve); }
std::string ActiveLearningRunFolder::summaryPath() const { return pathIn(dir_, names::kSummary); }
std::string ActiveLearningRunFolder::settingsPath() const { return pathIn(dir_, names::kSettings); }
std::string ActiveLearningRunFolder::statePath(Strategy strategy, int repeat) const {
    return pathIn(pathIn(dir_, names::kStates), repeatStem(strategy, repeat) + ".json");
}

bool ActiveLearningRunFolder::holdsRun() const { return fs::exists(curvePath()) || fs::exists(settingsPath()); }

ActiveLearningSettings ActiveLearningRunFolder::readSettings() const {
    return settingsFromJson(readJsonFile(settingsPath()), settingsPath());
}

void ActiveLearningRunFolder::writeSettings(const ActiveLearningSettings& settings) const {
    writeFileAtomically(settingsPath(), settingsJson(settings).dump(2) + "\n");
    fs::create_directories(pathIn(dir_, names::kStates));
}

void ActiveLearningRunFolder::requireSameSettings(const ActiveLearningSettings& settings) const {
    const nlohmann::json previous = readJsonFile(settingsPath());
    settingsFromJson(previous, settingsPath());  // damaged or incomplete: refused as such
    const nlohmann::json asked = settingsJson(settings);
    if (settingsToMatch(previous) != settingsToMatch(asked)) {
        refuse(settingsPath(), "the run there used other settings: " + previous.dump() + "; asked for " + asked.dump());
    }
}

std::vector<CurveRow> ActiveLearningRunFolder::readCurve() const {
    std::vector<CurveRow> rows;
    const std::string path = curvePath();
    if (!fs::exists(path)) return rows;
    const auto bytes = readWholeFile(path);
    std::istringstream in(std::string(bytes.begin(), bytes.end()));
    std::string line;
    std::getline(in, line);
    const size_t columns = line == kCurveHeader              ? 6
                           : line == kCurveHeaderWithoutKappa ? 5
                           : line == kCurveHeaderWithoutEce   ? 4
                                                              : 0;
    if (columns == 0) refuse(path, "not an ALX learning curve (header '" + line + "')");
    for (int lineNumber = 2; std::getline(in, line); ++lineNumber) {
        if (!line.empty()) rows.push_back(parseCurveLine(line, columns, path, lineNumber));
    }
    return rows;
}

std::string curveHeader() { return kCurveHeader; }

std::string curveLine(const CurveRow& r) {
    return strategyName(r.strategy) + "," + std::to_string(r.repeat) + "," + std::to_string(r.labels) + "," +
           fixedNumber(r.accuracy, 4) + "," + (r.ece ? fixedNumber(*r.ece, 4) : std::string()) + "," +
           (r.kappa ? fixedNumber(*r.kappa, 4) : std::string());
}

void ActiveLearningRunFolder::writeCurve(const std::vector<CurveRow>& rows) const {
    std::string text = std::string(kCurveHeader) + "\n";
    for (const auto& r : rows) text += curveLine(r) + "\n";
    writeFileAtomically(curvePath(), text);
}

std::optional<RepeatState> ActiveLearningRunFolder::readState(Strategy strategy, int repeat) const {
    const std::string path = statePath(strategy, repeat);
    if (!fs::exists(path)) return std::nullopt;
    const nlohmann::json j = readJsonFile(path);
    RepeatState state;
    try {
        if (!j.is_object() || !j.contains("labelled")) refuse(path, "has no labelled list");
        state.labelled = integerList(j.at("labelled"), "labelled", path, 0, kInt64Max);
        if (j.contains("labels")) state.labels = integerList(j.at("labels"), "labels", path, 0, kInt32Max);
    } catch (const nlohmann::json::exception& e) {
        refuse(path, std::string("missing or wrong field: ") + e.what());
    }
    if (!state.labels.empty() && state.labels.size() != state.labelled.size()) {
        refuse(path, "holds " + std::to_string(state.labels.size()) + " labels for " +
                         std::to_string(state.labelled.size()) + " images");
    }
    std::vector<int64_t> sorted = state.labelled;  // sorted, not a std::set: a sweep's status reads thousands of these
    std::sort(sorted.begin(), sorted.end());
    if ((!sorted.empty() && sorted.front() < 0) || std::adjacent_find(sorted.begin(), sorted.end()) != sorted.end()) {
        refuse(path, "an image index is negative or repeated");
    }
    return state;
}

void ActiveLearningRunFolder::writeState(Strategy strategy, int repeat, const RepeatState& state) const {
    nlohmann::json j{{"labelled", state.labelled}};
    if (!state.labels.empty()) j["labels"] = state.labels;
    writeFileAtomically(statePath(strategy, repeat), j.dump() + "\n");
    removeModels(strategy, repeat, int64_t(state.labelled.size()));  // the earlier rounds': the state no longer names them
}

void ActiveLearningRunFolder::removeModels(Strategy strategy, int repeat, int64_t keepLabels) const {
    const std::string prefix = repeatStem(strategy, repeat) + "-";
    const std::string kept = keepLabels > 0 ? fs::path(modelPath(strategy, repeat, keepLabels)).filename().string() : "";
    std::error_code error;
    for (const auto& entry : fs::directory_iterator(pathIn(dir_, names::kStates), error)) {
        const std::string name = entry.path().filename().string();
        if (name.rfind(prefix, 0) == 0 && entry.path().extension() == ".pt" && name != kept) {
            fs::remove(entry.path(), error);  // a leftover is harmless: only the state's own is ever read
        }
    }
}

std::string ActiveLearningRunFolder::modelPath(Strategy strategy, int repeat, int64_t labels) const {
    return pathIn(pathIn(dir_, names::kStates), repeatStem(strategy, repeat) + "-" + std::to_string(labels) + ".pt");
}

void ActiveLearningRunFolder::writeModel(Strategy strategy, int repeat, int64_t labels, Classifier& model,
                                         const WeightsInfo& info) const {
    fs::create_directories(pathIn(dir_, names::kStates));
    saveWeights(model, modelPath(strategy, repeat, labels), info);
}

ClassifierPtr ActiveLearningRunFolder::readModel(Strategy strategy, int repeat, int64_t labels, const WeightsInfo& info,
                                                 bool reinitialise) const {
    const std::string path = modelPath(strategy, repeat, labels);
    if (!fs::exists(path)) return nullptr;
    ClassifierPtr model = makeModel(info.model, info.input, reinitialise);
    try {
        loadWeights(*model, path, info);
    } catch (const InputError& e) {
        throw InputError(std::string(e.what()) +
                         "; remove it to resume with a model retrained from scratch on the labelled images");
    }
    return model;
}

void ActiveLearningRunFolder::writeSummary(const std::vector<CurveRow>& rows, const ActiveLearningSettings& settings) const {
    nlohmann::json j;
    j["format"] = kRunFormat;
    j["kind"] = "active_learning";
    j["settings"] = settingsJson(settings);
    for (const StrategySummary& s : summariseRun(rows, settings)) j["strategies"][strategyName(s.strategy)] = strategySummaryJson(s);
    writeFileAtomically(summaryPath(), j.dump(2) + "\n");
}

std::vector<CurveRow> ActiveLearningRunFolder::validate(ActiveLearningSettings* read) const {
    ActiveLearningSettings settings = readSettings();
    std::vector<CurveRow> rows = readCurve();
    readLabels();  // a pile's answers: a damaged file is refused here, naming it
    std::set<std::pair<Strategy, int>> repeats;
    for (const CurveRow& row : rows) {
        if (row.repeat >= settings.repeats) refuse(curvePath(), "a row's repeat is beyond the run's " + std::to_string(settings.repeats));
        if (settings.onlyRepeat >= 0 && row.repeat != settings.onlyRepeat) {
            refuse(curvePath(), "a row's repeat is not the only one this run holds (" + std::to_string(settings.onlyRepeat) + ")");
        }
        if (row.labels > settings.loop.budget) refuse(curvePath(), "a row has more labels than the budget");
        repeats.insert({row.strategy, row.repeat});
    }
    for (const auto& [strategy, repeat] : repeats) {
        const auto state = readState(strategy, repeat);
        if (!state) continue;  // written by a run that stopped between its curve and its state: the curve stands
        int64_t most = 0;
        for (const CurveRow& row : rows) {
            if (row.strategy == strategy && row.repeat == repeat) most = std::max(most, row.labels);
        }
        if (most > int64_t(state->labelled.size())) {
            refuse(statePath(strategy, repeat), "accounts for " + std::to_string(state->labelled.size()) +
                                                    " labels, but curve.csv has a round with " + std::to_string(most));
        }
    }
    settings.strategies = strategiesOf(rows);
    if (read) *read = settings;
    return rows;
}

}  // namespace alx
