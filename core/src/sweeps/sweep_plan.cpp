#include "alx/sweeps/sweep_plan.h"

#include <algorithm>
#include <filesystem>

#include "alx/active_learning/loop.h"
#include "alx/active_learning/strategy.h"
#include "alx/data/dataset_catalog.h"
#include "alx/storage/sweep_folder.h"
#include "alx/vocabulary.h"
#include "alx/util/errors.h"

namespace alx {
namespace {

template <typename T>
std::vector<T> distinct(const std::vector<T>& values) {
    std::vector<T> out;
    for (const T& v : values) {
        if (std::find(out.begin(), out.end(), v) == out.end()) out.push_back(v);
    }
    return out;
}

template <typename T>
std::vector<T> orDefault(const std::vector<T>& values, const T& fallback) {
    return values.empty() ? std::vector<T>{fallback} : distinct(values);
}

void requireAtLeast(const std::vector<int64_t>& values, int64_t least, const std::string& what, const std::string& field) {
    for (int64_t v : values) {
        if (v < least) throw InputError(what + " must be at least " + std::to_string(least) + " (got " + std::to_string(v) + ")", field);
    }
}

}  // namespace

const std::vector<std::string>& sweepSettingNames() {
    static const std::vector<std::string> names{"dataset", "model", "initial", "acquire", "pool_subset", "max_steps"};
    return names;
}

SweepPlan planSweep(const SweepBase& base, const SweepAxes& given) {
    SweepPlan plan;
    plan.base = base;
    if (!plan.base.dataDir.empty()) plan.base.dataDir = std::filesystem::absolute(plan.base.dataDir).lexically_normal().string();
    SweepAxes& axes = plan.axes;
    for (const std::string& name : given.strategies) {
        const std::string canonical = strategyName(parseStrategy(name));
        if (std::find(axes.strategies.begin(), axes.strategies.end(), canonical) == axes.strategies.end()) {
            axes.strategies.push_back(canonical);
        }
    }
    if (axes.strategies.empty()) throw InputError("choose at least one strategy", "strategies");
    axes.datasets = orDefault(given.datasets, std::string("mnist"));
    axes.models = orDefault(given.models, base.loop.model);
    axes.initials = orDefault(given.initials, base.loop.initial);
    axes.acquires = orDefault(given.acquires, base.loop.acquire);
    axes.poolSubsets = orDefault(given.poolSubsets, base.loop.poolSubset);
    axes.maxSteps = orDefault(given.maxSteps, base.loop.maxStepsPerRound);
    for (const std::string& dataset : axes.datasets) datasetSpec(dataset);
    for (const std::string& model : axes.models) {
        modelInfo(model);
        for (const std::string& strategy : axes.strategies) requireModelFits(parseStrategy(strategy), model);
    }
    requireAtLeast(axes.initials, 1, "the initial set", "initial");
    requireAtLeast(axes.acquires, 1, "the images acquired per round", "acquire");
    requireAtLeast(axes.poolSubsets, 0, "the pool subset", "pool_subset");
    requireAtLeast(axes.maxSteps, 1, "the training steps per round", "max_steps");
    for (int64_t initial : axes.initials) {
        if (base.loop.budget < initial) throw InputError("the budget must be at least the initial set", "budget");
    }
    if (base.repeats < 1) throw InputError("the number of repeats must be at least 1", "repeats");
    if (base.threads < 0) throw InputError("the number of threads cannot be negative", "threads");

    int id = 0;
    for (const auto& dataset : axes.datasets)
        for (const auto& model : axes.models)
            for (int64_t initial : axes.initials)
                for (int64_t acquire : axes.acquires)
                    for (int64_t poolSubset : axes.poolSubsets)
                        for (int64_t maxSteps : axes.maxSteps)
                            for (const auto& strategy : axes.strategies)
                                for (int repeat = 0; repeat < base.repeats; ++repeat) {
                                    plan.tasks.push_back(
                                        {id++, strategy, repeat, dataset, model, initial, acquire, poolSubset, maxSteps});
                                }
    plan.created = utcNowIso();
    return plan;
}

std::vector<std::string> variedSettings(const SweepPlan& plan) {
    const SweepAxes& a = plan.axes;
    const size_t counts[] = {a.datasets.size(), a.models.size(), a.initials.size(),
                             a.acquires.size(), a.poolSubsets.size(), a.maxSteps.size()};
    std::vector<std::string> out;
    for (size_t i = 0; i < sweepSettingNames().size(); ++i) {
        if (counts[i] > 1) out.push_back(sweepSettingNames()[i]);
    }
    return out;
}

std::string settingValue(const SweepTask& task, const std::string& name) {
    if (name == "dataset") return task.dataset;
    if (name == "model") return task.model;
    if (name == "initial") return std::to_string(task.initial);
    if (name == "acquire") return std::to_string(task.acquire);
    if (name == "pool_subset") return std::to_string(task.poolSubset);
    if (name == "max_steps") return std::to_string(task.maxSteps);
    if (name == "strategy") return task.strategy;
    if (name == "repeat") return std::to_string(task.repeat);
    throw InputError("no sweep setting called '" + name + "'");
}

ActiveLearningConfig taskLoop(const SweepPlan& plan, const SweepTask& task) {
    ActiveLearningConfig loop = plan.base.loop;
    loop.model = task.model;
    loop.initial = task.initial;
    loop.acquire = task.acquire;
    loop.poolSubset = task.poolSubset;
    loop.maxStepsPerRound = task.maxSteps;
    return loop;
}

std::string arrayRanges(std::vector<int> ids) {
    std::sort(ids.begin(), ids.end());
    ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
    std::string out;
    for (size_t i = 0; i < ids.size();) {
        size_t j = i;
        while (j + 1 < ids.size() && ids[j + 1] == ids[j] + 1) ++j;
        if (!out.empty()) out += ",";
        out += std::to_string(ids[i]);
        if (j > i) out += "-" + std::to_string(ids[j]);
        i = j + 1;
    }
    return out;
}

}  // namespace alx
