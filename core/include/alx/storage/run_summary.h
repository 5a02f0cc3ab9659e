#pragma once
// A training or evaluation run's summary: the one type for what a run was
// and what it achieved, written as summary.json while the run goes and read
// back by everything that shows, lists or compares runs. No LibTorch here,
// so that the parser can be fuzzed on its own; run_folder.h reads it
// together with the run's other files.
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "alx/audit/calibration.h"
#include "alx/data/image_shape.h"
#include "alx/training/epoch_report.h"
#include "alx/vocabulary.h"

namespace alx {

// The version of the run files' layout, written as "format" in every
// summary.json; readers refuse versions they do not know.
inline constexpr int kRunFormat = 1;

// How far the test probabilities can be taken at their word: in
// summary.json as "calibration" (ece, mce, nll, brier before scaling;
// temperature and ece_scaled, null without a validation split to fit on).
struct CalibrationRecord {
    bool measured = false;
    CalibrationMeasures test;            // kDefaultReliabilityBins bins
    std::optional<double> temperature;   // fitted on the validation split
    std::optional<double> eceScaled;     // the test ECE at that temperature
};

// What a run made with a TorchScript model records of it (summary.json's
// "torchscript"): the file's SHA-256 as loaded, where its embedding came
// from (tuple, embed or logits: scripted_model.h) and whether its parameters
// were drawn afresh (--reinit).
struct ScriptRecord {
    std::string sha256;
    std::string embedding;
    bool reinitialised = false;

    bool present() const { return !sha256.empty(); }
};

struct RunSummary {
    int format = kRunFormat;  // as read: 0 for a run written before summary.json had "format"
    std::string version;      // as read: the ALX that wrote it (written: this one)
    std::string model, dataset, device;
    std::string dataDir;      // where the dataset was found; empty in runs written before it was recorded
    ImageShape imageShape = kUnrecordedImageShape;  // the images the model took (C x H x W)
    double testFraction = 0;  // an image folder split here: the share of each class tested; 0: none
    std::string status = "finished";  // training | finished | cancelled | diverged
    std::string message;              // why it ended early
    int epochsPlanned = 0;
    int64_t batchSize = 0;
    double learningRate = 0;
    std::string optimiser;
    uint64_t seed = 0;
    int64_t validationCount = 0;
    int64_t neighbours = 0;
    int64_t trainImages = 0;
    std::vector<std::string> classNames;  // the dataset's, one per label; empty in runs written before they were
    std::string weightsFrom;              // evaluation of saved weights: their file
    std::string excludeFile, relabelFile; // a person's review applied to the training images (train --exclude/--relabel)
    int64_t excludedImages = 0, relabelledImages = 0;
    std::vector<EpochReport> epochs;
    double trainSeconds = 0;
    double evalSeconds = 0;
    // The evaluation on the test split: written once it is whole.
    bool evaluated = false;
    double testAccuracy = 0;
    std::array<double, kScoreCount> metricMeans{};
    CalibrationRecord calibration;
    std::vector<std::vector<int64_t>> confusion;  // classes x classes, rows = true label
    int64_t trainNeighbours = 0;                  // each test image's nearest training images kept, when > 0
    ScriptRecord script;                          // a TorchScript model (model is then its file)

    std::string kind() const { return weightsFrom.empty() ? "training" : "evaluation"; }
};

// summary.json's text.
std::string summaryJson(const RunSummary& summary);

// Throws InputError naming `path`: damaged JSON, not written by ALX, a
// format newer than this reader, an unknown model, a field of the wrong
// type, a number that is not finite or out of range, a confusion matrix
// that is not square, negative or larger than 1,000 classes, class names
// that do not match it. A run still training (no evaluation) is read.
RunSummary parseRunSummary(const std::string& text, const std::string& path);

// The training settings as a person compares runs by (optimiser,
// learning_rate, batch_size, epochs_planned, seed, validation_images,
// train_images, neighbours and, for an evaluation, weights), as text.
std::vector<std::pair<std::string, std::string>> recordedSettings(const RunSummary& summary);

}  // namespace alx
