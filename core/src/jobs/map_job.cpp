#include "alx/jobs/map_job.h"

#include <torch/torch.h>

#include <filesystem>

#include "alx/maps/pca.h"
#include "alx/models/model_registry.h"
#include "alx/scoring/evaluator.h"
#include "alx/storage/npy.h"
#include "alx/storage/run_reader.h"
#include "alx/storage/weights_file.h"
#include "alx/util/device.h"
#include "alx/util/errors.h"

namespace fs = std::filesystem;

namespace alx {

std::string mapFileName(const std::string& method, const std::string& split) {
    return "map_" + method + "_" + split + ".npy";
}

MapJobResult runMapJob(const MapJobRequest& request, const MapJobCallbacks& callbacks) {
    if (request.method != "tsne" && request.method != "pca") {
        throw InputError("unknown map method '" + request.method + "' (known: tsne, pca)", "method");
    }
    if (request.split != "test" && request.split != "train" && request.split != "all") {
        throw InputError("unknown split '" + request.split + "' (known: test, train, all)", "split");
    }
    const SavedRun run = readRun(request.runDir);  // the whole folder, or refused naming the file
    configureThreads(request.threads);
    const torch::Device device = resolveDevice(request.device);
    const auto stage = [&](const std::string& what) {
        if (callbacks.onStage) callbacks.onStage(what);
    };

    MapJobResult result;
    torch::Tensor embeddings;
    if (request.split != "train") {
        embeddings = run.embeddings;
        result.testRows = run.size();
    }
    if (request.split != "test") {
        const std::string weights = (fs::path(request.runDir) / "model.pt").string();
        if (!run.hasWeights) throw InputError(fileError(weights, "missing: the training images' embeddings need the model"));
        DatasetRequest data = request.data;
        data.name = run.dataset;
        data.trainImages = 0;
        data.testImages = run.size();
        const LoadedDataset loaded = loadJobData(data, callbacks.shouldStop, callbacks.onDataset);
        if (!torch::equal(loaded.test.labels, run.labels)) {
            throw InputError(fileError(request.runDir, "its labels do not match the " + run.dataset +
                                                           " test set found on this machine"));
        }
        torch::Tensor trainEmbeddings = run.trainEmbeddings;
        if (!trainEmbeddings.defined() || trainEmbeddings.size(0) != loaded.train.size()) {
            const int64_t classes = run.probabilities.size(1);
            ClassifierPtr model = makeModel(run.model, classes);
            model->to(device);
            loadWeights(*model, weights, {run.model, classes});
            stage("embedding the " + std::to_string(loaded.train.size()) + " training images");
            const TensorSet train{normaliseImages(loaded.train.images, device), loaded.train.labels.to(device)};
            trainEmbeddings = evaluateModel(*model, train, kEvaluationBatch, callbacks.shouldStop).embeddings;
            // Kept beside the run: the next map of the training images starts here.
            writeNpy((fs::path(request.runDir) / "train_embeddings.npy").string(), trainEmbeddings);
        }
        result.trainRows = trainEmbeddings.size(0);
        embeddings = embeddings.defined() ? torch::cat({embeddings.to(device), trainEmbeddings}) : trainEmbeddings;
    }
    embeddings = embeddings.to(device);

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
    result.path = (fs::path(request.runDir) / mapFileName(request.method, request.split)).string();
    writeNpy(result.path, result.map);
    return result;
}

}  // namespace alx
