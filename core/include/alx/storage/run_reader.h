#pragma once
// Reading run folders back, strictly: a folder is validated whole before
// anything in it is used, and a damaged one is refused whole with an
// InputError naming the file and the problem.
#include <array>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <torch/types.h>

#include "alx/scoring/scores.h"
#include "alx/training/trainer.h"

namespace alx {

enum class RunKind { Training, Evaluation, ActiveLearning, Unknown };

// What a folder holds, from its file names and summary.json's "kind"
// without validating it: Unknown when it is no ALX run at all.
RunKind detectRunKind(const std::string& dir);

// A training or evaluation run as `alx-cli train`/`eval` (or the app's Save
// run) writes it.
struct SavedRun {
    int format = 0;       // 0: written before summary.json had "format"
    std::string version;  // alx_version of the writer
    std::string model, dataset, device, status;
    std::vector<std::string> classNames;  // empty in runs written before they were recorded
    std::optional<double> temperature;    // fitted on a validation split, when the run had one
    std::vector<std::pair<std::string, std::string>> settings;  // as recorded, as text (SummaryRecord::settings)
    int64_t trainImages = 0;
    double testAccuracy = 0;
    double trainSeconds = 0, evalSeconds = 0;
    std::vector<EpochReport> epochs;
    torch::Tensor labels, predicted;            // int64 [N]
    torch::Tensor probabilities, embeddings;    // float [N, C], [N, D]
    std::array<torch::Tensor, kScoreCount> scores;  // float [N] each
    Neighbours neighbours;                      // indices from the CSV, similarities recomputed from the embeddings
    torch::Tensor confusion;                    // int64 [C, C]
    bool hasWeights = false;                    // model.pt present (and recording this run's model, if it records one)
    Neighbours trainNeighbours;                 // each test image's nearest training images; undefined when not computed
    torch::Tensor trainEmbeddings;              // float [R, D]: the training images', kept by the map job; may be undefined
    std::map<std::string, torch::Tensor> maps;  // map_<method>_<split>.npy by file name: float [rows, 2]

    int64_t size() const { return labels.defined() ? labels.size(0) : 0; }
};

// Validates and reads every file of a training or evaluation run: a known
// format version; summary.json's fields of the right types, finite, in
// range; probabilities.npy float32 [N, C], finite, each row in [0, 1] and
// summing to 1; embeddings.npy float32 [N, D], finite; per_sample.csv with
// its header, N rows in order, labels and predictions in 0..C-1, finite
// scores, m neighbours per row in range and not the row itself; the
// confusion matrix C x C and equal to the CSV's counts; the accuracy equal to
// the CSV's; model.pt, when present, readable and recording the same model;
// train_neighbours.npy and train_neighbour_similarities.npy together or not
// at all, N x m, indices non-negative, similarities in [-1, 1]; each
// map_<method>_<split>.npy of a known method and split, finite, two columns,
// N rows for the test split; train_embeddings.npy, when present, finite and
// as wide as embeddings.npy.
SavedRun readRun(const std::string& dir);

}  // namespace alx
