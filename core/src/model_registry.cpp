#include "alx/model_registry.h"

#include "alx/errors.h"
#include "alx/models.h"

namespace alx {
namespace {

struct Entry {
    ModelInfo info;
    ClassifierPtr (*make)(int64_t);
};

// The notebook's presets: SGD 0.001 with momentum 0.9 at batch 4 for `net`,
// Adam 0.001 at batch 32 for the others, 10 epochs each.
const std::vector<Entry>& entries() {
    static const std::vector<Entry> list = {
        {{"net", "Net", "conv 6@5x5, max-pool, conv 16@5x5, max-pool, fc 120-84-10",
          {OptimiserKind::Sgd, 1e-3, 0.9, 4, 10}},
         makeNet},
        {{"simplecnn", "SimpleCNN", "conv 32@3x3, max-pool, conv 64@3x3, max-pool, fc 512-10",
          {OptimiserKind::Adam, 1e-3, 0.0, 32, 10}},
         makeSimpleCnn},
        {{"resnet18", "ResNet-18", "ResNet-18, 1-channel 7x7/2 stem, fc 512-10, from scratch",
          {OptimiserKind::Adam, 1e-3, 0.0, 32, 10}},
         makeResNet18},
        {{"lenet5", "LeNet-5", "conv 6@5x5, avg-pool, conv 16@5x5, avg-pool, fc 120-84-10",
          {OptimiserKind::Adam, 1e-3, 0.0, 32, 10}},
         makeLeNet5},
        // Not in the notebook: the model of the Bayesian active learning
        // literature, with dropout for Monte Carlo scoring.
        {{"gal", "Gal et al. CNN", "conv 32@4x4, conv 32@4x4, max-pool, dropout 0.25, fc 128, dropout 0.5, fc 10",
          {OptimiserKind::Adam, 1e-3, 0.0, 64, 10}},
         makeGal},
    };
    return list;
}

const Entry& entry(const std::string& name) {
    for (const auto& e : entries()) {
        if (e.info.name == name) return e;
    }
    std::string known;
    for (const auto& e : entries()) known += (known.empty() ? "" : ", ") + e.info.name;
    throw InputError("unknown model '" + name + "' (known: " + known + ")");
}

}  // namespace

const std::vector<ModelInfo>& modelCatalogue() {
    static const std::vector<ModelInfo> infos = [] {
        std::vector<ModelInfo> out;
        for (const auto& e : entries()) out.push_back(e.info);
        return out;
    }();
    return infos;
}

const ModelInfo& modelInfo(const std::string& name) { return entry(name).info; }

ClassifierPtr makeModel(const std::string& name, int64_t classes) { return entry(name).make(classes); }

std::string optimiserName(OptimiserKind kind) { return kind == OptimiserKind::Sgd ? "sgd" : "adam"; }

}  // namespace alx
