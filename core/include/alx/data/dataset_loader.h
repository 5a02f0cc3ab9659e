#pragma once
#include <functional>
#include <string>
#include <vector>

#include <torch/types.h>

#include "alx/data/dataset_request.h"
#include "alx/data/image_shape.h"

namespace alx {

// Images as uint8 [N, C, H, W] and labels as int64 [N], on the CPU: the
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
    ImageShape shape;    // every image's, train and test alike
    std::vector<std::string> classNames;  // one per label: labels are 0 .. classes() - 1
    // An image folder's images by path (relative to dir), one per image of
    // train and test; and its unlabelled images (labels -1), the pool a
    // person labels. Empty for IDX datasets.
    std::vector<std::string> trainPaths, testPaths, poolPaths;
    ImageSplit pool;
    std::vector<std::string> skipped;  // "path: reason", for each image left out (--skip-bad-images)
    double testFraction = 0;           // an image folder split here: the share of each class tested; 0: not split

    int64_t classes() const { return int64_t(classNames.size()); }
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
// labels out of range, training and test images of different sizes) throws
// InputError naming the file and the problem. IDX images are grey: the
// shape is 1 x rows x columns of the images file's header.
LoadedDataset loadDataset(const DatasetSpec& spec, const std::string& dir, const LoadOptions& options = {});

// The dataset a request names, as the CLI and the GUI ask for it: located
// in the usual order (InputError listing every place looked in when it is
// nowhere), loaded, and cut to its first trainImages / testImages images
// when > 0. `shouldStop` as in LoadOptions.
LoadedDataset loadRequestedDataset(const DatasetRequest& request, const std::function<bool()>& shouldStop = {});

// The shape of images [N, C, H, W] (uint8 or normalised).
ImageShape shapeOf(const torch::Tensor& images);

// uint8 [N, C, H, W] -> float [N, C, H, W] on `device`, (x/255 - 0.5) / 0.5
// as in the notebook, so pixels lie in [-1, 1].
torch::Tensor normaliseImages(const torch::Tensor& images, const torch::Device& device);

}  // namespace alx
