#pragma once
// The files of a sweep folder, read and written here only:
//   sweep.json          the plan: shared settings, the values of each setting, every task
//   submissions.json    each submission: backend, Slurm job id, the task ids, its options
//   sweep.sbatch        the array job submitted to Slurm
//   logs/task-ID.log    each task's output (appended to by every run of it)
//   logs/local-runner.log   the local runner's own output, when the app started it
//   tasks/ID/           each task's own active-learning run folder (the `al` layout),
//                       plus task.json (how its last run ended) and lock (sweep_locks.h)
//   curve.csv, summary.json   the merge (alx-cli sweep merge), under merge.lock
// Every file is written atomically; readers refuse a damaged file, naming it.
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "alx/active_learning/sweep_plan.h"
#include "alx/storage/active_learning_run.h"

namespace alx {

// Where a task stands. A task records Running, Done, Failed or Preempted in
// its task.json; a sweep's status adds Pending (queued) and Missing (never
// started), judged from the queue and the folder, and a view that cannot
// read the status says Unknown.
enum class TaskState { Pending, Running, Done, Failed, Preempted, Missing, Unknown };
inline constexpr TaskState kAllTaskStates[] = {TaskState::Done,   TaskState::Running, TaskState::Pending, TaskState::Preempted,
                                               TaskState::Failed, TaskState::Missing, TaskState::Unknown};
// "pending", "running", "done", "failed", "preempted", "missing", "unknown"
std::string taskStateName(TaskState state);
TaskState parseTaskState(const std::string& name);  // InputError for another word

// Where a sweep's tasks run.
enum class SweepBackend { Slurm, Local };
std::string backendName(SweepBackend backend);  // "slurm", "local"
SweepBackend parseBackend(const std::string& name);  // InputError (field "backend") for another word

// How a task's last run ended (or that it is under way), as the task itself wrote it.
struct TaskRecord {
    TaskState state = TaskState::Running;
    std::string message;  // why it failed or stopped
    std::string host;
    int pid = 0;
    std::string slurmJob;  // "<array job>_<index>" when Slurm ran it
    std::string started, updated;  // ISO 8601, UTC
};

struct SlurmSubmitOptions {
    std::string partition, time, mem, gpus, account, qos;
    int cpusPerTask = 0;   // 0: the sweep's --threads, or 1
    int maxParallel = 0;   // 0: no limit
    bool requeue = false;  // a preempted task requeues itself
    std::vector<std::string> sbatchArgs;  // passed to sbatch as they are
};

struct Submission {
    SweepBackend backend = SweepBackend::Local;
    std::string jobId;    // Slurm's array job id; for local, the runner's process id
    std::string host;     // where a local runner runs
    std::vector<int> taskIds;
    std::string submitted;  // ISO 8601, UTC
    SlurmSubmitOptions slurm;
    int localJobs = 0;
};

// Whether any submission went to Slurm (then its queue is worth asking).
bool submittedToSlurm(const std::vector<Submission>& submissions);

// One group of a merge: the tasks sharing a value of every varied setting.
struct SweepGroup {
    std::map<std::string, std::string> settings;  // varied setting -> value (empty when nothing but strategy varies)
    std::vector<CurveRow> rows;                   // in task order: strategy, then repeat, then labels
    std::vector<StrategySummary> summary;
};

class SweepFolder {
public:
    explicit SweepFolder(std::string dir);
    const std::string& dir() const { return dir_; }
    std::string planPath() const;
    std::string submissionsPath() const;
    std::string scriptPath() const;
    std::string logsDir() const;
    std::string logPath(int task) const;
    std::string slurmLogPattern() const;     // logs/task-%a.log: Slurm puts in the array index
    std::string localRunnerLogPath() const;
    std::string taskDir(int task) const;
    std::string taskRecordPath(int task) const;
    std::string lockPath(int task) const;
    std::string mergeLockPath() const;
    std::string curvePath() const;
    std::string summaryPath() const;

    bool holdsSweep() const;  // sweep.json exists
    SweepPlan readPlan() const;
    // Refuses (InputError) a folder that already holds a sweep or any other run.
    void createPlan(const SweepPlan& plan) const;

    std::vector<Submission> readSubmissions() const;  // empty when never submitted
    void addSubmission(const Submission& submission) const;

    std::optional<TaskRecord> readTaskRecord(int task) const;
    void writeTaskRecord(int task, const TaskRecord& record) const;

    // The merge: curve.csv (the `al` format, with a leading column per
    // varied setting when any varies) and summary.json.
    void writeMerge(const SweepPlan& plan, const std::vector<SweepGroup>& groups, const std::vector<int>& unfinished) const;

private:
    std::string dir_;
};

}  // namespace alx
