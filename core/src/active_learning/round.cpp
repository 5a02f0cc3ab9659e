#include "round.h"

#include <ATen/CPUGeneratorImpl.h>
#include <torch/torch.h>

#include "alx/active_learning/stopping.h"
#include "alx/audit/calibration.h"
#include "alx/scoring/evaluator.h"

namespace alx::active_learning_detail {

uint64_t mix(uint64_t seed, uint64_t salt) {
    uint64_t z = seed + 0x9e3779b97f4a7c15ULL * (salt + 1);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

uint64_t roundSeed(uint64_t seed, SeedPurpose purpose, int round) {
    const auto p = uint64_t(purpose), r = uint64_t(round);
    return mix(seed, round < 1000 ? p * 1000 + r : (p << 32) + r);
}

torch::Tensor indexTensor(const std::vector<int64_t>& indices, const torch::Device& device) {
    return torch::tensor(indices, torch::kInt64).to(device);
}

TrainConfig roundTrainConfig(const ActiveLearningConfig& config, int64_t trainImages, uint64_t seed, int round,
                             bool warm) {
    TrainConfig tc;
    tc.optimiser = OptimiserKind::Adam;
    tc.learningRate = config.learningRate;
    tc.batchSize = std::min<int64_t>(config.batchSize, trainImages);
    const int64_t stepsPerEpoch = (trainImages + tc.batchSize - 1) / tc.batchSize;
    const int64_t maxSteps = warm ? std::min(config.maxStepsPerRound, config.warmSteps) : config.maxStepsPerRound;
    tc.epochs = int(std::max<int64_t>(1, std::min<int64_t>(config.epochsPerRound, maxSteps / stepsPerEpoch)));
    tc.seed = roundSeed(seed, SeedPurpose::Training, round);
    tc.lossReadInterval = 1000000;  // only at epoch ends
    tc.cudaGraphs = config.cudaGraphs;
    return tc;
}

SemiSupervisedResult semiSupervisedModel(const ActiveLearningConfig& config, int64_t classes, const torch::Tensor& pool,
                                         const Neighbours& graph, std::vector<int64_t> labelled,
                                         std::vector<int64_t> labels, uint64_t seed, int round,
                                         const std::function<bool()>& shouldStop) {
    SemiSupervisedRound in;
    in.model = config.model;
    in.reinitialise = config.reinitialise;
    in.classes = classes;
    in.images = pool;
    in.graph = &graph;
    in.labelled = std::move(labelled);
    in.labels = std::move(labels);
    in.seed = roundSeed(seed, SeedPurpose::Weights, round);
    return trainSemiSupervised(in, {}, shouldStop);
}

void measureRound(Classifier& model, const TensorSet& test, const std::function<bool()>& shouldStop,
                  ActiveLearningRound& r) {
    const Evaluation eval = evaluateModel(model, test, kEvaluationBatch, shouldStop);
    r.testAccuracy = eval.accuracy;
    const auto p = eval.probabilities.to(torch::kCPU, torch::kFloat32).contiguous();
    const auto y = eval.labels.to(torch::kCPU, torch::kInt64).contiguous();
    r.ece = measureCalibration(p.data_ptr<float>(), y.data_ptr<int64_t>(), p.size(0), p.size(1)).ece;
}

std::vector<int64_t> randomFreeImages(int64_t size, int64_t count, const std::set<int64_t>& taken, uint64_t seed) {
    auto generator = at::make_generator<at::CPUGeneratorImpl>(seed);
    const torch::Tensor order = torch::randperm(size, generator, torch::kInt64);
    const int64_t* image = order.data_ptr<int64_t>();
    std::vector<int64_t> chosen;
    for (int64_t j = 0; j < size && int64_t(chosen.size()) < count; ++j) {
        if (!taken.count(image[j])) chosen.push_back(image[j]);
    }
    return chosen;
}

std::vector<int64_t> stopSetFor(int64_t poolSize, const std::vector<int64_t>& initial, uint64_t seed) {
    const std::set<int64_t> taken(initial.begin(), initial.end());
    return randomFreeImages(poolSize, kStopSetImages, taken, roundSeed(seed, SeedPurpose::StopSet, 0));
}

std::vector<int64_t> predictedClasses(Classifier& model, const torch::Tensor& images,
                                      const std::function<bool()>& shouldStop) {
    // evaluateModel wants labels beside the images; these are never read.
    const TensorSet set{images, torch::zeros({images.size(0)}, torch::TensorOptions(torch::kInt64).device(images.device()))};
    const torch::Tensor predicted = evaluateModel(model, set, kEvaluationBatch, shouldStop).predicted.to(torch::kCPU).contiguous();
    return {predicted.data_ptr<int64_t>(), predicted.data_ptr<int64_t>() + predicted.numel()};
}

std::vector<int64_t> candidatesFor(int64_t poolSize, const std::set<int64_t>& taken, const ActiveLearningConfig& config,
                                   uint64_t seed, int round) {
    std::vector<int64_t> free;
    free.reserve(size_t(poolSize) - taken.size());
    for (int64_t i = 0; i < poolSize; ++i) {
        if (!taken.count(i)) free.push_back(i);
    }
    if (config.poolSubset <= 0 || config.poolSubset >= int64_t(free.size())) return free;
    auto generator = at::make_generator<at::CPUGeneratorImpl>(roundSeed(seed, SeedPurpose::Candidates, round));
    const auto pick = torch::randperm(int64_t(free.size()), generator, torch::kInt64);
    std::vector<int64_t> candidates;
    for (int64_t j = 0; j < config.poolSubset; ++j) candidates.push_back(free[size_t(pick[j].item<int64_t>())]);
    return candidates;
}

}  // namespace alx::active_learning_detail
