#pragma once
// Where a sweep stands: each task's state from its folder and the Slurm
// queue, and the merge of every task's curve. Read-only: the app's sweep
// view and `alx-cli sweep status/merge` both call these while tasks run.
#include <optional>
#include <string>
#include <vector>

#include "alx/storage/sweep_folder.h"

namespace alx {

// One array element as squeue shows it.
struct QueueEntry {
    std::string jobId;  // the array job's id
    int index = -1;     // the array index (= the task id)
    std::string state;  // PENDING, RUNNING, COMPLETING, ...
    std::string reason;  // why it waits, as squeue says (Priority, JobArrayTaskLimit, BeginTime for a requeued one)
};

struct TaskStatus {
    SweepTask task;
    TaskState state = TaskState::Missing;
    std::string reason;  // failed, preempted: why; pending: Slurm's reason
    int rounds = 0;      // rounds in the task's curve
    int64_t labels = 0;  // labels at its last round
    std::optional<double> lastAccuracy;
    std::string slurmJob;  // the array job that last took the task, if any
    int arrayIndex = -1;
    std::string log;
};

// `queue`: squeue's entries, or nullopt when it could not be asked (no
// Slurm here); tasks it would have shown as pending or running are then
// judged from their folders and the local runner alone.
std::vector<TaskStatus> sweepStatus(const SweepFolder& folder, const SweepPlan& plan,
                                    const std::optional<std::vector<QueueEntry>>& queue);

struct SweepMerge {
    std::vector<SweepGroup> groups;  // in plan order; each with its strategies' summaries
    std::vector<int> unfinished;     // tasks whose curve does not reach the budget (or cannot be read)
    std::vector<std::pair<int, std::string>> unreadable;  // task id, why its folder was refused
};

// Every task's curve as it stands, grouped by the varied settings.
SweepMerge collectSweep(const SweepFolder& folder, const SweepPlan& plan);

}  // namespace alx
