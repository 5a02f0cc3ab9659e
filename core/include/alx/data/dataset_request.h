#pragma once
// Which dataset a job uses and how much of it: chosen once at the edge (a
// flag, the app's Data box) as a spec, and passed to the engine as it is.
// No LibTorch here: the app's requests carry it.
#include <cstdint>
#include <string>

#include "alx/data/dataset_catalog.h"

namespace alx {

// How an image folder's images become one tensor: one size, one channel
// count, a test split when the folder has none. IDX datasets ignore it.
struct ImageFolderOptions {
    int64_t height = 0, width = 0;  // 0: the images' own size, when they all share one
    int64_t channels = 0;           // 1 or 3; 0: 1 when every image is grey, else 3
    double testFraction = 0.2;      // of each class, when the folder has no test split
    uint64_t splitSeed = 0;         // draws that split (a job sets its --seed)
    bool skipBadImages = false;     // list and leave out images that do not decode, instead of refusing
};

struct DatasetRequest {
    DatasetSpec spec = datasetSpec("mnist");
    std::string dataDir;           // looked in first (see locateDataset); empty: the usual places
    bool verifyChecksums = true;   // compare each file's MD5 with the published one
    int64_t trainImages = 0;       // only the first N training images; 0 = all
    int64_t testImages = 0;        // only the first N test images; 0 = all
    ImageFolderOptions folder;
};

}  // namespace alx
