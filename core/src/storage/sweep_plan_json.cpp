#include "sweep_plan_json.h"

#include <nlohmann/json.hpp>

#include "alx/util/errors.h"
#include "file_helpers.h"
#include "settings_json.h"

namespace alx::storage_detail {
namespace {

std::vector<std::string> stringList(const nlohmann::json& j, const std::string& key, const std::string& path) {
    if (!j.contains(key) || !j.at(key).is_array() || j.at(key).empty()) refuse(path, key + " is not a list of values");
    std::vector<std::string> out;
    for (const auto& v : j.at(key)) {
        if (!v.is_string()) refuse(path, key + " holds a value that is not text");
        out.push_back(v.get<std::string>());
    }
    return out;
}

bool booleanField(const nlohmann::json& j, const std::string& key, const std::string& path) {
    if (!j.contains(key) || !j.at(key).is_boolean()) refuse(path, key + " is not true or false");
    return j.at(key).get<bool>();
}

std::vector<bool> booleanList(const nlohmann::json& j, const std::string& key, const std::string& path) {
    if (!j.at(key).is_array() || j.at(key).empty()) refuse(path, key + " is not a list of values");
    std::vector<bool> out;
    for (const auto& v : j.at(key)) {
        if (!v.is_boolean()) refuse(path, key + " holds a value that is not true or false");
        out.push_back(v.get<bool>());
    }
    return out;
}

std::vector<int64_t> numberList(const nlohmann::json& j, const std::string& key, const std::string& path, int64_t low) {
    if (!j.contains(key) || j.at(key).empty()) refuse(path, key + " is not a list of values");
    return integerList(j.at(key), key, path, low, kInt64Max);
}

// The settings each task takes from its values, not from the shared ones.
const char* const kTaskOwnSettings[] = {"model",       "dataset",             "initial",   "acquire",
                                        "pool_subset", "max_steps_per_round", "cold_start", "semi_supervised"};

// "shared": what every task runs with (the settings' own mapping, less each
// task's own values), and where: the data folder, the checks, device, threads.
nlohmann::json sharedJson(const ActiveLearningSettings& b) {
    nlohmann::json j = settingsJson(b);
    for (const char* key : kTaskOwnSettings) j.erase(key);
    j["data_dir"] = b.data.dataDir;
    j["verify_checksums"] = b.data.verifyChecksums;
    j["train_images"] = b.data.trainImages;
    j["test_images"] = b.data.testImages;
    j["device"] = b.device;
    j["threads"] = b.threads;
    return j;
}

nlohmann::json taskJson(const SweepTask& t) {
    return {{"id", t.id},           {"strategy", strategyName(t.strategy)}, {"repeat", t.repeat},
            {"dataset", t.dataset}, {"model", t.model},                     {"initial", t.initial},
            {"acquire", t.acquire}, {"pool_subset", t.poolSubset},          {"max_steps", t.maxSteps},
            {"cold_start", coldStartName(t.coldStart)}, {"semi_supervised", t.semiSupervised}};
}

// A name in the plan parsed by `parse` (parseStrategy, parseColdStart); an
// unknown one refuses the plan, naming its file.
template <class Parse>
auto parsedIn(Parse parse, const std::string& name, const std::string& path) -> decltype(parse(name)) {
    try {
        return parse(name);
    } catch (const InputError& e) {
        refuse(path, e.what());
    }
}

Strategy strategyIn(const std::string& name, const std::string& path) { return parsedIn(parseStrategy, name, path); }
ColdStart coldStartIn(const std::string& name, const std::string& path) { return parsedIn(parseColdStart, name, path); }

SweepAxes axesFromJson(const nlohmann::json& v, const std::string& path) {
    SweepAxes a;
    for (const std::string& name : stringList(v, "strategy", path)) a.strategies.push_back(strategyIn(name, path));
    a.datasets = stringList(v, "dataset", path);
    a.models = stringList(v, "model", path);
    a.initials = numberList(v, "initial", path, 1);
    a.acquires = numberList(v, "acquire", path, 1);
    a.poolSubsets = numberList(v, "pool_subset", path, 0);
    a.maxSteps = numberList(v, "max_steps", path, 1);
    // Plans written before the cold start was a task's own: the shared one (below).
    if (v.contains("cold_start")) {
        for (const std::string& name : stringList(v, "cold_start", path)) a.coldStarts.push_back(coldStartIn(name, path));
    }
    // And before semi-supervised learning was.
    if (v.contains("semi_supervised")) a.semiSupervised = booleanList(v, "semi_supervised", path);
    return a;
}

// The shared settings, read by the settings' own mapping with the first of
// each task's own values standing in for them.
ActiveLearningSettings baseFromJson(const nlohmann::json& shared, const SweepAxes& a, const std::string& path) {
    nlohmann::json j = shared;
    j["model"] = a.models.front();
    j["dataset"] = a.datasets.front();
    j["initial"] = a.initials.front();
    j["acquire"] = a.acquires.front();
    j["pool_subset"] = a.poolSubsets.front();
    j["max_steps_per_round"] = a.maxSteps.front();
    if (!a.coldStarts.empty()) j["cold_start"] = coldStartName(a.coldStarts.front());
    if (!a.semiSupervised.empty()) j["semi_supervised"] = bool(a.semiSupervised.front());
    ActiveLearningSettings b = settingsFromJson(j, path);
    b.strategies = a.strategies;
    b.data.dataDir = stringField(shared, "data_dir", path);
    b.data.verifyChecksums = shared.at("verify_checksums").get<bool>();
    b.device = stringField(shared, "device", path);
    b.threads = int(integerField(shared, "threads", path, 0, 4096));
    return b;
}

SweepTask taskFromJson(const nlohmann::json& t, const SweepPlan& plan, const std::string& path) {
    SweepTask task;
    task.id = int(integerField(t, "id", path, 0, kInt32Max));
    if (task.id != int(plan.tasks.size())) refuse(path, "task ids are not 0, 1, 2, ... in order");
    task.strategy = strategyIn(stringField(t, "strategy", path), path);
    task.repeat = int(integerField(t, "repeat", path, 0, plan.base.repeats - 1));
    task.dataset = stringField(t, "dataset", path);
    task.model = stringField(t, "model", path);
    task.initial = integerField(t, "initial", path, 1, plan.base.loop.budget);
    task.acquire = integerField(t, "acquire", path, 1, kInt64Max);
    task.poolSubset = integerField(t, "pool_subset", path, 0, kInt64Max);
    task.maxSteps = integerField(t, "max_steps", path, 1, kInt64Max);
    task.coldStart = coldStartIn(t.value("cold_start", coldStartName(plan.base.loop.coldStart)), path);
    task.semiSupervised = plan.base.loop.semiSupervised;
    if (t.contains("semi_supervised")) task.semiSupervised = booleanField(t, "semi_supervised", path);
    return task;
}

}  // namespace

std::string stringField(const nlohmann::json& j, const std::string& key, const std::string& path) {
    if (!j.contains(key) || !j.at(key).is_string()) refuse(path, "has no text " + key);
    return j.at(key).get<std::string>();
}

nlohmann::json planJson(const SweepPlan& plan) {
    const SweepAxes& a = plan.axes;
    std::vector<std::string> strategies;
    for (Strategy s : a.strategies) strategies.push_back(strategyName(s));
    nlohmann::json j;
    j["format"] = kRunFormat;
    j["kind"] = "sweep";
    j["created"] = plan.created;
    j["shared"] = sharedJson(plan.base);
    j["values"] = {{"strategy", strategies},  {"dataset", a.datasets},   {"model", a.models},
                   {"initial", a.initials},    {"acquire", a.acquires},   {"pool_subset", a.poolSubsets},
                   {"max_steps", a.maxSteps}};
    std::vector<std::string> coldStarts;
    for (ColdStart c : a.coldStarts) coldStarts.push_back(coldStartName(c));
    j["values"]["cold_start"] = coldStarts;
    j["values"]["semi_supervised"] = a.semiSupervised;
    j["varied"] = variedSettings(plan);
    nlohmann::json tasks = nlohmann::json::array();
    for (const SweepTask& t : plan.tasks) tasks.push_back(taskJson(t));
    j["tasks"] = tasks;
    return j;
}

SweepPlan planFromJson(const nlohmann::json& j, const std::string& path) {
    SweepPlan plan;
    try {
        if (!j.is_object() || j.value("kind", std::string()) != "sweep") refuse(path, "not an ALX sweep (kind is not \"sweep\")");
        if (integerField(j, "format", path, 0, kInt32Max) != kRunFormat) refuse(path, "written in another format");
        plan.created = j.value("created", std::string());
        plan.axes = axesFromJson(j.at("values"), path);
        plan.base = baseFromJson(j.at("shared"), plan.axes, path);
        if (plan.axes.coldStarts.empty()) plan.axes.coldStarts = {plan.base.loop.coldStart};
        if (plan.axes.semiSupervised.empty()) plan.axes.semiSupervised = {plan.base.loop.semiSupervised};
        const auto& tasks = j.at("tasks");
        if (!tasks.is_array() || tasks.empty()) refuse(path, "holds no tasks");
        for (const auto& t : tasks) plan.tasks.push_back(taskFromJson(t, plan, path));
    } catch (const nlohmann::json::exception& e) {
        refuse(path, std::string("missing or wrong field: ") + e.what());
    }
    return plan;
}

}  // namespace alx::storage_detail
