#include "alx/sweeps/sweep_progress.h"

#include <filesystem>
#include <map>

#include "alx/active_learning/stopping.h"
#include "alx/storage/sweep_locks.h"
#include "alx/util/errors.h"
#include "alx/util/process.h"

namespace fs = std::filesystem;

namespace alx {
namespace {

struct TaskCurve {
    std::vector<CurveRow> rows;
    std::string error;  // the folder was refused
};

TaskCurve readTaskCurve(const SweepFolder& folder, const SweepTask& task) {
    TaskCurve out;
    const ActiveLearningRunFolder run(folder.taskDir(task.id));
    if (!run.holdsRun()) return out;
    try {
        ActiveLearningSettings settings;
        out.rows = run.validate(&settings);
        if (settings.onlyRepeat != task.repeat || settings.data.spec.name != task.dataset || settings.loop.model != task.model) {
            throw InputError(fileError(run.settingsPath(), "holds another task's run"));
        }
        for (const CurveRow& row : out.rows) {
            if (row.strategy != task.strategy) throw InputError(fileError(run.curvePath(), "holds another strategy's rounds"));
        }
    } catch (const std::exception& e) {
        out.rows.clear();
        out.error = e.what();
    }
    return out;
}

int64_t lastLabels(const std::vector<CurveRow>& rows) {
    int64_t most = 0;
    for (const CurveRow& r : rows) most = std::max(most, r.labels);
    return most;
}

// Where squeue's state puts a task: queued, running, or ended (nullopt: its folder says how).
std::optional<TaskState> queueState(const std::string& slurmState) {
    if (slurmState == "PENDING" || slurmState == "REQUEUED" || slurmState == "REQUEUE_HOLD" ||
        slurmState == "REQUEUE_FED" || slurmState == "CONFIGURING" || slurmState == "RESV_DEL_HOLD") {
        return TaskState::Pending;
    }
    if (slurmState == "RUNNING" || slurmState == "COMPLETING" || slurmState == "STAGE_OUT" || slurmState == "SIGNALING" ||
        slurmState == "RESIZING" || slurmState == "SUSPENDED" || slurmState == "STOPPED") {
        return TaskState::Running;
    }
    return std::nullopt;
}

// What is known of one task: its folder, its record and where it stands in a queue.
struct TaskEvidence {
    const Submission* submission = nullptr;  // its latest
    TaskCurve curve;
    std::optional<TaskRecord> record;
    std::string recordError;
    std::optional<TaskState> inQueue;
    std::string queueReason;
    bool locked = false;
    bool localRunnerAlive = false;
    bool queueUnread = false;  // it went to Slurm, and the queue could not be asked
};

// The state of a task whose record says it ran, or nothing of use.
void judgeByRecord(const TaskEvidence& e, TaskStatus& st) {
    const std::optional<TaskRecord>& record = e.record;
    if (record && (record->state == TaskState::Failed || record->state == TaskState::Preempted)) {
        st.state = record->state;
        st.reason = record->message;
    } else if (record && record->state == TaskState::Running) {
        if (e.localRunnerAlive || e.queueUnread) {
            st.state = TaskState::Running;  // between two checks, or no queue to ask: it may still be running elsewhere
        } else {
            st.state = TaskState::Failed;
            st.reason = "ended without recording why (killed, out of memory, or its node failed); see the log";
        }
    } else if (record && record->state == TaskState::Done) {
        st.state = TaskState::Failed;
        st.reason = "task.json says done, but its curve ends at " + std::to_string(st.labels) + " labels";
    } else if (e.localRunnerAlive || e.queueUnread) {
        st.state = TaskState::Pending;
    } else {
        st.state = TaskState::Missing;
        st.reason = e.submission ? "submitted, but it never started (see the log)" : "never submitted";
    }
}

// The order matters: a damaged folder first, then a finished curve, the
// queue, the task's lock, and last what the task recorded of itself.
void judge(const TaskEvidence& e, const SweepPlan& plan, TaskStatus& st) {
    const bool recordSaysRunning = e.record && e.record->state == TaskState::Running;
    if (!e.curve.error.empty() || !e.recordError.empty()) {
        st.state = TaskState::Failed;
        st.reason = e.curve.error.empty() ? e.recordError : e.curve.error;
    } else if (st.labels >= taskSettings(plan, st.task).loop.budget && (!recordSaysRunning || !e.locked)) {
        st.state = TaskState::Done;
    } else if (e.inQueue) {
        st.state = *e.inQueue;
        st.reason = e.queueReason;
        if (e.record && e.record->state == TaskState::Preempted && st.state == TaskState::Pending) {
            st.reason = "requeued after: " + e.record->message + (e.queueReason.empty() ? "" : "; waiting: " + e.queueReason);
        }
    } else if (e.locked) {
        st.state = TaskState::Running;
    } else {
        judgeByRecord(e, st);
    }
}

}  // namespace

std::vector<TaskStatus> sweepStatus(const SweepFolder& folder, const SweepPlan& plan,
                                    const std::optional<std::vector<QueueEntry>>& queue) {
    const std::vector<Submission> submissions = folder.readSubmissions();
    std::map<int, const Submission*> latest;  // each task's latest submission
    for (const Submission& s : submissions) {
        for (int id : s.taskIds) latest[id] = &s;
    }
    std::map<std::pair<std::string, int>, const QueueEntry*> queued;
    if (queue) {
        for (const QueueEntry& e : *queue) queued[{e.jobId, e.index}] = &e;
    }
    const std::string host = hostName();
    std::vector<TaskStatus> out;
    out.reserve(plan.tasks.size());
    for (const SweepTask& task : plan.tasks) {
        TaskEvidence e;
        e.submission = latest.count(task.id) ? latest[task.id] : nullptr;
        const bool slurm = e.submission && e.submission->backend == SweepBackend::Slurm;
        e.curve = readTaskCurve(folder, task);
        try {
            e.record = folder.readTaskRecord(task.id);
        } catch (const std::exception& error) {
            e.recordError = error.what();
        }
        if (slurm && queue) {
            const auto it = queued.find({e.submission->jobId, task.id});
            if (it != queued.end()) {
                e.inQueue = queueState(it->second->state);
                if (e.inQueue == TaskState::Pending && it->second->reason != "None") e.queueReason = it->second->reason;
            }
        }
        e.locked = taskLockHolder(folder, task.id).has_value();
        e.localRunnerAlive = e.submission && e.submission->backend == SweepBackend::Local && e.submission->host == host &&
                             processAlive(std::atoi(e.submission->jobId.c_str()));
        e.queueUnread = slurm && !queue;

        TaskStatus st;
        st.task = task;
        st.log = folder.logPath(task.id);
        if (slurm) {
            st.slurmJob = e.submission->jobId;
            st.arrayIndex = task.id;
        }
        st.rounds = int(e.curve.rows.size());
        st.labels = lastLabels(e.curve.rows);
        for (const CurveRow& r : e.curve.rows) {
            if (r.labels == st.labels) st.lastAccuracy = r.accuracy;
        }
        judge(e, plan, st);
        out.push_back(std::move(st));
    }
    return out;
}

SweepMerge collectSweep(const SweepFolder& folder, const SweepPlan& plan) {
    SweepMerge merge;
    const std::vector<std::string> varied = variedSettings(plan);
    std::map<std::map<std::string, std::string>, size_t> groupOf;
    for (const SweepTask& task : plan.tasks) {
        std::map<std::string, std::string> key;
        for (const auto& name : varied) key[name] = settingValue(task, name);
        auto it = groupOf.find(key);
        if (it == groupOf.end()) {
            it = groupOf.emplace(key, merge.groups.size()).first;
            merge.groups.push_back({key, {}, {}});
        }
        const TaskCurve curve = readTaskCurve(folder, task);
        if (!curve.error.empty()) merge.unreadable.push_back({task.id, curve.error});
        if (!curve.error.empty() || lastLabels(curve.rows) < taskSettings(plan, task).loop.budget) merge.unfinished.push_back(task.id);
        SweepGroup& group = merge.groups[it->second];
        group.rows.insert(group.rows.end(), curve.rows.begin(), curve.rows.end());
    }
    const double stopKappa = summaryStopKappa(plan.base.loop.stopAtKappa);
    for (SweepGroup& group : merge.groups) {
        group.summary = summariseCurve(group.rows, plan.axes.strategies, plan.base.repeats, stopKappa);
    }
    return merge;
}

}  // namespace alx
