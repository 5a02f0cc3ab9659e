#include "cli_jobs.h"

#include <torch/torch.h>

#include <sys/resource.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <iostream>

#include "alx/atomic_file.h"
#include "alx/dataset_catalog.h"
#include "alx/dataset_loader.h"
#include "alx/device.h"
#include "alx/downloader.h"
#include "alx/errors.h"
#include "alx/evaluator.h"
#include "alx/model_registry.h"
#include "alx/run_writer.h"
#include "alx/scores.h"
#include "alx/trainer.h"

namespace fs = std::filesystem;

namespace alx::cli {

std::atomic<bool> interruptRequested{false};

namespace {

bool stopRequested() { return interruptRequested.load(std::memory_order_relaxed); }

double secondsSince(std::chrono::steady_clock::time_point start) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

void printMeans(const ScoreTable& scores) {
    for (ScoreKind kind : kAllScores) {
        std::printf("Mean %-18s %.6f\n", (scoreKey(kind) + ":").c_str(),
                    scores[kind].to(torch::kFloat64).mean().item<double>());
    }
    std::fflush(stdout);
}

}  // namespace

LoadedDataset loadFor(const DataOptions& options) {
    const LoadedDataset data = loadRequestedDataset(
        {options.dataset, options.dataDir, options.verifyChecksums, options.trainImages, options.testImages});
    std::cout << datasetSpec(options.dataset).displayName << " from " << data.dir << " (" << data.source
              << "): " << data.train.size() << " training, " << data.test.size() << " test images" << std::endl;
    return data;
}

int runTrain(const TrainJob& job) {
    const ModelInfo& info = modelInfo(job.model);
    const bool evalOnly = !job.weights.empty();
    configureThreads(job.threads);
    const torch::Device device = resolveDevice(job.device);
    if (job.neighbours < 1) throw InputError("--neighbours must be at least 1");
    ensureWritableDirectory(job.outDir);

    TrainConfig config;
    config.optimiser = info.preset.optimiser;
    config.momentum = info.preset.momentum;
    config.learningRate = job.learningRate > 0 ? job.learningRate : info.preset.learningRate;
    config.batchSize = job.batchSize > 0 ? job.batchSize : info.preset.batchSize;
    config.epochs = job.epochs > 0 ? job.epochs : info.preset.epochs;
    config.seed = job.seed;

    const LoadedDataset data = loadFor(job.data);
    const auto [trainIndex, valIndex] = splitValidation(data.train.size(), job.validation, job.seed);

    torch::manual_seed(job.seed);
    ClassifierPtr model = makeModel(job.model);
    model->to(device);
    if (evalOnly) loadWeights(*model, job.weights);
    if (!job.initWeights.empty()) loadWeights(*model, job.initWeights);

    RunSummary summary = summaryFor(job.model, job.data.dataset, device, config, job.validation, job.neighbours,
                                    trainIndex.size(0));
    if (evalOnly) summary.epochsPlanned = 0;
    std::cout << info.displayName << " on " << summary.device << std::endl;

    const torch::Tensor trainImagesOnDevice = normaliseImages(data.train.images, device);
    const torch::Tensor trainLabelsOnDevice = data.train.labels.to(device);
    auto subset = [&](const torch::Tensor& index) {
        const auto i = index.to(device);
        return TensorSet{trainImagesOnDevice.index_select(0, i), trainLabelsOnDevice.index_select(0, i)};
    };

    if (!evalOnly) {
        const TensorSet train = job.validation > 0 ? subset(trainIndex)
                                                   : TensorSet{trainImagesOnDevice, trainLabelsOnDevice};
        const TensorSet validation = job.validation > 0 ? subset(valIndex) : TensorSet{};
        TrainCallbacks callbacks;
        callbacks.shouldStop = stopRequested;
        callbacks.onEpoch = [&](const EpochReport& e) {
            std::printf("Epoch %d/%d, Loss: %.6f", e.epoch, e.epochs, e.meanLoss);
            if (e.validationAccuracy) std::printf(", validation accuracy: %.2f%%", 100.0 * *e.validationAccuracy);
            std::printf(" (%.1f s)\n", e.seconds);
            std::fflush(stdout);
            summary.epochs.push_back(e);
            summary.trainSeconds += e.seconds;
            summary.status = "training";
            writeSummary(job.outDir, summary);  // an interrupted run keeps its curve
        };
        const TrainResult result = trainModel(*model, train, validation, config, callbacks);
        summary.trainSeconds = result.seconds;
        if (result.outcome != TrainOutcome::Finished) {
            summary.status = result.outcome == TrainOutcome::Cancelled ? "cancelled" : "diverged";
            summary.message = result.message;
            writeSummary(job.outDir, summary);
            std::cerr << "alx-cli: " << result.message << "; the finished epochs are in "
                      << (fs::path(job.outDir) / "summary.json").string() << std::endl;
            return result.outcome == TrainOutcome::Cancelled ? kInterrupted : kRunFailed;
        }
        summary.status = "finished";
        saveWeights(*model, (fs::path(job.outDir) / "model.pt").string());
    }

    try {
        const auto evalStart = std::chrono::steady_clock::now();
        const TensorSet test{normaliseImages(data.test.images, device), data.test.labels.to(device)};
        const Evaluation evaluation = evaluateModel(*model, test, kEvaluationBatch, stopRequested);
        const ScoreTable scores = computeScores(evaluation.probabilities, evaluation.embeddings, job.neighbours,
                                                stopRequested);
        summary.evalSeconds = secondsSince(evalStart);
        writeEvaluationOutputs(job.outDir, summary, evaluation, scores);
        std::printf("Accuracy on the test set: %.2f%%\n", 100.0 * evaluation.accuracy);
        printMeans(scores);
        std::printf("Wrote %s\n", job.outDir.c_str());
    } catch (const Cancelled&) {
        summary.status = "cancelled";
        summary.message = "stopped during evaluation; training had finished";
        writeSummary(job.outDir, summary);
        std::cerr << "alx-cli: interrupted during evaluation; the trained weights and epochs are in " << job.outDir
                  << std::endl;
        return kInterrupted;
    }
    return kOk;
}

int runBench(const BenchJob& job) {
    const ModelInfo& info = modelInfo(job.model);
    configureThreads(job.threads);
    const torch::Device device = resolveDevice(job.device);
    if (job.trainImages < 1 || job.evalImages < 2) throw InputError("--train-images must be >= 1 and --eval-images >= 2");
    DataOptions data = job.data;
    data.trainImages = job.trainImages;
    data.testImages = job.evalImages;
    const LoadedDataset loaded = loadFor(data);

    TrainConfig config;
    config.optimiser = info.preset.optimiser;
    config.momentum = info.preset.momentum;
    config.learningRate = info.preset.learningRate;
    config.batchSize = job.batchSize > 0 ? job.batchSize : info.preset.batchSize;
    config.epochs = 1;
    config.seed = job.seed;
    torch::manual_seed(job.seed);
    ClassifierPtr model = makeModel(job.model);
    model->to(device);
    auto sync = [&] {
        if (device.is_cuda()) torch::cuda::synchronize();
    };

    // Training: one pass over trainImages images at the batch size, the
    // one-off normalisation of those images included.
    const auto trainStart = std::chrono::steady_clock::now();
    const TensorSet train{normaliseImages(loaded.train.images, device), loaded.train.labels.to(device)};
    TrainCallbacks callbacks;
    callbacks.shouldStop = stopRequested;
    const TrainResult result = trainModel(*model, train, {}, config, callbacks);
    sync();
    const double trainSeconds = secondsSince(trainStart);
    if (result.outcome == TrainOutcome::Cancelled) return kInterrupted;

    // Evaluation: probabilities, embeddings and all six scores, neighbours
    // searched exactly over all evalImages images.
    auto evaluateAndScore = [&] {
        const TensorSet test{normaliseImages(loaded.test.images, device), loaded.test.labels.to(device)};
        const Evaluation evaluation = evaluateModel(*model, test, kEvaluationBatch, stopRequested);
        const ScoreTable scores = computeScores(evaluation.probabilities, evaluation.embeddings, 5, stopRequested);
        (void)scores[ScoreKind::KlDivergence].sum().item<double>();  // forces the work on asynchronous devices
        sync();
        return test.size();
    };
    if (job.warmUp) evaluateAndScore();
    const auto evalStart = std::chrono::steady_clock::now();
    const int64_t evaluated = evaluateAndScore();
    const double evalSeconds = secondsSince(evalStart);

    struct rusage usage {};
    getrusage(RUSAGE_SELF, &usage);
    const double peakRssMb = double(usage.ru_maxrss) / 1024.0;  // ru_maxrss is in KiB on Linux
    const double trainRate = double(train.size()) / trainSeconds;
    const double evalRate = double(evaluated) / evalSeconds;
    std::printf("%s on %s, batch %lld: training %.0f images/s, evaluation with six scores %.0f images/s, peak RSS %.0f MiB\n",
                info.displayName.c_str(), describeDevice(device).c_str(), static_cast<long long>(config.batchSize),
                trainRate, evalRate, peakRssMb);
    if (job.json) {
        std::printf("{\"model\": \"%s\", \"batch\": %lld, \"train_images\": %lld, \"train_img_per_s\": %.3f, "
                    "\"eval_images\": %lld, \"eval_metrics_img_per_s\": %.3f, \"threads\": %d, \"device\": \"%s\", "
                    "\"warm_up\": %s, \"peak_rss_mb\": %.1f}\n",
                    job.model.c_str(), static_cast<long long>(config.batchSize), static_cast<long long>(train.size()),
                    trainRate, static_cast<long long>(evaluated), evalRate, torch::get_num_threads(),
                    device.is_cuda() ? "cuda" : "cpu", job.warmUp ? "true" : "false", peakRssMb);
    }
    std::fflush(stdout);
    return kOk;
}

int runFetch(const FetchJob& job) {
    const DatasetSpec& spec = datasetSpec(job.dataset);
    const std::string dest = job.destDir.empty() ? userCacheDir(spec.name) : job.destDir;
    DownloadOptions options;
    options.mirrors = job.mirrors;
    options.shouldStop = stopRequested;
    int lastPercent = -1;
    std::string lastFile;
    options.onProgress = [&](const DownloadProgress& p) {
        const int percent = p.total > 0 ? int(100 * p.received / p.total) : -1;
        if (p.file == lastFile && percent == lastPercent) return;
        lastFile = p.file;
        lastPercent = percent;
        if (percent >= 0 && percent % 10 == 0) {
            std::fprintf(stderr, "[%d/%d] %s %d%%\n", p.fileIndex + 1, p.fileCount, p.file.c_str(), percent);
        }
    };
    try {
        downloadDataset(spec, dest, options);
    } catch (const Cancelled&) {
        std::cerr << "alx-cli: download interrupted; complete files were kept in " << dest << std::endl;
        return kInterrupted;
    }
    // Check the result as the trainer will read it.
    loadDataset(spec, dest);
    std::cout << spec.displayName << " is complete in " << dest << " (checksums verified)" << std::endl;
    return kOk;
}

int listModels() {
    for (const auto& m : modelCatalogue()) {
        std::printf("%-10s %-10s %s; %s lr %g%s, batch %lld, %d epochs\n", m.name.c_str(), m.displayName.c_str(),
                    m.summary.c_str(), optimiserName(m.preset.optimiser).c_str(), m.preset.learningRate,
                    m.preset.optimiser == OptimiserKind::Sgd ? " momentum 0.9" : "",
                    static_cast<long long>(m.preset.batchSize), m.preset.epochs);
    }
    return kOk;
}

int listDatasets(const std::string& dataDir) {
    for (const auto& name : datasetNames()) {
        const DatasetSpec& spec = datasetSpec(name);
        std::optional<DatasetLocation> where;
        try {
            where = locateDataset(spec, dataDir);
        } catch (const InputError&) {
        }
        std::printf("%-14s %s\n", name.c_str(),
                    where ? (where->dir + " (" + where->source + ")").c_str() : "not found");
    }
    return kOk;
}

}  // namespace alx::cli
