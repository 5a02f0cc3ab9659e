#include "alx/storage/run_summary.h"

#include <cmath>
#include <nlohmann/json.hpp>

#include "alx/util/errors.h"
#include "alx/util/numbers.h"
#include "file_helpers.h"

namespace alx {
namespace {

using namespace storage_detail;
using nlohmann::json;

json orNull(const std::optional<double>& v) { return v ? json(*v) : json(); }

json calibrationJson(const CalibrationRecord& c) {
    const CalibrationMeasures& m = c.test;
    json bins = json::array();
    for (const ReliabilityBin& b : m.bins) {
        bins.push_back({{"lower", b.lower}, {"upper", b.upper}, {"count", b.count},
                        {"confidence", b.meanConfidence}, {"accuracy", b.accuracy}});
    }
    return {{"ece", m.ece}, {"mce", m.mce}, {"nll", m.nll}, {"brier", m.brier},
            {"temperature", orNull(c.temperature)}, {"ece_scaled", orNull(c.eceScaled)}, {"bins", bins}};
}

void addEpochs(json& j, const std::vector<EpochReport>& epochs) {
    j["epochs"] = epochs.size();
    j["epoch_loss"] = json::array();
    j["epoch_seconds"] = json::array();
    json validation = json::array();
    for (const auto& e : epochs) {
        j["epoch_loss"].push_back(e.meanLoss);
        j["epoch_seconds"].push_back(e.seconds);
        if (e.validationAccuracy) validation.push_back(*e.validationAccuracy);
    }
    if (!validation.empty()) j["validation_accuracy"] = validation;
}

void addEvaluation(json& j, const RunSummary& s) {
    j["test_accuracy"] = s.testAccuracy;
    j["eval_seconds"] = s.evalSeconds;
    json means;
    for (ScoreKind kind : kAllScores) means[scoreKey(kind)] = s.metricMeans[size_t(kind)];
    j["metric_means"] = means;
    if (s.calibration.measured) j["calibration"] = calibrationJson(s.calibration);
    j["confusion_matrix"] = s.confusion;
    if (s.trainNeighbours > 0) j["train_neighbours"] = s.trainNeighbours;
}

// A number that must be finite, or its default when absent.
double finiteField(const json& j, const char* key, const std::string& path, double fallback) {
    if (!j.contains(key) || j.at(key).is_null()) return fallback;
    const json& v = j.at(key);
    if (!v.is_number() || !std::isfinite(v.get<double>())) refuse(path, std::string(key) + " is not a finite number");
    return v.get<double>();
}

std::vector<double> finiteList(const json& j, const char* key, const std::string& path) {
    if (!j.contains(key)) return {};
    if (!j.at(key).is_array()) refuse(path, std::string(key) + " is not a list");
    std::vector<double> values;
    for (const json& v : j.at(key)) {
        if (!v.is_number() || !std::isfinite(v.get<double>())) {
            refuse(path, std::string(key) + " holds a value that is not a finite number");
        }
        values.push_back(v.get<double>());
    }
    return values;
}

std::string textField(const json& j, const char* key, const std::string& path, const std::string& fallback) {
    if (!j.contains(key)) return fallback;
    if (!j.at(key).is_string()) refuse(path, std::string(key) + " is not text");
    return j.at(key).get<std::string>();
}

void readEpochs(const json& j, const std::string& path, RunSummary& s) {
    const auto losses = finiteList(j, "epoch_loss", path);
    const auto seconds = finiteList(j, "epoch_seconds", path);
    const auto validation = finiteList(j, "validation_accuracy", path);
    if (seconds.size() > losses.size() || validation.size() > losses.size()) {
        refuse(path, "epoch_seconds or validation_accuracy has more entries than epoch_loss");
    }
    s.epochsPlanned = int(optionalIntegerField(j, "epochs_planned", path, int64_t(losses.size()), 0, kInt32Max));
    for (size_t e = 0; e < losses.size(); ++e) {
        EpochReport report;
        report.epoch = int(e + 1);
        report.epochs = s.epochsPlanned;
        report.meanLoss = losses[e];
        report.seconds = e < seconds.size() ? seconds[e] : 0;
        if (e < validation.size()) report.validationAccuracy = validation[e];
        s.epochs.push_back(report);
    }
}

void readCalibration(const json& j, const std::string& path, CalibrationRecord& c) {
    if (!j.contains("calibration")) return;
    const json& k = j.at("calibration");
    if (!k.is_object()) refuse(path, "calibration is not an object");
    if (k.contains("temperature") && !k.at("temperature").is_null()) {
        const double t = finiteField(k, "temperature", path, 0);
        if (!(t > 0)) refuse(path, "calibration.temperature is not a positive number");
        c.temperature = t;
    }
    if (k.contains("ece_scaled") && !k.at("ece_scaled").is_null()) c.eceScaled = finiteField(k, "ece_scaled", path, 0);
    if (!k.contains("ece")) return;
    c.measured = true;
    c.test.ece = finiteField(k, "ece", path, 0);
    c.test.mce = finiteField(k, "mce", path, 0);
    c.test.nll = finiteField(k, "nll", path, 0);
    c.test.brier = finiteField(k, "brier", path, 0);
    if (!k.contains("bins")) return;
    if (!k.at("bins").is_array()) refuse(path, "calibration.bins is not a list");
    for (const json& b : k.at("bins")) {
        if (!b.is_object()) refuse(path, "calibration.bins holds an entry that is not an object");
        c.test.bins.push_back({finiteField(b, "lower", path, 0), finiteField(b, "upper", path, 0),
                               optionalIntegerField(b, "count", path, 0, 0, kInt64Max), finiteField(b, "confidence", path, 0),
                               finiteField(b, "accuracy", path, 0)});
    }
}

void readConfusion(const json& j, const std::string& path, RunSummary& s) {
    if (!j.contains("confusion_matrix")) return;
    const json& rows = j.at("confusion_matrix");
    if (!rows.is_array()) refuse(path, "confusion_matrix is not a list of rows");
    // Large enough for any dataset, small enough that a hostile file cannot ask for gigabytes.
    if (rows.size() > 1000) refuse(path, "confusion_matrix has more than 1,000 classes");
    for (const json& row : rows) s.confusion.push_back(integerList(row, "confusion_matrix", path, 0, kInt64Max));
    for (const auto& row : s.confusion) {
        if (row.size() != s.confusion.size()) refuse(path, "confusion_matrix is not square");
    }
    if (s.confusion.empty()) refuse(path, "confusion_matrix is empty");
}

void readEvaluation(const json& j, const std::string& path, RunSummary& s) {
    s.evaluated = j.contains("test_accuracy");
    if (!s.evaluated) return;
    s.testAccuracy = finiteField(j, "test_accuracy", path, 0);
    if (!(s.testAccuracy >= 0 && s.testAccuracy <= 1)) refuse(path, "test_accuracy is not between 0 and 1");
    s.evalSeconds = finiteField(j, "eval_seconds", path, 0);
    if (j.contains("metric_means")) {
        const json& means = j.at("metric_means");
        if (!means.is_object()) refuse(path, "metric_means is not an object");
        for (ScoreKind kind : kAllScores) s.metricMeans[size_t(kind)] = finiteField(means, scoreKey(kind).c_str(), path, 0);
    }
    readCalibration(j, path, s.calibration);
    readConfusion(j, path, s);
    s.trainNeighbours = optionalIntegerField(j, "train_neighbours", path, 0, 0, kInt64Max);
}

// "excluded": {"file": ..., "images": N}
void readReviewEdit(const json& j, const char* key, const std::string& path, std::string& file, int64_t& images) {
    if (!j.contains(key)) return;
    const json& edit = j.at(key);
    if (!edit.is_object()) refuse(path, std::string(key) + " is not an object");
    file = textField(edit, "file", path, "");
    images = optionalIntegerField(edit, "images", path, 0, 0, kInt64Max);
}

// "image_shape": [C, H, W]; absent in runs of MNIST-format images written before it was recorded.
void readImageShape(const json& j, const std::string& path, RunSummary& s) {
    if (!j.contains("image_shape")) return;
    const json& shape = j.at("image_shape");
    if (!shape.is_array() || shape.size() != 3) refuse(path, "image_shape is not [channels, height, width]");
    int64_t sides[3];
    for (size_t k = 0; k < 3; ++k) {
        if (!shape[k].is_number_integer()) refuse(path, "image_shape is not [channels, height, width]");
        sides[k] = shape[k].get<int64_t>();
    }
    if ((sides[0] != 1 && sides[0] != 3) || sides[1] < 1 || sides[2] < 1 || sides[1] > 65536 || sides[2] > 65536) {
        refuse(path, "image_shape is out of range (1 or 3 channels, sides 1 to 65536)");
    }
    s.imageShape = {sides[0], sides[1], sides[2]};
}

void readSettings(const json& j, const std::string& path, RunSummary& s) {
    s.device = textField(j, "device", path, "");
    s.status = textField(j, "status", path, "finished");
    s.message = textField(j, "message", path, "");
    s.batchSize = optionalIntegerField(j, "batch_size", path, 0, 0, kInt64Max);
    s.learningRate = finiteField(j, "learning_rate", path, 0);
    s.optimiser = textField(j, "optimiser", path, "");
    if (j.contains("seed")) s.seed = unsignedField(j, "seed", path);
    s.validationCount = optionalIntegerField(j, "validation_images", path, 0, 0, kInt64Max);
    s.neighbours = optionalIntegerField(j, "neighbours", path, 0, 0, kInt64Max);
    s.trainImages = optionalIntegerField(j, "train_images", path, 0, 0, kInt64Max);
    s.weightsFrom = textField(j, "weights", path, "");
    readReviewEdit(j, "excluded", path, s.excludeFile, s.excludedImages);
    readReviewEdit(j, "relabelled", path, s.relabelFile, s.relabelledImages);
    s.trainSeconds = finiteField(j, "train_seconds", path, 0);
    s.dataDir = textField(j, "data_dir", path, "");
    readImageShape(j, path, s);
    s.testFraction = finiteField(j, "test_fraction", path, 0);
    if (j.contains("class_names")) s.classNames = j.at("class_names").get<std::vector<std::string>>();
    if (j.contains("torchscript")) {
        const json& script = j.at("torchscript");
        if (!script.is_object()) refuse(path, "torchscript is not an object");
        s.script.sha256 = textField(script, "sha256", path, "");
        s.script.embedding = textField(script, "embedding", path, "");
        if (s.script.sha256.size() != 64) refuse(path, "torchscript's sha256 is not 64 hex digits");
        if (script.contains("reinitialised")) s.script.reinitialised = script.at("reinitialised").get<bool>();
    }
}

}  // namespace

std::string summaryJson(const RunSummary& s) {
    json j;
    j["format"] = kRunFormat;
    j["alx_version"] = ALX_VERSION_STRING;
    j["kind"] = s.kind();
    j["model"] = s.model;
    j["dataset"] = s.dataset;
    if (!s.dataDir.empty()) j["data_dir"] = s.dataDir;
    j["image_shape"] = {s.imageShape.channels, s.imageShape.height, s.imageShape.width};
    if (s.testFraction > 0) j["test_fraction"] = s.testFraction;
    j["device"] = s.device;
    j["status"] = s.status;
    if (!s.message.empty()) j["message"] = s.message;
    j["epochs_planned"] = s.epochsPlanned;
    j["batch_size"] = s.batchSize;
    j["learning_rate"] = s.learningRate;
    j["optimiser"] = s.optimiser;
    j["seed"] = s.seed;
    j["validation_images"] = s.validationCount;
    j["train_images"] = s.trainImages;
    j["neighbours"] = s.neighbours;
    if (!s.classNames.empty()) j["class_names"] = s.classNames;
    if (!s.weightsFrom.empty()) j["weights"] = s.weightsFrom;
    if (s.script.present()) {
        j["torchscript"] = {{"sha256", s.script.sha256}, {"embedding", s.script.embedding},
                            {"reinitialised", s.script.reinitialised}};
    }
    if (!s.excludeFile.empty()) j["excluded"] = {{"file", s.excludeFile}, {"images", s.excludedImages}};
    if (!s.relabelFile.empty()) j["relabelled"] = {{"file", s.relabelFile}, {"images", s.relabelledImages}};
    addEpochs(j, s.epochs);
    j["train_seconds"] = s.trainSeconds;
    if (s.evaluated) addEvaluation(j, s);
    return j.dump(2) + "\n";
}

RunSummary parseRunSummary(const std::string& text, const std::string& path) {
    json j;
    try {
        j = json::parse(text);
    } catch (const json::exception& e) {
        refuse(path, std::string("damaged JSON: ") + e.what());
    }
    if (!j.is_object()) refuse(path, "not an ALX run summary (not a JSON object)");
    RunSummary s;
    try {
        s.version = textField(j, "alx_version", path, "");
        if (s.version.empty()) refuse(path, "not written by ALX (no alx_version)");
        s.format = int(optionalIntegerField(j, "format", path, 0, 0, kInt32Max));
        if (s.format > kRunFormat) {
            refuse(path, "format " + std::to_string(s.format) + " is newer than this ALX reads (" +
                             std::to_string(kRunFormat) + "); open it with a newer ALX");
        }
        if (!j.contains("model") || !j.contains("dataset")) refuse(path, "has no model or no dataset");
        s.model = textField(j, "model", path, "");
        try {
            modelInfo(s.model);
        } catch (const InputError& e) {
            refuse(path, e.what());
        }
        s.dataset = textField(j, "dataset", path, "");
        readSettings(j, path, s);
        readEpochs(j, path, s);
        readEvaluation(j, path, s);
    } catch (const json::exception& e) {
        refuse(path, std::string("missing or wrong field: ") + e.what());
    }
    if (!s.classNames.empty() && !s.confusion.empty() && s.classNames.size() != s.confusion.size()) {
        refuse(path, "class_names has " + std::to_string(s.classNames.size()) + " names for " +
                         std::to_string(s.confusion.size()) + " classes");
    }
    return s;
}

std::vector<std::pair<std::string, std::string>> recordedSettings(const RunSummary& s) {
    std::vector<std::pair<std::string, std::string>> out = {
        {"optimiser", s.optimiser},
        {"learning_rate", shortestNumber(s.learningRate)},
        {"batch_size", std::to_string(s.batchSize)},
        {"epochs_planned", std::to_string(s.epochsPlanned)},
        {"seed", std::to_string(s.seed)},
        {"validation_images", std::to_string(s.validationCount)},
        {"train_images", std::to_string(s.trainImages)},
        {"neighbours", std::to_string(s.neighbours)}};
    if (!s.weightsFrom.empty()) out.emplace_back("weights", s.weightsFrom);
    if (s.script.present()) {
        out.emplace_back("torchscript_sha256", s.script.sha256);
        out.emplace_back("embedding_from", s.script.embedding);
        out.emplace_back("reinitialised", s.script.reinitialised ? "yes" : "no");
    }
    return out;
}

}  // namespace alx
