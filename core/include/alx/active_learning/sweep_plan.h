#pragma once
// A sweep's plan: the tasks of an active-learning comparison too big for one
// run, one task per strategy x repeat x combination of the varied settings.
// Task (strategy s, repeat r) computes exactly what repeat r of `alx-cli al
// --strategy s` with the same settings computes, so that a sweep's merged
// curves equal one run's, wherever and in whatever order its tasks ran.
// Running, watching and merging a sweep: alx/sweeps/; its folder:
// alx/storage/sweep_folder.h. No LibTorch here: the app's sweep view includes it.
#include <cstdint>
#include <string>
#include <vector>

#include "alx/active_learning/settings.h"

namespace alx {

// The values each setting takes; a setting with one value is not varied.
struct SweepAxes {
    std::vector<Strategy> strategies;
    std::vector<std::string> datasets, models;  // registry names
    std::vector<int64_t> initials, acquires, poolSubsets, maxSteps;
    std::vector<ColdStart> coldStarts;
    std::vector<bool> semiSupervised;
};

struct SweepTask {
    int id = 0;
    Strategy strategy = Strategy::Random;
    int repeat = 0;
    std::string dataset, model;
    int64_t initial = 0, acquire = 0, poolSubset = 0, maxSteps = 0;
    ColdStart coldStart = ColdStart::Balanced;
    bool semiSupervised = false;
};

struct SweepPlan {
    // What every task shares: the data (its folder absolute, so that a task
    // finds it from any node), the loop, repeats, seed, device and threads
    // (0: the scheduler's CPUs for the task, else the local share). Its
    // strategies, dataset, model, initial, acquire, pool subset, max steps,
    // cold start and semi-supervised are each task's own.
    ActiveLearningSettings base;
    SweepAxes axes;
    std::vector<SweepTask> tasks;  // by id: combinations outermost, then strategy, then repeat
    std::string created;           // ISO 8601, UTC
};

// The settings a sweep can vary, in the order of the grid's nesting and of
// the merged curve's leading columns.
// dataset, model, initial, acquire, pool_subset, max_steps, cold_start, semi_supervised
const std::vector<std::string>& sweepSettingNames();

// Checks every value (InputError naming the field) and expands the grid;
// an axis left empty takes the base's value. `created` is left to the caller.
SweepPlan planSweep(const ActiveLearningSettings& base, const SweepAxes& axes);

// The settings given more than one value (never "strategy"), in sweepSettingNames() order.
std::vector<std::string> variedSettings(const SweepPlan& plan);
std::string settingValue(const SweepTask& task, const std::string& name);

// The settings one task runs with: the base, with the task's values, its
// strategy and only its repeat.
ActiveLearningSettings taskSettings(const SweepPlan& plan, const SweepTask& task);

}  // namespace alx
