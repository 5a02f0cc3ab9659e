#pragma once
// The jobs alx-cli runs, apart from its argument parsing so that each reads
// as a plain sequence of engine calls.
#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

#include "alx/active_learning_config.h"
#include "alx/dataset_loader.h"

namespace alx::cli {

// Exit codes, the same for every subcommand.
enum ExitCode : int { kOk = 0, kRunFailed = 1, kBadInput = 2, kInterrupted = 130 };

struct DataOptions {
    std::string dataset = "mnist";
    std::string dataDir;
    bool verifyChecksums = true;
    int64_t trainImages = 0;  // 0 = all; else the first N (for quick runs and tests)
    int64_t testImages = 0;
};

struct TrainJob {
    DataOptions data;
    std::string model;
    int epochs = 0;          // 0 = the model's preset
    int64_t batchSize = 0;   // 0 = preset
    double learningRate = 0; // 0 = preset
    uint64_t seed = 0;
    int64_t validation = 0;
    std::string device = "auto";
    int64_t neighbours = 5;
    int threads = 0;
    std::string initWeights;  // train: optional starting weights
    std::string weights;      // eval: the weights to evaluate (no training)
    std::string outDir;
};

// Throughput of training and of evaluation with all six scores, measured
// the way shared/bench/seed_pipeline.py measures the notebook's pipeline.
struct BenchJob {
    DataOptions data;
    std::string model;
    int64_t batchSize = 0;      // 0 = the model's preset
    int64_t trainImages = 6400;
    int64_t evalImages = 10000;
    uint64_t seed = 0;
    std::string device = "auto";
    int threads = 0;
    bool warmUp = false;  // evaluate once, untimed, before the timed evaluation
    bool json = false;
};

struct ActiveLearningJob {
    DataOptions data;
    std::string strategies;  // comma-separated
    ActiveLearningConfig loop;  // model, initial, acquire, budget, pool subset, MC samples, steps
    int repeats = 3;
    uint64_t seed = 0;
    std::string device = "auto";
    int threads = 0;
    bool resume = false;
    std::string outDir;
};

struct FetchJob {
    std::string dataset = "mnist";
    std::string destDir;  // empty = the user cache
    std::vector<std::string> mirrors;
};

// Set by the SIGINT handler; polled between batches and chunks.
extern std::atomic<bool> interruptRequested;

int runTrain(const TrainJob& job);  // also eval, when job.weights is set
int runFetch(const FetchJob& job);
int runBench(const BenchJob& job);
int runActiveLearningJob(const ActiveLearningJob& job);

// Locates and loads the dataset the options name, and says where it came from.
LoadedDataset loadFor(const DataOptions& options);
int listModels();
int listDatasets(const std::string& dataDir);

}  // namespace alx::cli
