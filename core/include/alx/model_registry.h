#pragma once
#include <string>
#include <vector>

#include "alx/model.h"

namespace alx {

enum class OptimiserKind { Sgd, Adam };

// The notebook's training set-up for a model.
struct ModelPreset {
    OptimiserKind optimiser;
    double learningRate;
    double momentum;  // SGD only
    int64_t batchSize;
    int epochs;
};

struct ModelInfo {
    std::string name;         // the CLI's name, e.g. "lenet5"
    std::string displayName;  // e.g. "LeNet-5"
    std::string summary;      // one line on the architecture
    ModelPreset preset;
};

const std::vector<ModelInfo>& modelCatalogue();
// Throws InputError listing the known names when `name` is unknown.
const ModelInfo& modelInfo(const std::string& name);
ClassifierPtr makeModel(const std::string& name, int64_t classes = 10);

std::string optimiserName(OptimiserKind kind);

}  // namespace alx
