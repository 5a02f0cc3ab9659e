#include "alx/active_learning/sweep_plan.h"

#include <algorithm>
#include <filesystem>

#include "alx/util/errors.h"
#include "alx/util/timing.h"
#include "alx/vocabulary.h"

namespace alx {
namespace {

template <typename T>
std::vector<T> orBase(const std::vector<T>& values, const T& base) {
    std::vector<T> out;
    for (const T& v : values) {
        if (std::find(out.begin(), out.end(), v) == out.end()) out.push_back(v);
    }
    return out.empty() ? std::vector<T>{base} : out;
}

void requireAtLeast(const std::vector<int64_t>& values, int64_t least, const std::string& what, const std::string& field) {
    for (int64_t v : values) {
        if (v < least) throw InputError(what + " must be at least " + std::to_string(least) + " (got " + std::to_string(v) + ")", field);
    }
}

void checkAxes(const ActiveLearningSettings& base, const SweepAxes& axes) {
    if (axes.strategies.empty()) throw InputError("choose at least one strategy", "strategies");
    for (const std::string& dataset : axes.datasets) datasetSpec(dataset);
    for (const std::string& model : axes.models) {
        modelInfo(model);
        for (Strategy strategy : axes.strategies) requireModelFits(strategy, model);
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
}

}  // namespace

const std::vector<std::string>& sweepSettingNames() {
    static const std::vector<std::string> names{"dataset", "model",     "initial",   "acquire",
                                                "pool_subset", "max_steps", "cold_start", "semi_supervised"};
    return names;
}

SweepPlan planSweep(const ActiveLearningSettings& base, const SweepAxes& given) {
    SweepPlan plan;
    plan.base = base;
    if (!plan.base.data.dataDir.empty()) {
        plan.base.data.dataDir = std::filesystem::absolute(plan.base.data.dataDir).lexically_normal().string();
    }
    SweepAxes& axes = plan.axes;
    axes.strategies = distinctStrategies(given.strategies);
    axes.datasets = orBase(given.datasets, base.data.spec.name);
    axes.models = orBase(given.models, base.loop.model);
    axes.initials = orBase(given.initials, base.loop.initial);
    axes.acquires = orBase(given.acquires, base.loop.acquire);
    axes.poolSubsets = orBase(given.poolSubsets, base.loop.poolSubset);
    axes.maxSteps = orBase(given.maxSteps, base.loop.maxStepsPerRound);
    axes.coldStarts = orBase(given.coldStarts, base.loop.coldStart);
    axes.semiSupervised = orBase(given.semiSupervised, base.loop.semiSupervised);
    checkAxes(plan.base, axes);
    plan.base.strategies = axes.strategies;

    int id = 0;
    for (const auto& dataset : axes.datasets)
        for (const auto& model : axes.models)
            for (int64_t initial : axes.initials)
                for (int64_t acquire : axes.acquires)
                    for (int64_t poolSubset : axes.poolSubsets)
                        for (int64_t maxSteps : axes.maxSteps)
                            for (ColdStart coldStart : axes.coldStarts)
                                for (bool semiSupervised : axes.semiSupervised)
                                    for (Strategy strategy : axes.strategies)
                                        for (int repeat = 0; repeat < base.repeats; ++repeat) {
                                            plan.tasks.push_back({id++, strategy, repeat, dataset, model, initial,
                                                                  acquire, poolSubset, maxSteps, coldStart,
                                                                  semiSupervised});
                                        }
    plan.created = utcNowIso();
    return plan;
}

std::vector<std::string> variedSettings(const SweepPlan& plan) {
    const SweepAxes& a = plan.axes;
    const size_t counts[] = {a.datasets.size(),    a.models.size(),   a.initials.size(), a.acquires.size(),
                             a.poolSubsets.size(), a.maxSteps.size(), a.coldStarts.size(), a.semiSupervised.size()};
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
    if (name == "cold_start") return coldStartName(task.coldStart);
    if (name == "semi_supervised") return yesNoName(task.semiSupervised);
    if (name == "strategy") return strategyName(task.strategy);
    if (name == "repeat") return std::to_string(task.repeat);
    throw InputError("no sweep setting called '" + name + "'");
}

ActiveLearningSettings taskSettings(const SweepPlan& plan, const SweepTask& task) {
    ActiveLearningSettings s = plan.base;
    s.data.spec = datasetSpec(task.dataset);
    s.strategies = {task.strategy};
    s.loop.model = task.model;
    s.loop.initial = task.initial;
    s.loop.acquire = task.acquire;
    s.loop.poolSubset = task.poolSubset;
    s.loop.maxStepsPerRound = task.maxSteps;
    s.loop.coldStart = task.coldStart;
    s.loop.semiSupervised = task.semiSupervised;
    s.onlyRepeat = task.repeat;
    return s;
}

}  // namespace alx
