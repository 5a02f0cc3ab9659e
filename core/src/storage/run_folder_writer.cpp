// RunFolder: paths and writing (reading: run_folder_reader.cpp).
#include "alx/storage/run_folder.h"

#include <torch/torch.h>

#include "alx/models/model_registry.h"
#include "alx/models/scripted_model.h"
#include "alx/storage/label_review.h"
#include "alx/util/errors.h"
#include "alx/storage/npy.h"
#include "alx/util/device.h"
#include "alx/util/files.h"
#include "alx/util/numbers.h"
#include "file_helpers.h"
#include "file_names.h"

namespace alx {

using namespace storage_detail;

RunFolder::RunFolder(std::string dir) : dir_(std::move(dir)) {}

std::string RunFolder::summaryPath() const { return pathIn(dir_, names::kSummary); }
std::string RunFolder::weightsPath() const { return pathIn(dir_, names::kWeights); }
std::string RunFolder::scriptedModelPath() const { return pathIn(dir_, names::kScriptedModel); }
std::string RunFolder::trainNeighboursPath() const { return pathIn(dir_, names::kTrainNeighbours); }
std::string RunFolder::labelReviewPath() const { return alx::labelReviewPath(dir_); }
std::string RunFolder::mapPath(const std::string& method, const std::string& split) const {
    return pathIn(dir_, mapName(method, split));
}
std::string RunFolder::mapName(const std::string& method, const std::string& split) {
    return names::kMapPrefix + method + "_" + split + ".npy";
}

bool mapHasTrainingRows(const std::string& split) { return split == "train" || split == "all"; }

void RunFolder::writeSummary(const RunSummary& summary) const {
    writeFileAtomically(summaryPath(), summaryJson(summary));
}

void RunFolder::writeWeights(Classifier& model, const WeightsInfo& info) const {
    ensureWritableDirectory(dir_);
    if (scriptContractOf(model)) {
        writeFileAtomically(scriptedModelPath(), torchScriptBytes(model, info.input, {}));
        return;
    }
    saveWeights(model, weightsPath(), info);
}

void RunFolder::loadWeightsInto(Classifier& model, const WeightsInfo& expected) const {
    loadWeights(model, weightsPath(), expected);
}

ClassifierPtr RunFolder::loadModel(const SavedRun& run) const {
    const ModelInput input{run.summary.imageShape, run.classes()};
    if (!run.hasWeights) {
        throw InputError(fileError(run.summary.script.present() ? scriptedModelPath() : weightsPath(),
                                   "missing: the run keeps no trained model"), "run");
    }
    if (run.summary.script.present()) return loadScriptedModel(scriptedModelPath(), input);
    ClassifierPtr model = makeModel(run.summary.model, input);
    loadWeights(*model, weightsPath(), {run.summary.model, input});
    return model;
}

void RunFolder::writeTrainEmbeddings(const torch::Tensor& embeddings) const {
    writeNpy(pathIn(dir_, names::kTrainEmbeddings), embeddings);
}

void RunFolder::writeMap(const std::string& method, const std::string& split, const torch::Tensor& xy) const {
    writeNpy(mapPath(method, split), xy);
}

void RunFolder::writeEvaluation(RunSummary summary, const Evaluation& evaluation, const ScoreTable& scores,
                                const Neighbours* trainNeighbours) const {
    ensureWritableDirectory(dir_);
    recordEvaluation(summary, evaluation, scores);
    writeNpy(pathIn(dir_, names::kProbabilities), evaluation.probabilities);
    writeNpy(pathIn(dir_, names::kEmbeddings), evaluation.embeddings);
    writeFileAtomically(pathIn(dir_, names::kPerSample), perSampleCsv(evaluation, scores));
    if (trainNeighbours) {
        writeNpy(trainNeighboursPath(), trainNeighbours->indices.to(torch::kInt32));
        writeNpy(pathIn(dir_, names::kTrainSimilarities), trainNeighbours->similarity);
        summary.trainNeighbours = trainNeighbours->indices.size(1);
    }
    // The summary last: its presence with "test_accuracy" says the rest is whole.
    writeSummary(summary);
}

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
    for (int64_t i = 0; i < n; ++i) {
        csv += std::to_string(i) + ',' + std::to_string(label[i]) + ',' + std::to_string(pred[i]);
        // Nine significant digits read back as the same float.
        for (int s = 0; s < kScoreCount; ++s) csv += ',' + generalNumber(double(columns[s].data_ptr<float>()[i]), 9);
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

std::vector<std::vector<int64_t>> matrixRows(const torch::Tensor& matrix) {
    const auto m = matrix.to(torch::kCPU, torch::kInt64).contiguous();
    std::vector<std::vector<int64_t>> rows;
    for (int64_t r = 0; r < m.size(0); ++r) {
        const int64_t* row = m.data_ptr<int64_t>() + r * m.size(1);
        rows.emplace_back(row, row + m.size(1));
    }
    return rows;
}

}  // namespace

void recordEvaluation(RunSummary& summary, const Evaluation& evaluation, const ScoreTable& scores) {
    summary.evaluated = true;
    summary.testAccuracy = evaluation.accuracy;
    for (int s = 0; s < kScoreCount; ++s) summary.metricMeans[s] = scores.values[s].to(torch::kFloat64).mean().item<double>();
    summary.confusion = matrixRows(evaluation.confusion);
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

}  // namespace alx
