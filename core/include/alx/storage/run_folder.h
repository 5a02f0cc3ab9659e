#pragma once
// A training or evaluation run's folder (alx-cli train/eval, the app's Save
// run), written and read here only:
//   summary.json    the run's summary (run_summary.h), written after every epoch
//   model.pt        the trained weights (weights_file.h)
//   torchscript.pt  instead, for a TorchScript model: the trained module (scripted_model.h)
//   per_sample.csv  index,label,predicted,<six scores>,neighbours: one row per test image
//   probabilities.npy, embeddings.npy   float32 [N, C], [N, D]
//   train_neighbours.npy, train_neighbour_similarities.npy   int32 / float32 [N, m],
//                   each test image's nearest training images (when asked for)
//   train_embeddings.npy   float32 [M, D], the training images' (kept by the map job)
//   map_<method>_<split>.npy   float32 [rows, 2]: t-SNE or PCA of the test, training or all images
//   label_review.csv   a person's review of suspect labels (label_review.h)
// Every file is written atomically; a folder is validated whole before
// anything in it is used, and a damaged one is refused with an InputError
// naming the file and the problem.
#include <functional>
#include <map>
#include <string>
#include <vector>

#include <torch/types.h>

#include "alx/models/model.h"
#include "alx/scoring/evaluator.h"
#include "alx/scoring/neighbours.h"
#include "alx/scoring/scores.h"
#include "alx/storage/run_summary.h"
#include "alx/storage/weights_file.h"
#include "alx/training/trainer.h"

namespace alx {

enum class RunKind { Training, Evaluation, ActiveLearning, Unknown };

// What a folder holds, from its file names and summary.json's "kind"
// without validating it: Unknown when it is no ALX run at all.
RunKind detectRunKind(const std::string& dir);

// A run's folder read whole.
struct SavedRun {
    RunSummary summary;
    torch::Tensor labels, predicted;            // int64 [N]
    torch::Tensor probabilities, embeddings;    // float [N, C], [N, D]
    std::array<torch::Tensor, kScoreCount> scores;  // float [N] each
    Neighbours neighbours;                      // indices from the CSV, similarities recomputed from the embeddings
    torch::Tensor confusion;                    // int64 [C, C]
    bool hasWeights = false;                    // model.pt (or torchscript.pt) present (and recording this run's model, if it records one)
    Neighbours trainNeighbours;                 // each test image's nearest training images; undefined when not computed
    torch::Tensor trainEmbeddings;              // float [R, D]: the training images', kept by the map job; may be undefined
    std::map<std::string, torch::Tensor> maps;  // by mapName(method, split): float [rows, 2]

    int64_t size() const { return labels.defined() ? labels.size(0) : 0; }
    int64_t classes() const { return probabilities.defined() ? probabilities.size(1) : 0; }
};

// The splits a map can cover, and whether one includes the training images.
bool mapHasTrainingRows(const std::string& split);  // "train" or "all"

class RunFolder {
public:
    explicit RunFolder(std::string dir);
    const std::string& dir() const { return dir_; }
    std::string summaryPath() const;
    std::string weightsPath() const;
    std::string scriptedModelPath() const;
    std::string trainNeighboursPath() const;
    std::string labelReviewPath() const;
    std::string mapPath(const std::string& method, const std::string& split) const;
    // A map's name in SavedRun::maps and in the folder: map_<method>_<split>.npy.
    static std::string mapName(const std::string& method, const std::string& split);

    // summary.json alone: written after every epoch too, so an interrupted
    // run keeps its loss curve.
    void writeSummary(const RunSummary& summary) const;
    // per_sample.csv, embeddings.npy, probabilities.npy and, with
    // `trainNeighbours`, the training-set neighbours; then summary.json with
    // the evaluation recorded (recordEvaluation), last: its "test_accuracy"
    // says the rest is whole.
    void writeEvaluation(RunSummary summary, const Evaluation& evaluation, const ScoreTable& scores,
                         const Neighbours* trainNeighbours = nullptr) const;
    // model.pt, or for a TorchScript model torchscript.pt (the module as trained).
    void writeWeights(Classifier& model, const WeightsInfo& info) const;
    // The weights of this run's model into `model` (see loadWeights).
    void loadWeightsInto(Classifier& model, const WeightsInfo& expected) const;
    // The run's trained model, on the CPU: ALX's own rebuilt with model.pt
    // loaded, or the TorchScript module kept (checked as on first load).
    // InputError naming the file when the run keeps none or it is damaged.
    ClassifierPtr loadModel(const SavedRun& run) const;
    void writeTrainEmbeddings(const torch::Tensor& embeddings) const;
    void writeMap(const std::string& method, const std::string& split, const torch::Tensor& xy) const;

    // Validates and reads every file: a known format version; summary.json's
    // fields of the right types, finite, in range, with an evaluation;
    // probabilities.npy float32 [N, C], finite, each row in [0, 1] and
    // summing to 1; embeddings.npy float32 [N, D], finite; per_sample.csv
    // with its header, N rows in order, labels and predictions in 0..C-1,
    // finite scores, m neighbours per row in range and not the row itself;
    // the confusion matrix C x C and equal to the CSV's counts; the accuracy
    // equal to the CSV's; model.pt, when present, readable and recording the
    // same model; train_neighbours.npy and train_neighbour_similarities.npy
    // together or not at all, N x m, indices non-negative, similarities in
    // [-1, 1]; each map_<method>_<split>.npy of a known method and split,
    // finite, two columns, N rows for the test split; train_embeddings.npy,
    // when present, finite and as wide as embeddings.npy.
    SavedRun read() const;

private:
    std::string dir_;
};

// Several run folders, each read (and validated) whole, in order; the first
// damaged one is refused naming its file. Cancelled between runs once
// shouldStop() turns true.
std::vector<SavedRun> readRuns(const std::vector<std::string>& dirs, const std::function<bool()>& shouldStop = {});

// A summary's settings, filled the same way by the CLI and the GUI before
// training: the model, the data, the device and the training set-up.
RunSummary summaryFor(const std::string& model, const std::string& dataset, const torch::Device& device,
                      const TrainConfig& config, int64_t validationCount, int64_t neighbours, int64_t trainImages);

// Fills the summary's evaluation fields: test accuracy, score means, the
// confusion matrix and the calibration of the test probabilities (a fitted
// temperature is kept).
void recordEvaluation(RunSummary& summary, const Evaluation& evaluation, const ScoreTable& scores);

// Temperature scaling: the T that minimises the NLL of the validation
// split's probabilities, and the test ECE after it, into the summary.
void recordTemperature(RunSummary& summary, const torch::Tensor& validationProbabilities,
                       const torch::Tensor& validationLabels, const Evaluation& test);

// per_sample.csv's first line: index,label,predicted,<six score keys>,neighbours
// (no newline), and its whole text: the header, then one row per image.
std::string perSampleCsvHeader();
std::string perSampleCsv(const Evaluation& evaluation, const ScoreTable& scores);

}  // namespace alx
