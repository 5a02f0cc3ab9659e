#pragma once
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <torch/types.h>

#include "alx/data/tensor_set.h"
#include "alx/training/epoch_report.h"
#include "alx/models/model.h"
#include "alx/vocabulary.h"

namespace alx {

struct TrainConfig {
    OptimiserKind optimiser = OptimiserKind::Adam;
    double learningRate = 1e-3;
    double momentum = 0.9;
    int64_t batchSize = 32;
    int epochs = 10;
    uint64_t seed = 0;
    // Loss values stay on the device and are read back every this many
    // batches (and at each epoch's end): the host never waits for the
    // device on every batch, and a NaN is still caught within that window.
    int64_t lossReadInterval = 50;
    // Models that can compute their gradients without autograd (see
    // Classifier::hasExplicitGradients) do so; false forces autograd, for
    // comparing the two.
    bool explicitGradients = true;
    // On a GPU, each full batch's step is replayed from a CUDA graph
    // captured once (where the build has them); false launches every
    // operation of every step, for comparing the two.
    bool cudaGraphs = true;
};

struct BatchReport {
    int epoch = 0;           // 1-based
    int64_t batch = 0;       // 1-based, batches done in this epoch
    int64_t batches = 0;     // per epoch
    double recentLoss = 0;   // mean loss of the batches since the last report
};

struct TrainCallbacks {
    std::function<void(const BatchReport&)> onBatch;   // every lossReadInterval batches
    std::function<void(const EpochReport&)> onEpoch;
    std::function<bool()> shouldStop;                  // polled between batches
};

enum class TrainOutcome { Finished, Cancelled, Diverged };

struct TrainResult {
    TrainOutcome outcome = TrainOutcome::Finished;
    std::vector<EpochReport> epochs;  // the finished ones, kept whatever the outcome
    std::string message;              // why it stopped early
    double seconds = 0;
};

// Trains `model` with mini-batches drawn from a fresh seeded permutation
// every epoch. `validation` may be empty. Stops between batches when
// shouldStop() is true, and when the loss turns NaN or infinite; the epochs
// finished before either are in the result.
TrainResult trainModel(Classifier& model, const TensorSet& train, const TensorSet& validation,
                       const TrainConfig& config, const TrainCallbacks& callbacks = {});

// Splits indices 0..n-1 into a training and a held-out validation part of
// `validationCount` images, by a seeded permutation. Both sorted ascending.
std::pair<torch::Tensor, torch::Tensor> splitValidation(int64_t n, int64_t validationCount, uint64_t seed);

}  // namespace alx
