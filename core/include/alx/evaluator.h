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

// Runs the model in eval mode under inference mode, in batches of
// `batchSize`, checking shouldStop() between batches (throws Cancelled).
Evaluation evaluateModel(Classifier& model, const TensorSet& set, int64_t batchSize = 1000,
                         const std::function<bool()>& shouldStop = {});

}  // namespace alx
