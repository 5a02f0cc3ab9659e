#include "alx/storage/run_writer.h"

#include <torch/torch.h>

#include <cstdio>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "alx/storage/atomic_file.h"
#include "alx/util/device.h"
#include "alx/storage/npy.h"

#include "file_helpers.h"

namespace fs = std::filesystem;

namespace alx {
namespace {

using namespace storage_detail;

nlohmann::json toJson(const RunSummary& s) {
    nlohmann::json j;
    j["format"] = kRunFormat;
    j["alx_version"] = ALX_VERSION_STRING;
    j["kind"] = s.weightsFrom.empty() ? "training" : "evaluation";
    j["model"] = s.model;
    j["dataset"] = s.dataset;
    j["device"] = s.device;
    j["status"] = s.status;
    if (!s.message.empty()) j["message"] = s.message;
    j["epochs"] = s.epochs.size();
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
    if (!s.excludeFile.empty()) j["excluded"] = {{"file", s.excludeFile}, {"images", s.excludedImages}};
    if (!s.relabelFile.empty()) j["relabelled"] = {{"file", s.relabelFile}, {"images", s.relabelledImages}};
    j["epoch_loss"] = nlohmann::json::array();
    j["epoch_seconds"] = nlohmann::json::array();
    nlohmann::json validation = nlohmann::json::array();
    for (const auto& e : s.epochs) {
        j["epoch_loss"].push_back(e.meanLoss);
        j["epoch_seconds"].push_back(e.seconds);
        if (e.validationAccuracy) validation.push_back(*e.validationAccuracy);
    }
    if (!validation.empty()) j["validation_accuracy"] = validation;
    j["train_seconds"] = s.trainSeconds;
    if (s.evaluated) {
        j["test_accuracy"] = s.testAccuracy;
        j["eval_seconds"] = s.evalSeconds;
        nlohmann::json means;
        for (ScoreKind kind : kAllScores) means[scoreKey(kind)] = s.metricMeans[int(kind)];
        j["metric_means"] = means;
        if (s.calibration.measured) {
            const CalibrationMeasures& m = s.calibration.test;
            nlohmann::json bins = nlohmann::json::array();
            for (const ReliabilityBin& b : m.bins) {
                bins.push_back({{"lower", b.lower}, {"upper", b.upper}, {"count", b.count},
                                {"confidence", b.meanConfidence}, {"accuracy", b.accuracy}});
            }
            j["calibration"] = {{"ece", m.ece}, {"mce", m.mce}, {"nll", m.nll}, {"brier", m.brier},
                                {"temperature", s.calibration.temperature ? nlohmann::json(*s.calibration.temperature) : nlohmann::json()},
                                {"ece_scaled", s.calibration.eceScaled ? nlohmann::json(*s.calibration.eceScaled) : nlohmann::json()},
                                {"bins", bins}};
        }
    }
    return j;
}

}  // namespace

RunSummary summaryFor(const std::string& model, const std::string& dataset, const torch::Device& device,
                      const TrainConfig& config, int64_t validationCount, int64_t neighbours, int64_t trainImages) {
    RunSummary summary;
    summary.model = model;
    summary.dataset = dataset;
    summary.device = describeDevice(device);
    summary.epochsPlanned = config.epochs;
    summary.batchSize = config.batchSize;
    summary.learningRate = config.learningRate;
    summary.optimiser = optimiserName(config.optimiser);
    summary.seed = config.seed;
    summary.validationCount = validationCount;
    summary.neighbours = neighbours;
    summary.trainImages = trainImages;
    return summary;
}

void writeSummary(const std::string& dir, const RunSummary& summary) {
    writeFileAtomically(pathIn(dir, "summary.json"), toJson(summary).dump(2) + "\n");
}

std::string perSampleCsvHeader() {
    std::string header = "index,label,predicted";
    for (ScoreKind kind : kAllScores) header += "," + scoreKey(kind);
    return header + ",neighbours";
}

std::string perSampleCsv(const Evaluation& evaluation, const ScoreTable& scores) {
    const auto labels = evaluation.labels.to(torch::kCPU).contiguous();
    const auto predicted = evaluation.predicted.to(torch::kCPU).contiguous();
    const auto neighbours = scores.neighbours.indices.to(torch::kCPU).contiguous();
    std::array<torch::Tensor, kScoreCount> columns;
    for (int s = 0; s < kScoreCount; ++s) columns[s] = scores.values[s].to(torch::kCPU, torch::kFloat32).contiguous();

    const int64_t n = labels.size(0), m = neighbours.size(1);
    const auto* label = labels.data_ptr<int64_t>();
    const auto* pred = predicted.data_ptr<int64_t>();
    const auto* nb = neighbours.data_ptr<int64_t>();
    std::string csv = perSampleCsvHeader() + "\n";
    csv.reserve(size_t(n) * 120);
    char number[32];
    for (int64_t i = 0; i < n; ++i) {
        csv += std::to_string(i) + ',' + std::to_string(label[i]) + ',' + std::to_string(pred[i]);
        for (int s = 0; s < kScoreCount; ++s) {
            // %.9g round-trips a float exactly.
            std::snprintf(number, sizeof number, ",%.9g", double(columns[s].data_ptr<float>()[i]));
            csv += number;
        }
        csv += ',';
        for (int64_t j = 0; j < m; ++j) {
            if (j) csv += ' ';
            csv += std::to_string(nb[i * m + j]);
        }
        csv += '\n';
    }
    return csv;
}

namespace {

struct HostTable {
    torch::Tensor probabilities, labels;  // float32 and int64, CPU, contiguous
    int64_t images() const { return probabilities.size(0); }
    int64_t classes() const { return probabilities.size(1); }
    const float* p() const { return probabilities.data_ptr<float>(); }
    const int64_t* y() const { return labels.data_ptr<int64_t>(); }
};

HostTable onHost(const torch::Tensor& probabilities, const torch::Tensor& labels) {
    return {probabilities.to(torch::kCPU, torch::kFloat32).contiguous(), labels.to(torch::kCPU, torch::kInt64).contiguous()};
}

}  // namespace

void recordEvaluation(RunSummary& summary, const Evaluation& evaluation, const ScoreTable& scores) {
    summary.evaluated = true;
    summary.testAccuracy = evaluation.accuracy;
    for (int s = 0; s < kScoreCount; ++s) summary.metricMeans[s] = scores.values[s].to(torch::kFloat64).mean().item<double>();
    const HostTable test = onHost(evaluation.probabilities, evaluation.labels);
    if (test.images() > 0) {
        summary.calibration.test = measureCalibration(test.p(), test.y(), test.images(), test.classes());
        summary.calibration.measured = true;
    }
}

void recordTemperature(RunSummary& summary, const torch::Tensor& validationProbabilities,
                       const torch::Tensor& validationLabels, const Evaluation& test) {
    const HostTable validation = onHost(validationProbabilities, validationLabels);
    if (validation.images() == 0) return;
    // Probabilities are a softmax, so log p are the logits up to a constant per row.
    const auto logits = logitsFromProbabilities(validation.p(), validation.images(), validation.classes());
    const TemperatureFit fit = fitTemperature(logits.data(), validation.y(), validation.images(), validation.classes());
    const HostTable testTable = onHost(test.probabilities, test.labels);
    const auto scaled = applyTemperature(testTable.p(), testTable.images(), testTable.classes(), fit.temperature);
    summary.calibration.temperature = fit.temperature;
    summary.calibration.eceScaled =
        measureCalibration(scaled.data(), testTable.y(), testTable.images(), testTable.classes()).ece;
}

void writeEvaluationOutputs(const std::string& dir, RunSummary summary, const Evaluation& evaluation,
                            const ScoreTable& scores, const Neighbours* trainNeighbours) {
    recordEvaluation(summary, evaluation, scores);

    nlohmann::json j = toJson(summary);
    const auto confusion = evaluation.confusion.to(torch::kCPU).contiguous();
    nlohmann::json matrix = nlohmann::json::array();
    for (int64_t r = 0; r < confusion.size(0); ++r) {
        nlohmann::json row = nlohmann::json::array();
        for (int64_t c = 0; c < confusion.size(1); ++c) row.push_back(confusion[r][c].item<int64_t>());
        matrix.push_back(row);
    }
    j["confusion_matrix"] = matrix;

    writeNpy(pathIn(dir, "probabilities.npy"), evaluation.probabilities);
    writeNpy(pathIn(dir, "embeddings.npy"), evaluation.embeddings);
    writeFileAtomically(pathIn(dir, "per_sample.csv"), perSampleCsv(evaluation, scores));
    if (trainNeighbours) {
        writeNpy(pathIn(dir, "train_neighbours.npy"), trainNeighbours->indices.to(torch::kInt32));
        writeNpy(pathIn(dir, "train_neighbour_similarities.npy"), trainNeighbours->similarity);
        j["train_neighbours"] = trainNeighbours->indices.size(1);
    }
    // The summary last: its presence with "test_accuracy" says the rest is whole.
    writeFileAtomically(pathIn(dir, "summary.json"), j.dump(2) + "\n");
}

}  // namespace alx
