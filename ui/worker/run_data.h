#pragma once
// Plain data that crosses from the worker thread to the widgets. No torch
// here: the widgets never see a tensor, so no ui header includes LibTorch.
#include <QMetaType>

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "alx/active_learning/pile_state.h"
#include "alx/audit/audit_evidence.h"
#include "alx/data/image_shape.h"
#include "alx/jobs/active_learning_request.h"
#include "alx/jobs/train_request.h"
#include "alx/storage/comparison_files.h"
#include "alx/storage/run_summary.h"
#include "alx/vocabulary.h"

namespace alx::ui {

struct BatchPoint {
    int epoch = 0;              // 1-based
    int epochs = 0;
    int64_t batch = 0;          // batches done in this epoch
    int64_t batches = 0;        // per epoch
    double loss = 0;            // mean over the batches since the previous point
    double elapsedSeconds = 0;  // since training started
};

// Everything the Inspect views show, for the evaluated test images in order.
struct RunResults {
    RunSummary summary;                   // the model, dataset, device, epochs, accuracy, times, temperature
    std::vector<std::string> classNames;  // one per label
    int64_t count = 0;
    int classes = 0;
    int neighboursPerImage = 0;
    ImageStack images;                                // count images
    std::vector<int> labels, predicted;               // count
    std::vector<std::string> testPaths, trainPaths;   // an image folder's (test: count); empty for IDX data
    std::vector<float> probabilities;                 // count x classes
    std::array<std::vector<float>, kScoreCount> scores;  // core's order: see scoreName()
    std::vector<int64_t> neighbours;                  // count x neighboursPerImage, nearest first
    std::vector<float> neighbourSimilarity;           // same shape, u . u_j
    std::vector<int64_t> confusion;                   // classes x classes, rows = true label

    // Each test image's nearest training images (count x trainNeighboursPerImage,
    // nearest first; indices into the dataset's training images), when the
    // run has them; and those training images alone, by sorted index.
    int trainNeighboursPerImage = 0;
    std::vector<int64_t> trainNeighbours;
    std::vector<float> trainNeighbourSimilarity;
    std::vector<int64_t> trainIndex;     // sorted, unique
    ImageStack trainImages;              // trainIndex.size() images
    std::vector<int> trainLabels;        // trainIndex.size()

    const uint8_t* image(int64_t i) const { return images.image(size_t(i)); }
    float score(int kind, int64_t i) const { return scores[size_t(kind)][size_t(i)]; }
    // |u - u_j| for unit vectors, from the stored similarity.
    float neighbourDistance(int64_t i, int j) const;
    float trainNeighbourDistance(int64_t i, int j) const;
    // The training image `index` (a dataset index that trainNeighbours names) and its label.
    const uint8_t* trainImage(int64_t index) const;
    int trainLabel(int64_t index) const;
    // The class name of a label ("7", "Coat"), or its number when the run has no names.
    std::string className(int label) const;
};

using RunResultsPtr = std::shared_ptr<const RunResults>;

// A label audit for the Suspect labels page: of the current run's test
// images (alone, or averaged with other runs'), or of its training images
// by cross-validation, which brings those images along.
struct AuditView {
    LabelAudit audit;
    AuditEvidence evidence;
    std::vector<std::string> members;  // the runs or models averaged; one for a run alone
    std::string split = "test";        // "test" or "train"
    std::string dir;                   // a training-split audit's folder: its review is kept there
    ImageStack images;                 // training split: the training images, by index
    std::vector<int> labels;           // training split: their given labels
};
using AuditViewPtr = std::shared_ptr<const AuditView>;

// A map of the run's embeddings, as it unfolds and when done. The first
// testRows rows are the test images in RunResults' order; the training
// images follow for a map of both.
struct MapData {
    std::string method, split;      // "tsne" or "pca"; "test" or "all"
    int iteration = 0, iterations = 0;  // t-SNE's progress (0 and 0 for PCA)
    bool final = false;
    std::vector<float> xy;          // rows x 2
    int64_t testRows = 0, trainRows = 0;
    std::vector<int> trainLabels, trainPredicted;  // final maps of both only; trainPredicted may be empty
    ImageStack trainImages;                        // trainRows images
    std::string file;               // where the run keeps it; empty when the run has no folder yet
};
using MapDataPtr = std::shared_ptr<const MapData>;

// Two or more runs side by side (core's compareRuns), for the comparison window.
struct ComparisonData {
    RunComparison comparison;  // each run with its summary, every pair, the images they disagree on
    std::vector<std::array<std::vector<float>, kScoreCount>> scoreValues;  // [run]: every test image's six scores
    std::vector<std::string> classNames;
    // The first disagreements, drawn: their pixels, and
    // each run's prediction and its probability ([run][k]). Empty when the
    // dataset's test images are not on this machine.
    std::vector<int64_t> shownDisagreements;
    ImageStack shownImages;
    std::vector<int> shownLabels;
    std::vector<std::vector<int>> shownPredictions;
    std::vector<std::vector<float>> shownProbabilities;
    std::string imagesProblem;  // why they are not drawn
};
using ComparisonDataPtr = std::shared_ptr<const ComparisonData>;

// One finished round: the point on the curve and what was acquired before it.
struct AlRoundPoint {
    std::string strategy;  // "entropy", or "entropy (you)" in the human mode
    int repeat = 0;
    int round = 0;
    int64_t labels = 0;
    double accuracy = 0;
    std::vector<int64_t> acquired;  // training-set indices
    std::vector<float> scores;
    ImageStack images;              // acquired.size() images
    std::vector<int> trueLabels;
    std::vector<int> usedLabels;    // the labels trained with (the person's in the human mode); may be empty
    std::vector<std::string> classNames;  // the dataset's, one per label; may be empty
    bool crossValidated = false;          // accuracy by k-fold cross-validation (a pile without test images)
    std::optional<double> kappa;          // agreement with the last round on the stop set (none in the first)
};

// An active-learning run folder as opened: every round on its curves, and
// the request that resumes it.
struct AlOpenedRun {
    std::string dir;
    ActiveLearningJobRequest request;
    std::vector<AlRoundPoint> rounds;  // the last one carries its acquired images, when known
};

// Images the person is asked to label.
struct AlQuery {
    std::string strategy;
    int round = 0;
    std::vector<int64_t> indices;
    ImageStack images;            // indices.size() images
    std::vector<std::string> classNames;  // the dataset's, one per label
};

// A batch of an unlabelled pile for the person to label (PileQueryReport,
// as the GUI keeps it): answers name its rows.
struct PileBatch {
    int round = 0;
    bool withoutModel = false;
    std::vector<int64_t> rows;
    std::vector<std::string> paths;
    ImageStack images;                     // one per row
    std::vector<PileLabel> given;          // one per row: answered already (a resumed batch) or pending
    std::vector<std::string> classNames;   // so far
    int64_t labelled = 0, budget = 0;
    // The whole pile, for its map: images, paths, places (N x 2) and every answer so far.
    std::shared_ptr<const ImageStack> pileImages;
    std::shared_ptr<const std::vector<std::string>> pilePaths;
    std::shared_ptr<const std::vector<float>> map;
    std::vector<PileLabel> answers;
};

}  // namespace alx::ui

Q_DECLARE_METATYPE(alx::TrainJobRequest)
Q_DECLARE_METATYPE(alx::ui::BatchPoint)
Q_DECLARE_METATYPE(alx::EpochReport)
Q_DECLARE_METATYPE(alx::ui::RunResultsPtr)
Q_DECLARE_METATYPE(alx::ActiveLearningJobRequest)
Q_DECLARE_METATYPE(alx::ui::AlRoundPoint)
Q_DECLARE_METATYPE(alx::ui::AlQuery)
Q_DECLARE_METATYPE(alx::ui::PileBatch)
Q_DECLARE_METATYPE(alx::PileAnswer)
Q_DECLARE_METATYPE(alx::ui::AlOpenedRun)
Q_DECLARE_METATYPE(alx::ui::MapDataPtr)
Q_DECLARE_METATYPE(alx::ui::ComparisonDataPtr)
Q_DECLARE_METATYPE(alx::ui::AuditViewPtr)
