#include "alx/jobs/sweep_task_job.h"

#include <unistd.h>

#include "alx/storage/sweep_locks.h"
#include "alx/sweeps/sweep_setup.h"
#include "alx/util/errors.h"
#include "alx/util/process.h"
#include "alx/util/timing.h"

namespace alx {

ActiveLearningJobRequest sweepTaskRequest(const SweepPlan& plan, const SweepTask& task, const std::string& outDir,
                                          int threads) {
    ActiveLearningJobRequest r;
    r.settings = taskSettings(plan, task);
    if (r.settings.threads <= 0) r.settings.threads = threads;
    r.outDir = outDir;
    return r;
}

SweepTaskResult runSweepTask(const SweepTaskRequest& request, const SweepTaskCallbacks& callbacks) {
    const SweepFolder folder(request.sweepDir);
    const SweepPlan plan = folder.readPlan();
    if (request.taskId < 0 || request.taskId >= int(plan.tasks.size())) {
        throw InputError("the sweep has tasks 0 to " + std::to_string(plan.tasks.size() - 1) + ", not " +
                             std::to_string(request.taskId),
                         "task");
    }
    const SweepTask& task = plan.tasks[size_t(request.taskId)];
    const TaskLock lock(folder, task.id);  // before anything is written: a second run changes nothing

    TaskRecord record;
    record.state = TaskState::Running;
    record.host = hostName();
    record.pid = int(::getpid());
    record.slurmJob = request.slurmJob;
    record.started = record.updated = utcNowIso();
    folder.writeTaskRecord(task.id, record);

    const ActiveLearningJobRequest job = sweepTaskRequest(plan, task, folder.taskDir(task.id), request.threads);
    SweepTaskResult result;
    try {
        ActiveLearningJobRequest resumable = job;
        const ActiveLearningRunFolder runFolder(job.outDir);
        resumable.resume = runFolder.holdsRun();
        const int kept = resumable.resume ? int(runFolder.validate().size()) : 0;
        if (callbacks.onStart) callbacks.onStart(task, job.settings.threads, kept);
        ActiveLearningJobCallbacks jobCallbacks = callbacks.job;
        jobCallbacks.shouldStop = callbacks.shouldStop;
        const ActiveLearningJobResult ran = runActiveLearningJob(resumable, jobCallbacks);
        result.roundsKept = int(ran.curve.size());
        if (ran.outcome == JobOutcome::Cancelled) {
            result.outcome = SweepTaskOutcome::Preempted;
            record.state = TaskState::Preempted;
            record.message = "stopped by a signal with " + std::to_string(result.roundsKept) +
                             " rounds kept; the round in progress was abandoned";
        } else {
            record.state = TaskState::Done;
            record.message.clear();
        }
    } catch (const Cancelled&) {  // stopped while loading the data: nothing was lost
        result.outcome = SweepTaskOutcome::Preempted;
        record.state = TaskState::Preempted;
        record.message = "stopped by a signal before its first round";
    } catch (const std::exception& e) {
        record.state = TaskState::Failed;
        record.message = e.what();
        record.updated = utcNowIso();
        folder.writeTaskRecord(task.id, record);
        throw;
    }
    record.updated = utcNowIso();
    folder.writeTaskRecord(task.id, record);
    // The sweep's merge follows its tasks, so that the runs list and a
    // glance at DIR/summary.json are current; a problem here is not the task's.
    try {
        mergeSweep(folder, plan);
    } catch (const std::exception& e) {
        result.mergeProblem = e.what();
    }
    return result;
}

}  // namespace alx
