#pragma once
// test_support.h's synthetic dataset written to a temporary folder, loaded
// and normalised as training loads it: for the tests that train on it. A
// header of its own, so that test_support stays free of LibTorch.
#include <QTemporaryDir>

#include <utility>

#include "alx/data/dataset_catalog.h"
#include "alx/data/dataset_loader.h"
#include "test_support.h"

namespace alx::test {

// {training set, test set}: `trainCount` and `testCount` images on the CPU.
inline std::pair<TensorSet, TensorSet> syntheticSets(int trainCount, int testCount) {
    QTemporaryDir dir;
    writeSyntheticDataset(dir.path().toStdString(), trainCount, testCount);
    const auto data = loadDataset(datasetSpec("mnist"), dir.path().toStdString(), {false});
    return {{normaliseImages(data.train.images, torch::kCPU), data.train.labels},
            {normaliseImages(data.test.images, torch::kCPU), data.test.labels}};
}

}  // namespace alx::test
