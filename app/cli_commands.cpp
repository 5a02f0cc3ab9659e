#include "cli_commands.h"

#include "cli_options.h"

namespace alx::cli {
namespace {

// The options of train and eval: the model, the data, and how the test images are scored.
void addRunOptions(CLI::App* cmd, TrainJobRequest& job, std::string& runsDir, bool training) {
    addModelOption(cmd, job.model, "the model")->required();
    addDataOptions(cmd, job.data);
    if (training) {
        cmd->add_option("--epochs", job.epochs, "epochs (default: the model's preset)")->check(CLI::PositiveNumber);
        cmd->add_option("--batch-size", job.batchSize, "batch size (default: the model's preset)")->check(CLI::PositiveNumber);
        cmd->add_option("--lr", job.learningRate, "learning rate (default: the model's preset)")->check(CLI::PositiveNumber);
        cmd->add_option("--val", job.validation, "hold out N training images to report accuracy per epoch")
            ->check(CLI::NonNegativeNumber);
        cmd->add_option("--init-weights", job.initWeights, "start from these weights (a model.pt of this model)")
            ->check(CLI::ExistingFile);
        addReinitOption(cmd, job.reinitialise);
        cmd->add_option("--exclude", job.excludeFile,
                        "train without these training images: a label_review.csv (those marked mislabelled or ambiguous) "
                        "or a CSV of indices")
            ->check(CLI::ExistingFile);
        cmd->add_option("--relabel", job.relabelFile,
                        "train with these labels: a label_review.csv (those marked mislabelled with a label) or a CSV of "
                        "index,label; the same review for --exclude and --relabel leaves out only the marked images "
                        "without a right label")
            ->check(CLI::ExistingFile);
    } else {
        cmd->add_option("--weights", job.weights,
                        "model.pt written by 'alx-cli train' (required unless --model is a TorchScript file, which carries its own)")
            ->check(CLI::ExistingFile);
    }
    addSeedOption(cmd, job.seed, "seed for initialisation and shuffling");
    addDeviceOptions(cmd, job.device, job.threads, kThreadsHelp, training ? &job.cudaGraphs : nullptr);
    cmd->add_option("--neighbours", job.neighbours, "neighbours per image for the neighbour scores")
        ->capture_default_str()->check(CLI::PositiveNumber);
    cmd->add_flag("--train-neighbours", job.trainNeighbours,
                  "also find each test image's --neighbours nearest training images (train_neighbours.npy)");
    cmd->add_option("--out", job.outDir, "output directory (created if missing; default: a new folder in the runs folder)")
        ->type_name("DIR");
    addRunsDirOption(cmd, runsDir);
}

void addSweepCommands(CLI::App& app, SweepCommands& sweep) {
    auto* cmd = app.add_subcommand("sweep", "active-learning sweeps: a grid of tasks run as a Slurm job array or local processes");
    cmd->require_subcommand(1);
    sweep.create = cmd->add_subcommand("create", "write DIR/sweep.json: one task per strategy x repeat x varied setting");
    sweep.create->add_option("DIR", sweep.createOptions.dir, "the sweep folder (created if missing)")->required();
    addActiveLearningOptions(sweep.create, sweep.createOptions.base, sweep.createOptions.runsDir, &sweep.createOptions.axes);
    sweep.submit = cmd->add_subcommand("submit", "submit every task: sbatch an array job, or run them here (--backend local)");
    addSubmitOptions(sweep.submit, sweep.submitOptions);
    sweep.resubmit = cmd->add_subcommand("resubmit", "submit again only the tasks that are not done, queued or running");
    addSubmitOptions(sweep.resubmit, sweep.resubmitOptions);

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

Commands::Commands(CLI::App& app) {
    addTrainingCommands(app);
    addActiveLearningCommands(app);
    addInspectionCommands(app);
    addListingCommands(app);
}

void Commands::addTrainingCommands(CLI::App& app) {
    train_ = app.add_subcommand("train", "train a model, evaluate it and write the per-sample scores");
    addRunOptions(train_, trainRequest_, trainRunsDir_, true);
    eval_ = app.add_subcommand("eval", "evaluate saved weights and write the per-sample scores");
    addRunOptions(eval_, evalRequest_, evalRunsDir_, false);

    fetch_ = app.add_subcommand("fetch", "download MNIST into the cache and check its MD5s");
    addDatasetOption(fetch_, fetchOptions_.dataset, "dataset to download");
    fetch_->add_option("--dest", fetchOptions_.destDir, "directory to download into (default: the user cache)")->type_name("DIR");
    fetch_->add_option("--mirror", fetchOptions_.mirrors, "base URL to download from instead of the usual mirrors")
        ->type_name("URL");

    BenchJobRequest& bench = benchOptions_.request;
    bench.data.trainImages = 6400;
    bench.data.testImages = 10000;
    bench_ = app.add_subcommand("bench", "measure training and scoring throughput (images per second)");
    addModelOption(bench_, bench.model, "the model")->required();
    // --test-images also under its older name, which benchmark scripts use.
    addDataOptions(bench_, bench.data, {"images to train on, one pass", "test images to evaluate and score", "--test-images,--eval-images"});
    bench_->get_option("--train-images")->capture_default_str()->check(CLI::PositiveNumber);
    bench_->get_option("--test-images")->capture_default_str()->check(CLI::PositiveNumber);
    bench_->add_option("--batch-size", bench.batchSize, "training batch size (default: the model's preset)")
        ->check(CLI::PositiveNumber);
    addSeedOption(bench_, bench.seed);
    addDeviceOptions(bench_, bench.device, bench.threads);
    bench_->add_flag("--warm-up", bench.warmUp,
                     "evaluate once, untimed, before timing it (on a GPU the first pass also loads its kernels)");
    bench_->add_flag("--json", benchOptions_.json, "print one JSON line (the last line) with the figures");
}

void Commands::addActiveLearningCommands(CLI::App& app) {
    al_ = app.add_subcommand(
        "al", "pool-based active learning: strategies compared against labels (writes curve.csv and summary.json)");
    addActiveLearningOptions(al_, alOptions_.request.settings, alOptions_.runsDir, nullptr);
    al_->add_flag("--resume", alOptions_.request.resume, "continue the interrupted run in --out without repeating finished rounds");
    al_->add_option("--out", alOptions_.request.outDir,
                    "output directory (default: a new folder in the runs folder; needed with --resume)")
        ->type_name("DIR");
    al_->add_option("--oracle", alOptions_.request.oracle,
                    "label the dataset's unlabelled images from this path,label CSV (paths relative to --data-dir), "
                    "as a person would; an image it lacks is skipped")
        ->check(CLI::ExistingFile)->type_name("FILE");
    addSweepCommands(app, sweep_);

    auto* labels = app.add_subcommand("labels", "the labels a person gave an unlabelled pile");
    labels->require_subcommand(1);
    labelsExport_ = labels->add_subcommand("export", "write path,label for every image labelled in an active-learning run");
    labelsExport_->add_option("RUN", labelsExportOptions_.runDir, "the run folder (alx-cli al, or the app)")->required()
        ->check(CLI::ExistingDirectory);
    labelsExport_->add_option("--out", labelsExportOptions_.out, "the CSV to write")->required()->type_name("FILE");
}

void Commands::addInspectionCommands(CLI::App& app) {
    map_ = app.add_subcommand("map", "a 2-D map (t-SNE or PCA) of a run's embeddings, kept in the run folder");
    map_->add_option("--run", mapRequest_.runDir, "the run folder (alx-cli train or eval)")->required()->type_name("DIR");
    map_->add_option("--method", mapRequest_.method, "tsne or pca")->capture_default_str()->check(CLI::IsMember({"tsne", "pca"}));
    map_->add_option("--split", mapRequest_.split, "test, train or all (test rows, then training rows)")
        ->capture_default_str()->check(CLI::IsMember({"test", "train", "all"}));
    map_->add_option("--perplexity", mapRequest_.tsne.perplexity, "t-SNE's perplexity")->capture_default_str()
        ->check(CLI::Range(1.0, 10000.0));
    map_->add_option("--iterations", mapRequest_.tsne.iterations, "t-SNE's iterations")->capture_default_str()
        ->check(CLI::PositiveNumber);
    map_->add_option_function<std::string>(
           "--repulsion",
           [this](const std::string& way) {
               mapRequest_.tsne.repulsion = way == "grid"         ? TsneRepulsion::Grid
                                            : way == "barnes-hut" ? TsneRepulsion::BarnesHut
                                                                  : TsneRepulsion::Automatic;
           },
           "t-SNE's repulsive forces on the CPU: grid (interpolated on a grid and convolved by FFT: FIt-SNE), "
           "barnes-hut (a quadtree, theta 0.5), or auto (the grid from " + std::to_string(kGridFromPoints) +
               " points on)")
        ->default_str("auto")
        ->check(CLI::IsMember({"auto", "grid", "barnes-hut"}));
    addSeedOption(map_, mapRequest_.tsne.seed, "seed (t-SNE starts from the PCA map; the seed is for ties only)");
    addDeviceOptions(map_, mapRequest_.device, mapRequest_.threads);
    addDataLocationOptions(map_, mapRequest_.data);

    AuditJobRequest& audit = auditOptions_.request;
    audit_ = app.add_subcommand(
        "audit", "find images whose given label is probably wrong (confident learning): label_issues.csv, label_quality.json");
    auto* run = audit_->add_option("--run", audit.runDirs,
                                   "audit this run folder (alx-cli train or eval); several --run are averaged, an ensemble")
                    ->type_name("DIR")->expected(1)->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
    addModelOption(audit_, audit.model, "or train this model here")->excludes(run);
    audit_->add_option("--split", audit.split,
                       "test (the run's probabilities) or train (out-of-sample by stratified K-fold cross-validation)")
        ->capture_default_str()->check(CLI::IsMember({"test", "train"}));
    audit_->add_option("--folds", audit.folds, "folds for --split train")->capture_default_str()->check(CLI::Range(2, 100));
    audit_->add_option("--epochs", audit.epochs, "epochs per fold (default: the model's preset)")->check(CLI::PositiveNumber);
    audit_->add_option("--seeds", audit.seeds,
                       "models trained per fold (--split train) or here (--model), seeds --seed, --seed + 1, ...: averaged, an ensemble")
        ->capture_default_str()->check(CLI::Range(1, 100));
    audit_->add_option("--neighbours", audit.neighbours,
                       "neighbour evidence: the labels of each image's K nearest training images, mixed into the "
                       "probabilities half and half (0 = none)")
        ->capture_default_str()->check(CLI::Range(0, 1000))->type_name("K");
    audit_->add_option("--rank", auditOptions_.ranking, "order of the flagged images: self_confidence or normalized_margin")
        ->capture_default_str()->check(CLI::IsMember({"self_confidence", "normalized_margin"}));
    addDataOptions(audit_, audit.data);
    addSeedOption(audit_, audit.seed, "seed for the folds and their training");
    addDeviceOptions(audit_, audit.device, audit.threads);
    audit_->add_option("--out", audit.outDir, "output directory (created if missing); a stopped --split train audit resumes there")
        ->required()->type_name("DIR");

    export_ = app.add_subcommand("export", "write a run's trained model as TorchScript, for torch.jit.load in Python");
    export_->add_option("--run", exportOptions_.runDir, "the run folder (alx-cli train or eval, or the app's Save run)")
        ->required()->check(CLI::ExistingDirectory)->type_name("DIR");
    export_->add_option("--out", exportOptions_.out, "the TorchScript file to write (pixels in [0, 1] in; forward: logits; embed: the embedding)")
        ->required()->type_name("FILE.pt");

    compare_ = app.add_subcommand(
        "compare", "put evaluated runs side by side: agreement, McNemar's test, uncertain overlap (comparison.json, disagreements.csv)");
    compare_->add_option("runs", compareOptions_.runs, "two or more run folders (alx-cli train or eval) on the same test images")
        ->required()->expected(2, -1);
    std::vector<std::string> scores;
    for (ScoreKind kind : kAllScores) scores.push_back(scoreKey(kind));
    compare_->add_option("--score", compareOptions_.score, "score whose top-N uncertain sets are compared")
        ->capture_default_str()->check(CLI::IsMember(scores));
    compare_->add_option("--top", compareOptions_.top, "how many of the most uncertain images each run's set holds")
        ->capture_default_str()->check(CLI::PositiveNumber);
    compare_->add_option("--out", compareOptions_.outDir, "output directory (created if missing)")->required()->type_name("DIR");
}

void Commands::addListingCommands(CLI::App& app) {
    auto* runs = app.add_subcommand("runs", "the runs folder: every run kept");
    runs->require_subcommand(1);
    runsList_ = runs->add_subcommand("list", "list the runs, newest first");
    runsList_->add_option("--runs-dir", runsListOptions_.runsDir, "the runs folder (default: $ALX_RUNS_DIR or $XDG_DATA_HOME/alx/runs)")
        ->type_name("DIR");
    runsList_->add_flag("--json", runsListOptions_.json, "one JSON array, an object per run");
    models_ = app.add_subcommand("models", "list the models and their presets");
    datasets_ = app.add_subcommand("datasets", "list the datasets and where they were found");
    datasets_->add_option("--data-dir", datasetsDir_, "also look here first")->type_name("DIR");
}

int Commands::run() {
    if (*train_) return runTrain(trainRequest_, trainRunsDir_);
    if (*eval_) return runEvaluation(evalRequest_, evalRunsDir_);
    if (*fetch_) return runFetch(fetchOptions_);
    if (*bench_) return runBench(benchOptions_);
    if (*al_) return runActiveLearning(alOptions_);
    if (*labelsExport_) return exportLabels(labelsExportOptions_);
    if (*sweep_.create) return createSweep(sweep_.createOptions);
    if (*sweep_.submit) return submitSweep(sweep_.submitOptions, false);
    if (*sweep_.resubmit) return submitSweep(sweep_.resubmitOptions, true);
    if (*sweep_.runTask) return runSweepTaskCommand(sweep_.taskOptions);
    if (*sweep_.status) return printSweepStatus(sweep_.statusOptions);
    if (*sweep_.cancel) return cancelSweep(sweep_.cancelOptions);
    if (*sweep_.merge) return mergeSweep(sweep_.mergeOptions);
    if (*map_) return runMap(mapRequest_);
    if (*audit_) return runAudit(auditOptions_);
    if (*export_) return exportModel(exportOptions_);
    if (*compare_) return runCompare(compareOptions_);
    if (*runsList_) return listRuns(runsListOptions_);
    if (*models_) return listModels();
    if (*datasets_) return listDatasets(datasetsDir_);
    return kBadInput;
}

}  // namespace alx::cli
