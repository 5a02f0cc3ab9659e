#include "alx/storage/runs_library.h"

#include "alx/vocabulary.h"

#if ALX_HAVE_SQLITE
#include <sqlite3.h>
#endif

#include <sys/stat.h>

#include <algorithm>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "alx/util/errors.h"
#include "alx/util/files.h"
#include "file_helpers.h"
#include "file_names.h"
#include "listing_json.h"

namespace fs = std::filesystem;

namespace alx {
namespace {

using namespace storage_detail;

// registered.json: runs written elsewhere (the truth; the index only caches);
// note.json: a person's name and tags, kept with the run.
constexpr int kIndexSchema = 1;

// Size and modification time of the files a listing is read from: one
// stat(2) each (std::filesystem would take two), as a listing of thousands
// of runs is mostly these calls.
std::string stampOf(const std::string& dir) {
    std::string stamp;
    std::string path = dir + "/";
    const size_t base = path.size();
    for (const char* name : {names::kSummary, names::kCurve, names::kSettings, names::kNote, names::kPlan, names::kSubmissions}) {
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

#if ALX_HAVE_SQLITE
std::string sqliteProblem(sqlite3* db, const std::string& what) { return "runs index: " + what + ": " + sqlite3_errmsg(db); }

struct Statement {
    sqlite3* db;
    sqlite3_stmt* s = nullptr;
    Statement(sqlite3* handle, const char* sql) : db(handle) {
        if (sqlite3_prepare_v2(db, sql, -1, &s, nullptr) != SQLITE_OK) throw RunError(sqliteProblem(db, sql));
    }
    ~Statement() { sqlite3_finalize(s); }
    // Binds the texts to ?1, ?2, ... and runs the statement to its end.
    void run(const std::vector<std::string>& texts) {
        for (size_t i = 0; i < texts.size(); ++i) sqlite3_bind_text(s, int(i + 1), texts[i].c_str(), -1, SQLITE_TRANSIENT);
        const int done = sqlite3_step(s);
        sqlite3_reset(s);
        if (done != SQLITE_DONE) throw RunError(sqliteProblem(db, "cannot write"));
    }
};
#endif

// What list() found out of date in the index.
struct IndexChanges {
    std::vector<std::vector<std::string>> upserts;  // path, stamp, listing (JSON, or null: a folder that holds no run)
    std::vector<std::string> removals;              // paths no longer there
    bool empty() const { return upserts.empty() && removals.empty(); }
};

// Every candidate folder: those inside the runs folder, and those registered that still exist.
std::vector<std::string> candidateFolders(const std::string& runsDir) {
    std::vector<std::string> folders;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(runsDir, ec)) {
        const std::string name = entry.path().filename().string();
        if (!name.empty() && name[0] != '.' && entry.is_directory(ec)) folders.push_back(entry.path().string());
    }
    const std::string registered = pathIn(runsDir, names::kRegistered);
    if (fs::exists(registered, ec)) {
        try {
            for (const auto& p : readJsonFile(registered)) {
                const std::string path = p.get<std::string>();
                if (fs::is_directory(path, ec)) folders.push_back(path);
            }
        } catch (const std::exception&) {
        }
    }
    return folders;
}

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

#if ALX_HAVE_SQLITE
struct RunsLibrary::Db {
    sqlite3* handle = nullptr;
    ~Db() {
        if (handle) sqlite3_close(handle);
    }
    void execute(const char* sql) {
        if (sqlite3_exec(handle, sql, nullptr, nullptr, nullptr) != SQLITE_OK) throw RunError(sqliteProblem(handle, sql));
    }
    // path -> (stamp, listing)
    std::map<std::string, std::pair<std::string, std::string>> readAll() {
        std::map<std::string, std::pair<std::string, std::string>> rows;
        Statement all(handle, "SELECT path, stamp, listing FROM runs");
        int step = SQLITE_ROW;
        while ((step = sqlite3_step(all.s)) == SQLITE_ROW) {
            rows[reinterpret_cast<const char*>(sqlite3_column_text(all.s, 0))] = {
                reinterpret_cast<const char*>(sqlite3_column_text(all.s, 1)),
                reinterpret_cast<const char*>(sqlite3_column_text(all.s, 2))};
        }
        if (step != SQLITE_DONE) throw RunError(sqliteProblem(handle, "cannot read"));
        return rows;
    }
    // All of the changes, or none of them.
    void apply(const IndexChanges& changes) {
        execute("BEGIN IMMEDIATE");
        try {
            Statement upsert(handle, "INSERT OR REPLACE INTO runs(path, stamp, listing) VALUES(?, ?, ?)");
            Statement remove(handle, "DELETE FROM runs WHERE path = ?");
            for (const auto& row : changes.upserts) upsert.run(row);
            for (const auto& path : changes.removals) remove.run({path});
            execute("COMMIT");
        } catch (const RunError&) {
            sqlite3_exec(handle, "ROLLBACK", nullptr, nullptr, nullptr);
            throw;
        }
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
    const std::string path = pathIn(dir_, names::kIndex);
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
    // A TorchScript model is named by its file's stem (no directories in a folder's name).
    const std::string modelWord = isModelFile(model) ? fs::path(model).stem().string() : model;
    const std::string base = std::string(stamp) + "_" + modelWord + "_" + dataset;
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
    const std::string file = pathIn(dir_, names::kRegistered);
    std::set<std::string> paths;
    try {
        if (fs::exists(file, ec)) {
            for (const auto& p : readJsonFile(file)) paths.insert(p.get<std::string>());
        }
    } catch (const std::exception&) {  // damaged: rewritten with what can be known
    }
    if (!paths.insert(absolute).second) return;
    writeFileAtomically(file, nlohmann::json(paths).dump(1) + "\n");
}

void RunsLibrary::setNote(const std::string& path, const std::string& name, const std::string& tags) {
    writeFileAtomically(pathIn(path, names::kNote), nlohmann::json{{"name", name}, {"tags", tags}}.dump() + "\n");
}

std::vector<RunListing> RunsLibrary::list() {
    readLastTime_ = 0;
    indexProblem_.clear();
    const std::vector<std::string> folders = candidateFolders(dir_);
    std::vector<RunListing> out;
#if !ALX_HAVE_SQLITE
    for (const std::string& folder : std::set<std::string>(folders.begin(), folders.end())) {
        ++readLastTime_;
        if (auto listing = readRunListing(folder)) out.push_back(*listing);
    }
#else
    // The index is a cache: when it cannot be read or written, the runs are
    // listed from their folders all the same, and indexProblem() says why.
    std::map<std::string, std::pair<std::string, std::string>> cached;
    try {
        cached = db_->readAll();
    } catch (const RunError& e) {
        indexProblem_ = e.what();
    }
    IndexChanges changes;
    std::set<std::string> seen;
    for (const std::string& folder : folders) {
        if (!seen.insert(folder).second) continue;
        const std::string stamp = stampOf(folder);
        const auto hit = cached.find(folder);
        if (hit != cached.end() && hit->second.first == stamp) {
            try {
                const auto j = nlohmann::json::parse(hit->second.second);
                if (!j.is_null()) out.push_back(listingFromJson(j));
                continue;
            } catch (const std::exception&) {  // a damaged row: read the folder again
            }
        }
        ++readLastTime_;
        const std::optional<RunListing> listing = readRunListing(folder);
        changes.upserts.push_back({folder, stamp, listing ? listingJson(*listing).dump() : "null"});
        if (listing) out.push_back(*listing);
    }
    for (const auto& [path, row] : cached) {
        if (!seen.count(path)) changes.removals.push_back(path);
    }
    if (indexProblem_.empty() && !changes.empty()) {
        try {
            db_->apply(changes);
        } catch (const RunError& e) {
            indexProblem_ = e.what();
        }
    }
#endif
    std::stable_sort(out.begin(), out.end(), [](const RunListing& a, const RunListing& b) {
        return a.started != b.started ? a.started > b.started : a.path < b.path;
    });
    return out;
}

}  // namespace alx
