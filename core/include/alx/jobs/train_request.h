#pragma once
// What a training or evaluation run is asked to do (runTrainJob, train_job.h),
// without LibTorch: the app's Train panel fills it as it is.
#include <cstdint>
#include <string>

#include "alx/data/dataset_request.h"

namespace alx {

struct TrainJobRequest {
    DatasetRequest data;
    std::string model = "lenet5";
    // 0, empty or negative: the model's preset (modelCatalogue()).
    int epochs = 0;
    int64_t batchSize = 0;
    double learningRate = 0;
    std::string optimiser;  // "sgd" or "adam"
    double momentum = -1;   // SGD only
    uint64_t seed = 0;
    int64_t validation = 0;  // training images held out to report accuracy per epoch
    std::string device = "auto";
    int64_t neighbours = 5;  // per image, for the neighbour scores (cut to the test set's size - 1)
    bool trainNeighbours = false;  // also each test image's `neighbours` nearest training images
    int threads = 0;         // LibTorch's CPU threads; 0 = $ALX_THREADS or one per core
    std::string initWeights; // train from these weights (a model.pt of the same model)
    std::string weights;     // evaluate these weights; no training (a TorchScript model: its own file, as `model`)
    bool reinitialise = false;  // a TorchScript model's parameters drawn afresh from `seed`, not the file's
    // Train without these training images, or with these labels: a label
    // review or a CSV of index[,label] (see alx/storage/label_review.h).
    std::string excludeFile, relabelFile;
    std::string outDir;      // where the run is written as it goes; empty = nowhere (the app saves on request)
    int64_t lossReadInterval = 50;  // batches between loss read-backs (and onBatch calls)
    bool cudaGraphs = true;  // on a GPU: replay each step from a CUDA graph (TrainConfig::cudaGraphs)
};

}  // namespace alx
