#include "alx/jobs/map_job.h"

#include <torch/torch.h>

#include "alx/maps/pca.h"
#include "alx/models/model_registry.h"
#include "alx/scoring/evaluator.h"
#include "alx/storage/run_folder.h"
#include "alx/util/device.h"
#include "alx/util/errors.h"

namespace alx {
namespace {

void checkRequest(const MapJobRequest& request) {
    if (request.method != "tsne" && request.method != "pca") {
        throw InputError("unknown map method '" + request.method + "' (known: tsne, pca)", "method");
    }
    if (request.split != "test" && request.split != "train" && request.split != "all") {
        throw InputError("unknown split '" + request.split + "' (known: test, train, all)", "split");
    }
}

// What mapping needs of a run, from a folder or from memory. `model` is
// made on demand (only the training images need it).
struct MapSource {
    RunInMemory run;
    torch::Tensor cachedTrainEmbeddings;  // from the folder, when kept there
    std::function<ClassifierPtr(const torch::Device&)> model;
};

MapJobResult mapSource(const MapSource& source, const MapJobRequest& request, const MapJobCallbacks& callbacks) {
    const torch::Device device = resolveDevice(request.device);
    const auto stage = [&](const std::string& what) {
        if (callbacks.onStage) callbacks.onStage(what);
    };
    const RunInMemory& run = source.run;
    MapJobResult result;
    torch::Tensor embeddings;
    if (request.split != "train") {
        embeddings = run.testEmbeddings.to(device);
        result.testRows = run.testEmbeddings.size(0);
    }
    if (request.split != "test") {
        DatasetRequest data = request.data;
        data = runDataset(run.summary, data);
        data.trainImages = 0;
        data.testImages = run.testLabels.size(0);
        const LoadedDataset loaded = loadJobData(data, callbacks.shouldStop, callbacks.onDataset);
        if (!torch::equal(loaded.test.labels, run.testLabels.to(torch::kCPU))) {
            throw InputError(fileError(run.runDir.empty() ? run.summary.dataset : run.runDir,
                                       "its labels do not match the " + run.summary.dataset + " test set found on this machine"));
        }
        torch::Tensor trainEmbeddings = source.cachedTrainEmbeddings;
        if (!trainEmbeddings.defined() || trainEmbeddings.size(0) != loaded.train.size()) {
            ClassifierPtr model = source.model(device);
            stage("embedding the " + std::to_string(loaded.train.size()) + " training images");
            const TensorSet train{normaliseImages(loaded.train.images, device), loaded.train.labels.to(device)};
            const Evaluation evaluation = evaluateModel(*model, train, kEvaluationBatch, callbacks.shouldStop);
            trainEmbeddings = evaluation.embeddings;
            result.trainPredicted = evaluation.predicted.to(torch::kCPU);
            // Kept beside the run: the next map of the training images starts here.
            if (!run.runDir.empty()) RunFolder(run.runDir).writeTrainEmbeddings(trainEmbeddings);
        }
        result.trainRows = trainEmbeddings.size(0);
        result.trainLabels = loaded.train.labels;
        result.trainImages = loaded.train.images;
        embeddings = embeddings.defined() ? torch::cat({embeddings, trainEmbeddings.to(device)}) : trainEmbeddings.to(device);
    }

    if (request.method == "pca") {
        stage("PCA of " + std::to_string(embeddings.size(0)) + " embeddings");
        result.map = pcaMap(embeddings);
    } else {
        stage("t-SNE of " + std::to_string(embeddings.size(0)) + " embeddings");
        TsneCallbacks tsne;
        tsne.shouldStop = callbacks.shouldStop;
        tsne.onProgress = callbacks.onProgress;
        tsne.progressEvery = callbacks.progressEvery;
        result.map = tsneMap(embeddings, request.tsne, tsne);
    }
    if (!run.runDir.empty()) {
        const RunFolder folder(run.runDir);
        folder.writeMap(request.method, request.split, result.map);
        result.path = folder.mapPath(request.method, request.split);
    }
    return result;
}

}  // namespace

MapJobResult runMapJob(const MapJobRequest& request, const MapJobCallbacks& callbacks) {
    checkRequest(request);
    const RunFolder folder(request.runDir);
    const SavedRun saved = folder.read();  // the whole folder, or refused naming the file
    configureThreads(request.threads);
    MapSource source;
    source.run = {saved.summary, saved.embeddings, saved.labels, nullptr, request.runDir};
    source.cachedTrainEmbeddings = saved.trainEmbeddings;
    source.model = [&](const torch::Device& device) {
        if (!saved.hasWeights) {
            throw InputError(fileError(folder.weightsPath(), "missing: the training images' embeddings need the model"));
        }
        ClassifierPtr model = folder.loadModel(saved);
        model->to(device);
        return model;
    };
    return mapSource(source, request, callbacks);
}

MapJobResult mapRunInMemory(const RunInMemory& run, const MapJobRequest& request, const MapJobCallbacks& callbacks) {
    checkRequest(request);
    MapSource source;
    source.run = run;
    source.model = [&](const torch::Device& device) {
        if (!run.model) throw InputError("this run has no model to embed the training images with", "split");
        run.model->to(device);
        return run.model;
    };
    return mapSource(source, request, callbacks);
}

}  // namespace alx
