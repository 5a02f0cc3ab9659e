#pragma once
#include <string>
#include <vector>

#include "alx/evaluator.h"
#include "alx/scores.h"
#include "alx/trainer.h"

namespace alx {

// What a training or evaluation run was and what it achieved; written as
// summary.json.
struct RunSummary {
    std::string model;
    std::string dataset;
    std::string device;
    std::string status = "finished";  // finished | cancelled | diverged
    std::string message;
    int epochsPlanned = 0;
    int64_t batchSize = 0;
    double learningRate = 0;
    std::string optimiser;
    uint64_t seed = 0;
    int64_t validationCount = 0;
    int64_t neighbours = 0;
    int64_t trainImages = 0;
    std::vector<EpochReport> epochs;
    double trainSeconds = 0;
    double evalSeconds = 0;
    bool evaluated = false;
    double testAccuracy = 0;
    std::array<double, kScoreCount> metricMeans{};
};

// A summary's settings, filled the same way by the CLI and the GUI before
// training: the model, the data, the device and the training set-up.
RunSummary summaryFor(const std::string& model, const std::string& dataset, const torch::Device& device,
                      const TrainConfig& config, int64_t validationCount, int64_t neighbours, int64_t trainImages);

// summary.json alone: written after every epoch too, so an interrupted run
// keeps its loss curve.
void writeSummary(const std::string& dir, const RunSummary& summary);

// summary.json, per_sample.csv, embeddings.npy, probabilities.npy and
// confusion matrix (in the summary), every file written atomically.
void writeEvaluationOutputs(const std::string& dir, RunSummary summary, const Evaluation& evaluation,
                            const ScoreTable& scores);

// per_sample.csv's text: index,label,predicted,<six scores>,neighbours.
std::string perSampleCsv(const Evaluation& evaluation, const ScoreTable& scores);

}  // namespace alx
