#include "cli_options.h"

#include <algorithm>
#include <filesystem>
#include <sstream>

#include "alx/data/image_shape.h"
#include "alx/util/errors.h"
#include "alx/util/numbers.h"
#include "alx/vocabulary.h"

namespace alx::cli {
namespace {

std::vector<std::string> splitList(const std::string& text) {
    std::vector<std::string> out;
    std::string item;
    std::istringstream in(text);
    while (std::getline(in, item, ',')) {
        if (!item.empty()) out.push_back(item);
    }
    return out;
}

std::string joined(const std::vector<std::string>& words, const std::string& last) {
    std::string out;
    for (size_t i = 0; i < words.size(); ++i) {
        out += i == 0 ? "" : i + 1 == words.size() ? " " + last + " " : ", ";
        out += words[i];
    }
    return out;
}

std::vector<std::string> modelNames() {
    std::vector<std::string> names;
    for (const ModelInfo& m : modelCatalogue()) names.push_back(m.name);
    return names;
}

std::vector<std::string> strategyNames() {
    std::vector<std::string> names;
    for (Strategy s : allStrategies()) names.push_back(strategyName(s));
    return names;
}

// A validator that looks each comma-separated name up in the engine and
// refuses, in the engine's own words, one it does not know. `word` is the
// value shown in --help ("{mnist,fashion-mnist}", "LIST").
CLI::Validator knownNames(std::function<void(const std::string&)> lookUp, const std::string& word, bool list) {
    return CLI::Validator(
        [lookUp, list](std::string& text) -> std::string {
            const auto items = list ? splitList(text) : std::vector<std::string>{text};
            if (items.empty()) return "give at least one name";
            try {
                for (const std::string& item : items) lookUp(item);
            } catch (const InputError& e) {
                return e.what();
            }
            return {};
        },
        word);
}

std::string braced(const std::vector<std::string>& names) {
    std::string out;
    for (const std::string& n : names) out += (out.empty() ? "{" : ",") + n;
    return out + "}";
}

CLI::Validator knownModel(bool list) {
    return knownNames([](const std::string& name) { modelInfo(name); }, list ? "LIST" : braced(modelNames()) + "|FILE.pt",
                      list);
}

// A TorchScript file named relative to here, made absolute: runs record it,
// and a sweep's tasks may start in another folder.
CLI::Validator absoluteModelFiles() {
    return CLI::Validator(
        [](std::string& text) -> std::string {
            std::string out;
            for (const std::string& item : splitList(text)) {
                const bool relative = isModelFile(item) && std::filesystem::path(item).is_relative();
                out += (out.empty() ? "" : ",") + (relative ? std::filesystem::absolute(item).lexically_normal().string() : item);
            }
            text = out;
            return {};
        },
        "");
}

CLI::Validator knownDataset(bool list) {
    return knownNames([](const std::string& name) { datasetSpec(name); }, list ? "LIST" : braced(datasetNames()), list);
}

CLI::Validator knownStrategies() {
    return knownNames([](const std::string& name) { parseStrategy(name); }, "LIST", true);
}

// A validator for a comma list of whole numbers of at least `least`.
CLI::Validator numbersOf(int64_t least) {
    return CLI::Validator(
        [least](std::string& text) -> std::string {
            const auto items = splitList(text);
            if (items.empty()) return "give at least one number";
            for (const std::string& item : items) {
                const auto v = parseInteger(item);
                if (!v) return "'" + item + "' is not a whole number";
                if (*v < least) return item + " is below " + std::to_string(least);
            }
            return {};
        },
        "N[,N...]");
}

std::vector<int64_t> integers(const std::string& text) {
    std::vector<int64_t> out;
    for (const std::string& item : splitList(text)) out.push_back(*parseInteger(item));
    return out;
}

// An integer setting of `al`, or with `list` a comma list of them for a sweep.
void listable(CLI::App* cmd, const std::string& flag, int64_t& value, std::vector<int64_t>* list, int64_t least,
              const std::string& help) {
    if (!list) {
        cmd->add_option(flag, value, help)->capture_default_str()->check(least > 0 ? CLI::PositiveNumber : CLI::NonNegativeNumber);
        return;
    }
    cmd->add_option_function<std::string>(flag, [list](const std::string& text) { *list = integers(text); },
                                          help + "; a comma list varies it")
        ->default_str(std::to_string(value))
        ->check(numbersOf(least));
}

}  // namespace

void addDataLocationOptions(CLI::App* cmd, DatasetRequest& data) {
    cmd->add_option("--data-dir", data.dataDir,
                    "directory holding the four IDX files (raw or .gz), or a <dataset>/ folder of them; "
                    "with --dataset images, the image folder")
        ->type_name("DIR");
    cmd->add_flag("!--no-verify", data.verifyChecksums, "skip the MD5 check of the dataset files");
}

void addDatasetOption(CLI::App* cmd, DatasetSpec& spec, const std::string& help) {
    cmd->add_option_function<std::string>("--dataset", [&spec](const std::string& name) { spec = datasetSpec(name); }, help)
        ->default_str(spec.name)
        ->check(knownDataset(false));
}

void addImageFolderOptions(CLI::App* cmd, ImageFolderOptions& folder) {
    cmd->add_option_function<std::string>(
           "--image-size",
           [&folder](const std::string& text) { parseImageSize(text, folder.height, folder.width); },
           "an image folder's images resized to HxW (default: their own size, when they all share one)")
        ->type_name("HxW")
        ->check(CLI::Validator(
            [](std::string& text) {
                int64_t height = 0, width = 0;
                return parseImageSize(text, height, width) ? std::string() : "not a size HxW such as 64x64: " + text;
            },
            ""));
    cmd->add_option("--channels", folder.channels,
                    "an image folder's images as 1 (grey) or 3 (RGB) channels (default: 1 when all are grey, else 3)")
        ->check(CLI::IsMember({1, 3}));
    cmd->add_option("--test-fraction", folder.testFraction,
                    "of each class, the share tested when an image folder has no test split (drawn by --seed)")
        ->capture_default_str()
        ->check(CLI::Validator(
            [](std::string& text) {
                char* end = nullptr;
                const double f = std::strtod(text.c_str(), &end);  // C locale: alx-cli never sets another
                return end && *end == '\0' && f > 0 && f < 1 ? std::string()
                                                              : "not a fraction strictly between 0 and 1: " + text;
            },
            "(0, 1)"));
    cmd->add_flag("--skip-bad-images", folder.skipBadImages,
                  "leave out, and list, an image folder's files that do not decode (default: refuse them)");
}

void addDataOptions(CLI::App* cmd, DatasetRequest& data, const ImageWords& images) {
    addDatasetOption(cmd, data.spec);
    addDataLocationOptions(cmd, data);
    addImageFolderOptions(cmd, data.folder);
    cmd->add_option("--train-images", data.trainImages, images.train)->check(CLI::NonNegativeNumber);
    cmd->add_option(images.testNames, data.testImages, images.test)->check(CLI::NonNegativeNumber);
}

void addDeviceOptions(CLI::App* cmd, std::string& device, int& threads, const std::string& threadsHelp,
                      bool* cudaGraphs) {
    cmd->add_option("--device", device, "where to compute: auto is CUDA when present, else the CPU")
        ->capture_default_str()->check(CLI::IsMember({"auto", "cpu", "cuda"}));
    cmd->add_option("--threads", threads, threadsHelp)->check(CLI::NonNegativeNumber);
    if (!cudaGraphs) return;
    cmd->add_flag_function(
        "--no-cuda-graphs", [cudaGraphs](int64_t) { *cudaGraphs = false; },
        "on a GPU, launch every operation of every training step instead of replaying each step from a CUDA graph "
        "captured once (to compare the two)");
}

CLI::Option* addModelOption(CLI::App* cmd, std::string& model, const std::string& help) {
    return cmd->add_option("--model", model, help + ", or a TorchScript file (docs/torchscript.md)")
        ->check(knownModel(false))
        ->transform(absoluteModelFiles());
}

void addReinitOption(CLI::App* cmd, bool& reinitialise) {
    cmd->add_flag("--reinit", reinitialise,
                  "a TorchScript model's parameters drawn afresh from --seed instead of the file's");
}

CLI::Option* addSeedOption(CLI::App* cmd, uint64_t& seed, const std::string& help) {
    return cmd->add_option("--seed", seed, help)->capture_default_str();
}

void addRunsDirOption(CLI::App* cmd, std::string& runsDir) {
    cmd->add_option("--runs-dir", runsDir, "the runs folder that lists the run (default: $ALX_RUNS_DIR or $XDG_DATA_HOME/alx/runs)")
        ->type_name("DIR");
}

// --cold-start: one name, or in a sweep (axes) a comma list that varies it.
void addColdStartOption(CLI::App* cmd, ColdStart& coldStart, SweepAxes* axes) {
    std::vector<std::string> starts;
    for (ColdStart c : allColdStarts()) starts.push_back(coldStartName(c));
    cmd->add_option_function<std::string>(
           "--cold-start",
           [&coldStart, axes](const std::string& text) {
               const std::vector<std::string> names = splitList(text);
               if (!axes && names.size() != 1) throw InputError("--cold-start takes one name here (a sweep varies it)", "cold_start");
               std::vector<ColdStart> chosen;
               for (const std::string& name : names) chosen.push_back(parseColdStart(name));
               coldStart = chosen.front();
               if (axes) axes->coldStarts = chosen;
           },
           "how the --initial images are chosen: balanced (initial / classes of each class: it looks at the labels), "
           "typical (the most typical image of each of k clusters, no label looked at: TypiClust) or random; "
           "an unlabelled pile, which has no labels, starts typical unless random" +
               std::string(axes ? "; a comma list varies it" : ""))
        ->default_str(coldStartName(coldStart))
        ->check(knownNames([](const std::string& name) { parseColdStart(name); }, axes ? "LIST" : braced(starts), bool(axes)));
}

// --semi-supervised: a flag, or in a sweep (axes) also =yes,no, which varies it.
void addSemiSupervisedOption(CLI::App* cmd, bool& semiSupervised, SweepAxes* axes) {
    const std::string help =
        "each round's model also learns from the unlabelled pool: the labels are spread over the pool's "
        "nearest-neighbour graph and the network trains on every pool image with the spread class, weighted by how "
        "sure it is, twice (the second time over its own embedding's graph)";
    if (!axes) {
        cmd->add_flag("--semi-supervised", semiSupervised, help);
        return;
    }
    cmd->add_option_function<std::string>(
           "--semi-supervised",
           [&semiSupervised, axes](const std::string& text) {
               std::vector<bool> chosen;
               for (const std::string& item : splitList(text)) chosen.push_back(parseYesNo(item, "semi_supervised"));
               semiSupervised = chosen.front();
               axes->semiSupervised = chosen;
           },
           help + "; =yes,no varies it (the sweep's folder goes before it, or it is read as the value)")
        ->expected(0, 1)
        ->default_str("yes")
        ->type_name("[yes,no]")
        ->check(knownNames([](const std::string& item) { parseYesNo(item, "semi_supervised"); }, "LIST", true));
}

void addActiveLearningOptions(CLI::App* cmd, ActiveLearningSettings& s, std::string& runsDir, SweepAxes* axes) {
    cmd->add_option_function<std::string>(
           "--strategy",
           [&s, axes](const std::string& text) {
               s.strategies = parseStrategyList(text);
               if (axes) axes->strategies = s.strategies;
           },
           "comma-separated: " + joined(strategyNames(), "or") +
               " (entropy_coreset is the hybrid: most entropic, spread by k-center)")
        ->required()
        ->check(knownStrategies());
    const std::string modelHelp = "model (gal has the dropout BALD and variation ratios need)";
    if (axes) {
        cmd->add_option_function<std::string>("--model", [axes](const std::string& t) { axes->models = splitList(t); },
                                              modelHelp + ", or a TorchScript file; a comma list varies it")
            ->default_str(s.loop.model)
            ->check(knownModel(true))
            ->transform(absoluteModelFiles());
        cmd->add_option_function<std::string>("--dataset", [axes](const std::string& t) { axes->datasets = splitList(t); },
                                              "the dataset; a comma list varies it")
            ->default_str(s.data.spec.name)
            ->check(knownDataset(true));
        addDataLocationOptions(cmd, s.data);
        addImageFolderOptions(cmd, s.data.folder);
        cmd->add_option("--train-images", s.data.trainImages, "use only the first N training images as the pool (0 = all)")
            ->check(CLI::NonNegativeNumber);
        cmd->add_option("--test-images", s.data.testImages, "measure on the first N test images only (0 = all)")
            ->check(CLI::NonNegativeNumber);
    } else {
        addModelOption(cmd, s.loop.model, modelHelp)->capture_default_str();
        addReinitOption(cmd, s.loop.reinitialise);
        addDataOptions(cmd, s.data, {"use only the first N training images as the pool (0 = all)",
                                     "measure on the first N test images only (0 = all)"});
    }
    listable(cmd, "--initial", s.loop.initial, axes ? &axes->initials : nullptr, 1,
             "images labelled first, chosen by --cold-start");
    addColdStartOption(cmd, s.loop.coldStart, axes);
    listable(cmd, "--acquire", s.loop.acquire, axes ? &axes->acquires : nullptr, 1, "images labelled per round");
    cmd->add_option("--budget", s.loop.budget,
                    "labelled images in all, the initial ones included (an unlabelled pile: the labels given)")
        ->capture_default_str()->check(CLI::PositiveNumber);
    cmd->add_option("--stop-at-kappa", s.loop.stopAtKappa,
                    "end a repeat before its budget once Cohen's kappa of each round's predictions with the last "
                    "round's, on a fixed stop set of unlabelled images, has been at least this for 3 rounds in a row "
                    "(Bloodgood and Vijay-Shanker 2009; 0.99 is theirs); 0 = run to the budget")
        ->capture_default_str()->check(CLI::Range(0.0, 1.0));
    addSemiSupervisedOption(cmd, s.loop.semiSupervised, axes);
    listable(cmd, "--pool-subset", s.loop.poolSubset, axes ? &axes->poolSubsets : nullptr, 0,
             "candidates scored per round, at random from the pool (0 = all)");
    cmd->add_option("--mc-samples", s.loop.mcSamples, "Monte Carlo dropout passes (bald, variation_ratios)")
        ->capture_default_str()->check(CLI::PositiveNumber);
    listable(cmd, "--max-steps", s.loop.maxStepsPerRound, axes ? &axes->maxSteps : nullptr, 1,
             "training steps per round at most (50 epochs or this, whichever is fewer)");
    cmd->add_option("--warm-steps", s.loop.warmSteps,
                    "each round after the first continues from the last round's model for at most this many steps "
                    "instead of training a new one from scratch; 0 = from scratch every round (as runs made before "
                    "this option were: resume those with --warm-steps 0)")
        ->capture_default_str()->check(CLI::NonNegativeNumber);
    cmd->add_option("--repeats", s.repeats, "repeats per strategy, seeds derived from --seed")->capture_default_str()
        ->check(CLI::PositiveNumber);
    addSeedOption(cmd, s.seed);
    addDeviceOptions(cmd, s.device, s.threads,
                     axes ? "CPU threads per task (default: Slurm's --cpus-per-task, or the cores over --jobs locally)"
                          : kThreadsHelp,
                     axes ? nullptr : &s.loop.cudaGraphs);
    addRunsDirOption(cmd, runsDir);
}

void addSubmitOptions(CLI::App* c, SubmitChoice& o) {
    c->add_option("DIR", o.dir, "the sweep folder")->required();
    c->add_option("--backend", o.backend, "slurm or local (default: slurm when sbatch is on PATH)")
        ->check(CLI::IsMember({"slurm", "local"}));
    c->add_option("--partition", o.slurm.partition, "Slurm partition")->type_name("NAME");
    c->add_option("--time", o.slurm.time, "Slurm time limit per task (e.g. 2:00:00); SIGTERM comes 120 s before it")
        ->type_name("TIME");
    c->add_option("--cpus-per-task", o.slurm.cpusPerTask, "CPUs per task (default: the sweep's --threads, or 1)")
        ->check(CLI::PositiveNumber);
    c->add_option("--mem", o.slurm.mem, "memory per task (e.g. 4G)")->type_name("SIZE");
    c->add_option("--gpus", o.slurm.gpus, "GPUs per task")->type_name("N");
    c->add_option("--account", o.slurm.account, "Slurm account")->type_name("NAME");
    c->add_option("--qos", o.slurm.qos, "Slurm quality of service")->type_name("NAME");
    c->add_option("--max-parallel", o.slurm.maxParallel, "tasks running at once at most (--array=...%N)")
        ->check(CLI::PositiveNumber);
    c->add_flag("--requeue", o.slurm.requeue, "a preempted task requeues itself (scontrol requeue)");
    c->add_option("--sbatch-arg", o.slurm.sbatchArgs, "another sbatch option, as it is (repeatable)")
        ->allow_extra_args(false)->type_name("OPTION");
    c->add_option("--jobs", o.jobs, "local backend: tasks at once (default: the cores over --threads)")
        ->check(CLI::PositiveNumber);
}

}  // namespace alx::cli
