#pragma once
// A sweep's plan as sweep.json holds it: the shared settings, the values of
// every setting and every task (private to core/src/storage; the sweep
// folder reads and writes the file).
#include <nlohmann/json.hpp>
#include <string>

#include "alx/active_learning/sweep_plan.h"

namespace alx::storage_detail {

nlohmann::json planJson(const SweepPlan& plan);
// Refuses a damaged or foreign plan, naming `path`.
SweepPlan planFromJson(const nlohmann::json& j, const std::string& path);

// A text field of a JSON object; refuses the file at `path` without one.
std::string stringField(const nlohmann::json& j, const std::string& key, const std::string& path);

}  // namespace alx::storage_detail
