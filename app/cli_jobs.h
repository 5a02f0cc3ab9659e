#pragma once
// What alx-cli does for each subcommand once its arguments are parsed: fill
// a core job's request, print the job's callbacks, map its outcome to an
// exit code. The work itself is in core/ (alx/jobs/).
#include <atomic>
#include <string>
#include <vector>

#include "alx/jobs/active_learning_job.h"
#include "alx/jobs/audit_job.h"
#include "alx/jobs/bench_job.h"
#include "alx/jobs/map_job.h"
#include "alx/jobs/run_folder_job.h"
#include "alx/jobs/train_job.h"
#include "exit_codes.h"

namespace alx::cli {

struct BenchOptions {
    BenchJobRequest request;
    bool json = false;
};

struct ActiveLearningOptions {
    ActiveLearningJobRequest request;
    std::string runsDir;     // empty: $ALX_RUNS_DIR or the default
};

struct LabelsExportOptions {
    std::string runDir;
    std::string out;
};

struct ModelExportOptions {
    std::string runDir;
    std::string out;
};

struct AuditOptions {
    AuditJobRequest request;
    std::string ranking = "self_confidence";  // as typed
};

struct CompareOptions {
    std::vector<std::string> runs;
    std::string score = "entropy";
    int64_t top = 100;
    std::string outDir;
};

struct RunsListOptions {
    std::string runsDir;
    bool json = false;
};

struct FetchOptions {
    DatasetSpec dataset = datasetSpec("mnist");
    std::string destDir;  // empty = the user cache
    std::vector<std::string> mirrors;
};

// Set by the SIGINT handler (and SIGTERM in a sweep's task); polled between batches and chunks.
extern std::atomic<bool> interruptRequested;
bool stopRequested();

// Also eval, when request.weights is set. Without request.outDir the run
// gets a new folder in the runs folder (runsDir, or the default).
int runTrain(TrainJobRequest request, const std::string& runsDir);
// eval: the weights given, or a TorchScript model's own (--weights left out).
int runEvaluation(TrainJobRequest request, const std::string& runsDir);
int exportModel(const ModelExportOptions& options);
int runBench(const BenchOptions& options);
int runActiveLearning(ActiveLearningOptions options);
int exportLabels(const LabelsExportOptions& options);
int runMap(const MapJobRequest& request);
int runAudit(AuditOptions options);
int runCompare(const CompareOptions& options);
int listRuns(const RunsListOptions& options);
int runFetch(const FetchOptions& options);
int listModels();
int listDatasets(const std::string& dataDir);

// The flag of alx-cli that sets a request field ("budget" -> "--budget"),
// for error messages; empty when none does.
std::string flagForField(const std::string& field);

}  // namespace alx::cli
