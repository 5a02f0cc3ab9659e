#pragma once
// Which dataset a job uses and how much of it: chosen once at the edge (a
// flag, the app's Data box) as a spec, and passed to the engine as it is.
// No LibTorch here: the app's requests carry it.
#include <cstdint>
#include <string>

#include "alx/data/dataset_catalog.h"

namespace alx {

struct DatasetRequest {
    DatasetSpec spec = datasetSpec("mnist");
    std::string dataDir;           // looked in first (see locateDataset); empty: the usual places
    bool verifyChecksums = true;   // compare each file's MD5 with the published one
    int64_t trainImages = 0;       // only the first N training images; 0 = all
    int64_t testImages = 0;        // only the first N test images; 0 = all
};

}  // namespace alx
