#include "cross_validation.h"

#include <torch/torch.h>

#include <vector>

#include "alx/audit/calibration.h"
#include "alx/audit/stratified_folds.h"
#include "alx/data/dataset_loader.h"
#include "alx/models/model_registry.h"
#include "alx/scoring/evaluator.h"
#include "alx/training/trainer.h"
#include "round.h"

namespace alx::active_learning_detail {

std::optional<CrossValidated> crossValidate(const ActiveLearningConfig& config, const TensorSet& labelled,
                                            int64_t classes, int folds, uint64_t seed, int round,
                                            const std::function<bool()>& shouldStop) {
    const int64_t n = labelled.size();
    if (n < 2) return std::nullopt;
    folds = int(std::min<int64_t>(folds, n));
    const torch::Tensor cpuLabels = labelled.labels.to(torch::kCPU, torch::kInt64).contiguous();
    const std::vector<int64_t> labels(cpuLabels.data_ptr<int64_t>(), cpuLabels.data_ptr<int64_t>() + n);
    const std::vector<int> foldOf = dealtFolds(labels, folds, roundSeed(seed, SeedPurpose::Folds, round));
    const torch::Device device = labelled.images.device();
    torch::Tensor probabilities = torch::zeros({n, classes});
    for (int f = 0; f < folds; ++f) {
        std::vector<int64_t> trainRows, heldRows;
        for (int64_t i = 0; i < n; ++i) (foldOf[size_t(i)] == f ? heldRows : trainRows).push_back(i);
        const torch::Tensor trainIndex = indexTensor(trainRows, device), heldIndex = indexTensor(heldRows, device);
        const TensorSet train{labelled.images.index_select(0, trainIndex), labelled.labels.index_select(0, trainIndex)};
        const TensorSet held{labelled.images.index_select(0, heldIndex), labelled.labels.index_select(0, heldIndex)};
        torch::manual_seed(roundSeed(seed, SeedPurpose::Weights, round) + uint64_t(f) + 1);
        ClassifierPtr model = makeModel(config.model, {shapeOf(labelled.images), classes}, config.reinitialise);
        model->to(device);
        TrainCallbacks callbacks;
        callbacks.shouldStop = shouldStop;
        const TrainResult trained = trainModel(*model, train, {}, roundTrainConfig(config, train.size(), seed, round), callbacks);
        if (trained.outcome != TrainOutcome::Finished) return std::nullopt;
        const Evaluation eval = evaluateModel(*model, held, kEvaluationBatch, shouldStop);
        probabilities.index_copy_(0, torch::tensor(heldRows, torch::kInt64), eval.probabilities.to(torch::kCPU, torch::kFloat32));
    }
    const torch::Tensor p = probabilities.contiguous();
    CrossValidated result;
    result.folds = folds;
    result.accuracy = p.argmax(1).eq(cpuLabels).to(torch::kFloat64).mean().item<double>();
    result.ece = measureCalibration(p.data_ptr<float>(), cpuLabels.data_ptr<int64_t>(), n, classes).ece;
    return result;
}

}  // namespace alx::active_learning_detail
