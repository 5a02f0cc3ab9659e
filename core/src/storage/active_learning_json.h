#pragma once
// The JSON an active-learning run and a merged sweep write alike: the
// settings and one strategy's entry in summary.json (private to core/src/storage).
#include <nlohmann/json.hpp>
#include <optional>

#include "alx/storage/active_learning_run.h"

namespace alx::storage_detail {

// settings.json of an active-learning run (defined in active_learning_run.cpp).
nlohmann::json activeLearningSettingsJson(const ActiveLearningSettings& settings);

inline nlohmann::json orNull(const std::optional<double>& v) { return v ? nlohmann::json(*v) : nlohmann::json(nullptr); }

inline nlohmann::json strategySummaryJson(const StrategySummary& s) {
    nlohmann::json entry;
    entry["labels_to_90"] = orNull(s.labelsTo90);
    entry["labels_to_95"] = orNull(s.labelsTo95);
    entry["final_accuracy"] = orNull(s.finalAccuracy);
    // The spread over the repeats: [least, most]; most is null when a repeat never got there.
    entry["labels_to_90_spread"] = {orNull(s.labelsTo90Spread.least), orNull(s.labelsTo90Spread.most)};
    entry["labels_to_95_spread"] = {orNull(s.labelsTo95Spread.least), orNull(s.labelsTo95Spread.most)};
    entry["final_accuracy_spread"] = {orNull(s.finalAccuracySpread.least), orNull(s.finalAccuracySpread.most)};
    entry["repeats_with_rounds"] = s.repeatsWithRounds;
    entry["description"] = s.description;
    return entry;
}

}  // namespace alx::storage_detail
