#pragma once
// Opening a training or evaluation run folder for a front-end to show (the
// folder validated whole, the test images from its dataset on this
// machine, its model when it has one), and saving such a run elsewhere.
#include <functional>
#include <string>

#include "alx/jobs/job.h"
#include "alx/models/model.h"
#include "alx/scoring/evaluator.h"
#include "alx/scoring/scores.h"
#include "alx/storage/active_learning_run.h"
#include "alx/storage/run_folder.h"

namespace alx {

struct OpenedTrainingRun {
    SavedRun run;              // its summary as summary.json says, to save it again
    Evaluation evaluation;     // from its files
    ScoreTable scores;
    ClassifierPtr model;       // null when the folder has no model.pt
    torch::Tensor testImages;  // uint8 [N, C, H, W]: the run's dataset's first N test images, on this machine
    // The dataset's training images and labels (uint8 [M, C, H, W], int64
    // [M]), when the run has training-set neighbours or a map of them: what
    // they index.
    torch::Tensor trainImages, trainLabels;
    std::vector<std::string> testPaths, trainPaths;  // an image folder's, in the images' order; empty for IDX data
};

// InputError naming the file for a damaged folder, and naming the folder
// when its labels are not those of the dataset found here, or when its
// training-set neighbours or maps name more training images than it has.
OpenedTrainingRun openTrainingRun(const std::string& dir, DatasetRequest data,
                                  const std::function<bool()>& shouldStop = {});

// An active-learning run folder for a front-end to show and resume: the
// folder validated whole, its settings and curve, and the images acquired
// in its last recorded round (from that repeat's state).
struct OpenedActiveLearningRun {
    ActiveLearningSettings settings;      // its strategies in the order the curve names them
    std::vector<CurveRow> curve;
    std::vector<int64_t> lastAcquired;    // training-set indices, a pile's into the pile; none for the initial set
    std::vector<int64_t> lastTrueLabels;  // the dataset's labels of those (a pile's: the person's)
    std::vector<int64_t> lastUsedLabels;  // the labels they were trained with; empty in older states
    ImageStack lastImages;                // one per lastAcquired
    std::vector<std::string> classNames;  // the dataset's, a pile's new ones after them; empty when no images were loaded
    int lastRound = 0;
};
OpenedActiveLearningRun openActiveLearningRun(const std::string& dir, DatasetRequest data,
                                              const std::function<bool()>& shouldStop = {});

// Writes a run into `dir` as `alx-cli train` does; model.pt only with a model.
// What exportRunModel wrote.
struct ModelExport {
    std::string model;      // for people: "LeNet-5", "TorchScript net.pt"
    std::string embedding;  // where its embed() or embedding comes from, in words
    ModelInput input;
};

// Writes a training or evaluation run's trained model to `out` as TorchScript
// (scripted_model.h's contract; atomically). InputError naming the folder
// when it is an active-learning run (which keeps no model), no run at all,
// or keeps no model; the folder is validated whole first.
ModelExport exportRunModel(const std::string& runDir, const std::string& out);
// The same for a model in hand (the app's current run) and its summary.
ModelExport exportModel(Classifier& model, const RunSummary& summary, int64_t classes, const std::string& out);

void saveTrainingRun(const std::string& dir, const RunSummary& summary, Classifier* model,
                     const Evaluation& evaluation, const ScoreTable& scores,
                     const Neighbours* trainNeighbours = nullptr);

}  // namespace alx
