#pragma once
// What `alx-cli sweep create/submit/resubmit` and the app's "Run as a sweep"
// share: making a sweep folder, and choosing what and where to submit.
#include <string>
#include <vector>

#include "alx/storage/sweep_folder.h"

namespace alx {

// Plans the sweep, writes DIR/sweep.json (refusing a folder that holds a
// run) and lists the folder in the runs folder (runsDir, or the default).
// Returns the plan; `listingProblem` says why it could not be listed (the
// sweep itself is fine then).
SweepPlan createSweep(const std::string& dir, const SweepBase& base, const SweepAxes& axes, const std::string& runsDir,
                      std::string* listingProblem = nullptr);

// The tasks a resubmission takes: neither done, nor queued, nor running
// (Slurm's queue is asked when the sweep went to Slurm).
std::vector<int> tasksToResubmit(const SweepFolder& folder, const SweepPlan& plan);

// "slurm" when sbatch is on PATH, else "local".
std::string defaultBackend();

// Local tasks at once when not given: the cores over the sweep's threads.
int defaultLocalJobs(const SweepPlan& plan);

}  // namespace alx
