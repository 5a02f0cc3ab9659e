// alx-cli: the engine's jobs without a GUI, for scripts and GPU servers.
#include <CLI/CLI.hpp>

#include <c10/util/Exception.h>

#include <csignal>
#include <iostream>

#include "alx/util/errors.h"
#include "alx/version.h"
#include "cli_jobs.h"

using namespace alx::cli;

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
    alx::ActiveLearningJobRequest& alRequest = al.request;
    auto* alCmd = app.add_subcommand(
        "al", "pool-based active learning: strategies compared against labels (writes curve.csv and summary.json)");
    alCmd->add_option("--strategy", al.strategies,
                      "comma-separated: random, least_confidence, entropy, margin, bald, variation_ratios, coreset, "
                      "kl_neighbours, entropy_coreset (the hybrid: most entropic, spread by k-center)")
        ->required();
    alCmd->add_option("--model", alRequest.loop.model, "model (gal has the dropout BALD and variation ratios need)")->capture_default_str();
    alCmd->add_option("--dataset", alRequest.data.name, "mnist or fashion-mnist")->capture_default_str();
    alCmd->add_option("--data-dir", alRequest.data.dataDir, "directory holding the four IDX files");
    alCmd->add_flag("!--no-verify", alRequest.data.verifyChecksums, "skip the MD5 check of the dataset files");
    alCmd->add_option("--train-images", alRequest.data.trainImages, "use only the first N training images as the pool (0 = all)")
        ->check(CLI::NonNegativeNumber);
    alCmd->add_option("--test-images", alRequest.data.testImages, "measure on the first N test images only (0 = all)")
        ->check(CLI::NonNegativeNumber);
    alCmd->add_option("--initial", alRequest.loop.initial, "initial labelled images, balanced over the classes")->capture_default_str()
        ->check(CLI::PositiveNumber);
    alCmd->add_option("--acquire", alRequest.loop.acquire, "images labelled per round")->capture_default_str()->check(CLI::PositiveNumber);
    alCmd->add_option("--budget", alRequest.loop.budget, "labelled images in all, the initial ones included")->capture_default_str()
        ->check(CLI::PositiveNumber);
    alCmd->add_option("--pool-subset", alRequest.loop.poolSubset, "candidates scored per round, at random from the pool (0 = all)")
        ->capture_default_str()->check(CLI::NonNegativeNumber);
    alCmd->add_option("--mc-samples", alRequest.loop.mcSamples, "Monte Carlo dropout passes (bald, variation_ratios)")
        ->capture_default_str()->check(CLI::PositiveNumber);
    alCmd->add_option("--max-steps", alRequest.loop.maxStepsPerRound, "training steps per round at most (50 epochs or this, whichever is fewer)")
        ->capture_default_str()->check(CLI::PositiveNumber);
    alCmd->add_option("--repeats", alRequest.repeats, "repeats per strategy, seeds derived from --seed")->capture_default_str()
        ->check(CLI::PositiveNumber);
    alCmd->add_option("--seed", alRequest.seed, "seed")->capture_default_str();
    alCmd->add_option("--device", alRequest.device, "auto, cpu or cuda")->capture_default_str()
        ->check(CLI::IsMember({"auto", "cpu", "cuda"}));
    alCmd->add_option("--threads", alRequest.threads, "CPU threads for LibTorch (default: all cores)")->check(CLI::NonNegativeNumber);
    alCmd->add_flag("--resume", alRequest.resume, "continue the interrupted run in --out without repeating finished rounds");
    alCmd->add_option("--out", alRequest.outDir, "output directory (default: a new folder in the runs folder; needed with --resume)");
    alCmd->add_option("--runs-dir", al.runsDir, "the runs folder that lists the run (default: $ALX_RUNS_DIR or $XDG_DATA_HOME/alx/runs)");

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
