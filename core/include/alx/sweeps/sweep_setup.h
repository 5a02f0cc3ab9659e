#pragma once
// What `alx-cli sweep create/submit/resubmit` and the app's "Run as a sweep"
// share: making a sweep folder, and choosing what and where to submit.
#include <string>
#include <vector>

#include "alx/storage/sweep_folder.h"
#include "alx/sweeps/sweep_progress.h"

namespace alx {

// Plans the sweep, writes DIR/sweep.json (refusing a folder that holds a
// run) and lists the folder in the runs folder (runsDir, or the default).
// Returns the plan; `listingProblem` says why it could not be listed (the
// sweep itself is fine then).
SweepPlan createSweep(const std::string& dir, const ActiveLearningSettings& base, const SweepAxes& axes, const std::string& runsDir,
                      std::string* listingProblem = nullptr);

// The tasks a resubmission takes: neither done, nor queued, nor running
// (Slurm's queue is asked when the sweep went to Slurm).
std::vector<int> tasksToResubmit(const SweepFolder& folder, const SweepPlan& plan);

// Collects every task's curve and writes the merge (curve.csv,
// summary.json), under a lock in the sweep folder so that two tasks ending
// at once cannot leave the older of their two merges behind. `alx-cli sweep
// merge` calls it, and so does each task when it ends.
SweepMerge mergeSweep(const SweepFolder& folder, const SweepPlan& plan);

// What cancelling a sweep did.
struct SweepCancellation {
    std::vector<std::string> slurmJobs;  // the array jobs handed to scancel
    std::string scancelProblem;          // empty when scancel said nothing wrong
    bool localRunnerStopped = false;     // a local runner on this machine was sent SIGTERM
};

// Cancels every Slurm submission of the sweep (scancel) and stops a local
// runner still alive on this machine. Tasks stopped either way keep their
// finished rounds, so `resubmit` continues them.
SweepCancellation cancelSweep(const SweepFolder& folder);

// Slurm when sbatch is on PATH, else local.
SweepBackend defaultBackend();

// Local tasks at once when not given: the cores over the sweep's threads.
int defaultLocalJobs(const SweepPlan& plan);

}  // namespace alx
