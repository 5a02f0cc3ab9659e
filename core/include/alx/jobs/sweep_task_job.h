#pragma once
// One task of a sweep (`alx-cli sweep run-task DIR ID`, what each Slurm
// array element or local process runs): the task's repeat of its strategy,
// in its own folder tasks/ID/, resumed round by round. It holds the task's
// lock while it runs, records how it ended in task.json, and on a stop
// request (SIGTERM before a time limit or a preemption) abandons only the
// round in progress.
#include <functional>
#include <string>

#include "alx/jobs/active_learning_job.h"
#include "alx/storage/sweep_folder.h"

namespace alx {

struct SweepTaskRequest {
    std::string sweepDir;
    int taskId = 0;
    int threads = 0;        // used when the sweep does not fix --threads (0: all cores)
    std::string slurmJob;   // "<array job>_<index>" when Slurm runs it, for the record
};

enum class SweepTaskOutcome { Done, Preempted };

struct SweepTaskCallbacks {
    std::function<bool()> shouldStop;
    std::function<void(const SweepTask& task, int threads, int roundsDone)> onStart;  // roundsDone: kept from earlier runs
    ActiveLearningJobCallbacks job;  // the run's own callbacks (dataset, rounds)
};

struct SweepTaskResult {
    SweepTaskOutcome outcome = SweepTaskOutcome::Done;
    int roundsKept = 0;  // rounds in the task's curve
    std::string mergeProblem;  // why the sweep's merge could not be brought up to date, if it could not
};

// Throws InputError for a task id the sweep does not have, RunError when
// another process runs the task; any failure is recorded in task.json as
// "failed" with its message before it is rethrown.
SweepTaskResult runSweepTask(const SweepTaskRequest& request, const SweepTaskCallbacks& callbacks = {});

// The active-learning request a task runs (also what `alx-cli al` is given
// to compute the same curve).
ActiveLearningJobRequest sweepTaskRequest(const SweepPlan& plan, const SweepTask& task, const std::string& outDir,
                                          int threads);

}  // namespace alx
