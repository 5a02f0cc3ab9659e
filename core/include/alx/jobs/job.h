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

namespace alx {

enum class JobOutcome { Finished, Cancelled, Diverged };

struct DatasetReport {
    std::string name, displayName;
    std::string dir, source;  // where it was found, and by which rule
    int64_t trainImages = 0, testImages = 0;
    std::vector<std::string> classNames;
};

// Locates and loads a dataset as `request` says, polling `shouldStop`
// between files (throws Cancelled), and reports it through `onDataset`.
LoadedDataset loadJobData(const DatasetRequest& request, const std::function<bool()>& shouldStop,
                          const std::function<void(const DatasetReport&)>& onDataset);

// The training images' raw bytes (kImagePixels each) for `indices`, for a
// front-end to show.
std::vector<uint8_t> imageBytes(const torch::Tensor& images, const std::vector<int64_t>& indices);

}  // namespace alx
