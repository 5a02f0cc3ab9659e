#include "alx/vocabulary.h"

#include "alx/util/errors.h"

namespace alx {
namespace {

struct ScoreWords {
    const char* key;
    const char* name;
};

const ScoreWords& wordsFor(ScoreKind kind) {
    static const std::array<ScoreWords, kScoreCount> words = {{{"least_confidence", "Least confidence"},
                                                               {"entropy", "Entropy"},
                                                               {"margin", "Margin"},
                                                               {"cosine_similarity", "Cosine similarity"},
                                                               {"l2_distance", "L2 distance"},
                                                               {"kl_divergence", "KL divergence"}}};
    return words.at(size_t(kind));
}

}  // namespace

std::string scoreKey(ScoreKind kind) { return wordsFor(kind).key; }
std::string scoreName(ScoreKind kind) { return wordsFor(kind).name; }
bool highIsUncertain(ScoreKind kind) { return kind != ScoreKind::Margin && kind != ScoreKind::CosineSimilarity; }

std::string optimiserName(OptimiserKind kind) { return kind == OptimiserKind::Sgd ? "sgd" : "adam"; }

ScoreKind parseScoreKind(const std::string& key) {
    std::string known;
    for (ScoreKind kind : kAllScores) {
        if (scoreKey(kind) == key) return kind;
        known += (known.empty() ? "" : ", ") + scoreKey(kind);
    }
    throw InputError("unknown score '" + key + "' (known: " + known + ")", "score");
}

OptimiserKind parseOptimiser(const std::string& name) {
    if (name == "sgd") return OptimiserKind::Sgd;
    if (name == "adam") return OptimiserKind::Adam;
    throw InputError("unknown optimiser '" + name + "' (known: sgd, adam)", "optimiser");
}

// The notebook's presets: SGD 0.001 with momentum 0.9 at batch 4 for `net`,
// Adam 0.001 at batch 32 for the others, 10 epochs each.
const std::vector<ModelInfo>& modelCatalogue() {
    static const std::vector<ModelInfo> list = {
        {"net", "Net", "conv 6@5x5, max-pool, conv 16@5x5, max-pool, fc 120-84-K",
         "fc2 after ReLU (84)", false, {OptimiserKind::Sgd, 1e-3, 0.9, 4, 10}},
        {"simplecnn", "SimpleCNN", "conv 32@3x3, max-pool, conv 64@3x3, max-pool, fc 512-K",
         "fc1 after ReLU (512)", false, {OptimiserKind::Adam, 1e-3, 0.0, 32, 10}},
        {"resnet18", "ResNet-18", "ResNet-18, 7x7/2 stem, fc 512-K, from scratch",
         "global average pool of layer4 (512)", false, {OptimiserKind::Adam, 1e-3, 0.0, 32, 10}},
        {"lenet5", "LeNet-5", "conv 6@5x5, avg-pool, conv 16@5x5, avg-pool, fc 120-84-K",
         "fc2 after ReLU (84)", false, {OptimiserKind::Adam, 1e-3, 0.0, 32, 10}},
        // Not in the notebook: the model of the Bayesian active learning
        // literature, with dropout for Monte Carlo scoring.
        {"gal", "Gal et al. CNN", "conv 32@4x4, conv 32@4x4, max-pool, dropout 0.25, fc 128, dropout 0.5, fc K",
         "fc1 after ReLU (128)", true, {OptimiserKind::Adam, 1e-3, 0.0, 64, 10}},
    };
    return list;
}

bool isModelFile(const std::string& name) {
    for (const auto& m : modelCatalogue()) {
        if (m.name == name) return false;
    }
    const auto endsWith = [&name](const std::string& end) {
        return name.size() > end.size() && name.compare(name.size() - end.size(), end.size(), end) == 0;
    };
    return name.find('/') != std::string::npos || endsWith(".pt") || endsWith(".pth") || endsWith(".ptl") ||
           endsWith(".torchscript");
}

ModelInfo modelInfo(const std::string& name) {
    for (const auto& m : modelCatalogue()) {
        if (m.name == name) return m;
    }
    if (isModelFile(name)) {
        const std::string file = name.substr(name.find_last_of('/') + 1);
        // Dropout is found when the file is loaded (two training-mode passes that differ).
        return {name, "TorchScript " + file, "your TorchScript model", "its embed(), forward's second output, or its logits",
                true, {OptimiserKind::Adam, 1e-3, 0.0, 32, 10}};
    }
    std::string known;
    for (const auto& m : modelCatalogue()) known += (known.empty() ? "" : ", ") + m.name;
    throw InputError("unknown model '" + name + "' (known: " + known + "; or a TorchScript file, FILE.pt)", "model");
}

}  // namespace alx
