#pragma once
// A sweep without a cluster: the same tasks, `jobs` local processes at a
// time (`alx-cli sweep run-task DIR ID`, each writing DIR/logs/task-ID.log).
// The submission is recorded like a Slurm one, with this runner's process
// id, so that `sweep status` tells pending tasks from missing ones.
#include <functional>
#include <string>
#include <vector>

#include "alx/storage/sweep_folder.h"

namespace alx {

struct LocalSweepCallbacks {
    std::function<bool()> shouldStop;  // then every running task gets SIGTERM and no new one starts
    std::function<void(int task, int pid)> onTaskStart;
    std::function<void(int task, int exitCode)> onTaskEnd;
};

struct LocalSweepResult {
    int succeeded = 0, failed = 0, notStarted = 0;
    bool stopped = false;
};

// The threads each local task gets when the sweep does not fix them.
int localThreadsPerTask(const SweepPlan& plan, int jobs);

// Runs the tasks `ids`; returns when all have ended (or, after a stop, when
// the running ones have kept their finished rounds and exited).
LocalSweepResult runSweepLocally(const SweepFolder& folder, const SweepPlan& plan, const std::vector<int>& ids, int jobs,
                                 const std::string& cli, const LocalSweepCallbacks& callbacks = {});

}  // namespace alx
