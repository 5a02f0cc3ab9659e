#include "alx/jobs/run_folder_job.h"

#include <torch/torch.h>

#include <algorithm>
#include <filesystem>

#include "alx/models/model_registry.h"
#include "alx/storage/atomic_file.h"
#include "alx/storage/weights_file.h"
#include "alx/util/errors.h"

namespace fs = std::filesystem;

namespace alx {
namespace {

[[noreturn]] void refuseIndex(const std::string& statePath) {
    throw InputError(fileError(statePath, "an image index is beyond the training set found on this machine"));
}

}  // namespace

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
    // Training-set neighbours and maps of the training images index the
    // whole training set found here: check they fit before a view trusts them.
    bool needsTrain = run.trainNeighbours.indices.defined();
    for (const auto& [name, map] : run.maps) {
        const bool withTrain = name.find("_train.npy") != std::string::npos || name.find("_all.npy") != std::string::npos;
        if (!withTrain) continue;
        needsTrain = true;
        const int64_t expected = loaded.train.size() + (name.find("_all.npy") != std::string::npos ? run.size() : 0);
        if (map.size(0) != expected) {
            throw InputError(fileError((fs::path(dir) / name).string(),
                                       "holds " + std::to_string(map.size(0)) + " rows; the " + run.dataset +
                                           " set found on this machine gives " + std::to_string(expected)));
        }
    }
    if (run.trainNeighbours.indices.defined() && run.trainNeighbours.indices.numel() > 0 &&
        run.trainNeighbours.indices.max().item<int64_t>() >= loaded.train.size()) {
        throw InputError(fileError((fs::path(dir) / "train_neighbours.npy").string(),
                                   "names a training image beyond the " + std::to_string(loaded.train.size()) +
                                       " of the " + run.dataset + " set found on this machine"));
    }
    if (needsTrain) {
        opened.trainImages = loaded.train.images;
        opened.trainLabels = loaded.train.labels;
    }

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
    summary.calibration.temperature = run.temperature;
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

OpenedActiveLearningRun openActiveLearningRun(const std::string& dir, DatasetRequest data,
                                              const std::function<bool()>& shouldStop) {
    const ActiveLearningRunFolder folder(dir);
    OpenedActiveLearningRun opened;
    opened.curve = folder.validate();  // the whole folder, or refused naming the file
    opened.settings = folder.readSettings();
    for (const CurveRow& row : opened.curve) {
        if (std::find(opened.strategies.begin(), opened.strategies.end(), row.strategy) == opened.strategies.end()) {
            opened.strategies.push_back(row.strategy);
        }
    }
    if (opened.curve.empty()) return opened;
    const CurveRow& last = opened.curve.back();
    // The round before it, in the same repeat: what the last round started from.
    int64_t before = 0;
    int rounds = 0;
    for (const CurveRow& row : opened.curve) {
        if (row.strategy != last.strategy || row.repeat != last.repeat) continue;
        ++rounds;
        if (row.labels < last.labels) before = std::max(before, row.labels);
    }
    opened.lastRound = rounds - 1;
    const auto state = folder.readState(last.strategy, last.repeat);
    if (before == 0 || !state) return opened;  // the initial set, or no state to say which images
    const int64_t end = std::min<int64_t>(last.labels, int64_t(state->labelled.size()));
    opened.lastAcquired.assign(state->labelled.begin() + std::min(before, end), state->labelled.begin() + end);
    if (!state->labels.empty()) {
        opened.lastUsedLabels.assign(state->labels.begin() + std::min(before, end), state->labels.begin() + end);
    }
    data.name = opened.settings.dataset;
    data.trainImages = opened.settings.trainImages;
    data.testImages = 1;  // only the training images are shown
    const LoadedDataset loaded = loadJobData(data, shouldStop, {});
    for (int64_t i : opened.lastAcquired) {
        if (i >= loaded.train.size()) refuseIndex(folder.statePath(last.strategy, last.repeat));
        opened.lastTrueLabels.push_back(loaded.train.labels[i].item<int64_t>());
    }
    opened.lastImages = imageBytes(loaded.train.images, opened.lastAcquired);
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
