#include "alx/jobs/run_folder_job.h"

#include <torch/torch.h>

#include <algorithm>

#include "alx/models/model_registry.h"
#include "alx/models/scripted_model.h"
#include "alx/util/errors.h"
#include "alx/util/files.h"
#include "pile_job.h"

namespace alx {
namespace {

// Training-set neighbours and maps of the training images index the whole
// training set found here: checked to fit before a view trusts them.
// Returns whether the run needs the training images at all.
bool checkTrainingRowsFit(const RunFolder& folder, const SavedRun& run, int64_t trainImages) {
    const std::string& dataset = run.summary.dataset;
    bool needsTrain = run.trainNeighbours.indices.defined();
    for (const std::string split : {"train", "all"}) {
        for (const std::string method : {"tsne", "pca"}) {
            const auto map = run.maps.find(RunFolder::mapName(method, split));
            if (map == run.maps.end()) continue;
            needsTrain = true;
            const int64_t expected = trainImages + (split == "all" ? run.size() : 0);
            if (map->second.size(0) != expected) {
                throw InputError(fileError(folder.mapPath(method, split),
                                           "holds " + std::to_string(map->second.size(0)) + " rows; the " + dataset +
                                               " set found on this machine gives " + std::to_string(expected)));
            }
        }
    }
    if (run.trainNeighbours.indices.defined() && run.trainNeighbours.indices.numel() > 0 &&
        run.trainNeighbours.indices.max().item<int64_t>() >= trainImages) {
        throw InputError(fileError(folder.trainNeighboursPath(), "names a training image beyond the " +
                                                                    std::to_string(trainImages) + " of the " + dataset +
                                                                    " set found on this machine"));
    }
    return needsTrain;
}

[[noreturn]] void refuseIndex(const std::string& statePath) {
    throw InputError(fileError(statePath, "an image index is beyond the training set found on this machine"));
}

// The run's dataset as its settings recorded it, for showing its last batch:
// the training images (and a pile, which may be all there is), not the test
// images.
LoadedDataset loadedForOpening(const ActiveLearningSettings& settings, const DatasetRequest& given,
                               const std::function<bool()>& shouldStop, bool pile = false) {
    DatasetRequest data = seededDataset(settings.data, settings.seed);
    data.dataDir = recordedOrGivenDir(data.dataDir, given.dataDir);
    data.testImages = 1;
    return loadJobData(data, shouldStop, {}, pile);
}

// A pile run's last batch: the images the person labelled for its last
// round, with the labels they gave (a pile has no other truth). Throws,
// naming labels.csv, when an answered image has left the pile.
void showPileBatch(const ActiveLearningRunFolder& folder, const LoadedDataset& loaded,
                   OpenedActiveLearningRun& opened) {
    const PileState pile = jobs_detail::resumedState(folder, loaded);
    for (const PileLabel& l : pile.labels) {
        if (l.round != opened.lastRound || l.status != LabelStatus::Labelled) continue;
        opened.lastAcquired.push_back(l.image);
        opened.lastUsedLabels.push_back(pile.classIndex(l.className));
    }
    opened.lastTrueLabels = opened.lastUsedLabels;
    opened.lastImages = imageStack(loaded.pool.images, opened.lastAcquired);
    opened.classNames = pile.classNames;
}

}  // namespace

OpenedTrainingRun openTrainingRun(const std::string& dir, DatasetRequest data, const std::function<bool()>& shouldStop) {
    const RunFolder folder(dir);
    OpenedTrainingRun opened;
    opened.run = folder.read();  // validated whole, or refused naming the file
    const SavedRun& run = opened.run;
    data = runDataset(run.summary, data);
    data.trainImages = 0;
    data.testImages = run.size();
    const LoadedDataset loaded = loadJobData(data, shouldStop, {});
    if (loaded.test.size() != run.size() || !torch::equal(loaded.test.labels, run.labels)) {
        throw InputError(fileError(dir, "its labels do not match the " + run.summary.dataset + " test set found on this machine"));
    }
    opened.testImages = loaded.test.images;
    opened.testPaths = loaded.testPaths;
    opened.trainPaths = loaded.trainPaths;
    if (checkTrainingRowsFit(folder, run, loaded.train.size())) {
        opened.trainImages = loaded.train.images;
        opened.trainLabels = loaded.train.labels;
    }
    opened.evaluation = {run.probabilities, run.embeddings, run.predicted, run.labels, run.confusion, run.summary.testAccuracy};
    opened.scores.values = run.scores;
    opened.scores.neighbours = run.neighbours;
    if (run.hasWeights) opened.model = folder.loadModel(run);
    return opened;
}

OpenedActiveLearningRun openActiveLearningRun(const std::string& dir, DatasetRequest data,
                                              const std::function<bool()>& shouldStop) {
    const ActiveLearningRunFolder folder(dir);
    OpenedActiveLearningRun opened;
    opened.curve = folder.validate(&opened.settings);  // the whole folder, or refused naming the file
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
    if (before == 0) return opened;  // the initial set
    const auto state = folder.readState(last.strategy, last.repeat);
    if (!state) {  // a pile keeps its batches in labels.csv
        if (folder.readLabels().empty()) return opened;
        OpenedActiveLearningRun withBatch = opened;
        try {
            showPileBatch(folder, loadedForOpening(opened.settings, data, shouldStop, /*pile=*/true), withBatch);
            return withBatch;
        } catch (const Cancelled&) {
            throw;
        } catch (const std::runtime_error&) {
            // The pile moved, changed or cannot be read: the curve opens
            // without the batch, and a resume names what is wrong.
            return opened;
        }
    }
    const int64_t end = std::min<int64_t>(last.labels, int64_t(state->labelled.size()));
    opened.lastAcquired.assign(state->labelled.begin() + std::min(before, end), state->labelled.begin() + end);
    if (!state->labels.empty()) {
        opened.lastUsedLabels.assign(state->labels.begin() + std::min(before, end), state->labels.begin() + end);
    }
    const LoadedDataset loaded = loadedForOpening(opened.settings, data, shouldStop);
    for (int64_t i : opened.lastAcquired) {
        if (i >= loaded.train.size()) refuseIndex(folder.statePath(last.strategy, last.repeat));
        opened.lastTrueLabels.push_back(loaded.train.labels[i].item<int64_t>());
    }
    opened.lastImages = imageStack(loaded.train.images, opened.lastAcquired);
    opened.classNames = loaded.classNames;
    return opened;
}

ModelExport exportRunModel(const std::string& dir, const std::string& out) {
    const RunKind kind = detectRunKind(dir);
    if (kind == RunKind::ActiveLearning) {
        throw InputError(fileError(dir, "an active-learning run keeps no model (each round's is discarded); export a "
                                        "training run"), "run");
    }
    if (kind == RunKind::Unknown) throw InputError(fileError(dir, "not an ALX run folder"), "run");
    const RunFolder folder(dir);
    const SavedRun run = folder.read();  // validated whole, or refused naming the file
    return exportModel(*folder.loadModel(run), run.summary, run.classes(), out);
}

ModelExport exportModel(Classifier& model, const RunSummary& summary, int64_t classes, const std::string& out) {
    const bool training = model.is_training();
    model.eval();
    const ModelInput input{summary.imageShape, classes};
    const std::string bytes = torchScriptBytes(model, input, summary.classNames);
    model.train(training);
    writeFileAtomically(out, bytes);
    const ModelInfo info = modelInfo(summary.model);
    const ScriptContract* contract = scriptContractOf(model);
    return {info.displayName, contract ? "embedding from " + contract->embedding : "embed: " + info.embedding, input};
}

void saveTrainingRun(const std::string& dir, const RunSummary& summary, Classifier* model,
                     const Evaluation& evaluation, const ScoreTable& scores, const Neighbours* trainNeighbours) {
    const RunFolder folder(dir);
    if (model) folder.writeWeights(*model, {summary.model, {summary.imageShape, evaluation.probabilities.size(1)}});
    folder.writeEvaluation(summary, evaluation, scores, trainNeighbours);
}

}  // namespace alx
