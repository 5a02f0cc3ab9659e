#pragma once
#include <optional>
#include <string>
#include <vector>

#include "alx/audit/calibration.h"
#include "alx/scoring/evaluator.h"
#include "alx/scoring/scores.h"
#include "alx/storage/summary_record.h"
#include "alx/training/trainer.h"

namespace alx {

// How far the test probabilities can be taken at their word: in
// summary.json as "calibration" (ece, mce, nll, brier before scaling;
// temperature and ece_scaled, null without a validation split to fit on).
struct CalibrationRecord {
    bool measured = false;
    CalibrationMeasures test;            // kDefaultReliabilityBins bins
    std::optional<double> temperature;   // fitted on the validation split
    std::optional<double> eceScaled;     // the test ECE at that temperature
};

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
    std::vector<std::string> classNames;  // the dataset's, one per label
    std::string weightsFrom;              // evaluation of saved weights: their file
    std::string excludeFile, relabelFile; // a person's review applied to the training images (train --exclude/--relabel)
    int64_t excludedImages = 0, relabelledImages = 0;
    std::vector<EpochReport> epochs;
    double trainSeconds = 0;
    double evalSeconds = 0;
    bool evaluated = false;
    double testAccuracy = 0;
    std::array<double, kScoreCount> metricMeans{};
    CalibrationRecord calibration;
};

// A summary's settings, filled the same way by the CLI and the GUI before
// training: the model, the data, the device and the training set-up.
RunSummary summaryFor(const std::string& model, const std::string& dataset, const torch::Device& device,
                      const TrainConfig& config, int64_t validationCount, int64_t neighbours, int64_t trainImages);

// Fills the summary's evaluation fields: test accuracy, score means and the
// calibration of the test probabilities (a fitted temperature is kept).
void recordEvaluation(RunSummary& summary, const Evaluation& evaluation, const ScoreTable& scores);

// Temperature scaling: the T that minimises the NLL of the validation
// split's probabilities, and the test ECE after it, into the summary.
void recordTemperature(RunSummary& summary, const torch::Tensor& validationProbabilities,
                       const torch::Tensor& validationLabels, const Evaluation& test);

// summary.json alone: written after every epoch too, so an interrupted run
// keeps its loss curve.
void writeSummary(const std::string& dir, const RunSummary& summary);

// summary.json, per_sample.csv, embeddings.npy, probabilities.npy and
// confusion matrix (in the summary), every file written atomically; with
// `trainNeighbours`, each test image's nearest training images too
// (train_neighbours.npy int32 [N, m], train_neighbour_similarities.npy float32 [N, m]).
void writeEvaluationOutputs(const std::string& dir, RunSummary summary, const Evaluation& evaluation,
                            const ScoreTable& scores, const Neighbours* trainNeighbours = nullptr);

// per_sample.csv's first line: index,label,predicted,<six score keys>,neighbours
// (no newline); the reader checks it against this.
std::string perSampleCsvHeader();

// per_sample.csv's text: the header, then one row per image.
std::string perSampleCsv(const Evaluation& evaluation, const ScoreTable& scores);

}  // namespace alx
