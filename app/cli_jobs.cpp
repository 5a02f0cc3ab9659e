#include "cli_jobs.h"

#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>

#include "alx/compare/run_comparison.h"
#include "alx/data/dataset_catalog.h"
#include "alx/storage/runs_library.h"
#include "alx/data/downloader.h"
#include "alx/data/dataset_loader.h"
#include "alx/active_learning/stopping.h"
#include "alx/util/errors.h"
#include "alx/util/numbers.h"
#include "alx/util/timing.h"
#include "alx/vocabulary.h"
#include "progress_line.h"

namespace fs = std::filesystem;

namespace alx::cli {

std::atomic<bool> interruptRequested{false};

bool stopRequested() { return interruptRequested.load(std::memory_order_relaxed); }

namespace {

// Where a dataset was found, in the CLI's words: the folder asked for is named by its flag.
std::string sourceForCli(const std::string& source) {
    const std::string flag = flagForField(source);
    return flag.empty() ? source : flag;
}

void printDataset(const DatasetReport& d) {
    std::cout << d.displayName << " from " << d.dir << " (" << sourceForCli(d.source) << "): " << d.trainImages << " training, "
              << d.testImages << " test images, " << d.shape.text() << ", " << d.classNames.size() << " classes"
              << std::endl;
    if (d.skipped.empty()) return;
    std::cout << d.skipped.size() << " image(s) left out (--skip-bad-images):" << std::endl;
    for (const std::string& why : d.skipped) std::cout << "  " << why << std::endl;
}

}  // namespace

std::string flagForField(const std::string& field) {
    static const std::map<std::string, std::string> flags = {
        {"model", "--model"},           {"dataset", "--dataset"},         {"device", "--device"},
        {"epochs", "--epochs"},         {"batch_size", "--batch-size"},   {"learning_rate", "--lr"},
        {"validation", "--val"},        {"neighbours", "--neighbours"},   {"strategies", "--strategy"},
        {"initial", "--initial"},       {"acquire", "--acquire"},         {"budget", "--budget"},
        {"repeats", "--repeats"},       {"resume", "--resume"},           {"out_dir", "--out"},
        {"train_images", "--train-images"}, {"test_images", "--test-images / --eval-images"},
        {"method", "--method"},         {"split", "--split"},             {"perplexity", "--perplexity"},
        {"iterations", "--iterations"}, {"optimiser", "--optimiser"},   {"weights", "--weights"},         {"init_weights", "--init-weights"},
        {"reinit", "--reinit"},         {"seeds", "--seeds"},
        {"run", "--run / --model"},     {"folds", "--folds"},             {"exclude", "--exclude"},
        {"relabel", "--relabel"},       {"runs", "RUN..."},               {"score", "--score"},
        {"top", "--top"},               {"runs_dir", "--runs-dir"},
        {"pool_subset", "--pool-subset"}, {"max_steps", "--max-steps"},  {"threads", "--threads"},
        {"jobs", "--jobs"},             {"task", "ID"},                   {"data_dir", "--data-dir"},
        {"backend", "--backend"},       {"image_size", "--image-size"},   {"channels", "--channels"},
        {"testFraction", "--test-fraction"}};
    const auto it = flags.find(field);
    return it == flags.end() ? std::string() : it->second;
}

namespace {

// Where a run goes: --out as told, or a new folder inside the runs folder.
std::string placeRun(const std::string& outDir, const std::string& runsDir, const std::string& model,
                     const std::string& dataset) {
    if (!outDir.empty()) return outDir;
    return RunsLibrary(runsDir.empty() ? defaultRunsDir() : runsDir).newRunFolder(model, dataset);
}

// When the job is over: a folder made for a run that then refused to start
// is not left behind empty; a run written elsewhere (--out) that holds
// something is registered in the runs folder, so that it is listed until
// its folder is gone.
struct RunPlacement {
    std::string dir, runsDir;
    bool made;
    ~RunPlacement() {
        if (made) {
            keepRunFolder(dir);
            return;
        }
        std::error_code ec;
        if (!fs::exists(dir, ec) || fs::is_empty(dir, ec)) return;
        const std::string folder = runsDir.empty() ? defaultRunsDir() : runsDir;
        try {
            RunsLibrary(folder).registerRun(dir);
        } catch (const std::exception& e) {
            std::cerr << "alx-cli: the run is not listed in " << folder << ": " << e.what() << std::endl;
        }
    }
};

}  // namespace

int runTrain(TrainJobRequest request, const std::string& runsDir) {
    const bool made = request.outDir.empty();
    request.outDir = placeRun(request.outDir, runsDir, request.model, request.data.spec.name);
    const RunPlacement placement{request.outDir, runsDir, made};
    const bool onTerminal = ::isatty(STDOUT_FILENO) == 1;
    TrainJobRequest job = request;
    // On a terminal the line within an epoch moves every few batches; in a
    // file or a pipe there is one line per epoch, so the loss is read back
    // as rarely as before.
    if (onTerminal) job.lossReadInterval = 10;
    ProgressLine progress(onTerminal);

    TrainJobCallbacks callbacks;
    callbacks.shouldStop = stopRequested;
    callbacks.onDataset = printDataset;
    int64_t batchSize = 0;
    callbacks.onStart = [&](const TrainJobStart& s) {
        batchSize = s.config.batchSize;
        std::cout << modelInfo(request.model).displayName << " on " << s.device << std::endl;
        if (s.embeddingFrom == kEmbeddingFromLogits) std::cout << "Note: " << kLogitsAsEmbeddingNote << std::endl;
        if (!request.excludeFile.empty() || !request.relabelFile.empty()) {
            std::printf("Training on %lld images: %lld left out, %lld relabelled, by your review\n",
                        static_cast<long long>(s.trainImages), static_cast<long long>(s.excludedImages),
                        static_cast<long long>(s.relabelledImages));
        }
    };
    callbacks.onBatch = [&](const BatchReport& b, double elapsed) { progress.batch(b, batchSize, elapsed); };
    callbacks.onEpoch = [&](const EpochReport& e) {
        progress.clear();
        std::printf("Epoch %d/%d, Loss: %.6f", e.epoch, e.epochs, e.meanLoss);
        if (e.validationAccuracy) std::printf(", validation accuracy: %.2f%%", 100.0 * *e.validationAccuracy);
        std::printf(" (%.1f s)\n", e.seconds);
        std::fflush(stdout);
    };
    callbacks.onEvaluating = [&] { progress.clear(); };

    const TrainJobResult result = runTrainJob(job, callbacks);
    progress.clear();
    const std::string summaryPath = RunFolder(request.outDir).summaryPath();
    if (result.outcome == JobOutcome::Diverged) {
        std::cerr << "alx-cli: " << result.message << "; the finished epochs are in " << summaryPath << std::endl;
        return kRunFailed;
    }
    if (result.outcome == JobOutcome::Cancelled) {
        if (result.stoppedInEvaluation) {
            std::cerr << "alx-cli: interrupted during evaluation; the trained weights and epochs are in "
                      << request.outDir << std::endl;
        } else {
            std::cerr << "alx-cli: " << result.message << "; the finished epochs are in " << summaryPath << std::endl;
        }
        return kInterrupted;
    }
    std::printf("Accuracy on the test set: %.2f%%\n", 100.0 * result.evaluation.accuracy);
    for (ScoreKind kind : kAllScores) {
        std::printf("Mean %-18s %.6f\n", (scoreKey(kind) + ":").c_str(), result.summary.metricMeans[size_t(kind)]);
    }
    std::printf("Wrote %s\n", request.outDir.c_str());
    std::fflush(stdout);
    return kOk;
}

int runBench(const BenchOptions& options) {
    const BenchJobResult r = runBenchJob(options.request, stopRequested, printDataset);
    if (r.outcome == JobOutcome::Cancelled) return kInterrupted;
    std::printf("%s on %s, batch %lld: training %.0f images/s, evaluation with six scores %.0f images/s, peak RSS %.0f MiB\n",
                modelInfo(options.request.model).displayName.c_str(), r.device.c_str(),
                static_cast<long long>(r.batchSize), r.trainImagesPerSecond, r.evalImagesPerSecond, r.peakRssMiB);
    if (options.json) {
        std::printf("{\"model\": \"%s\", \"batch\": %lld, \"train_images\": %lld, \"train_img_per_s\": %.3f, "
                    "\"eval_images\": %lld, \"eval_metrics_img_per_s\": %.3f, \"threads\": %d, \"device\": \"%s\", "
                    "\"warm_up\": %s, \"peak_rss_mb\": %.1f}\n",
                    options.request.model.c_str(), static_cast<long long>(r.batchSize),
                    static_cast<long long>(r.trainImages), r.trainImagesPerSecond, static_cast<long long>(r.evalImages),
                    r.evalImagesPerSecond, r.threads, r.cuda ? "cuda" : "cpu", options.request.warmUp ? "true" : "false",
                    r.peakRssMiB);
    }
    std::fflush(stdout);
    return kOk;
}

int runActiveLearning(ActiveLearningOptions options) {
    ActiveLearningJobRequest& request = options.request;
    const ActiveLearningSettings& settings = request.settings;
    if (request.resume && request.outDir.empty()) throw InputError("--resume needs the run's folder: give --out", "resume");
    const bool made = request.outDir.empty();
    request.outDir = placeRun(request.outDir, options.runsDir, settings.loop.model, settings.data.spec.name);
    const RunPlacement placement{request.outDir, options.runsDir, made};
    ActiveLearningJobCallbacks callbacks;
    callbacks.shouldStop = stopRequested;
    callbacks.onDataset = printDataset;
    callbacks.onStart = [&](const std::string& device, int64_t pool, int64_t test) {
        std::cout << "Active learning on " << settings.data.spec.displayName << " (" << pool << " pool, " << test
                  << " test images), model " << settings.loop.model << ", " << device << std::endl;
    };
    callbacks.onRound = [](const ActiveLearningRoundReport& r) {
        const std::string kappa = r.round.kappa ? ", kappa " + fixedNumber(*r.round.kappa, 4) : std::string();
        std::printf("%s repeat %d: %lld labels, %s accuracy %.2f%%%s (%.1f s)\n", strategyName(r.strategy).c_str(),
                    r.repeat + 1, static_cast<long long>(r.round.labels), r.crossValidated ? "cross-validated" : "test",
                    100 * r.round.testAccuracy, kappa.c_str(), r.round.seconds);
        std::fflush(stdout);
    };
    const ActiveLearningJobResult result = runActiveLearningJob(request, callbacks);
    const ActiveLearningRunFolder folder(request.outDir);
    if (result.oracleMisses > 0) {
        std::printf("The oracle had no label for %lld image%s shown: skipped\n", static_cast<long long>(result.oracleMisses),
                    result.oracleMisses == 1 ? "" : "s");
    }
    if (result.outcome == JobOutcome::Cancelled) {
        std::cerr << "alx-cli: interrupted; finished rounds are in " << folder.curvePath() << " (continue with --resume)"
                  << std::endl;
        return kInterrupted;
    }
    const double stopKappa = summaryStopKappa(settings.loop.stopAtKappa);
    for (const StrategySummary& s : result.summary) {
        if (!s.labelsAtStop) continue;
        std::printf("%s: predictions stable (kappa >= %s for %d rounds) at %s labels, accuracy there %.2f%% (medians)\n",
                    strategyName(s.strategy).c_str(), fixedNumber(stopKappa, 2).c_str(), kStopRounds,
                    fixedNumber(*s.labelsAtStop, 0).c_str(), 100 * s.accuracyAtStop.value_or(0));
    }
    std::printf("Wrote %s and %s\n", folder.curvePath().c_str(), folder.summaryPath().c_str());
    return kOk;
}

int runEvaluation(TrainJobRequest request, const std::string& runsDir) {
    if (request.weights.empty()) {
        if (!isModelFile(request.model)) {
            throw InputError("eval of model '" + request.model + "' needs its weights (a model.pt written by alx-cli train)",
                             "weights");
        }
        request.weights = request.model;  // a TorchScript model is scored as it is
    }
    return runTrain(std::move(request), runsDir);
}

int runMap(const MapJobRequest& request) {
    const bool onTerminal = ::isatty(STDOUT_FILENO) == 1;
    MapJobCallbacks callbacks;
    callbacks.shouldStop = stopRequested;
    callbacks.onDataset = printDataset;
    callbacks.onStage = [](const std::string& stage) { std::cout << stage << std::endl; };
    // A line a moment on a terminal; every 100 iterations in a file or a pipe.
    callbacks.progressEvery = onTerminal ? 10 : 100;
    callbacks.onProgress = [onTerminal](const TsneProgress& p) {
        std::printf(onTerminal ? "\r\033[Kt-SNE iteration %d/%d" : "t-SNE iteration %d/%d\n", p.iteration, p.iterations);
        if (onTerminal && p.iteration == p.iterations) std::printf("\n");
        std::fflush(stdout);
    };
    const auto start = std::chrono::steady_clock::now();
    try {
        const MapJobResult result = runMapJob(request, callbacks);
        std::printf("Wrote %s (%lld x 2) in %.1f s\n", result.path.c_str(), static_cast<long long>(result.map.size(0)),
                    secondsSince(start));
    } catch (const Cancelled&) {
        std::cerr << "\nalx-cli: interrupted; no map was written" << std::endl;
        return kInterrupted;
    }
    return kOk;
}

int runAudit(AuditOptions options) {
    AuditJobRequest& request = options.request;
    if (request.runDirs.empty() && request.model.empty()) throw InputError("give --run DIR or --model NAME", "run");
    request.ranking = options.ranking == "normalized_margin" ? FlaggedRanking::NormalizedMargin : FlaggedRanking::SelfConfidence;
    AuditJobCallbacks callbacks;
    callbacks.shouldStop = stopRequested;
    callbacks.onDataset = printDataset;
    callbacks.onStage = [](const std::string& stage) { std::cout << stage << std::endl; };
    callbacks.onFold = [](int fold, int folds, int member, int members, int64_t train, int64_t heldOut, bool resumed) {
        const std::string who = members > 1 ? "Member " + std::to_string(member + 1) + "/" + std::to_string(members) + ", fold "
                                            : "Fold ";
        if (resumed) {
            std::printf("%s%d/%d: kept from an earlier run (%lld images)\n", who.c_str(), fold + 1, folds,
                        static_cast<long long>(heldOut));
        } else {
            std::printf("%s%d/%d: training on %lld images, predicting %lld\n", who.c_str(), fold + 1, folds,
                        static_cast<long long>(train), static_cast<long long>(heldOut));
        }
        std::fflush(stdout);
    };
    callbacks.onEpoch = [](int fold, const EpochReport& e) {
        std::printf("  fold %d epoch %d/%d, loss %.6f (%.1f s)\n", fold + 1, e.epoch, e.epochs, e.meanLoss, e.seconds);
        std::fflush(stdout);
    };
    const auto start = std::chrono::steady_clock::now();
    const AuditJobResult result = runAuditJob(request, callbacks);
    if (result.outcome == JobOutcome::Cancelled) {
        std::cerr << "alx-cli: interrupted; " << result.message << std::endl;
        return kInterrupted;
    }
    const LabelAudit& a = result.audit;
    std::printf("%lld of %lld images flagged as probably mislabelled (%.2f %%) in %.1f s\n",
                static_cast<long long>(a.flaggedCount), static_cast<long long>(a.images),
                100.0 * double(a.flaggedCount) / double(std::max<int64_t>(1, a.images)), secondsSince(start));
    const AuditReliability& r = result.evidence.reliability;
    std::printf("Reliability: %d member%s agreeing with %.2f %% of the given labels, wrong by %s on at least %.2f %% "
                "of the images (the disagreements not flagged)%s\n",
                r.members, r.members == 1 ? "" : "s", 100 * r.accuracy, r.members == 1 ? "itself" : "themselves",
                100 * r.errorRate, r.weak ? "; WEAK" : "");
    if (!r.advice.empty()) std::printf("%s\n", r.advice.c_str());
    std::printf("Wrote %s and %s\n", result.issuesPath.c_str(), result.qualityPath.c_str());
    return kOk;
}

int runCompare(const CompareOptions& options) {
    const ScoreKind score = parseScoreKind(options.score);
    const std::vector<SavedRun> runs = readRuns(options.runs);  // each validated whole, or refused naming the file
    const RunComparison c = compareRuns(options.runs, runs, score, options.top);
    writeComparison(options.outDir, c);
    std::printf("%lld test images; predictions differ on %zu\n", static_cast<long long>(c.images), c.disagreementImages.size());
    for (size_t r = 0; r < c.runs.size(); ++r) {
        std::printf("run %zu: %-10s %.2f %%  ECE %.2f %%  %s\n", r + 1, c.runs[r].summary.model.c_str(), 100 * c.runs[r].summary.testAccuracy,
                    100 * c.runs[r].ece, c.runs[r].path.c_str());
    }
    for (const RunPair& p : c.pairs) {
        std::printf("runs %d and %d: %lld predicted differently; only %d right %lld, only %d right %lld; McNemar p = %.3g; "
                    "top-%lld %s overlap (Jaccard) %.2f\n",
                    p.first + 1, p.second + 1, static_cast<long long>(p.disagreements), p.first + 1,
                    static_cast<long long>(p.onlyFirstRight), p.second + 1, static_cast<long long>(p.onlySecondRight), p.mcnemarP,
                    static_cast<long long>(c.topN), options.score.c_str(), p.uncertainJaccard);
    }
    std::printf("Wrote %s/comparison.json and disagreements.csv\n", options.outDir.c_str());
    return kOk;
}

int runFetch(const FetchOptions& options) {
    const DatasetSpec& spec = options.dataset;
    const std::string dest = options.destDir.empty() ? userCacheDir(spec.name) : options.destDir;
    DownloadOptions download;
    download.mirrors = options.mirrors;
    download.shouldStop = stopRequested;
    int lastPercent = -1;
    std::string lastFile;
    download.onProgress = [&](const DownloadProgress& p) {
        const int percent = p.total > 0 ? int(100 * p.received / p.total) : -1;
        if (p.file == lastFile && percent == lastPercent) return;
        lastFile = p.file;
        lastPercent = percent;
        if (percent >= 0 && percent % 10 == 0) {
            std::fprintf(stderr, "[%d/%d] %s %d%%\n", p.fileIndex + 1, p.fileCount, p.file.c_str(), percent);
        }
    };
    try {
        downloadDataset(spec, dest, download);
    } catch (const Cancelled&) {
        std::cerr << "alx-cli: download interrupted; complete files were kept in " << dest << std::endl;
        return kInterrupted;
    }
    loadDataset(spec, dest);  // check the result as the trainer will read it
    std::cout << spec.displayName << " is complete in " << dest << " (checksums verified)" << std::endl;
    return kOk;
}

int listDatasets(const std::string& dataDir) {
    for (const auto& name : datasetNames()) {
        const DatasetSpec& spec = datasetSpec(name);
        if (spec.format == DatasetFormat::ImageFolder && dataDir.empty()) {
            std::printf("%-14s %s\n", name.c_str(), "your own folder of images, given with --data-dir");
            continue;
        }
        std::optional<DatasetLocation> where;
        try {
            where = locateDataset(spec, dataDir);
        } catch (const InputError&) {
        }
        std::printf("%-14s %s\n", name.c_str(),
                    where ? (where->dir + " (" + sourceForCli(where->source) + ")").c_str() : "not found");
    }
    return kOk;
}

}  // namespace alx::cli
