#pragma once
// An active-learning run's settings, in one type: what alx-cli's options and
// the app's Active learning page fill, what the job runs, what settings.json
// records (the run store keeps its one JSON mapping), what a sweep shares
// among its tasks and what each of them runs. No LibTorch here.
#include <cstdint>
#include <string>
#include <vector>

#include "alx/active_learning/config.h"
#include "alx/active_learning/strategy.h"
#include "alx/data/dataset_request.h"

namespace alx {

struct ActiveLearningSettings {
    DatasetRequest data;                // the pool is its training split, the test split measures
    std::vector<Strategy> strategies;   // in order, each once
    ActiveLearningConfig loop;          // model, initial, acquire, budget, pool subset, MC samples, steps
    int repeats = 3;
    uint64_t seed = 0;                  // repeat r uses repeatSeed(seed, r)
    bool personLabels = false;          // a person labels each acquisition: one strategy, one repeat
    int onlyRepeat = -1;                // a sweep's task runs only this repeat of `repeats`; -1: all
    std::string device = "auto";        // where it runs, not what it computes:
    int threads = 0;                    // neither is recorded in settings.json
};

// The repeats a run of `settings` computes: onlyRepeat alone, or all.
inline int firstRepeat(const ActiveLearningSettings& s) { return s.onlyRepeat >= 0 ? s.onlyRepeat : 0; }
inline int endRepeat(const ActiveLearningSettings& s) { return s.onlyRepeat >= 0 ? s.onlyRepeat + 1 : s.repeats; }

}  // namespace alx
