#pragma once
#include <functional>

#include <torch/types.h>

#include "alx/models/model.h"
#include "alx/data/tensor_set.h"

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

// Inference batches small enough that each layer's working set stays in
// the CPU's cache; the sizes tried are in docs/benchmarks.md.
constexpr int64_t kEvaluationBatch = 128;

// Runs the model in eval mode under inference mode, in batches of
// `batchSize`, checking shouldStop() between batches (throws Cancelled).
Evaluation evaluateModel(Classifier& model, const TensorSet& set, int64_t batchSize = kEvaluationBatch,
                         const std::function<bool()>& shouldStop = {});

}  // namespace alx
