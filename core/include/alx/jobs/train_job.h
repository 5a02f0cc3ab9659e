#pragma once
// Training (or evaluating saved weights), evaluating on the test set and
// scoring every test image: the one pipeline behind `alx-cli train`,
// `alx-cli eval` and the app's Train button.
#include <cstdint>
#include <functional>
#include <string>

#include "alx/jobs/job.h"
#include "alx/jobs/train_request.h"
#include "alx/models/model.h"
#include "alx/scoring/evaluator.h"
#include "alx/scoring/scores.h"
#include "alx/storage/run_folder.h"
#include "alx/training/trainer.h"

namespace alx {

struct TrainJobStart {
    std::string device;  // describeDevice()
    int64_t trainImages = 0, validationImages = 0, testImages = 0;
    int64_t excludedImages = 0, relabelledImages = 0;  // by the request's excludeFile and relabelFile
    TrainConfig config;
    std::string embeddingFrom;  // a TorchScript model: tuple, embed or logits (vocabulary.h); empty otherwise
};

struct TrainJobCallbacks {
    std::function<bool()> shouldStop;  // polled between files, batches and blocks
    std::function<void(const DatasetReport&)> onDataset;
    std::function<void(const TrainJobStart&)> onStart;
    std::function<void(const BatchReport&, double elapsedSeconds)> onBatch;
    std::function<void(const EpochReport&)> onEpoch;
    std::function<void()> onEvaluating;
};

struct TrainJobResult {
    JobOutcome outcome = JobOutcome::Finished;
    std::string message;  // why it ended early
    bool stoppedInEvaluation = false;  // training had finished (and its weights are saved when outDir is set)
    RunSummary summary;
    ClassifierPtr model;
    bool evaluated = false;
    Evaluation evaluation;  // on the training device
    ScoreTable scores;
    Neighbours trainNeighbours;  // defined when requested: indices into the dataset's training images
    torch::Tensor testImages;  // uint8 [N, C, H, W] on the CPU, in evaluation order
    // With trainNeighbours: the training images and labels they index
    // (uint8 [M, C, H, W] and int64 [M], CPU), for a front-end to show.
    torch::Tensor trainImages, trainLabels;
    std::vector<std::string> testPaths, trainPaths;  // an image folder's, in the images' order; empty for IDX data
};

// The training set-up a request asks for: the model's preset, with the
// request's overrides. Throws InputError for an unknown model or optimiser.
TrainConfig trainConfigFor(const TrainJobRequest& request);

// Throws InputError (with the request field at fault) before any work when
// the request cannot be run, and RunError when writing fails.
TrainJobResult runTrainJob(const TrainJobRequest& request, const TrainJobCallbacks& callbacks = {});

}  // namespace alx
