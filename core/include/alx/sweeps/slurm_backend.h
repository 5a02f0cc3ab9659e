#pragma once
// A sweep on a Slurm cluster: one array job, element i runs task i
// (`alx-cli sweep run-task DIR i`, exec'd so that Slurm's signals reach it).
// Only Slurm's own commands talk to the cluster: sbatch, squeue, scancel,
// scontrol.
#include <optional>
#include <string>
#include <vector>

#include "alx/storage/sweep_folder.h"
#include "alx/sweeps/sweep_progress.h"

namespace alx {

// "0-20", "3,7,9-11": ids as Slurm's --array takes them (sorted, ranges joined).
std::string arrayRanges(std::vector<int> ids);

// Whether sbatch is on PATH (else the local backend is the default).
bool slurmAvailable();

// The text of DIR/sweep.sbatch: an array over every task, at most
// options.maxParallel at once, one log per task under DIR/logs/ (appended
// to, so that a resumed task's log shows both runs), calling `cli`.
std::string sbatchScript(const SweepFolder& folder, const SweepPlan& plan, const SlurmSubmitOptions& options,
                         const std::string& cli);

// Writes the script, submits the tasks `ids` with sbatch (--array of just
// those ids) and records the submission. Throws RunError with sbatch's own
// message when it refuses.
Submission submitToSlurm(const SweepFolder& folder, const SweepPlan& plan, const std::vector<int>& ids,
                         const SlurmSubmitOptions& options, const std::string& cli);

// Every array element of the user's own jobs (squeue --me: a big cluster's queue is not read whole); nullopt (and `why`)
// when squeue cannot be run or fails.
std::optional<std::vector<QueueEntry>> slurmQueue(std::string* why = nullptr);

// scancel on each job id; returns what went wrong (scancel's complaint, or
// that it could not be run), empty when nothing did.
std::string cancelSlurmJobs(const std::vector<std::string>& jobIds);

// From inside an array element: `scontrol requeue <array job>_<index>`.
// Returns what happened, in words.
std::string requeueThisSlurmTask();

// "<array job>_<index>" of the running element from Slurm's environment, or empty.
std::string slurmTaskFromEnvironment();

}  // namespace alx
