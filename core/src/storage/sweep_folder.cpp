#include "alx/storage/sweep_folder.h"

#include <algorithm>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "alx/storage/run_summary.h"
#include "alx/util/errors.h"
#include "alx/util/files.h"
#include "file_helpers.h"
#include "file_names.h"
#include "settings_json.h"
#include "sweep_plan_json.h"

namespace fs = std::filesystem;

namespace alx {
namespace {

using namespace storage_detail;


nlohmann::json slurmJson(const SlurmSubmitOptions& o) {
    return {{"partition", o.partition}, {"time", o.time},         {"mem", o.mem},
            {"gpus", o.gpus},           {"account", o.account},   {"qos", o.qos},
            {"cpus_per_task", o.cpusPerTask}, {"max_parallel", o.maxParallel}, {"requeue", o.requeue},
            {"sbatch_args", o.sbatchArgs}};
}

SlurmSubmitOptions slurmFromJson(const nlohmann::json& j, const std::string& path) {
    SlurmSubmitOptions o;
    o.partition = stringField(j, "partition", path);
    o.time = stringField(j, "time", path);
    o.mem = stringField(j, "mem", path);
    o.gpus = stringField(j, "gpus", path);
    o.account = stringField(j, "account", path);
    o.qos = stringField(j, "qos", path);
    o.cpusPerTask = int(integerField(j, "cpus_per_task", path, 0, 4096));
    o.maxParallel = int(integerField(j, "max_parallel", path, 0, kInt32Max));
    o.requeue = j.at("requeue").get<bool>();
    o.sbatchArgs = j.at("sbatch_args").get<std::vector<std::string>>();
    return o;
}

// The `al` settings this group's tasks ran with: those of its first task, all repeats.
nlohmann::json groupSettingsJson(const SweepPlan& plan, const SweepGroup& group) {
    const SweepTask* first = &plan.tasks.front();
    for (const SweepTask& t : plan.tasks) {
        bool matches = true;
        for (const auto& [name, value] : group.settings) matches = matches && settingValue(t, name) == value;
        if (matches) {
            first = &t;
            break;
        }
    }
    ActiveLearningSettings settings = taskSettings(plan, *first);
    settings.onlyRepeat = -1;
    return settingsJson(settings);
}

}  // namespace

std::string taskStateName(TaskState state) {
    switch (state) {
        case TaskState::Pending: return "pending";
        case TaskState::Running: return "running";
        case TaskState::Done: return "done";
        case TaskState::Failed: return "failed";
        case TaskState::Preempted: return "preempted";
        case TaskState::Missing: return "missing";
        case TaskState::Unknown: return "unknown";
    }
    return "unknown";
}

TaskState parseTaskState(const std::string& name) {
    for (TaskState state : kAllTaskStates) {
        if (taskStateName(state) == name) return state;
    }
    throw InputError("unknown task state '" + name + "'");
}

std::string backendName(SweepBackend backend) { return backend == SweepBackend::Slurm ? "slurm" : "local"; }

SweepBackend parseBackend(const std::string& name) {
    if (name == "slurm") return SweepBackend::Slurm;
    if (name == "local") return SweepBackend::Local;
    throw InputError("unknown backend '" + name + "' (known: slurm, local)", "backend");
}

bool submittedToSlurm(const std::vector<Submission>& submissions) {
    return std::any_of(submissions.begin(), submissions.end(), [](const Submission& s) { return s.backend == SweepBackend::Slurm; });
}

SweepFolder::SweepFolder(std::string dir) : dir_(std::move(dir)) {}

std::string SweepFolder::planPath() const { return pathIn(dir_, names::kPlan); }
std::string SweepFolder::submissionsPath() const { return pathIn(dir_, names::kSubmissions); }
std::string SweepFolder::scriptPath() const { return pathIn(dir_, names::kScript); }
std::string SweepFolder::logsDir() const { return pathIn(dir_, names::kLogs); }
std::string SweepFolder::logPath(int task) const { return pathIn(logsDir(), "task-" + std::to_string(task) + ".log"); }
std::string SweepFolder::slurmLogPattern() const { return pathIn(logsDir(), "task-%a.log"); }
std::string SweepFolder::localRunnerLogPath() const { return pathIn(logsDir(), names::kLocalRunnerLog); }
std::string SweepFolder::taskDir(int task) const { return pathIn(pathIn(dir_, names::kTasks), std::to_string(task)); }
std::string SweepFolder::taskRecordPath(int task) const { return pathIn(taskDir(task), names::kTaskRecord); }
std::string SweepFolder::lockPath(int task) const { return pathIn(taskDir(task), names::kTaskLock); }
std::string SweepFolder::mergeLockPath() const { return pathIn(dir_, names::kMergeLock); }
std::string SweepFolder::curvePath() const { return pathIn(dir_, names::kCurve); }
std::string SweepFolder::summaryPath() const { return pathIn(dir_, names::kSummary); }

bool SweepFolder::holdsSweep() const { return fs::exists(planPath()); }

SweepPlan SweepFolder::readPlan() const {
    if (!holdsSweep()) throw InputError(fileError(dir_, "is not a sweep folder (no sweep.json)"));
    return planFromJson(readJsonFile(planPath()), planPath());
}

void SweepFolder::createPlan(const SweepPlan& plan) const {
    ensureWritableDirectory(dir_);
    if (holdsSweep()) throw InputError(fileError(planPath(), "this folder already holds a sweep"), "out_dir");
    for (const char* other : {names::kSettings, names::kCurve, names::kSummary, names::kWeights}) {
        if (fs::exists(pathIn(dir_, other))) {
            throw InputError(fileError(dir_, std::string("already holds a run (") + other + "); give a new folder"), "out_dir");
        }
    }
    fs::create_directories(logsDir());
    fs::create_directories(pathIn(dir_, names::kTasks));
    writeFileAtomically(planPath(), planJson(plan).dump(1) + "\n");
}

std::vector<Submission> SweepFolder::readSubmissions() const {
    std::vector<Submission> out;
    const std::string path = submissionsPath();
    if (!fs::exists(path)) return out;
    const nlohmann::json j = readJsonFile(path);
    try {
        if (!j.is_array()) refuse(path, "not a list of submissions");
        for (const auto& item : j) {
            Submission s;
            const std::string backend = stringField(item, "backend", path);
            if (backend != "slurm" && backend != "local") refuse(path, "unknown backend '" + backend + "'");
            s.backend = parseBackend(backend);
            s.jobId = stringField(item, "job_id", path);
            s.host = item.value("host", std::string());
            for (int64_t id : integerList(item.at("tasks"), "tasks", path, 0, kInt32Max)) s.taskIds.push_back(int(id));
            s.submitted = item.value("submitted", std::string());
            if (s.backend == SweepBackend::Slurm) s.slurm = slurmFromJson(item.at("slurm"), path);
            s.localJobs = int(optionalIntegerField(item, "jobs", path, 0, 0, kInt32Max));
            out.push_back(s);
        }
    } catch (const nlohmann::json::exception& e) {
        refuse(path, std::string("missing or wrong field: ") + e.what());
    }
    return out;
}

void SweepFolder::addSubmission(const Submission& s) const {
    nlohmann::json j = fs::exists(submissionsPath()) ? readJsonFile(submissionsPath()) : nlohmann::json::array();
    readSubmissions();  // a damaged file is refused here, not appended to
    nlohmann::json item = {{"backend", backendName(s.backend)}, {"job_id", s.jobId}, {"host", s.host},
                           {"tasks", s.taskIds}, {"submitted", s.submitted}};
    if (s.backend == SweepBackend::Slurm) item["slurm"] = slurmJson(s.slurm);
    if (s.backend == SweepBackend::Local) item["jobs"] = s.localJobs;
    j.push_back(item);
    writeFileAtomically(submissionsPath(), j.dump(1) + "\n");
}

std::optional<TaskRecord> SweepFolder::readTaskRecord(int task) const {
    const std::string path = taskRecordPath(task);
    if (!fs::exists(path)) return std::nullopt;
    const nlohmann::json j = readJsonFile(path);
    TaskRecord r;
    try {
        const std::string state = stringField(j, "state", path);
        try {
            r.state = parseTaskState(state);
        } catch (const InputError&) {
            refuse(path, "unknown state '" + state + "'");
        }
        // What a task records of itself: never what only a status judges.
        if (r.state == TaskState::Pending || r.state == TaskState::Missing || r.state == TaskState::Unknown) {
            refuse(path, "unknown state '" + state + "'");
        }
        r.message = j.value("message", std::string());
        r.host = j.value("host", std::string());
        r.pid = int(optionalIntegerField(j, "pid", path, 0, 0, kInt32Max));
        r.slurmJob = j.value("slurm_job", std::string());
        r.started = j.value("started", std::string());
        r.updated = j.value("updated", std::string());
    } catch (const nlohmann::json::exception& e) {
        refuse(path, std::string("missing or wrong field: ") + e.what());
    }
    return r;
}

void SweepFolder::writeTaskRecord(int task, const TaskRecord& r) const {
    const nlohmann::json j = {{"state", taskStateName(r.state)},       {"message", r.message}, {"host", r.host},     {"pid", r.pid},
                              {"slurm_job", r.slurmJob}, {"started", r.started}, {"updated", r.updated}};
    writeFileAtomically(taskRecordPath(task), j.dump(1) + "\n");
}

void SweepFolder::writeMerge(const SweepPlan& plan, const std::vector<SweepGroup>& groups,
                             const std::vector<int>& unfinished) const {
    const std::vector<std::string> varied = variedSettings(plan);
    // Without a varied setting this is byte for byte the curve `alx-cli al` writes.
    std::string header, text;
    for (const auto& name : varied) header += name + ",";
    text = header + curveHeader() + "\n";
    for (const SweepGroup& g : groups) {
        std::string prefix;
        for (const auto& name : varied) prefix += g.settings.at(name) + ",";
        for (const CurveRow& row : g.rows) text += prefix + curveLine(row) + "\n";
    }
    writeFileAtomically(curvePath(), text);

    nlohmann::json j;
    j["format"] = kRunFormat;
    j["kind"] = "sweep";
    j["tasks"] = plan.tasks.size();
    j["unfinished_tasks"] = unfinished;
    j["varied"] = varied;
    j["groups"] = nlohmann::json::array();
    for (const SweepGroup& g : groups) {
        nlohmann::json entry;
        entry["varied"] = g.settings;
        entry["settings"] = groupSettingsJson(plan, g);
        for (const StrategySummary& s : g.summary) entry["strategies"][strategyName(s.strategy)] = strategySummaryJson(s);
        j["groups"].push_back(entry);
    }
    if (groups.size() == 1) {  // as `alx-cli al` writes it
        j["settings"] = j["groups"][0]["settings"];
        j["strategies"] = j["groups"][0]["strategies"];
    }
    writeFileAtomically(summaryPath(), j.dump(2) + "\n");
}

}  // namespace alx
