#pragma once
// What every job shares: how it ended, and what it tells its front-end about
// the data it loaded. A job is a request struct, a set of callbacks (called
// on the job's thread; a front-end turns them into printing or queued
// signals) and a shouldStop() poll for cancellation.
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "alx/data/dataset_loader.h"
#include "alx/storage/run_summary.h"

namespace alx {

enum class JobOutcome { Finished, Cancelled, Diverged };

struct DatasetReport {
    std::string name, displayName;
    std::string dir, source;  // where it was found, and by which rule
    int64_t trainImages = 0, testImages = 0;
    ImageShape shape;
    std::vector<std::string> classNames;
    std::vector<std::string> skipped;  // images left out, "path: reason" (--skip-bad-images)
    int64_t poolImages = 0;            // unlabelled images, for a person to label
};

// Locates and loads a dataset as `request` says, polling `shouldStop`
// between files (throws Cancelled), and reports it through `onDataset`.
// Unless `pileAllowed` (labelling a pile), a dataset without labelled
// training or test images is refused, saying how to label it.
LoadedDataset loadJobData(const DatasetRequest& request, const std::function<bool()>& shouldStop,
                          const std::function<void(const DatasetReport&)>& onDataset, bool pileAllowed = false);

// The data a run was trained on, to load it again: its dataset and, for an
// image folder, the folder (the one recorded, while it exists; else the
// one given), size, channels and split. `given` keeps its other fields.
DatasetRequest runDataset(const RunSummary& run, DatasetRequest given);

// Where a run's data is read from: the folder it recorded while that exists
// (an image folder moves with a person's files), else the one given.
std::string recordedOrGivenDir(const std::string& recorded, const std::string& given);

// The dataset request a job loads: an image folder's split is seeded by the
// job's seed, so a seed gives the same split every time.
DatasetRequest seededDataset(DatasetRequest data, uint64_t seed);

// images[indices] (uint8 [N, C, H, W]) for a front-end to show.
ImageStack imageStack(const torch::Tensor& images, const std::vector<int64_t>& indices);
// All of images (uint8 [N, C, H, W]).
ImageStack imageStack(const torch::Tensor& images);

}  // namespace alx
