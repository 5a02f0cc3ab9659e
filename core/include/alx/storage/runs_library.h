#pragma once
// The runs folder: every run kept, each a folder directly inside it (in the
// layouts of alx-cli train/eval and al), named so that a person can read it
// (2026-12-01_10-51-33_lenet5_mnist), and runs written elsewhere (--out)
// registered by their path. An index beside them (runs.sqlite, SQLite) keeps
// each run's listing with the size and time of the files it was read from,
// so that listing thousands of runs reads only the ones that changed. The
// folders stay the truth: an index that is missing, stale or damaged is
// rebuilt from them, and a run whose summary cannot be read is still listed
// (status "damaged"), never dropped.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "alx/storage/run_listing.h"

namespace alx {

// $ALX_RUNS_DIR, else $XDG_DATA_HOME/alx/runs, else ~/.local/share/alx/runs.
std::string defaultRunsDir();

class RunsLibrary {
public:
    // Opens (or creates) the runs folder and its index. Throws InputError
    // when the folder cannot be created.
    explicit RunsLibrary(std::string runsDir);
    ~RunsLibrary();
    RunsLibrary(const RunsLibrary&) = delete;
    RunsLibrary& operator=(const RunsLibrary&) = delete;

    const std::string& dir() const { return dir_; }
    // A new, empty folder for a run inside the runs folder, named by the
    // time now, the model and the dataset (a suffix when taken).
    std::string newRunFolder(const std::string& model, const std::string& dataset);
    // Lists a run written outside the runs folder, until its folder is gone.
    void registerRun(const std::string& path);
    // Every run, newest first; refreshes the index from the folders.
    std::vector<RunListing> list();
    // A person's name and tags for a run.
    void setNote(const std::string& path, const std::string& name, const std::string& tags);
    // Whether the last list() had to rebuild the index (missing or damaged).
    bool rebuilt() const { return rebuilt_; }
    int64_t readLastTime() const { return readLastTime_; }  // run folders read (not from the index) by the last list()
    // Why the last list() could not use or update the index (it listed the
    // folders all the same); empty when it could.
    const std::string& indexProblem() const { return indexProblem_; }

private:
    void openIndex();
    std::string dir_;
    struct Db;
    std::unique_ptr<Db> db_;
    bool rebuilt_ = false;
    int64_t readLastTime_ = 0;
    std::string indexProblem_;
};

// After a job given a new run folder (newRunFolder): removes the folder
// when the job wrote nothing into it (it refused to start), so that no empty
// folder is left behind; true when the folder holds the run.
bool keepRunFolder(const std::string& dir);

}  // namespace alx
