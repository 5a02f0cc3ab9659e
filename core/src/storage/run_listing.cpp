#include "alx/storage/run_listing.h"

#include <chrono>
#include <ctime>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "alx/storage/active_learning_run.h"
#include "alx/storage/run_summary.h"
#include "alx/storage/sweep_folder.h"
#include "alx/util/errors.h"
#include "alx/util/files.h"
#include "file_helpers.h"
#include "file_names.h"
#include "listing_json.h"

namespace fs = std::filesystem;

namespace alx {

using namespace storage_detail;

nlohmann::json storage_detail::listingJson(const RunListing& r) {
    nlohmann::json j{{"path", r.path}, {"kind", r.kind}, {"model", r.model}, {"dataset", r.dataset}, {"device", r.device},
                     {"status", r.status}, {"started", r.started}, {"epochs", r.epochs}, {"budget", r.budget},
                     {"train_seconds", r.trainSeconds}, {"name", r.name}, {"tags", r.tags}};
    if (!r.options.empty()) j["options"] = r.options;
    j["test_accuracy"] = r.testAccuracy ? nlohmann::json(*r.testAccuracy) : nlohmann::json();
    j["ece"] = r.ece ? nlohmann::json(*r.ece) : nlohmann::json();
    if (!r.problem.empty()) j["problem"] = r.problem;
    return j;
}

RunListing storage_detail::listingFromJson(const nlohmann::json& j) {
    RunListing r;
    r.path = j.at("path").get<std::string>();
    r.kind = j.value("kind", "");
    r.model = j.value("model", "");
    r.dataset = j.value("dataset", "");
    r.device = j.value("device", "");
    r.status = j.value("status", "");
    r.started = j.value("started", "");
    r.epochs = j.value("epochs", 0);
    r.budget = j.value("budget", int64_t(0));
    r.trainSeconds = j.value("train_seconds", 0.0);
    r.name = j.value("name", "");
    r.tags = j.value("tags", "");
    r.problem = j.value("problem", "");
    r.options = j.value("options", "");
    if (j.contains("test_accuracy") && j["test_accuracy"].is_number()) r.testAccuracy = j["test_accuracy"].get<double>();
    if (j.contains("ece") && j["ece"].is_number()) r.ece = j["ece"].get<double>();
    return r;
}

namespace {

std::string isoTime(std::time_t t) {
    char text[32];
    std::tm tm{};
    localtime_r(&t, &tm);
    std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%S", &tm);
    return text;
}

std::string joined(const std::vector<std::string>& values) {
    std::string out;
    for (const auto& v : values) out += (out.empty() ? "" : ",") + v;
    return out;
}

// A sweep: listed from its plan and its merge (`sweep status` reads every task).
void listSweep(const std::string& path, RunListing& r) {
    r.kind = "sweep";
    const SweepFolder folder(path);
    const SweepPlan plan = folder.readPlan();
    r.model = joined(plan.axes.models);
    r.dataset = joined(plan.axes.datasets);
    r.budget = plan.base.loop.budget;
    r.options = loopOptionsText(plan.base.loop, plan.axes.coldStarts, plan.axes.semiSupervised);
    r.status = folder.readSubmissions().empty() ? "stopped" : "running";
    std::error_code ec;
    if (!fs::is_regular_file(folder.summaryPath(), ec)) return;
    const nlohmann::json j = readJsonFile(folder.summaryPath());
    if (j.value("unfinished_tasks", nlohmann::json::array()).empty()) r.status = "finished";
    // The best strategy's median final accuracy.
    for (const auto& group : j.value("groups", nlohmann::json::array())) {
        // Held by name: items() refers to the object, and a temporary would
        // be gone before the loop's first step.
        const nlohmann::json strategies = group.value("strategies", nlohmann::json::object());
        for (const auto& [name, entry] : strategies.items()) {
            const auto acc = entry.value("final_accuracy", nlohmann::json());
            if (acc.is_number() && (!r.testAccuracy || acc.get<double>() > *r.testAccuracy)) r.testAccuracy = acc.get<double>();
        }
    }
}

// Read by the run store, strictly, as the app opens such a run.
void listActiveLearningRun(const std::string& path, RunListing& r) {
    r.kind = "active_learning";
    const ActiveLearningRunFolder folder(path);
    const ActiveLearningSettings s = folder.readSettings();
    r.model = s.loop.model;
    r.dataset = s.data.spec.name;
    r.budget = s.loop.budget;
    r.options = loopOptionsText(s.loop);
    std::error_code ec;
    r.status = fs::is_regular_file(folder.summaryPath(), ec) ? "finished" : "stopped";
    // The last round's accuracy and calibration error.
    const std::vector<CurveRow> rows = folder.readCurve();
    if (!rows.empty()) {
        r.testAccuracy = rows.back().accuracy;
        r.ece = rows.back().ece;
    }
}

// A training or evaluation run, from its summary; false when the folder holds none.
bool listTrainingRun(const std::string& path, RunListing& r) {
    const std::string summaryPath = pathIn(path, names::kSummary);
    std::error_code ec;
    if (!fs::is_regular_file(summaryPath, ec)) return false;
    const auto bytes = readWholeFile(summaryPath);
    const std::string text(bytes.begin(), bytes.end());
    // A folder with some other program's summary.json is no run of ours.
    const nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
    if (!j.is_discarded() && (!j.is_object() || !j.contains("alx_version"))) return false;
    const RunSummary s = parseRunSummary(text, summaryPath);
    r.kind = s.kind();
    r.model = s.model;
    r.dataset = s.dataset;
    r.device = s.device;
    r.status = s.status == "finished" ? "finished" : s.status == "cancelled" ? "stopped" : s.status == "diverged" ? "failed" : "running";
    if (s.evaluated) r.testAccuracy = s.testAccuracy;
    if (s.calibration.measured) r.ece = s.calibration.test.ece;
    r.epochs = int(s.epochs.size());
    r.trainSeconds = s.trainSeconds;
    return true;
}

// The time a folder's name records (2026-12-01_10-51-33_...), else its summary's modification time.
std::string startedOf(const std::string& dir) {
    const std::string name = fs::path(dir).filename().string();
    if (name.size() >= 19 && name[4] == '-' && name[7] == '-' && name[10] == '_' && name[13] == '-' && name[16] == '-') {
        std::string s = name.substr(0, 19);
        s[10] = 'T';
        s[13] = ':';
        s[16] = ':';
        return s;
    }
    std::error_code ec;
    for (const char* file : {names::kSummary, names::kSettings, names::kPlan}) {
        const auto t = fs::last_write_time(fs::path(dir) / file, ec);
        if (ec) continue;
        const auto system = std::chrono::time_point_cast<std::chrono::system_clock::duration>(
            t - fs::file_time_type::clock::now() + std::chrono::system_clock::now());
        return isoTime(std::chrono::system_clock::to_time_t(system));
    }
    return {};
}

void readNote(const std::string& dir, RunListing& r) {
    std::error_code ec;
    if (!fs::is_regular_file(pathIn(dir, names::kNote), ec)) return;
    try {
        const nlohmann::json j = readJsonFile(pathIn(dir, names::kNote));
        r.name = j.value("name", "");
        r.tags = j.value("tags", "");
    } catch (const std::exception&) {  // a damaged note hides nothing else
    }
}

}  // namespace

std::optional<RunListing> readRunListing(const std::string& path) {
    std::error_code ec;
    RunListing r;
    r.path = path;
    r.started = startedOf(path);
    readNote(path, r);
    const bool curve = fs::is_regular_file(pathIn(path, names::kCurve), ec);
    const bool settings = fs::is_regular_file(pathIn(path, names::kSettings), ec);
    try {
        if (fs::is_regular_file(pathIn(path, names::kPlan), ec)) {
            listSweep(path, r);
        } else if (curve && settings) {
            listActiveLearningRun(path, r);
        } else if (!listTrainingRun(path, r)) {
            return std::nullopt;
        }
    } catch (const std::exception& e) {
        r.status = "damaged";
        r.problem = e.what();
        if (r.kind.empty()) r.kind = curve ? "active_learning" : "training";
    }
    return r;
}

std::string runListingsJson(const std::vector<RunListing>& runs) {
    nlohmann::json out = nlohmann::json::array();
    for (const RunListing& r : runs) out.push_back(listingJson(r));
    return out.dump();
}

}  // namespace alx
