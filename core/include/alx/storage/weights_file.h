#pragma once
// model.pt: a model's weights as a LibTorch archive, with what they belong
// to (the model's registry name, its classes and its input shape), so that
// weights are never loaded into another architecture that happens to have
// the same tensor shapes.
#include <cstdint>
#include <string>

#include "alx/models/model.h"

namespace alx {

struct WeightsInfo {
    std::string model;  // registry name, e.g. "lenet5"
    ModelInput input;   // the image shape and classes it was built for
};

// Written atomically (temporary name, fsync, rename, directory fsync).
void saveWeights(Classifier& model, const std::string& path, const WeightsInfo& info);

// Loads `path` into `model`, which must be `expected.model` built for
// `expected.input`. Throws InputError naming the file when the
// file is damaged, when it records another model, class count or input
// shape ("holds weights for model 'lenet5', not 'net'"), or when a tensor's
// name or shape does not fit. Files written before the record existed are
// checked by their tensors' names and shapes alone.
void loadWeights(Classifier& model, const std::string& path, const WeightsInfo& expected);

// What a model.pt records, without loading it into a model; empty fields
// for a file written before the record existed. InputError when damaged.
WeightsInfo readWeightsInfo(const std::string& path);

}  // namespace alx
