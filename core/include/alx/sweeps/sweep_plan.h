#pragma once
// A sweep: the tasks of an active-learning comparison too big for one run,
// one task per strategy x repeat x combination of the varied settings. Task
// (strategy s, repeat r) computes exactly what repeat r of `alx-cli al
// --strategy s` with the same settings computes, so that a sweep's merged
// curves equal one run's, wherever and in whatever order its tasks ran.
// No LibTorch here: the app's sweep view includes it.
#include <cstdint>
#include <string>
#include <vector>

#include "alx/active_learning/config.h"

namespace alx {

// What every task shares.
struct SweepBase {
    std::string dataDir;  // absolute, so that a task finds it from any node
    bool verifyChecksums = true;
    int64_t trainImages = 0, testImages = 0;
    ActiveLearningConfig loop;  // model, initial, acquire, pool subset and max steps come from each task
    int repeats = 3;
    uint64_t seed = 0;
    std::string device = "auto";
    int threads = 0;  // 0: the scheduler's CPUs for the task (SLURM_CPUS_PER_TASK), else the local share
};

// The values each setting takes; a setting with one value is not varied.
struct SweepAxes {
    std::vector<std::string> strategies, datasets, models;
    std::vector<int64_t> initials, acquires, poolSubsets, maxSteps;
};

struct SweepTask {
    int id = 0;
    std::string strategy;
    int repeat = 0;
    std::string dataset, model;
    int64_t initial = 0, acquire = 0, poolSubset = 0, maxSteps = 0;
};

struct SweepPlan {
    SweepBase base;
    SweepAxes axes;
    std::vector<SweepTask> tasks;  // by id: combinations outermost, then strategy, then repeat
    std::string created;           // ISO 8601, UTC
};

// The settings a sweep can vary, in the order of the grid's nesting and of
// the merged curve's leading columns.
const std::vector<std::string>& sweepSettingNames();  // dataset, model, initial, acquire, pool_subset, max_steps

// Checks every value (InputError naming the field) and expands the grid.
SweepPlan planSweep(const SweepBase& base, const SweepAxes& axes);

// The settings given more than one value (never "strategy"), in sweepSettingNames() order.
std::vector<std::string> variedSettings(const SweepPlan& plan);
std::string settingValue(const SweepTask& task, const std::string& name);

// The settings one task runs with.
ActiveLearningConfig taskLoop(const SweepPlan& plan, const SweepTask& task);

// "0-20", "3,7,9-11": ids as Slurm's --array takes them (sorted, ranges joined).
std::string arrayRanges(std::vector<int> ids);

}  // namespace alx
