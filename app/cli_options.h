#pragma once
// alx-cli's options, each defined once: the subcommands take the groups
// they use. Names typed on the command line (datasets, strategies, models)
// are checked while parsing and turned into the engine's typed values here,
// at the edge; the engine never sees the words.
#include <CLI/CLI.hpp>

#include <string>

#include "alx/active_learning/sweep_plan.h"
#include "alx/data/dataset_request.h"
#include "alx/storage/sweep_folder.h"

namespace alx::cli {

// --dataset, --data-dir, --no-verify, --train-images, --test-images.
// `images`: what --train-images and --test-images mean to this subcommand.
struct ImageWords {
    std::string train = "use only the first N training images (0 = all)";
    std::string test = "evaluate only the first N test images (0 = all)";
    std::string testNames = "--test-images";  // CLI11's "--a,--b" for another name beside it
};
void addDataOptions(CLI::App* cmd, DatasetRequest& data, const ImageWords& images = {});
// --dataset alone.
void addDatasetOption(CLI::App* cmd, DatasetSpec& spec, const std::string& help = "the dataset");
// --data-dir and --no-verify alone: the dataset is a run's own.
void addDataLocationOptions(CLI::App* cmd, DatasetRequest& data);
// --image-size, --channels, --test-fraction and --skip-bad-images: how an image folder is read.
void addImageFolderOptions(CLI::App* cmd, ImageFolderOptions& folder);

inline const std::string kThreadsHelp = "CPU threads for LibTorch (default: all cores)";

// --device and --threads, and where training is asked for (cudaGraphs), --no-cuda-graphs.
void addDeviceOptions(CLI::App* cmd, std::string& device, int& threads, const std::string& threadsHelp = kThreadsHelp,
                      bool* cudaGraphs = nullptr);

// --model, one of the registry's names.
CLI::Option* addModelOption(CLI::App* cmd, std::string& model, const std::string& help);
// --reinit: a TorchScript model's parameters drawn afresh (train, al, sweeps).
void addReinitOption(CLI::App* cmd, bool& reinitialise);

CLI::Option* addSeedOption(CLI::App* cmd, uint64_t& seed, const std::string& help = "seed");
void addRunsDirOption(CLI::App* cmd, std::string& runsDir);

// The settings of an active-learning run (`alx-cli al`; `alx-cli sweep
// create`, where `axes` takes the settings a sweep may vary as comma lists).
void addActiveLearningOptions(CLI::App* cmd, ActiveLearningSettings& settings, std::string& runsDir, SweepAxes* axes);

// Where a sweep's tasks run: --backend, the Slurm options, --jobs.
struct SubmitChoice {
    std::string dir;
    std::string backend;  // "slurm", "local", or empty: as last submitted, else Slurm when sbatch is on PATH
    SlurmSubmitOptions slurm;
    int jobs = 0;  // local: tasks at once (0: the cores over the sweep's threads)
};
void addSubmitOptions(CLI::App* cmd, SubmitChoice& choice);

}  // namespace alx::cli
