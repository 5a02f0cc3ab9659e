#pragma once
// The one JSON mapping of active-learning settings and of a strategy's
// summary, shared by an active-learning run's files and a sweep's (private
// to core/src/storage; defined in settings_json.cpp).
#include <nlohmann/json.hpp>
#include <string>

#include "alx/active_learning/settings.h"
#include "alx/storage/active_learning_run.h"

namespace alx::storage_detail {

// What a run computes: the settings a resumed run must match, as
// settings.json holds them (model, dataset, initial, acquire, budget,
// pool_subset, mc_samples, repeats, seed, max_steps_per_round,
// epochs_per_round, batch_size; labeller, train_images, test_images and
// only_repeat only when used; semi_supervised_method, this build's
// semi-supervised settings, with semi_supervised). Not recorded: the
// strategies (the curve names them), where the data was found, the device
// and the threads.
nlohmann::json settingsJson(const ActiveLearningSettings& settings);

// The part of settingsJson's that a resumed run must match: all of it, but
// a run a person labels goes on under a later build's semi-supervised
// method (their labels are the point, not one method's curve; the resumed
// run's settings.json then records the method it goes on with).
nlohmann::json settingsToMatch(nlohmann::json settings);

// The reverse, strictly: InputError naming `path` for a field missing, of
// the wrong type or out of range, or an unknown dataset. The fields it does
// not record keep their defaults.
ActiveLearningSettings settingsFromJson(const nlohmann::json& j, const std::string& path);

// One strategy's entry in a summary.json.
nlohmann::json strategySummaryJson(const StrategySummary& summary);

}  // namespace alx::storage_detail
