#include "alx/active_learning/semi_supervised.h"

#include <ATen/CPUGeneratorImpl.h>
#include <torch/torch.h>

#include <chrono>
#include <cmath>

#include "alx/data/dataset_loader.h"
#include "alx/maps/pca.h"
#include "alx/scoring/evaluator.h"
#include "alx/models/model_registry.h"
#include "alx/util/errors.h"

namespace alx {
namespace {

constexpr int64_t kLossReadInterval = 50;

// Each image of the batch moved by its own (dy, dx) in [-s, s], the edge
// pixels repeated into the gap.
torch::Tensor shifted(const torch::Tensor& batch, at::Generator& generator) {
    const int64_t side = std::min(batch.size(2), batch.size(3));
    const int64_t s = std::max<int64_t>(1, side / 14);
    const torch::Tensor padded =
        torch::nn::functional::pad(batch, torch::nn::functional::PadFuncOptions({s, s, s, s}).mode(torch::kReplicate));
    const torch::Tensor offsets = torch::randint(0, 2 * s + 1, {batch.size(0), 2}, generator, torch::kInt64);
    const auto* o = offsets.data_ptr<int64_t>();
    std::vector<torch::Tensor> out;
    out.reserve(size_t(batch.size(0)));
    for (int64_t i = 0; i < batch.size(0); ++i) {
        out.push_back(padded[i].narrow(1, o[2 * i], batch.size(2)).narrow(2, o[2 * i + 1], batch.size(3)));
    }
    return torch::stack(out);
}

// The trained network's embedding of the pool, on its first principal
// components: the neighbour search costs in proportion to the dimensions,
// and the leading components carry the classes' separation.
torch::Tensor graphFeatures(Classifier& model, const torch::Tensor& images, const SemiSupervisedSettings& settings,
                            const std::function<bool()>& shouldStop) {
    const TensorSet pool{images, torch::zeros({images.size(0)}, torch::TensorOptions().dtype(torch::kInt64).device(images.device()))};
    const torch::Tensor embedding = evaluateModel(model, pool, kEvaluationBatch, shouldStop).embeddings.to(torch::kCPU);
    const int64_t k = std::min({settings.graphDimensions, embedding.size(1), embedding.size(0) - 1});
    if (k < 1 || k == embedding.size(1)) return embedding;
    return projectPca(fitPca(embedding, k), embedding);
}

}  // namespace

TrainResult trainOnWeightedTargets(Classifier& model, const torch::Tensor& images, const torch::Tensor& targets,
                                   const torch::Tensor& weights, const SemiSupervisedSettings& settings, uint64_t seed,
                                   const std::function<bool()>& shouldStop) {
    const auto started = std::chrono::steady_clock::now();
    torch::AutoGradMode enableGrad(true);
    const torch::Device device = images.device();
    const int64_t n = images.size(0);
    const torch::Tensor y = targets.to(device, torch::kInt64), w = weights.to(device, torch::kFloat32);
    torch::optim::Adam optimiser(model.parameters(), torch::optim::AdamOptions(settings.learningRate));
    auto generator = at::make_generator<at::CPUGeneratorImpl>(seed);
    TrainResult result;
    model.train();
    // Batches are drawn from consecutive seeded permutations of the pool, so
    // a pass sees every image before any twice, however many steps it has.
    torch::Tensor order;
    int64_t at = n;
    torch::Tensor lossSum = torch::zeros({}, torch::TensorOptions().device(device).dtype(torch::kFloat64));
    const int64_t steps = std::min(settings.steps, settings.maxEpochs * ((n + settings.batchSize - 1) / settings.batchSize));
    for (int64_t step = 1; step <= steps; ++step) {
        if (shouldStop && shouldStop()) {
            result.outcome = TrainOutcome::Cancelled;
            return result;
        }
        if (at >= n) {
            order = torch::randperm(n, generator, torch::kInt64).to(device);
            at = 0;
        }
        const torch::Tensor index = order.slice(0, at, at + settings.batchSize);
        at += settings.batchSize;
        const torch::Tensor batchWeights = w.index_select(0, index);
        const torch::Tensor logits = model.forward(shifted(images.index_select(0, index), generator)).logits;
        const torch::Tensor perImage =
            torch::nn::functional::cross_entropy(logits, y.index_select(0, index),
                                                 torch::nn::functional::CrossEntropyFuncOptions().reduction(torch::kNone));
        const torch::Tensor loss = (perImage * batchWeights).sum() / batchWeights.sum().clamp_min(1e-12);
        optimiser.zero_grad();
        loss.backward();
        optimiser.step();
        lossSum += loss.detach();
        // Read back now and then, not every step: the host need not wait for the device.
        if (step % kLossReadInterval == 0 || step == steps) {
            const double sum = lossSum.item<double>();
            if (!std::isfinite(sum)) {
                result.outcome = TrainOutcome::Diverged;
                result.message = "the semi-supervised training's loss turned " + std::string(std::isnan(sum) ? "NaN" : "infinite") +
                                 " by step " + std::to_string(step) + " of " + std::to_string(steps);
                return result;
            }
        }
    }
    EpochReport report;  // the pass as one epoch
    report.epoch = report.epochs = 1;
    report.meanLoss = lossSum.item<double>() / double(std::max<int64_t>(1, steps));
    result.epochs.push_back(report);
    result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    return result;
}

SemiSupervisedResult trainSemiSupervised(const SemiSupervisedRound& round, const SemiSupervisedSettings& settings,
                                         const std::function<bool()>& shouldStop) {
    if (!round.graph) throw std::logic_error("trainSemiSupervised needs the pool's graph");
    if (settings.passes < 1) throw InputError("the semi-supervised passes must be at least 1", "semi_supervised");
    SemiSupervisedResult result;
    Neighbours graph = *round.graph;
    for (int pass = 0; pass < settings.passes; ++pass) {
        const PseudoLabels targets =
            pseudoLabelsFrom(spreadLabels(graph, round.labelled, round.labels, round.classes, settings.spreading),
                             round.labelled, round.labels);
        const uint64_t passSeed = round.seed + 0x9e3779b97f4a7c15ULL * uint64_t(pass);
        torch::manual_seed(passSeed);
        result.model = makeModel(round.model, {shapeOf(round.images), round.classes}, round.reinitialise);
        result.model->to(round.images.device());
        SemiSupervisedSettings passSettings = settings;
        if (pass + 1 == settings.passes) passSettings.steps = settings.lastPassSteps;
        result.training = trainOnWeightedTargets(*result.model, round.images, targets.targets, targets.weights,
                                                 passSettings, passSeed, shouldStop);
        if (result.training.outcome != TrainOutcome::Finished || pass + 1 == settings.passes) break;
        graph = nearestNeighbours(graphFeatures(*result.model, round.images, settings, shouldStop),
                                  settings.graphNeighbours, 0, shouldStop);
    }
    return result;
}

}  // namespace alx
