#include "alx/sweeps/sweep_setup.h"

#include <csignal>
#include <cstdlib>

#include <algorithm>
#include <thread>

#include "alx/storage/runs_library.h"
#include "alx/storage/sweep_locks.h"
#include "alx/sweeps/slurm_backend.h"
#include "alx/sweeps/sweep_progress.h"
#include "alx/util/process.h"

namespace alx {

SweepPlan createSweep(const std::string& dir, const ActiveLearningSettings& base, const SweepAxes& axes, const std::string& runsDir,
                      std::string* listingProblem) {
    const SweepPlan plan = planSweep(base, axes);
    SweepFolder(dir).createPlan(plan);
    try {
        RunsLibrary(runsDir.empty() ? defaultRunsDir() : runsDir).registerRun(dir);
    } catch (const std::exception& e) {
        if (listingProblem) *listingProblem = e.what();
    }
    return plan;
}

std::vector<int> tasksToResubmit(const SweepFolder& folder, const SweepPlan& plan) {
    const auto queue = submittedToSlurm(folder.readSubmissions()) ? slurmQueue() : std::nullopt;
    std::vector<int> ids;
    for (const TaskStatus& s : sweepStatus(folder, plan, queue)) {
        if (s.state != TaskState::Done && s.state != TaskState::Running && s.state != TaskState::Pending) ids.push_back(s.task.id);
    }
    return ids;
}

SweepMerge mergeSweep(const SweepFolder& folder, const SweepPlan& plan) {
    const MergeLock lock(folder);
    const SweepMerge merge = collectSweep(folder, plan);
    folder.writeMerge(plan, merge.groups, merge.unfinished);
    return merge;
}

SweepCancellation cancelSweep(const SweepFolder& folder) {
    folder.readPlan();  // a folder that is not a sweep is refused, naming the file
    SweepCancellation done;
    for (const Submission& s : folder.readSubmissions()) {
        if (s.backend == SweepBackend::Slurm) done.slurmJobs.push_back(s.jobId);
        const int pid = std::atoi(s.jobId.c_str());
        if (s.backend == SweepBackend::Local && s.host == hostName() && pid > 0 && processAlive(pid)) {
            ::kill(pid, SIGTERM);  // the runner passes it on to its tasks
            done.localRunnerStopped = true;
        }
    }
    if (!done.slurmJobs.empty()) done.scancelProblem = cancelSlurmJobs(done.slurmJobs);
    return done;
}

SweepBackend defaultBackend() { return slurmAvailable() ? SweepBackend::Slurm : SweepBackend::Local; }

int defaultLocalJobs(const SweepPlan& plan) {
    const int cores = int(std::max(1u, std::thread::hardware_concurrency()));
    return std::max(1, cores / std::max(1, plan.base.threads));
}

}  // namespace alx
