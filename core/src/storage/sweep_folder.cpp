#include "alx/storage/sweep_folder.h"

#include <algorithm>
#include <chrono>
#include <ctime>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "alx/storage/atomic_file.h"
#include "alx/storage/summary_record.h"
#include "alx/util/errors.h"
#include "active_learning_json.h"
#include "file_helpers.h"

namespace fs = std::filesystem;

namespace alx {
namespace {

using namespace storage_detail;

std::string stringField(const nlohmann::json& j, const std::string& key, const std::string& path) {
    if (!j.contains(key) || !j.at(key).is_string()) refuse(path, "has no text " + key);
    return j.at(key).get<std::string>();
}

std::vector<std::string> stringList(const nlohmann::json& j, const std::string& key, const std::string& path) {
    if (!j.contains(key) || !j.at(key).is_array() || j.at(key).empty()) refuse(path, key + " is not a list of values");
    std::vector<std::string> out;
    for (const auto& v : j.at(key)) {
        if (!v.is_string()) refuse(path, key + " holds a value that is not text");
        out.push_back(v.get<std::string>());
    }
    return out;
}

std::vector<int64_t> numberList(const nlohmann::json& j, const std::string& key, const std::string& path, int64_t low) {
    if (!j.contains(key) || j.at(key).empty()) refuse(path, key + " is not a list of values");
    return integerList(j.at(key), key, path, low, kInt64Max);
}

nlohmann::json planJson(const SweepPlan& plan) {
    const SweepBase& b = plan.base;
    const SweepAxes& a = plan.axes;
    nlohmann::json j;
    j["format"] = kRunFormat;
    j["kind"] = "sweep";
    j["created"] = plan.created;
    j["shared"] = {{"data_dir", b.dataDir},
                   {"verify_checksums", b.verifyChecksums},
                   {"train_images", b.trainImages},
                   {"test_images", b.testImages},
                   {"budget", b.loop.budget},
                   {"mc_samples", b.loop.mcSamples},
                   {"epochs_per_round", b.loop.epochsPerRound},
                   {"batch_size", b.loop.batchSize},
                   {"repeats", b.repeats},
                   {"seed", b.seed},
                   {"device", b.device},
                   {"threads", b.threads}};
    j["values"] = {{"strategy", a.strategies}, {"dataset", a.datasets},     {"model", a.models},
                   {"initial", a.initials},    {"acquire", a.acquires},     {"pool_subset", a.poolSubsets},
                   {"max_steps", a.maxSteps}};
    j["varied"] = variedSettings(plan);
    nlohmann::json tasks = nlohmann::json::array();
    for (const SweepTask& t : plan.tasks) {
        tasks.push_back({{"id", t.id},
                         {"strategy", t.strategy},
                         {"repeat", t.repeat},
                         {"dataset", t.dataset},
                         {"model", t.model},
                         {"initial", t.initial},
                         {"acquire", t.acquire},
                         {"pool_subset", t.poolSubset},
                         {"max_steps", t.maxSteps}});
    }
    j["tasks"] = tasks;
    return j;
}

SweepPlan planFromJson(const nlohmann::json& j, const std::string& path) {
    SweepPlan plan;
    try {
        if (!j.is_object() || j.value("kind", std::string()) != "sweep") refuse(path, "not an ALX sweep (kind is not \"sweep\")");
        if (integerField(j, "format", path, 0, kInt32Max) != kRunFormat) refuse(path, "written in another format");
        plan.created = j.value("created", std::string());
        const auto& s = j.at("shared");
        SweepBase& b = plan.base;
        b.dataDir = stringField(s, "data_dir", path);
        b.verifyChecksums = s.at("verify_checksums").get<bool>();
        b.trainImages = integerField(s, "train_images", path, 0, kInt64Max);
        b.testImages = integerField(s, "test_images", path, 0, kInt64Max);
        b.loop.budget = integerField(s, "budget", path, 1, kInt64Max);
        b.loop.mcSamples = int(integerField(s, "mc_samples", path, 1, kInt32Max));
        b.loop.epochsPerRound = int(integerField(s, "epochs_per_round", path, 1, kInt32Max));
        b.loop.batchSize = integerField(s, "batch_size", path, 1, kInt64Max);
        b.repeats = int(integerField(s, "repeats", path, 1, kInt32Max));
        b.seed = unsignedField(s, "seed", path);
        b.device = stringField(s, "device", path);
        b.threads = int(integerField(s, "threads", path, 0, 4096));
        const auto& v = j.at("values");
        SweepAxes& a = plan.axes;
        a.strategies = stringList(v, "strategy", path);
        a.datasets = stringList(v, "dataset", path);
        a.models = stringList(v, "model", path);
        a.initials = numberList(v, "initial", path, 1);
        a.acquires = numberList(v, "acquire", path, 1);
        a.poolSubsets = numberList(v, "pool_subset", path, 0);
        a.maxSteps = numberList(v, "max_steps", path, 1);
        b.loop.model = a.models.front();
        b.loop.initial = a.initials.front();
        b.loop.acquire = a.acquires.front();
        b.loop.poolSubset = a.poolSubsets.front();
        b.loop.maxStepsPerRound = a.maxSteps.front();
        const auto& tasks = j.at("tasks");
        if (!tasks.is_array() || tasks.empty()) refuse(path, "holds no tasks");
        for (const auto& t : tasks) {
            SweepTask task;
            task.id = int(integerField(t, "id", path, 0, kInt32Max));
            if (task.id != int(plan.tasks.size())) refuse(path, "task ids are not 0, 1, 2, ... in order");
            task.strategy = stringField(t, "strategy", path);
            task.repeat = int(integerField(t, "repeat", path, 0, b.repeats - 1));
            task.dataset = stringField(t, "dataset", path);
            task.model = stringField(t, "model", path);
            task.initial = integerField(t, "initial", path, 1, b.loop.budget);
            task.acquire = integerField(t, "acquire", path, 1, kInt64Max);
            task.poolSubset = integerField(t, "pool_subset", path, 0, kInt64Max);
            task.maxSteps = integerField(t, "max_steps", path, 1, kInt64Max);
            plan.tasks.push_back(task);
        }
    } catch (const nlohmann::json::exception& e) {
        refuse(path, std::string("missing or wrong field: ") + e.what());
    }
    return plan;
}

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

nlohmann::json groupSettingsJson(const SweepPlan& plan, const SweepGroup& group) {
    // The `al` settings this group's tasks ran with.
    ActiveLearningSettings settings;
    const SweepTask* first = nullptr;
    for (const SweepTask& t : plan.tasks) {
        bool matches = true;
        for (const auto& [name, value] : group.settings) matches = matches && settingValue(t, name) == value;
        if (matches) {
            first = &t;
            break;
        }
    }
    if (!first) first = &plan.tasks.front();
    settings.dataset = first->dataset;
    settings.loop = taskLoop(plan, *first);
    settings.repeats = plan.base.repeats;
    settings.seed = plan.base.seed;
    settings.trainImages = plan.base.trainImages;
    settings.testImages = plan.base.testImages;
    return activeLearningSettingsJson(settings);
}

}  // namespace

std::string utcNowIso() {
    const std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
    std::tm utc{};
    gmtime_r(&now, &utc);
    char text[32];
    std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc);
    return text;
}

bool submittedToSlurm(const std::vector<Submission>& submissions) {
    return std::any_of(submissions.begin(), submissions.end(), [](const Submission& s) { return s.backend == "slurm"; });
}

SweepFolder::SweepFolder(std::string dir) : dir_(std::move(dir)) {}

std::string SweepFolder::planPath() const { return pathIn(dir_, "sweep.json"); }
std::string SweepFolder::submissionsPath() const { return pathIn(dir_, "submissions.json"); }
std::string SweepFolder::scriptPath() const { return pathIn(dir_, "sweep.sbatch"); }
std::string SweepFolder::logsDir() const { return pathIn(dir_, "logs"); }
std::string SweepFolder::logPath(int task) const { return pathIn(logsDir(), "task-" + std::to_string(task) + ".log"); }
std::string SweepFolder::taskDir(int task) const { return pathIn(pathIn(dir_, "tasks"), std::to_string(task)); }
std::string SweepFolder::taskRecordPath(int task) const { return pathIn(taskDir(task), "task.json"); }
std::string SweepFolder::lockPath(int task) const { return pathIn(taskDir(task), "lock"); }
std::string SweepFolder::curvePath() const { return pathIn(dir_, "curve.csv"); }
std::string SweepFolder::summaryPath() const { return pathIn(dir_, "summary.json"); }

bool SweepFolder::holdsSweep() const { return fs::exists(planPath()); }

SweepPlan SweepFolder::readPlan() const {
    if (!holdsSweep()) throw InputError(fileError(dir_, "is not a sweep folder (no sweep.json)"));
    return planFromJson(readJsonFile(planPath()), planPath());
}

void SweepFolder::createPlan(const SweepPlan& plan) const {
    ensureWritableDirectory(dir_);
    if (holdsSweep()) throw InputError(fileError(planPath(), "this folder already holds a sweep"), "out_dir");
    for (const char* other : {"settings.json", "curve.csv", "summary.json", "model.pt"}) {
        if (fs::exists(pathIn(dir_, other))) {
            throw InputError(fileError(dir_, std::string("already holds a run (") + other + "); give a new folder"), "out_dir");
        }
    }
    fs::create_directories(logsDir());
    fs::create_directories(pathIn(dir_, "tasks"));
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
            s.backend = stringField(item, "backend", path);
            if (s.backend != "slurm" && s.backend != "local") refuse(path, "unknown backend '" + s.backend + "'");
            s.jobId = stringField(item, "job_id", path);
            s.host = item.value("host", std::string());
            for (int64_t id : integerList(item.at("tasks"), "tasks", path, 0, kInt32Max)) s.taskIds.push_back(int(id));
            s.submitted = item.value("submitted", std::string());
            if (s.backend == "slurm") s.slurm = slurmFromJson(item.at("slurm"), path);
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
    nlohmann::json item = {{"backend", s.backend}, {"job_id", s.jobId},         {"host", s.host},
                           {"tasks", s.taskIds},   {"submitted", s.submitted}};
    if (s.backend == "slurm") item["slurm"] = slurmJson(s.slurm);
    if (s.backend == "local") item["jobs"] = s.localJobs;
    j.push_back(item);
    writeFileAtomically(submissionsPath(), j.dump(1) + "\n");
}

std::optional<TaskRecord> SweepFolder::readTaskRecord(int task) const {
    const std::string path = taskRecordPath(task);
    if (!fs::exists(path)) return std::nullopt;
    const nlohmann::json j = readJsonFile(path);
    TaskRecord r;
    try {
        r.state = stringField(j, "state", path);
        if (r.state != "running" && r.state != "done" && r.state != "failed" && r.state != "preempted") {
            refuse(path, "unknown state '" + r.state + "'");
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
    const nlohmann::json j = {{"state", r.state},       {"message", r.message}, {"host", r.host},     {"pid", r.pid},
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
        for (const StrategySummary& s : g.summary) entry["strategies"][s.strategy] = strategySummaryJson(s);
        j["groups"].push_back(entry);
    }
    if (groups.size() == 1) {  // as `alx-cli al` writes it
        j["settings"] = j["groups"][0]["settings"];
        j["strategies"] = j["groups"][0]["strategies"];
    }
    writeFileAtomically(summaryPath(), j.dump(2) + "\n");
}

}  // namespace alx
