#pragma once
// A 2-D map of a run's embeddings (PCA or t-SNE), of its test images, its
// training images or both, written into the run folder as
// map_<method>_<split>.npy: the job behind `alx-cli map` and the app's Map page.
// The training images' embeddings, computed from the run's model.pt, are
// kept beside it as train_embeddings.npy and reused.
#include <cstdint>
#include <functional>
#include <string>

#include "alx/jobs/job.h"
#include "alx/maps/tsne.h"
#include "alx/models/model.h"

namespace alx {

struct MapJobRequest {
    std::string runDir;          // a training or evaluation run (validated whole first)
    std::string method = "tsne"; // "tsne" or "pca"
    std::string split = "test";  // "test", "train" or "all" (the test rows, then the training rows)
    TsneConfig tsne;
    DatasetRequest data;         // for the training images: dataDir and checks; the dataset is the run's
    std::string device = "auto";
    int threads = 0;
};

struct MapJobCallbacks {
    std::function<bool()> shouldStop;
    std::function<void(const DatasetReport&)> onDataset;
    std::function<void(const std::string& stage)> onStage;  // "embedding the training images", ...
    std::function<void(const TsneProgress&)> onProgress;
    int progressEvery = 25;
};

struct MapJobResult {
    torch::Tensor map;  // float32 [N, 2] on the CPU
    int64_t testRows = 0, trainRows = 0;
    torch::Tensor trainLabels;     // int64 [trainRows], the training rows' labels (when mapped)
    torch::Tensor trainPredicted;  // int64 [trainRows]; undefined when the embeddings came from the cache
    torch::Tensor trainImages;     // uint8 [trainRows, C, H, W]
    std::string path;   // the file written; empty when the run has no folder
};

// A run held in memory (the app's current run), mapped the same way.
struct RunInMemory {
    RunSummary summary;                        // its dataset, and the folder, size and split of an image folder
    torch::Tensor testEmbeddings, testLabels;  // the evaluated test images, in order
    ClassifierPtr model;                       // for the training images; may be null for the test split
    std::string runDir;                        // where to keep the map; empty: nowhere
};

MapJobResult runMapJob(const MapJobRequest& request, const MapJobCallbacks& callbacks = {});
// request.runDir is ignored: `run` says where (if anywhere) the map is kept.
MapJobResult mapRunInMemory(const RunInMemory& run, const MapJobRequest& request, const MapJobCallbacks& callbacks = {});

}  // namespace alx
