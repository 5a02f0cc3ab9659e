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
#include "alx/storage/run_reader.h"
#include "alx/storage/run_writer.h"

namespace alx {

struct OpenedTrainingRun {
    SavedRun run;
    RunSummary summary;        // what the run's summary.json says, to save it again
    Evaluation evaluation;     // from its files
    ScoreTable scores;
    ClassifierPtr model;       // null when the folder has no model.pt
    torch::Tensor testImages;  // uint8 [N, 28, 28]: the run's dataset's first N test images, on this machine
};

// InputError naming the file for a damaged folder, and naming the folder
// when its labels are not those of the dataset found here.
OpenedTrainingRun openTrainingRun(const std::string& dir, DatasetRequest data,
                                  const std::function<bool()>& shouldStop = {});

// Writes a run into `dir` as `alx-cli train` does; model.pt only with a model.
void saveTrainingRun(const std::string& dir, const RunSummary& summary, Classifier* model,
                     const Evaluation& evaluation, const ScoreTable& scores,
                     const Neighbours* trainNeighbours = nullptr);

}  // namespace alx
