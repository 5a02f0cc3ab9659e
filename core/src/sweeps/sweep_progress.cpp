#include "alx/sweeps/sweep_progress.h"

#include <filesystem>
#include <map>

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
        if (settings.onlyRepeat != task.repeat || settings.dataset != task.dataset || settings.loop.model != task.model) {
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

std::string queueState(const std::string& slurmState) {
    if (slurmState == "PENDING" || slurmState == "REQUEUED" || slurmState == "REQUEUE_HOLD" ||
        slurmState == "REQUEUE_FED" || slurmState == "CONFIGURING" || slurmState == "RESV_DEL_HOLD") {
        return "pending";
    }
    if (slurmState == "RUNNING" || slurmState == "COMPLETING" || slurmState == "STAGE_OUT" || slurmState == "SIGNALING" ||
        slurmState == "RESIZING" || slurmState == "SUSPENDED" || slurmState == "STOPPED") {
        return "running";
    }
    return "";  // ended: the folder says how
}

}  // namespace

std::vector<TaskStatus> sweepStatus(const SweepFolder& folder, const SweepPlan& plan,
                                    const std::optional<std::vector<QueueEntry>>& queue) {
    const std::vector<Submission> submissions = folder.readSubmissions();
    // The latest submission of each task, and which local runners are still at work.
    std::map<int, const Submission*> latest;
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
        TaskStatus st;
        st.task = task;
        st.log = folder.logPath(task.id);
        const Submission* submission = latest.count(task.id) ? latest[task.id] : nullptr;
        if (submission && submission->backend == "slurm") {
            st.slurmJob = submission->jobId;
            st.arrayIndex = task.id;
        }
        const TaskCurve curve = readTaskCurve(folder, task);
        st.rounds = int(curve.rows.size());
        st.labels = lastLabels(curve.rows);
        for (const CurveRow& r : curve.rows) {
            if (r.labels == st.labels) st.lastAccuracy = r.accuracy;
        }
        std::optional<TaskRecord> record;
        std::string recordError;
        try {
            record = folder.readTaskRecord(task.id);
        } catch (const std::exception& e) {
            recordError = e.what();
        }

        std::string inQueue, queueReason;
        if (submission && submission->backend == "slurm" && queue) {
            const auto it = queued.find({submission->jobId, task.id});
            if (it != queued.end()) {
                inQueue = queueState(it->second->state);
                if (inQueue == "pending" && it->second->reason != "None") queueReason = it->second->reason;
            }
        }
        const bool locked = taskLockHolder(folder, task.id).has_value();
        const bool localRunnerAlive = submission && submission->backend == "local" && submission->host == host &&
                                      processAlive(std::atoi(submission->jobId.c_str()));

        if (!curve.error.empty()) {
            st.state = "failed";
            st.reason = curve.error;
        } else if (!recordError.empty()) {
            st.state = "failed";
            st.reason = recordError;
        } else if (st.labels >= taskLoop(plan, task).budget && (!record || record->state != "running" || !locked)) {
            st.state = "done";
        } else if (!inQueue.empty()) {
            st.state = inQueue;
            st.reason = queueReason;
            if (record && record->state == "preempted" && inQueue == "pending") st.reason = "requeued after: " + record->message + (queueReason.empty() ? "" : "; waiting: " + queueReason);
        } else if (locked) {
            st.state = "running";
        } else if (record && record->state == "failed") {
            st.state = "failed";
            st.reason = record->message;
        } else if (record && record->state == "preempted") {
            st.state = "preempted";
            st.reason = record->message;
        } else if (record && record->state == "running") {
            if (localRunnerAlive || (submission && submission->backend == "slurm" && !queue)) {
                // Between two checks, or no queue to ask: it may still be running elsewhere.
                st.state = "running";
            } else {
                st.state = "failed";
                st.reason = "ended without recording why (killed, out of memory, or its node failed); see the log";
            }
        } else if (record && record->state == "done") {
            st.state = "failed";
            st.reason = "task.json says done, but its curve ends at " + std::to_string(st.labels) + " labels";
        } else if (localRunnerAlive) {
            st.state = "pending";
        } else {
            st.state = "missing";
            st.reason = submission ? "submitted, but it never started (see the log)" : "never submitted";
            if (submission && submission->backend == "slurm" && !queue) st.state = "pending", st.reason.clear();
        }
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
        if (!curve.error.empty() || lastLabels(curve.rows) < taskLoop(plan, task).budget) merge.unfinished.push_back(task.id);
        SweepGroup& group = merge.groups[it->second];
        group.rows.insert(group.rows.end(), curve.rows.begin(), curve.rows.end());
    }
    for (SweepGroup& group : merge.groups) group.summary = summariseCurve(group.rows, plan.axes.strategies, plan.base.repeats);
    return merge;
}

}  // namespace alx
