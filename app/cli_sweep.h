#pragma once
// alx-cli sweep: create, submit, run-task, status, resubmit, cancel, merge.
// Each fills core's sweep calls (alx/sweeps/, alx/jobs/sweep_task_job.h)
// and prints what they return.
#include <string>
#include <vector>

#include "alx/storage/sweep_folder.h"
#include "cli_jobs.h"
#include "cli_options.h"

namespace alx::cli {

struct SweepCreateOptions {
    std::string dir;
    ActiveLearningSettings base;  // the options of `alx-cli al`; six of them may be comma lists:
    SweepAxes axes;
    std::string runsDir;
};

struct SweepTaskOptions {
    std::string dir;
    int task = 0;
    int threads = 0;
};

struct SweepDirOptions {
    std::string dir;
    bool json = false;
};

int createSweep(SweepCreateOptions options);
// Everything, or (resubmit) only the tasks that are neither done nor queued nor running.
int submitSweep(const SubmitChoice& options, bool onlyUnfinished);
int runSweepTaskCommand(const SweepTaskOptions& options);
int printSweepStatus(const SweepDirOptions& options);
int cancelSweep(const SweepDirOptions& options);
int mergeSweep(const SweepDirOptions& options);

}  // namespace alx::cli
