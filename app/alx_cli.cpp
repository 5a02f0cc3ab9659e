// alx-cli: the engine's jobs without a GUI, for scripts and GPU servers.
#include <CLI/CLI.hpp>

#include <c10/util/Exception.h>

#include <csignal>
#include <iostream>
#include <sstream>

#include "alx/util/errors.h"
#include "alx/version.h"
#include "cli_jobs.h"
#include "cli_sweep.h"

using namespace alx::cli;

namespace {

struct SweepCommands {
    CLI::App *create = nullptr, *submit = nullptr, *resubmit = nullptr, *runTask = nullptr, *status = nullptr,
             *cancel = nullptr, *merge = nullptr;
    SweepCreateOptions createOptions;
    SweepSubmitOptions submitOptions, resubmitOptions;
    SweepTaskOptions taskOptions;
    SweepDirOptions statusOptions, cancelOptions, mergeOptions;
};

}  // namespace

namespace {

extern "C" void onInterrupt(int) {
    // A second Ctrl-C falls back to the default action: kill at once.
    interruptRequested.store(true);
    std::signal(SIGINT, SIG_DFL);
}

void addDataOptions(CLI::App* cmd, alx::DatasetRequest& data) {
    cmd->add_option("--dataset", data.name, "mnist or fashion-mnist")->capture_default_str();
    cmd->add_option("--data-dir", data.dataDir,
                    "directory holding the four IDX files (raw or .gz), or a <dataset>/ folder of them");
    cmd->add_flag("!--no-verify", data.verifyChecksums, "skip the MD5 check of the dataset files");
    cmd->add_option("--train-images", data.trainImages, "use only the first N training images (0 = all)")
        ->check(CLI::NonNegativeNumber);
    cmd->add_option("--test-images", data.testImages, "evaluate only the first N test images (0 = all)")
        ->check(CLI::NonNegativeNumber);
}

void addRunOptions(CLI::App* cmd, alx::TrainJobRequest& job, std::string& runsDir, bool training) {
    cmd->add_option("--model", job.model, "net, simplecnn, resnet18, lenet5 or gal")->required();
    addDataOptions(cmd, job.data);
    if (training) {
        cmd->add_option("--epochs", job.epochs, "epochs (default: the model's preset)")->check(CLI::PositiveNumber);
        cmd->add_option("--batch-size", job.batchSize, "batch size (default: the model's preset)")
            ->check(CLI::PositiveNumber);
        cmd->add_option("--lr", job.learningRate, "learning rate (default: the model's preset)")
            ->check(CLI::PositiveNumber);
        cmd->add_option("--val", job.validation, "hold out N training images to report accuracy per epoch")
            ->check(CLI::NonNegativeNumber);
        cmd->add_option("--init-weights", job.initWeights, "start from these weights (a model.pt of this model)")
            ->check(CLI::ExistingFile);
        cmd->add_option("--exclude", job.excludeFile,
                        "train without these training images: a label_review.csv (those marked mislabelled or ambiguous) "
                        "or a CSV of indices")
            ->check(CLI::ExistingFile);
        cmd->add_option("--relabel", job.relabelFile,
                        "train with these labels: a label_review.csv (those marked mislabelled with a label) or a CSV of "
                        "index,label")
            ->check(CLI::ExistingFile);
    } else {
        cmd->add_option("--weights", job.weights, "model.pt written by 'alx-cli train'")->required()
            ->check(CLI::ExistingFile);
    }
    cmd->add_option("--seed", job.seed, "seed for initialisation and shuffling")->capture_default_str();
    cmd->add_option("--device", job.device, "auto, cpu or cuda")->capture_default_str()
        ->check(CLI::IsMember({"auto", "cpu", "cuda"}));
    cmd->add_option("--neighbours", job.neighbours, "neighbours per image for the neighbour scores")
        ->capture_default_str()->check(CLI::PositiveNumber);
    cmd->add_flag("--train-neighbours", job.trainNeighbours,
                  "also find each test image's --neighbours nearest training images (train_neighbours.npy)");
    cmd->add_option("--threads", job.threads, "CPU threads for LibTorch (default: all cores)")
        ->check(CLI::NonNegativeNumber);
    cmd->add_option("--out", job.outDir, "output directory (created if missing; default: a new folder in the runs folder)");
    cmd->add_option("--runs-dir", runsDir, "the runs folder that lists the run (default: $ALX_RUNS_DIR or $XDG_DATA_HOME/alx/runs)");
}


// The options of `alx-cli al`, shared by `alx-cli sweep create`, where
// `lists` takes the six settings a sweep may vary as comma lists.
void addActiveLearningOptions(CLI::App* cmd, ActiveLearningOptions& al, SweepCreateOptions* lists) {
    alx::ActiveLearningJobRequest& r = al.request;
    const auto listable = [&](const std::string& flag, auto& field, std::string* list, const std::string& help) {
        if (!list) return cmd->add_option(flag, field, help)->capture_default_str();
        std::ostringstream fallback;
        fallback << field;
        return cmd->add_option(flag, *list, help + "; a comma list varies it")->default_str(fallback.str());
    };
    cmd->add_option("--strategy", al.strategies,
                    "comma-separated: random, least_confidence, entropy, margin, bald, variation_ratios, coreset, "
                    "kl_neighbours, entropy_coreset (the hybrid: most entropic, spread by k-center)")
        ->required();
    listable("--model", r.loop.model, lists ? &lists->models : nullptr, "model (gal has the dropout BALD and variation ratios need)");
    listable("--dataset", r.data.name, lists ? &lists->datasets : nullptr, "mnist or fashion-mnist");
    cmd->add_option("--data-dir", r.data.dataDir, "directory holding the four IDX files");
    cmd->add_flag("!--no-verify", r.data.verifyChecksums, "skip the MD5 check of the dataset files");
    cmd->add_option("--train-images", r.data.trainImages, "use only the first N training images as the pool (0 = all)")
        ->check(CLI::NonNegativeNumber);
    cmd->add_option("--test-images", r.data.testImages, "measure on the first N test images only (0 = all)")
        ->check(CLI::NonNegativeNumber);
    auto* initial = listable("--initial", r.loop.initial, lists ? &lists->initials : nullptr,
                             "initial labelled images, balanced over the classes");
    auto* acquire = listable("--acquire", r.loop.acquire, lists ? &lists->acquires : nullptr, "images labelled per round");
    cmd->add_option("--budget", r.loop.budget, "labelled images in all, the initial ones included")->capture_default_str()
        ->check(CLI::PositiveNumber);
    auto* poolSubset = listable("--pool-subset", r.loop.poolSubset, lists ? &lists->poolSubsets : nullptr,
                                "candidates scored per round, at random from the pool (0 = all)");
    cmd->add_option("--mc-samples", r.loop.mcSamples, "Monte Carlo dropout passes (bald, variation_ratios)")
        ->capture_default_str()->check(CLI::PositiveNumber);
    auto* maxSteps = listable("--max-steps", r.loop.maxStepsPerRound, lists ? &lists->maxSteps : nullptr,
                              "training steps per round at most (50 epochs or this, whichever is fewer)");
    if (!lists) {
        initial->check(CLI::PositiveNumber);
        acquire->check(CLI::PositiveNumber);
        poolSubset->check(CLI::NonNegativeNumber);
        maxSteps->check(CLI::PositiveNumber);
    }
    cmd->add_option("--repeats", r.repeats, "repeats per strategy, seeds derived from --seed")->capture_default_str()
        ->check(CLI::PositiveNumber);
    cmd->add_option("--seed", r.seed, "seed")->capture_default_str();
    cmd->add_option("--device", r.device, "auto, cpu or cuda")->capture_default_str()
        ->check(CLI::IsMember({"auto", "cpu", "cuda"}));
    cmd->add_option("--threads", r.threads,
                    lists ? "CPU threads per task (default: Slurm's --cpus-per-task, or the cores over --jobs locally)"
                          : "CPU threads for LibTorch (default: all cores)")
        ->check(CLI::NonNegativeNumber);
    cmd->add_option("--runs-dir", al.runsDir, "the runs folder that lists the run (default: $ALX_RUNS_DIR or $XDG_DATA_HOME/alx/runs)");
}

void addSweepCommands(CLI::App& app, SweepCommands& sweep) {
    auto* cmd = app.add_subcommand("sweep", "active-learning sweeps: a grid of tasks run as a Slurm job array or local processes");
    cmd->require_subcommand(1);
    sweep.create = cmd->add_subcommand("create", "write DIR/sweep.json: one task per strategy x repeat x varied setting");
    sweep.create->add_option("DIR", sweep.createOptions.dir, "the sweep folder (created if missing)")->required();
    addActiveLearningOptions(sweep.create, sweep.createOptions.al, &sweep.createOptions);

    const auto addBackendOptions = [&](CLI::App* c, SweepSubmitOptions& o) {
        c->add_option("DIR", o.dir, "the sweep folder")->required();
        c->add_option("--backend", o.backend, "slurm or local (default: slurm when sbatch is on PATH)")
            ->check(CLI::IsMember({"slurm", "local"}));
        c->add_option("--partition", o.slurm.partition, "Slurm partition");
        c->add_option("--time", o.slurm.time, "Slurm time limit per task (e.g. 2:00:00); SIGTERM comes 120 s before it");
        c->add_option("--cpus-per-task", o.slurm.cpusPerTask, "CPUs per task (default: the sweep's --threads, or 1)")
            ->check(CLI::PositiveNumber);
        c->add_option("--mem", o.slurm.mem, "memory per task (e.g. 4G)");
        c->add_option("--gpus", o.slurm.gpus, "GPUs per task");
        c->add_option("--account", o.slurm.account, "Slurm account");
        c->add_option("--qos", o.slurm.qos, "Slurm quality of service");
        c->add_option("--max-parallel", o.slurm.maxParallel, "tasks running at once at most (--array=...%N)")
            ->check(CLI::PositiveNumber);
        c->add_flag("--requeue", o.slurm.requeue, "a preempted task requeues itself (scontrol requeue)");
        c->add_option("--sbatch-arg", o.slurm.sbatchArgs, "another sbatch option, as it is (repeatable)")
            ->allow_extra_args(false);
        c->add_option("--jobs", o.jobs, "local backend: tasks at once (default: the cores over --threads)")
            ->check(CLI::PositiveNumber);
    };
    sweep.submit = cmd->add_subcommand("submit", "submit every task: sbatch an array job, or run them here (--backend local)");
    addBackendOptions(sweep.submit, sweep.submitOptions);
    sweep.resubmit = cmd->add_subcommand("resubmit", "submit again only the tasks that are not done, queued or running");
    addBackendOptions(sweep.resubmit, sweep.resubmitOptions);

    sweep.runTask = cmd->add_subcommand("run-task", "run one task (what each array element runs); resumes its folder");
    sweep.runTask->add_option("DIR", sweep.taskOptions.dir, "the sweep folder")->required();
    sweep.runTask->add_option("ID", sweep.taskOptions.task, "the task id")->required()->check(CLI::NonNegativeNumber);
    sweep.runTask->add_option("--threads", sweep.taskOptions.threads,
                              "threads when the sweep fixes none (default: $SLURM_CPUS_PER_TASK, else all cores)")
        ->check(CLI::NonNegativeNumber);

    sweep.status = cmd->add_subcommand("status", "each task's state, rounds, accuracy, Slurm job and log");
    sweep.status->add_option("DIR", sweep.statusOptions.dir, "the sweep folder")->required();
    sweep.status->add_flag("--json", sweep.statusOptions.json, "one JSON array, an object per task");
    sweep.cancel = cmd->add_subcommand("cancel", "cancel the sweep's Slurm jobs (scancel) or stop its local runner");
    sweep.cancel->add_option("DIR", sweep.cancelOptions.dir, "the sweep folder")->required();
    sweep.merge = cmd->add_subcommand("merge", "merge the tasks' curves: DIR/curve.csv and DIR/summary.json, and the table");
    sweep.merge->add_option("DIR", sweep.mergeOptions.dir, "the sweep folder")->required();
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"ALX, the Active Learning Explorer: train, evaluate and score CNNs on MNIST headless"};
    app.set_version_flag("--version", std::string("alx-cli ") + alx::kVersion);
    app.require_subcommand(1);

    alx::TrainJobRequest train;
    std::string trainRunsDir, evalRunsDir;
    auto* trainCmd = app.add_subcommand("train", "train a model, evaluate it and write the per-sample scores");
    addRunOptions(trainCmd, train, trainRunsDir, true);

    alx::TrainJobRequest eval;
    auto* evalCmd = app.add_subcommand("eval", "evaluate saved weights and write the per-sample scores");
    addRunOptions(evalCmd, eval, evalRunsDir, false);

    FetchOptions fetch;
    auto* fetchCmd = app.add_subcommand("fetch", "download MNIST into the cache and check its MD5s");
    fetchCmd->add_option("--dataset", fetch.dataset, "dataset to download")->capture_default_str();
    fetchCmd->add_option("--dest", fetch.destDir, "directory to download into (default: the user cache)");
    fetchCmd->add_option("--mirror", fetch.mirrors, "base URL to download from instead of the usual mirrors");

    BenchOptions bench;
    bench.request.data.trainImages = 6400;
    bench.request.data.testImages = 10000;
    auto* benchCmd = app.add_subcommand("bench", "measure training and scoring throughput (images per second)");
    benchCmd->add_option("--model", bench.request.model, "net, simplecnn, resnet18, lenet5 or gal")->required();
    benchCmd->add_option("--dataset", bench.request.data.name, "mnist or fashion-mnist")->capture_default_str();
    benchCmd->add_option("--data-dir", bench.request.data.dataDir, "directory holding the four IDX files");
    benchCmd->add_flag("!--no-verify", bench.request.data.verifyChecksums, "skip the MD5 check of the dataset files");
    benchCmd->add_option("--batch-size", bench.request.batchSize, "training batch size (default: the model's preset)")
        ->check(CLI::PositiveNumber);
    benchCmd->add_option("--train-images", bench.request.data.trainImages, "images to train on, one pass")->capture_default_str()
        ->check(CLI::PositiveNumber);
    benchCmd->add_option("--eval-images", bench.request.data.testImages, "test images to evaluate and score")->capture_default_str()
        ->check(CLI::PositiveNumber);
    benchCmd->add_option("--seed", bench.request.seed, "seed")->capture_default_str();
    benchCmd->add_option("--device", bench.request.device, "auto, cpu or cuda")->capture_default_str()
        ->check(CLI::IsMember({"auto", "cpu", "cuda"}));
    benchCmd->add_option("--threads", bench.request.threads, "CPU threads for LibTorch (default: all cores)")
        ->check(CLI::NonNegativeNumber);
    benchCmd->add_flag("--warm-up", bench.request.warmUp,
                       "evaluate once, untimed, before timing it (on a GPU the first pass also loads its kernels)");
    benchCmd->add_flag("--json", bench.json, "print one JSON line (the last line) with the figures");

    ActiveLearningOptions al;
    auto* alCmd = app.add_subcommand(
        "al", "pool-based active learning: strategies compared against labels (writes curve.csv and summary.json)");
    addActiveLearningOptions(alCmd, al, nullptr);
    alCmd->add_flag("--resume", al.request.resume, "continue the interrupted run in --out without repeating finished rounds");
    alCmd->add_option("--out", al.request.outDir, "output directory (default: a new folder in the runs folder; needed with --resume)");

    SweepCommands sweep;
    addSweepCommands(app, sweep);

    alx::MapJobRequest map;
    auto* mapCmd = app.add_subcommand("map", "a 2-D map (t-SNE or PCA) of a run's embeddings, kept in the run folder");
    mapCmd->add_option("--run", map.runDir, "the run folder (alx-cli train or eval)")->required();
    mapCmd->add_option("--method", map.method, "tsne or pca")->capture_default_str()->check(CLI::IsMember({"tsne", "pca"}));
    mapCmd->add_option("--split", map.split, "test, train or all (test rows, then training rows)")
        ->capture_default_str()->check(CLI::IsMember({"test", "train", "all"}));
    mapCmd->add_option("--perplexity", map.tsne.perplexity, "t-SNE's perplexity")->capture_default_str()
        ->check(CLI::Range(1.0, 10000.0));
    mapCmd->add_option("--iterations", map.tsne.iterations, "t-SNE's iterations")->capture_default_str()
        ->check(CLI::PositiveNumber);
    mapCmd->add_option("--seed", map.tsne.seed, "seed (t-SNE starts from the PCA map; the seed is for ties only)")
        ->capture_default_str();
    mapCmd->add_option("--threads", map.threads, "CPU threads for LibTorch (default: all cores)")->check(CLI::NonNegativeNumber);
    mapCmd->add_option("--device", map.device, "auto, cpu or cuda")->capture_default_str()
        ->check(CLI::IsMember({"auto", "cpu", "cuda"}));
    mapCmd->add_option("--data-dir", map.data.dataDir, "where the run's dataset is (for --split train or all)");
    mapCmd->add_flag("!--no-verify", map.data.verifyChecksums, "skip the MD5 check of the dataset files");

    AuditOptions audit;
    alx::AuditJobRequest& auditRequest = audit.request;
    auto* auditCmd = app.add_subcommand(
        "audit", "find images whose given label is probably wrong (confident learning): label_issues.csv, label_quality.json");
    auto* auditRun = auditCmd->add_option("--run", auditRequest.runDir, "audit this run folder (alx-cli train or eval)");
    auto* auditModel = auditCmd->add_option("--model", auditRequest.model, "or train this model here: net, simplecnn, resnet18, lenet5 or gal");
    auditRun->excludes(auditModel);
    auditCmd->add_option("--split", auditRequest.split,
                         "test (the run's probabilities) or train (out-of-sample by stratified K-fold cross-validation)")
        ->capture_default_str()->check(CLI::IsMember({"test", "train"}));
    auditCmd->add_option("--folds", auditRequest.folds, "folds for --split train")->capture_default_str()
        ->check(CLI::Range(2, 100));
    auditCmd->add_option("--epochs", auditRequest.epochs, "epochs per fold (default: the model's preset)")->check(CLI::PositiveNumber);
    auditCmd->add_option("--rank", audit.ranking, "order of the flagged images: self_confidence or normalized_margin")
        ->capture_default_str()->check(CLI::IsMember({"self_confidence", "normalized_margin"}));
    addDataOptions(auditCmd, auditRequest.data);
    auditCmd->add_option("--seed", auditRequest.seed, "seed for the folds and their training")->capture_default_str();
    auditCmd->add_option("--device", auditRequest.device, "auto, cpu or cuda")->capture_default_str()
        ->check(CLI::IsMember({"auto", "cpu", "cuda"}));
    auditCmd->add_option("--threads", auditRequest.threads, "CPU threads for LibTorch (default: all cores)")
        ->check(CLI::NonNegativeNumber);
    auditCmd->add_option("--out", auditRequest.outDir, "output directory (created if missing); a stopped --split train audit resumes there")
        ->required();

    CompareOptions compare;
    auto* compareCmd = app.add_subcommand(
        "compare", "put evaluated runs side by side: agreement, McNemar's test, uncertain overlap (comparison.json, disagreements.csv)");
    compareCmd->add_option("runs", compare.runs, "two or more run folders (alx-cli train or eval) on the same test images")
        ->required()->expected(2, -1);
    compareCmd->add_option("--score", compare.score,
                           "score whose top-N uncertain sets are compared: least_confidence, entropy, margin, "
                           "cosine_similarity, l2_distance or kl_divergence")
        ->capture_default_str();
    compareCmd->add_option("--top", compare.top, "how many of the most uncertain images each run's set holds")
        ->capture_default_str()->check(CLI::PositiveNumber);
    compareCmd->add_option("--out", compare.outDir, "output directory (created if missing)")->required();

    RunsListOptions runsList;
    auto* runsCmd = app.add_subcommand("runs", "the runs folder: every run kept");
    auto* runsListCmd = runsCmd->add_subcommand("list", "list the runs, newest first");
    runsCmd->require_subcommand(1);
    runsListCmd->add_option("--runs-dir", runsList.runsDir, "the runs folder (default: $ALX_RUNS_DIR or $XDG_DATA_HOME/alx/runs)");
    runsListCmd->add_flag("--json", runsList.json, "one JSON array, an object per run");

    auto* modelsCmd = app.add_subcommand("models", "list the models and their presets");
    std::string datasetsDir;
    auto* datasetsCmd = app.add_subcommand("datasets", "list the datasets and where they were found");
    datasetsCmd->add_option("--data-dir", datasetsDir, "also look here first");

    try {
        app.parse(argc, argv);
    } catch (const CLI::CallForHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForAllHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForVersion& e) {
        return app.exit(e);
    } catch (const CLI::ParseError& e) {
        std::cerr << "alx-cli: " << e.what() << " (see alx-cli --help)" << std::endl;
        return kBadInput;
    }

    std::signal(SIGINT, onInterrupt);
    try {
        if (*trainCmd) return runTrain(train, trainRunsDir);
        if (*evalCmd) return runTrain(eval, evalRunsDir);
        if (*fetchCmd) return runFetch(fetch);
        if (*benchCmd) return runBench(bench);
        if (*alCmd) return runActiveLearning(al);
        if (*sweep.create) return createSweep(sweep.createOptions);
        if (*sweep.submit) return submitSweep(sweep.submitOptions, false);
        if (*sweep.resubmit) return submitSweep(sweep.resubmitOptions, true);
        if (*sweep.runTask) return runSweepTaskCommand(sweep.taskOptions);
        if (*sweep.status) return printSweepStatus(sweep.statusOptions);
        if (*sweep.cancel) return cancelSweep(sweep.cancelOptions);
        if (*sweep.merge) return mergeSweep(sweep.mergeOptions);
        if (*mapCmd) return runMap(map);
        if (*auditCmd) return runAudit(audit);
        if (*compareCmd) return runCompare(compare);
        if (*runsListCmd) return listRuns(runsList);
        if (*modelsCmd) return listModels();
        if (*datasetsCmd) return listDatasets(datasetsDir);
    } catch (const alx::InputError& e) {
        // The engine names the request field; point at the flag that sets it.
        const std::string flag = flagForField(e.field());
        std::cerr << "alx-cli: " << e.what() << (flag.empty() ? "" : " (" + flag + ")") << std::endl;
        return kBadInput;
    } catch (const alx::Cancelled&) {
        std::cerr << "alx-cli: interrupted" << std::endl;
        return kInterrupted;
    } catch (const alx::RunError& e) {
        std::cerr << "alx-cli: " << e.what() << std::endl;
        return kRunFailed;
    } catch (const c10::Error& e) {
        std::string why = e.what_without_backtrace();
        if (const auto cut = why.find('\n'); cut != std::string::npos) why.resize(cut);
        std::cerr << "alx-cli: LibTorch error: " << why << std::endl;
        return kRunFailed;
    } catch (const std::exception& e) {
        std::cerr << "alx-cli: " << e.what() << std::endl;
        return kRunFailed;
    }
    return kBadInput;
}
