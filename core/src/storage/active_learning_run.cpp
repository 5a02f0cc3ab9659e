#include "alx/storage/active_learning_run.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "alx/active_learning/learning_curve.h"
#include "alx/active_learning/strategy.h"
#include "alx/data/idx_reader.h"
#include "alx/storage/atomic_file.h"
#include "alx/storage/run_writer.h"
#include "alx/util/errors.h"
#include "file_helpers.h"
#include "active_learning_json.h"

namespace fs = std::filesystem;

namespace alx {
namespace {

using namespace storage_detail;

constexpr const char* kCurveHeader = "strategy,repeat,labels,test_accuracy,ece";
// Written before the calibration error was recorded: still read and resumed.
constexpr const char* kCurveHeaderWithoutEce = "strategy,repeat,labels,test_accuracy";

}  // namespace

nlohmann::json storage_detail::activeLearningSettingsJson(const ActiveLearningSettings& s) {
    const ActiveLearningConfig& c = s.loop;
    nlohmann::json j = {{"model", c.model},
                        {"dataset", s.dataset},
                        {"initial", c.initial},
                        {"acquire", c.acquire},
                        {"budget", c.budget},
                        {"pool_subset", c.poolSubset},
                        {"mc_samples", c.mcSamples},
                        {"repeats", s.repeats},
                        {"seed", s.seed},
                        {"max_steps_per_round", c.maxStepsPerRound},
                        {"epochs_per_round", c.epochsPerRound},
                        {"batch_size", c.batchSize}};
    // Absent when not used, so that the settings of every earlier run still match.
    if (s.personLabels) j["labeller"] = "person";
    if (s.trainImages > 0) j["train_images"] = s.trainImages;
    if (s.testImages > 0) j["test_images"] = s.testImages;
    if (s.onlyRepeat >= 0) j["only_repeat"] = s.onlyRepeat;
    return j;
}

namespace {

nlohmann::json toJson(const ActiveLearningSettings& s) { return activeLearningSettingsJson(s); }

ActiveLearningSettings fromJson(const nlohmann::json& j, const std::string& path) {
    ActiveLearningSettings s;
    try {
        if (!j.is_object()) refuse(path, "not active-learning settings (not a JSON object)");
        s.loop.model = j.at("model").get<std::string>();
        s.dataset = j.at("dataset").get<std::string>();
        s.loop.initial = integerField(j, "initial", path, 1, kInt64Max);
        s.loop.acquire = integerField(j, "acquire", path, 1, kInt64Max);
        s.loop.budget = integerField(j, "budget", path, 1, kInt64Max);
        s.loop.poolSubset = integerField(j, "pool_subset", path, 0, kInt64Max);
        s.loop.mcSamples = int(integerField(j, "mc_samples", path, 1, kInt32Max));
        s.repeats = int(integerField(j, "repeats", path, 1, kInt32Max));
        s.seed = unsignedField(j, "seed", path);
        s.loop.maxStepsPerRound = integerField(j, "max_steps_per_round", path, 1, kInt64Max);
        s.loop.epochsPerRound = int(integerField(j, "epochs_per_round", path, 1, kInt32Max));
        s.loop.batchSize = integerField(j, "batch_size", path, 1, kInt64Max);
        s.personLabels = j.value("labeller", std::string()) == "person";
        s.trainImages = optionalIntegerField(j, "train_images", path, 0, 0, kInt64Max);
        s.testImages = optionalIntegerField(j, "test_images", path, 0, 0, kInt64Max);
        s.onlyRepeat = int(optionalIntegerField(j, "only_repeat", path, -1, 0, s.repeats - 1));
    } catch (const nlohmann::json::exception& e) {
        refuse(path, std::string("missing or wrong field: ") + e.what());
    }
    if (s.loop.initial < 1 || s.loop.acquire < 1 || s.loop.budget < s.loop.initial || s.repeats < 1 ||
        s.loop.poolSubset < 0 || s.loop.mcSamples < 1 || s.loop.maxStepsPerRound < 1 || s.loop.epochsPerRound < 1 ||
        s.loop.batchSize < 1 || s.trainImages < 0 || s.testImages < 0) {
        refuse(path, "a setting is out of range");
    }
    return s;
}

}  // namespace

ActiveLearningRunFolder::ActiveLearningRunFolder(std::string dir) : dir_(std::move(dir)) {}

std::string ActiveLearningRunFolder::curvePath() const { return (fs::path(dir_) / "curve.csv").string(); }
std::string ActiveLearningRunFolder::summaryPath() const { return (fs::path(dir_) / "summary.json").string(); }
std::string ActiveLearningRunFolder::settingsPath() const { return (fs::path(dir_) / "settings.json").string(); }
std::string ActiveLearningRunFolder::statePath(const std::string& strategy, int repeat) const {
    return (fs::path(dir_) / "state" / (strategy + "-" + std::to_string(repeat) + ".json")).string();
}

bool ActiveLearningRunFolder::holdsRun() const { return fs::exists(curvePath()) || fs::exists(settingsPath()); }

ActiveLearningSettings ActiveLearningRunFolder::readSettings() const {
    return fromJson(readJsonFile(settingsPath()), settingsPath());
}

void ActiveLearningRunFolder::writeSettings(const ActiveLearningSettings& settings) const {
    writeFileAtomically(settingsPath(), toJson(settings).dump(2) + "\n");
    fs::create_directories(fs::path(dir_) / "state");
}

void ActiveLearningRunFolder::requireSameSettings(const ActiveLearningSettings& settings) const {
    const nlohmann::json previous = readJsonFile(settingsPath());
    fromJson(previous, settingsPath());  // damaged or incomplete: refused as such
    if (previous != toJson(settings)) {
        refuse(settingsPath(), "the run there used other settings: " + previous.dump() + "; asked for " +
                                   toJson(settings).dump());
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
    const bool withEce = line == kCurveHeader;
    if (!withEce && line != kCurveHeaderWithoutEce) refuse(path, "not an ALX learning curve (header '" + line + "')");
    int lineNumber = 1;
    while (std::getline(in, line)) {
        ++lineNumber;
        if (line.empty()) continue;
        CurveRow row;
        char name[64] = {0};
        long long repeat = 0, labels = 0;
        int consumed = 0;
        const bool parsed =
            std::sscanf(line.c_str(), "%63[^,],%lld,%lld,%lf%n", name, &repeat, &labels, &row.accuracy, &consumed) == 4;
        if (parsed && withEce) {
            // ",<ece>" or "," (a row from before ece, rewritten on resume)
            double ece = 0;
            int more = 0;
            if (size_t(consumed) < line.size() && line[size_t(consumed)] == ',' && size_t(consumed) + 1 == line.size()) {
                consumed += 1;
            } else if (std::sscanf(line.c_str() + consumed, ",%lf%n", &ece, &more) == 1) {
                if (!(ece >= 0 && ece <= 1)) refuse(path, "line " + std::to_string(lineNumber) + ": ece out of range: " + line);
                row.ece = ece;
                consumed += more;
            } else {
                consumed = -1;
            }
        }
        if (!parsed || size_t(consumed) != line.size()) {
            refuse(path, "line " + std::to_string(lineNumber) + " is damaged: " + line);
        }
        row.strategy = name;
        row.labels = labels;
        if (repeat < 0 || repeat > 100000) refuse(path, "line " + std::to_string(lineNumber) + " holds a repeat out of range: " + line);
        row.repeat = int(repeat);
        if (row.labels < 1 || !(row.accuracy >= 0 && row.accuracy <= 1)) {
            refuse(path, "line " + std::to_string(lineNumber) + " holds a value out of range: " + line);
        }
        rows.push_back(row);
    }
    return rows;
}

std::string curveHeader() { return kCurveHeader; }

std::string curveLine(const CurveRow& r) {
    char line[160];
    std::snprintf(line, sizeof line, "%s,%d,%lld,%.4f,", r.strategy.c_str(), r.repeat, static_cast<long long>(r.labels),
                  r.accuracy);
    std::string text = line;
    if (r.ece) {
        std::snprintf(line, sizeof line, "%.4f", *r.ece);
        text += line;
    }
    return text;
}

void ActiveLearningRunFolder::writeCurve(const std::vector<CurveRow>& rows) const {
    std::string text = std::string(kCurveHeader) + "\n";
    for (const auto& r : rows) text += curveLine(r) + "\n";
    writeFileAtomically(curvePath(), text);
}

std::optional<RepeatState> ActiveLearningRunFolder::readState(const std::string& strategy, int repeat) const {
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

void ActiveLearningRunFolder::writeState(const std::string& strategy, int repeat, const RepeatState& state) const {
    nlohmann::json j{{"labelled", state.labelled}};
    if (!state.labels.empty()) j["labels"] = state.labels;
    writeFileAtomically(statePath(strategy, repeat), j.dump() + "\n");
}

std::vector<StrategySummary> summariseCurve(const std::vector<CurveRow>& rows, const std::vector<std::string>& strategies,
                                            int repeats) {
    std::vector<StrategySummary> out;
    for (const std::string& name : strategies) {
        std::vector<CurvePoint> points;
        std::set<int> repeatsSeen;
        for (const auto& row : rows) {
            if (row.strategy != name) continue;
            points.push_back({row.repeat, row.labels, row.accuracy});
            repeatsSeen.insert(row.repeat);
        }
        StrategySummary s;
        s.strategy = name;
        s.description = strategyDescription(parseStrategy(name));
        s.labelsTo90 = medianLabelsToReach(points, repeats, 0.90);
        s.labelsTo95 = medianLabelsToReach(points, repeats, 0.95);
        s.finalAccuracy = medianFinalAccuracy(points, repeats);
        s.labelsTo90Spread = labelsToReachSpread(points, repeats, 0.90);
        s.labelsTo95Spread = labelsToReachSpread(points, repeats, 0.95);
        s.finalAccuracySpread = finalAccuracySpread(points, repeats);
        s.repeatsWithRounds = int(repeatsSeen.size());
        out.push_back(s);
    }
    return out;
}

std::vector<StrategySummary> summariseRun(const std::vector<CurveRow>& rows, const std::vector<std::string>& strategies,
                                          const ActiveLearningSettings& settings) {
    if (settings.onlyRepeat < 0) return summariseCurve(rows, strategies, settings.repeats);
    std::vector<CurveRow> one;
    for (CurveRow row : rows) {
        if (row.repeat != settings.onlyRepeat) continue;
        row.repeat = 0;
        one.push_back(row);
    }
    return summariseCurve(one, strategies, 1);
}

void ActiveLearningRunFolder::writeSummary(const std::vector<CurveRow>& rows, const std::vector<std::string>& strategies,
                                           const ActiveLearningSettings& settings) const {
    nlohmann::json j;
    j["format"] = kRunFormat;
    j["kind"] = "active_learning";
    j["settings"] = toJson(settings);
    for (const StrategySummary& s : summariseRun(rows, strategies, settings)) j["strategies"][s.strategy] = strategySummaryJson(s);
    writeFileAtomically(summaryPath(), j.dump(2) + "\n");
}

std::vector<CurveRow> ActiveLearningRunFolder::validate(ActiveLearningSettings* read) const {
    const ActiveLearningSettings settings = readSettings();
    if (read) *read = settings;
    std::vector<CurveRow> rows = readCurve();
    std::set<std::pair<std::string, int>> repeats;
    for (const CurveRow& row : rows) {
        try {
            parseStrategy(row.strategy);
        } catch (const InputError&) {
            refuse(curvePath(), "unknown strategy '" + row.strategy + "'");
        }
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
    return rows;
}

}  // namespace alx
