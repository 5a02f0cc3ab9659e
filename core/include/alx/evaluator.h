#pragma once
#include <functional>

#include <torch/types.h>

#include "alx/model.h"
#include "alx/trainer.h"

namespace alx {

// A model's view of an evaluated set, in the set's order, on the device
// that computed it.
struct Evaluation {
    torch::Tensor probabilities;  // float [N, classes], softmax of the logits
    torch::Tensor embeddings;     // float [N, D]
    torch::Tensor predicted;      // int64 [N]
    torch::Tensor labels;         // int64 [N]
    torch::Tensor confusion;      // int64 [classes, classes], rows = true label, cols = prediction
    double accuracy = 0;          // fraction of N
};

// Inference batches of 128 keep each layer's working set in cache: on the
// CPU they were the fastest of 128/256/512/1000 for every model but
// resnet18 (gal 2.6 s per 10,000 test images against 4.9 s at 1000; one
// thread, LibTorch 1.13).
constexpr int64_t kEvaluationBatch = 128;

// Runs the model in eval mode under inference mode, in batches of
// `batchSize`, checking shouldStop() between batches (throws Cancelled).
Evaluation evaluateModel(Classifier& model, const TensorSet& set, int64_t batchSize = kEvaluationBatch,
                         const std::function<bool()>& shouldStop = {});

}  // namespace alx
