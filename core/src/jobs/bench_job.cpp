#include "alx/jobs/bench_job.h"

#include <torch/torch.h>

#include <sys/resource.h>

#include <chrono>

#include "alx/models/model_registry.h"
#include "alx/scoring/evaluator.h"
#include "alx/scoring/scores.h"
#include "alx/training/trainer.h"
#include "alx/util/device.h"
#include "alx/util/errors.h"
#include "alx/util/timing.h"

namespace alx {
BenchJobResult runBenchJob(const BenchJobRequest& request, const std::function<bool()>& shouldStop,
                           const std::function<void(const DatasetReport&)>& onDataset) {
    const ModelInfo info = modelInfo(request.model);
    if (request.data.trainImages < 1) throw InputError("train at least one image", "train_images");
    if (request.data.testImages < 2) throw InputError("evaluate at least two images", "test_images");
    configureThreads(request.threads);
    const torch::Device device = resolveDevice(request.device);
    const LoadedDataset loaded = loadJobData(seededDataset(request.data, request.seed), shouldStop, onDataset);

    TrainConfig config;
    config.optimiser = info.preset.optimiser;
    config.momentum = info.preset.momentum;
    config.learningRate = info.preset.learningRate;
    config.batchSize = request.batchSize > 0 ? request.batchSize : info.preset.batchSize;
    config.epochs = 1;
    config.seed = request.seed;
    torch::manual_seed(request.seed);
    ClassifierPtr model = makeModel(request.model, {loaded.shape, loaded.classes()});
    model->to(device);
    auto sync = [&] {
        if (device.is_cuda()) torch::cuda::synchronize();
    };

    BenchJobResult result;
    result.device = describeDevice(device);
    result.cuda = device.is_cuda();
    result.threads = torch::get_num_threads();
    result.batchSize = config.batchSize;

    // Training: one pass at the batch size, the one-off normalisation included.
    const auto trainStart = std::chrono::steady_clock::now();
    const TensorSet train{normaliseImages(loaded.train.images, device), loaded.train.labels.to(device)};
    TrainCallbacks callbacks;
    callbacks.shouldStop = shouldStop;
    const TrainResult trained = trainModel(*model, train, {}, config, callbacks);
    sync();
    const double trainSeconds = secondsSince(trainStart);
    if (trained.outcome == TrainOutcome::Cancelled) {
        result.outcome = JobOutcome::Cancelled;
        return result;
    }

    // Evaluation: probabilities, embeddings and all six scores, neighbours
    // searched exactly over every evaluated image.
    auto evaluateAndScore = [&] {
        const TensorSet test{normaliseImages(loaded.test.images, device), loaded.test.labels.to(device)};
        const Evaluation evaluation = evaluateModel(*model, test, kEvaluationBatch, shouldStop);
        const ScoreTable scores = computeScores(evaluation.probabilities, evaluation.embeddings, 5, shouldStop);
        (void)scores[ScoreKind::KlDivergence].sum().item<double>();  // forces the work on asynchronous devices
        sync();
        return test.size();
    };
    try {
        if (request.warmUp) evaluateAndScore();
        const auto evalStart = std::chrono::steady_clock::now();
        result.evalImages = evaluateAndScore();
        result.evalImagesPerSecond = double(result.evalImages) / secondsSince(evalStart);
    } catch (const Cancelled&) {
        result.outcome = JobOutcome::Cancelled;
        return result;
    }
    struct rusage usage {};
    getrusage(RUSAGE_SELF, &usage);
    result.peakRssMiB = double(usage.ru_maxrss) / 1024.0;  // ru_maxrss is in KiB on Linux
    result.trainImages = train.size();
    result.trainImagesPerSecond = double(train.size()) / trainSeconds;
    return result;
}

}  // namespace alx
