#pragma once
#include <functional>
#include <string>

#include <torch/types.h>

#include "alx/data/dataset_request.h"

namespace alx {

// Images as uint8 [N, 28, 28] and labels as int64 [N], on the CPU: the
// dataset is held once, compactly, and normalised in one go on the device
// that trains (see normaliseImages), never per sample per batch.
struct ImageSplit {
    torch::Tensor images;
    torch::Tensor labels;

    int64_t size() const { return labels.defined() ? labels.size(0) : 0; }
};

struct LoadedDataset {
    ImageSplit train;
    ImageSplit test;
    std::string dir;
    std::string source;  // which look-up rule found it (see locateDataset)
};

struct LoadOptions {
    bool verifyChecksums = true;  // compare each decompressed file's MD5 with the published one
    // Polled before each file is read, while it inflates and while it is
    // checked (throws Cancelled), so that a window closed while a dataset
    // loads does not wait for it.
    std::function<bool()> shouldStop;
};

// Reads the four IDX files of `spec` from `dir`. Every defect (missing file,
// damaged IDX, checksum mismatch, image and label counts that differ,
// labels out of range, images that are not 28x28) throws InputError naming
// the file and the problem.
LoadedDataset loadDataset(const DatasetSpec& spec, const std::string& dir, const LoadOptions& options = {});

// The dataset a request names, as the CLI and the GUI ask for it: located
// in the usual order (InputError listing every place looked in when it is
// nowhere), loaded, and cut to its first trainImages / testImages images
// when > 0. `shouldStop` as in LoadOptions.
LoadedDataset loadRequestedDataset(const DatasetRequest& request, const std::function<bool()>& shouldStop = {});

// uint8 [N, H, W] -> float [N, 1, H, W] on `device`, (x/255 - 0.5) / 0.5 as
// in the notebook, so pixels lie in [-1, 1].
torch::Tensor normaliseImages(const torch::Tensor& images, const torch::Device& device);

}  // namespace alx
