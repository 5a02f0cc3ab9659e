#include "alx/jobs/run_folder_job.h"

#include <torch/torch.h>

#include <filesystem>

#include "alx/models/model_registry.h"
#include "alx/storage/atomic_file.h"
#include "alx/storage/weights_file.h"
#include "alx/util/errors.h"

namespace fs = std::filesystem;

namespace alx {

OpenedTrainingRun openTrainingRun(const std::string& dir, DatasetRequest data, const std::function<bool()>& shouldStop) {
    OpenedTrainingRun opened;
    opened.run = readRun(dir);  // validated whole, or refused naming the file
    const SavedRun& run = opened.run;
    data.name = run.dataset;
    data.trainImages = 0;
    data.testImages = run.size();
    const LoadedDataset loaded = loadJobData(data, shouldStop, {});
    if (loaded.test.size() != run.size() || !torch::equal(loaded.test.labels, run.labels)) {
        throw InputError(fileError(dir, "its labels do not match the " + run.dataset + " test set found on this machine"));
    }
    opened.testImages = loaded.test.images;

    RunSummary& summary = opened.summary;
    summary.model = run.model;
    summary.dataset = run.dataset;
    summary.device = run.device;
    summary.status = run.status;
    summary.epochs = run.epochs;
    summary.trainSeconds = run.trainSeconds;
    summary.evalSeconds = run.evalSeconds;
    summary.trainImages = run.trainImages;
    summary.neighbours = run.neighbours.indices.size(1);
    summary.classNames = run.classNames;
    opened.evaluation = {run.probabilities, run.embeddings, run.predicted, run.labels, run.confusion, run.testAccuracy};
    opened.scores.values = run.scores;
    opened.scores.neighbours = run.neighbours;
    if (run.hasWeights) {
        const int64_t classes = run.probabilities.size(1);
        opened.model = makeModel(run.model, classes);
        loadWeights(*opened.model, (fs::path(dir) / "model.pt").string(), {run.model, classes});
    }
    return opened;
}

void saveTrainingRun(const std::string& dir, const RunSummary& summary, Classifier* model,
                     const Evaluation& evaluation, const ScoreTable& scores, const Neighbours* trainNeighbours) {
    ensureWritableDirectory(dir);
    if (model) {
        saveWeights(*model, (fs::path(dir) / "model.pt").string(), {summary.model, evaluation.probabilities.size(1)});
    }
    writeEvaluationOutputs(dir, summary, evaluation, scores, trainNeighbours);
}

}  // namespace alx
