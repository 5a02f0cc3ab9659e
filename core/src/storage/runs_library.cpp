#include "alx/storage/runs_library.h"

#if ALX_HAVE_SQLITE
#include <sqlite3.h>
#endif

#include <sys/stat.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "alx/storage/active_learning_run.h"
#include "alx/storage/sweep_folder.h"
#include "alx/storage/atomic_file.h"
#include "alx/util/errors.h"
#include "file_helpers.h"

namespace fs = std::filesystem;

namespace alx {
namespace {

constexpr const char* kIndexName = "runs.sqlite";
constexpr const char* kRegisteredName = "registered.json";  // runs written elsewhere: the truth, the index only caches
constexpr const char* kNoteName = "note.json";              // a person's name and tags, kept with the run
constexpr int kIndexSchema = 1;

// Size and modification time of the files a listing is read from: one
// stat(2) each (std::filesystem would take two), as a listing of thousands
// of runs is mostly these calls.
[[maybe_unused]] std::string stampOf(const std::string& dir) {
    std::string stamp;
    std::string path = dir + "/";
    const size_t base = path.size();
    for (const char* name : {"summary.json", "curve.csv", "settings.json", kNoteName, "sweep.json", "submissions.json"}) {
        path.resize(base);
        path += name;
        struct stat info {};
        if (::stat(path.c_str(), &info) != 0) {
            stamp += "-;";
            continue;
        }
        stamp += std::to_string(info.st_size) + "@" + std::to_string(info.st_mtim.tv_sec) + "." +
                 std::to_string(info.st_mtim.tv_nsec) + ";";
    }
    return stamp;
}

[[maybe_unused]] nlohmann::json toJson(const RunListing& r) {
    nlohmann::json j{{"path", r.path}, {"kind", r.kind}, {"model", r.model}, {"dataset", r.dataset}, {"device", r.device},
                     {"status", r.status}, {"started", r.started}, {"epochs", r.epochs}, {"budget", r.budget},
                     {"train_seconds", r.trainSeconds}, {"name", r.name}, {"tags", r.tags}};
    j["test_accuracy"] = r.testAccuracy ? nlohmann::json(*r.testAccuracy) : nlohmann::json();
    j["ece"] = r.ece ? nlohmann::json(*r.ece) : nlohmann::json();
    if (!r.problem.empty()) j["problem"] = r.problem;
    return j;
}

[[maybe_unused]] RunListing fromJson(const nlohmann::json& j) {
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
    if (j.contains("test_accuracy") && j["test_accuracy"].is_number()) r.testAccuracy = j["test_accuracy"].get<double>();
    if (j.contains("ece") && j["ece"].is_number()) r.ece = j["ece"].get<double>();
    return r;
}

std::string isoTime(std::time_t t) {
    char text[32];
    std::tm tm{};
    localtime_r(&t, &tm);
    std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%S", &tm);
    return text;
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
    for (const char* file : {"summary.json", "settings.json", "sweep.json"}) {
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
    if (!fs::is_regular_file(fs::path(dir) / kNoteName, ec)) return;
    try {
        const nlohmann::json j = storage_detail::readJsonFile((fs::path(dir) / kNoteName).string());
        r.name = j.value("name", "");
        r.tags = j.value("tags", "");
    } catch (const std::exception&) {  // a damaged note hides nothing else
    }
}

#if ALX_HAVE_SQLITE
struct Statement {
    sqlite3_stmt* s = nullptr;
    Statement(sqlite3* db, const char* sql) {
        if (sqlite3_prepare_v2(db, sql, -1, &s, nullptr) != SQLITE_OK) throw RunError(std::string("runs index: ") + sqlite3_errmsg(db));
    }
    ~Statement() { sqlite3_finalize(s); }
};
#endif

}  // namespace

std::string defaultRunsDir() {
    if (const char* chosen = std::getenv("ALX_RUNS_DIR"); chosen && *chosen) return chosen;
    if (const char* data = std::getenv("XDG_DATA_HOME"); data && *data) return (fs::path(data) / "alx" / "runs").string();
    const char* home = std::getenv("HOME");
    return (fs::path(home ? home : ".") / ".local" / "share" / "alx" / "runs").string();
}

bool keepRunFolder(const std::string& dir) {
    std::error_code ec;
    if (dir.empty() || !fs::exists(dir, ec)) return false;
    if (fs::is_empty(dir, ec)) {
        fs::remove(dir, ec);
        return false;
    }
    return !ec;
}

std::optional<RunListing> readRunListing(const std::string& path) {
    std::error_code ec;
    const fs::path dir(path);
    RunListing r;
    r.path = path;
    r.started = startedOf(path);
    readNote(path, r);
    const bool curve = fs::is_regular_file(dir / "curve.csv", ec), settings = fs::is_regular_file(dir / "settings.json", ec);
    const bool summary = fs::is_regular_file(dir / "summary.json", ec);
    try {
        if (fs::is_regular_file(dir / "sweep.json", ec)) {
            // A sweep: listed from its plan and its merge (`sweep status` reads every task).
            r.kind = "sweep";
            const SweepFolder folder(path);
            const SweepPlan plan = folder.readPlan();
            const auto join = [](const std::vector<std::string>& values) {
                std::string out;
                for (const auto& v : values) out += (out.empty() ? "" : ",") + v;
                return out;
            };
            r.model = join(plan.axes.models);
            r.dataset = join(plan.axes.datasets);
            r.budget = plan.base.loop.budget;
            r.status = folder.readSubmissions().empty() ? "stopped" : "running";
            if (summary) {
                const nlohmann::json j = storage_detail::readJsonFile(folder.summaryPath());
                if (j.value("unfinished_tasks", nlohmann::json::array()).empty()) r.status = "finished";
                // The best strategy's median final accuracy.
                const nlohmann::json groups = j.value("groups", nlohmann::json::array());
                for (const auto& group : groups) {
                    const nlohmann::json strategies = group.value("strategies", nlohmann::json::object());
                    for (const auto& [name, entry] : strategies.items()) {
                        const auto acc = entry.value("final_accuracy", nlohmann::json());
                        if (acc.is_number() && (!r.testAccuracy || acc.get<double>() > *r.testAccuracy)) {
                            r.testAccuracy = acc.get<double>();
                        }
                    }
                }
            }
            return r;
        }
        if (curve && settings) {
            r.kind = "active_learning";
            // Read by the run store, strictly, as the app opens such a run.
            const ActiveLearningRunFolder folder(path);
            const ActiveLearningSettings s = folder.readSettings();
            r.model = s.loop.model;
            r.dataset = s.dataset;
            r.budget = s.loop.budget;
            r.status = summary ? "finished" : "stopped";
            // The last round's accuracy and calibration error.
            const std::vector<CurveRow> rows = folder.readCurve();
            if (!rows.empty()) {
                r.testAccuracy = rows.back().accuracy;
                r.ece = rows.back().ece;
            }
            return r;
        }
        if (!summary) return std::nullopt;
        const nlohmann::json j = storage_detail::readJsonFile((dir / "summary.json").string());
        if (!j.is_object() || !j.contains("alx_version")) return std::nullopt;
        r.kind = j.value("kind", "training");
        r.model = j.value("model", "");
        r.dataset = j.value("dataset", "");
        r.device = j.value("device", "");
        const std::string status = j.value("status", "finished");
        r.status = status == "finished" ? "finished" : status == "cancelled" ? "stopped" : status == "diverged" ? "failed"
                                                                                                                  : "running";
        if (j.contains("test_accuracy") && j["test_accuracy"].is_number()) r.testAccuracy = j["test_accuracy"].get<double>();
        if (j.contains("calibration") && j["calibration"].is_object() && j["calibration"].value("ece", nlohmann::json()).is_number()) {
            r.ece = j["calibration"]["ece"].get<double>();
        }
        if (j.contains("epoch_loss") && j["epoch_loss"].is_array()) r.epochs = int(j["epoch_loss"].size());
        r.trainSeconds = j.value("train_seconds", 0.0);
    } catch (const std::exception& e) {
        r.status = "damaged";
        r.problem = e.what();
        if (r.kind.empty()) r.kind = curve ? "active_learning" : "training";
    }
    return r;
}

#if ALX_HAVE_SQLITE
struct RunsLibrary::Db {
    sqlite3* handle = nullptr;
    ~Db() {
        if (handle) sqlite3_close(handle);
    }
};
#else
struct RunsLibrary::Db {};  // no index: every list() reads every folder
#endif

RunsLibrary::RunsLibrary(std::string runsDir) : dir_(std::move(runsDir)) {
    std::error_code ec;
    fs::create_directories(dir_, ec);
    if (!fs::is_directory(dir_, ec)) throw InputError(fileError(dir_, "cannot create the runs folder"), "runs_dir");
    openIndex();
}

RunsLibrary::~RunsLibrary() = default;

void RunsLibrary::openIndex() {
#if !ALX_HAVE_SQLITE
    return;
#else
    const std::string path = (fs::path(dir_) / kIndexName).string();
    for (int attempt = 0; attempt < 2; ++attempt) {
        db_ = std::make_unique<Db>();
        bool ok = sqlite3_open_v2(path.c_str(), &db_->handle, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr) == SQLITE_OK;
        if (ok) {
            sqlite3_busy_timeout(db_->handle, 5000);  // the app and alx-cli may list at once
            const std::string schema =
                "CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT);"
                "CREATE TABLE IF NOT EXISTS runs(path TEXT PRIMARY KEY, stamp TEXT NOT NULL, listing TEXT NOT NULL);"
                "INSERT OR IGNORE INTO meta VALUES('schema', '" + std::to_string(kIndexSchema) + "');";
            ok = sqlite3_exec(db_->handle, schema.c_str(), nullptr, nullptr, nullptr) == SQLITE_OK;
            if (ok) {
                // A damaged file often opens: reading it is the test.
                ok = sqlite3_exec(db_->handle, "SELECT count(*) FROM runs; PRAGMA quick_check(1);", nullptr, nullptr, nullptr) == SQLITE_OK;
            }
        }
        if (ok) return;
        // Missing, damaged or not a database: the folders are the truth, start again from them.
        db_.reset();
        std::error_code ec;
        for (const char* suffix : {"", "-journal", "-wal", "-shm"}) fs::remove(path + suffix, ec);
        rebuilt_ = true;
    }
    throw RunError("cannot create the runs index " + path);
#endif
}

std::string RunsLibrary::newRunFolder(const std::string& model, const std::string& dataset) {
    char stamp[32];
    const std::time_t now = std::time(nullptr);
    std::tm tm{};
    localtime_r(&now, &tm);
    std::strftime(stamp, sizeof stamp, "%Y-%m-%d_%H-%M-%S", &tm);
    const std::string base = std::string(stamp) + "_" + model + "_" + dataset;
    for (int n = 1; n < 1000; ++n) {
        const fs::path candidate = fs::path(dir_) / (n == 1 ? base : base + "_" + std::to_string(n));
        std::error_code ec;
        if (fs::create_directory(candidate, ec)) return candidate.string();
    }
    throw RunError("cannot create a run folder in " + dir_);
}

void RunsLibrary::registerRun(const std::string& path) {
    std::error_code ec;
    const std::string absolute = fs::weakly_canonical(fs::absolute(path), ec).string();
    if (fs::path(absolute).parent_path() == fs::weakly_canonical(dir_, ec)) return;  // inside: found anyway
    const fs::path file = fs::path(dir_) / kRegisteredName;
    std::set<std::string> paths;
    try {
        if (fs::exists(file, ec)) {
            for (const auto& p : storage_detail::readJsonFile(file.string())) paths.insert(p.get<std::string>());
        }
    } catch (const std::exception&) {  // damaged: rewritten with what can be known
    }
    if (!paths.insert(absolute).second) return;
    writeFileAtomically(file.string(), nlohmann::json(paths).dump(1) + "\n");
}

void RunsLibrary::setNote(const std::string& path, const std::string& name, const std::string& tags) {
    writeFileAtomically((fs::path(path) / kNoteName).string(), nlohmann::json{{"name", name}, {"tags", tags}}.dump() + "\n");
}

std::vector<RunListing> RunsLibrary::list() {
    readLastTime_ = 0;
    // Every candidate folder: those inside, and those registered that still exist.
    std::vector<std::string> folders;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(dir_, ec)) {
        const std::string name = entry.path().filename().string();
        if (!name.empty() && name[0] != '.' && entry.is_directory(ec)) folders.push_back(entry.path().string());
    }
    const fs::path registered = fs::path(dir_) / kRegisteredName;
    if (fs::exists(registered, ec)) {
        try {
            for (const auto& p : storage_detail::readJsonFile(registered.string())) {
                const std::string path = p.get<std::string>();
                if (fs::is_directory(path, ec)) folders.push_back(path);
            }
        } catch (const std::exception&) {
        }
    }

    std::vector<RunListing> out;
#if !ALX_HAVE_SQLITE
    for (const std::string& folder : std::set<std::string>(folders.begin(), folders.end())) {
        ++readLastTime_;
        if (auto listing = readRunListing(folder)) out.push_back(*listing);
    }
#else
    std::map<std::string, std::pair<std::string, std::string>> cached;  // path -> (stamp, listing)
    {
        Statement all(db_->handle, "SELECT path, stamp, listing FROM runs");
        while (sqlite3_step(all.s) == SQLITE_ROW) {
            cached[reinterpret_cast<const char*>(sqlite3_column_text(all.s, 0))] = {
                reinterpret_cast<const char*>(sqlite3_column_text(all.s, 1)),
                reinterpret_cast<const char*>(sqlite3_column_text(all.s, 2))};
        }
    }
    sqlite3_exec(db_->handle, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr);
    {
        Statement upsert(db_->handle, "INSERT OR REPLACE INTO runs(path, stamp, listing) VALUES(?, ?, ?)");
        Statement remove(db_->handle, "DELETE FROM runs WHERE path = ?");
        std::set<std::string> seen;
        for (const std::string& folder : folders) {
            if (!seen.insert(folder).second) continue;
            const std::string stamp = stampOf(folder);
            const auto hit = cached.find(folder);
            if (hit != cached.end() && hit->second.first == stamp) {
                try {
                    const auto j = nlohmann::json::parse(hit->second.second);
                    if (!j.is_null()) out.push_back(fromJson(j));
                    continue;
                } catch (const std::exception&) {  // a damaged row: read the folder again
                }
            }
            ++readLastTime_;
            const std::optional<RunListing> listing = readRunListing(folder);
            const std::string text = listing ? toJson(*listing).dump() : "null";  // null: a folder that holds no run
            sqlite3_bind_text(upsert.s, 1, folder.c_str(), -1, SQLITE_TRANSIENT);
            sqlite3_bind_text(upsert.s, 2, stamp.c_str(), -1, SQLITE_TRANSIENT);
            sqlite3_bind_text(upsert.s, 3, text.c_str(), -1, SQLITE_TRANSIENT);
            sqlite3_step(upsert.s);
            sqlite3_reset(upsert.s);
            if (listing) out.push_back(*listing);
        }
        for (const auto& [path, row] : cached) {
            if (seen.count(path)) continue;
            sqlite3_bind_text(remove.s, 1, path.c_str(), -1, SQLITE_TRANSIENT);
            sqlite3_step(remove.s);
            sqlite3_reset(remove.s);
        }
    }
    sqlite3_exec(db_->handle, "COMMIT", nullptr, nullptr, nullptr);
#endif
    std::stable_sort(out.begin(), out.end(), [](const RunListing& a, const RunListing& b) {
        return a.started != b.started ? a.started > b.started : a.path < b.path;
    });
    return out;
}

}  // namespace alx
