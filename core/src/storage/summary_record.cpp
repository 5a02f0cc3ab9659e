#include "alx/storage/summary_record.h"

#include <cmath>
#include <nlohmann/json.hpp>

#include "alx/util/errors.h"
#include "alx/vocabulary.h"
#include "file_helpers.h"

namespace alx {
namespace {

using storage_detail::integerList;
using storage_detail::kInt32Max;
using storage_detail::kInt64Max;
using storage_detail::optionalIntegerField;
using storage_detail::refuse;

std::vector<double> finiteList(const nlohmann::json& j, const char* key, const std::string& path) {
    if (!j.contains(key)) return {};
    const auto values = j.at(key).get<std::vector<double>>();
    for (double v : values) {
        if (!std::isfinite(v)) refuse(path, std::string(key) + " holds a value that is not a finite number");
    }
    return values;
}

}  // namespace

SummaryRecord parseSummaryRecord(const std::string& text, const std::string& path) {
    nlohmann::json j;
    try {
        j = nlohmann::json::parse(text);
    } catch (const nlohmann::json::exception& e) {
        refuse(path, std::string("damaged JSON: ") + e.what());
    }
    SummaryRecord run;
    if (!j.is_object()) refuse(path, "not an ALX run summary (not a JSON object)");
    try {
        run.version = j.value("alx_version", "");
        if (run.version.empty()) refuse(path, "not written by ALX (no alx_version)");
        run.format = int(optionalIntegerField(j, "format", path, 0, 0, kInt32Max));
        if (run.format > kRunFormat) {
            refuse(path, "format " + std::to_string(run.format) + " is newer than this ALX reads (" +
                             std::to_string(kRunFormat) + "); open it with a newer ALX");
        }
        if (!j.contains("test_accuracy")) {
            refuse(path, "the run has no evaluation (status '" + j.value("status", std::string("?")) + "'): nothing to open");
        }
        run.model = j.at("model").get<std::string>();
        try {
            modelInfo(run.model);
        } catch (const InputError& e) {
            refuse(path, e.what());
        }
        run.dataset = j.at("dataset").get<std::string>();
        run.device = j.value("device", "");
        run.status = j.value("status", "finished");
        run.classNames = j.value("class_names", std::vector<std::string>{});
        run.trainImages = optionalIntegerField(j, "train_images", path, 0, 0, kInt64Max);
        run.testAccuracy = j.at("test_accuracy").get<double>();
        if (!(run.testAccuracy >= 0 && run.testAccuracy <= 1)) refuse(path, "test_accuracy is not between 0 and 1");
        run.trainSeconds = j.value("train_seconds", 0.0);
        run.evalSeconds = j.value("eval_seconds", 0.0);
        if (!std::isfinite(run.trainSeconds) || !std::isfinite(run.evalSeconds)) refuse(path, "a time is not finite");
        const auto losses = finiteList(j, "epoch_loss", path);
        const auto seconds = finiteList(j, "epoch_seconds", path);
        const auto validation = finiteList(j, "validation_accuracy", path);
        if (seconds.size() > losses.size() || validation.size() > losses.size()) {
            refuse(path, "epoch_seconds or validation_accuracy has more entries than epoch_loss");
        }
        run.epochsPlanned = int(optionalIntegerField(j, "epochs_planned", path, int64_t(losses.size()), 0, kInt32Max));
        for (const char* key : {"optimiser", "learning_rate", "batch_size", "epochs_planned", "seed", "validation_images",
                                "train_images", "neighbours", "weights"}) {
            if (!j.contains(key)) continue;
            const auto& v = j.at(key);
            run.settings.emplace_back(key, v.is_string() ? v.get<std::string>() : v.dump());
        }
        run.epochLoss = losses;
        run.epochSeconds = seconds;
        run.validationAccuracy = validation;
        const auto& rows = j.at("confusion_matrix");
        if (!rows.is_array()) refuse(path, "confusion_matrix is not a list of rows");
        std::vector<std::vector<int64_t>> matrix;
        for (const auto& row : rows) matrix.push_back(integerList(row, "confusion_matrix", path, 0, kInt64Max));
        for (const auto& row : matrix) {
            if (row.size() != matrix.size()) refuse(path, "confusion_matrix is not square");
        }
        if (matrix.empty()) refuse(path, "confusion_matrix is empty");
        // Large enough for any dataset, small enough that a hostile file cannot ask for gigabytes.
        if (matrix.size() > 1000) refuse(path, "confusion_matrix has more than 1,000 classes");
        run.confusion = matrix;
        if (j.contains("calibration")) {
            const auto& c = j.at("calibration");
            if (!c.is_object()) refuse(path, "calibration is not an object");
            if (c.contains("temperature") && !c.at("temperature").is_null()) {
                const auto& t = c.at("temperature");
                if (!t.is_number() || !(t.get<double>() > 0) || !std::isfinite(t.get<double>())) {
                    refuse(path, "calibration.temperature is not a positive number");
                }
                run.temperature = t.get<double>();
            }
        }
    } catch (const nlohmann::json::exception& e) {
        refuse(path, std::string("missing or wrong field: ") + e.what());
    }
    if (!run.classNames.empty() && run.classNames.size() != run.confusion.size()) {
        refuse(path, "class_names has " + std::to_string(run.classNames.size()) + " names for " +
                         std::to_string(run.confusion.size()) + " classes");
    }
    return run;
}


}  // namespace alx
