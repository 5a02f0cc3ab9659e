#include "alx/training/trainer.h"

#include <ATen/CPUGeneratorImpl.h>
#include <torch/torch.h>

#include <chrono>
#include <cmath>
#include <limits>
#include <memory>
#include <optional>
#include <sstream>

#include "alx/util/errors.h"
#include "alx/scoring/evaluator.h"
#include "alx/training/flat_optimiser.h"
#include "alx/util/timing.h"
#include "training/captured_step.h"
#include "training/split_gradients.h"

namespace alx {
namespace {

// oneDNN (MKLDNN) convolutions have a fixed cost per call that outweighs
// their speed on tiny batches: at the notebook's batch of 4, LibTorch's own
// convolution trained `net` at 10,108 images/s against 7,384 with oneDNN;
// at batch 32 oneDNN is twice as fast (LeNet-5: 22,318 against 11,095).
// The switch is process-wide, so it is restored when training ends.
class ConvolutionBackendForBatch {
public:
    explicit ConvolutionBackendForBatch(int64_t batchSize) : previous_(at::globalContext().userEnabledMkldnn()) {
        if (batchSize < kSmallBatch) at::globalContext().setUserEnabledMkldnn(false);
    }
    ~ConvolutionBackendForBatch() { at::globalContext().setUserEnabledMkldnn(previous_); }

private:
    static constexpr int64_t kSmallBatch = 16;
    bool previous_;
};

// Below batch 16 there is nothing for a second intra-op thread to share,
// and OpenMP's hand-offs made the step time erratic (net, batch 4, two
// threads: 6,174 to 10,192 images/s across runs; one thread: 9,426 steady).
// A step split across the threads (SplitGradients) holds LibTorch to one
// thread too: its threads are its slices, and the few operations between
// them are too small to share.
class ThreadsForBatch {
public:
    ThreadsForBatch(int64_t batchSize, bool split) : previous_(torch::get_num_threads()) {
        if ((batchSize < 16 || split) && previous_ > 1) torch::set_num_threads(1);
    }
    ~ThreadsForBatch() {
        if (torch::get_num_threads() != previous_) torch::set_num_threads(previous_);
    }

private:
    int previous_;
};

}  // namespace

std::pair<torch::Tensor, torch::Tensor> splitValidation(int64_t n, int64_t validationCount, uint64_t seed) {
    if (validationCount < 0 || validationCount >= n) {
        throw InputError("the validation split (" + std::to_string(validationCount) + " images) must be between 0 and " +
                             std::to_string(n - 1) + " images (the training set has " + std::to_string(n) + ")",
                         "validation");
    }
    auto generator = at::make_generator<at::CPUGeneratorImpl>(seed ^ 0x5eedULL);
    const auto perm = torch::randperm(n, generator, torch::kInt64);
    auto validation = std::get<0>(perm.slice(0, 0, validationCount).sort());
    auto train = std::get<0>(perm.slice(0, validationCount, n).sort());
    return {train, validation};
}

namespace {

// What every step of a training run shares.
struct Steps {
    Classifier& model;
    FlatOptimiser& optimiser;
    const TrainConfig& config;
    const TrainCallbacks& callbacks;
    int64_t readInterval;
    std::unique_ptr<CapturedStep> graph;       // full batches on a GPU, when used
    std::unique_ptr<SplitGradients> explicitGradients;  // the model's own backward pass, where it has one
};

// One step: the loss of a batch, its gradients and the update; the loss stays on the device.
torch::Tensor step(Steps& s, const torch::Tensor& images, const torch::Tensor& labels) {
    torch::Tensor loss;
    if (s.explicitGradients) {
        loss = s.explicitGradients->lossWithGradients(images, labels);  // overwrites every gradient
    } else {
        s.optimiser.zeroGrad();
        loss = torch::nn::functional::cross_entropy(s.model.forward(images).logits, labels);
        loss.backward();
    }
    s.optimiser.step();
    return loss;
}

// A full batch through the captured graph where there is one; the last,
// shorter batch of an epoch as it is.
torch::Tensor anyStep(Steps& s, const torch::Tensor& images, const torch::Tensor& labels) {
    if (s.graph && images.size(0) == s.config.batchSize) return s.graph->run(images, labels);
    return step(s, images, labels);
}

std::string divergence(double windowSum, int epoch, int64_t firstBatch, int64_t lastBatch, const TrainConfig& config,
                       size_t epochsKept) {
    std::ostringstream why;
    why << "training diverged: the loss became " << (std::isnan(windowSum) ? "NaN" : "infinite") << " in epoch " << epoch
        << " (batches " << firstBatch << "-" << lastBatch << "); learning rate " << config.learningRate
        << " may be too high. Kept " << epochsKept << " finished epoch(s)";
    return why.str();
}

// One epoch in a fresh order; its summed loss, or nothing when it ended early (`result` says how).
std::optional<double> epochLoss(Steps& s, const TensorSet& train, int epoch, at::Generator& generator, TrainResult& result) {
    const torch::Device device = train.images.device();
    const int64_t n = train.size(), batchSize = s.config.batchSize;
    const int64_t batches = (n + batchSize - 1) / batchSize;
    // A fresh permutation every epoch, from the seeded generator.
    const auto order = torch::randperm(n, generator, torch::kInt64).to(device);
    // Gather the epoch's shuffled copy once: each batch is then a slice
    // (a view, no copy), which saves two operations per step, a few per
    // cent at the notebook's batch of 4.
    const auto epochImages = train.images.index_select(0, order);
    const auto epochLabels = train.labels.index_select(0, order);
    auto windowLossSum = torch::zeros({}, torch::TensorOptions().dtype(torch::kFloat64).device(device));
    double lossRead = 0;
    int64_t windowBatches = 0;
    for (int64_t b = 0; b < batches; ++b) {
        if (s.callbacks.shouldStop && s.callbacks.shouldStop()) {
            result.outcome = TrainOutcome::Cancelled;
            result.message = "stopped during epoch " + std::to_string(epoch) + " after " + std::to_string(b) + " of " +
                             std::to_string(batches) + " batches";
            return std::nullopt;
        }
        const int64_t begin = b * batchSize, end = std::min(n, (b + 1) * batchSize);
        // Summed on the device; read only every readInterval batches.
        windowLossSum += anyStep(s, epochImages.slice(0, begin, end), epochLabels.slice(0, begin, end)).detach();
        ++windowBatches;
        if (windowBatches < s.readInterval && b + 1 < batches) continue;
        const double windowSum = windowLossSum.item<double>();
        if (!std::isfinite(windowSum)) {
            result.outcome = TrainOutcome::Diverged;
            result.message = divergence(windowSum, epoch, b + 2 - windowBatches, b + 1, s.config, result.epochs.size());
            return std::nullopt;
        }
        lossRead += windowSum;
        if (s.callbacks.onBatch) s.callbacks.onBatch({epoch, b + 1, batches, windowSum / double(windowBatches)});
        windowLossSum.zero_();
        windowBatches = 0;
    }
    return lossRead;
}

}  // namespace

TrainResult trainModel(Classifier& model, const TensorSet& train, const TensorSet& validation,
                       const TrainConfig& config, const TrainCallbacks& callbacks) {
    if (config.batchSize < 1) throw InputError("the batch size must be at least 1", "batch_size");
    if (config.epochs < 1) throw InputError("the number of epochs must be at least 1", "epochs");
    if (!(config.learningRate > 0) || !std::isfinite(config.learningRate)) {
        throw InputError("the learning rate must be a positive number", "learning_rate");
    }
    if (train.size() == 0) throw InputError("the training set is empty");

    // Grad mode is per thread: a worker thread must not inherit a caller's guard.
    torch::AutoGradMode enableGrad(true);
    model.train();
    FlatOptimiser::Options optimiserOptions;
    optimiserOptions.kind = config.optimiser;
    optimiserOptions.learningRate = config.learningRate;
    optimiserOptions.momentum = config.momentum;
    // A captured step needs its gradients at fixed addresses: the flat
    // arrangement, whatever the model's size.
    const bool captured = config.cudaGraphs && train.images.is_cuda() && CapturedStep::available();
    if (captured) {
        optimiserOptions.flatLimit = std::numeric_limits<int64_t>::max();
        optimiserOptions.capturable = true;
    }
    FlatOptimiser optimiser(model.parameters(), optimiserOptions);
    const ConvolutionBackendForBatch convolutionBackend(config.batchSize);
    // Explicit gradients are written into the flat arrangement's gradient
    // buffer. CPU only until they have been checked on a GPU.
    const bool explicitGradients = config.explicitGradients && model.hasExplicitGradients() && optimiser.isFlat() &&
                                   train.images.device().is_cpu();
    // One slice per thread, but never of fewer images than SplitGradients
    // finds worth a thread (net's batch of 4 stays whole).
    const int slices = explicitGradients ? SplitGradients::slicesFor(config.batchSize, torch::get_num_threads()) : 1;
    const ThreadsForBatch threads(config.batchSize, slices > 1);
    Steps steps{model, optimiser, config, callbacks, std::max<int64_t>(1, config.lossReadInterval), {}, {}};
    if (explicitGradients) {
        steps.explicitGradients = std::make_unique<SplitGradients>(model, optimiser.flatGradients(), slices);
    }
    if (captured) {
        steps.graph = std::make_unique<CapturedStep>(
            [&steps](const torch::Tensor& images, const torch::Tensor& labels) { return step(steps, images, labels); });
    }
    auto generator = at::make_generator<at::CPUGeneratorImpl>(config.seed);
    const int64_t batches = (train.size() + config.batchSize - 1) / config.batchSize;

    TrainResult result;
    const auto runStart = std::chrono::steady_clock::now();
    for (int epoch = 1; epoch <= config.epochs; ++epoch) {
        const auto epochStart = std::chrono::steady_clock::now();
        const std::optional<double> loss = epochLoss(steps, train, epoch, generator, result);
        if (!loss) break;
        EpochReport report;
        report.epoch = epoch;
        report.epochs = config.epochs;
        report.meanLoss = *loss / double(batches);
        // The same evaluation as the test set's: batches spread over threads, inference mode.
        if (validation.size() > 0) report.validationAccuracy = evaluateModel(model, validation).accuracy;
        report.seconds = secondsSince(epochStart);
        result.epochs.push_back(report);
        if (callbacks.onEpoch) callbacks.onEpoch(report);
    }
    result.seconds = secondsSince(runStart);
    return result;
}

}  // namespace alx
