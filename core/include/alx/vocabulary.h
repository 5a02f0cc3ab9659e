#pragma once
// The engine's vocabulary, without LibTorch: what the scores, models and
// optimisers are called and what they mean. The GUI, the CLI and the files
// all take their names from here, so nothing is spelled twice (the GUI's
// headers stay free of LibTorch). Strategies are named in
// active_learning/strategy.h, datasets in data/dataset_catalog.h.
#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace alx {

// The six per-sample scores, in this order everywhere (CSV columns, JSON
// keys, the GUI's histograms). Definitions: docs/notebook.md and scores.h.
enum class ScoreKind { LeastConfidence, Entropy, Margin, CosineSimilarity, L2Distance, KlDivergence };
inline constexpr int kScoreCount = 6;
inline constexpr std::array<ScoreKind, kScoreCount> kAllScores = {
    ScoreKind::LeastConfidence, ScoreKind::Entropy,    ScoreKind::Margin,
    ScoreKind::CosineSimilarity, ScoreKind::L2Distance, ScoreKind::KlDivergence};

// The key used in files: least_confidence, entropy, margin,
// cosine_similarity, l2_distance, kl_divergence.
std::string scoreKey(ScoreKind kind);
// For people: "Least confidence", "Entropy", ...
std::string scoreName(ScoreKind kind);
// Whether a high value marks an uncertain or unusual image (all but margin
// and cosine similarity).
bool highIsUncertain(ScoreKind kind);
// The score a key names; throws InputError (field "score") listing the keys.
ScoreKind parseScoreKind(const std::string& key);
inline ScoreKind scoreAt(int index) { return kAllScores.at(size_t(index)); }

enum class OptimiserKind { Sgd, Adam };
std::string optimiserName(OptimiserKind kind);  // "sgd", "adam"
// "sgd" or "adam"; InputError (field "optimiser") otherwise.
OptimiserKind parseOptimiser(const std::string& name);

// The notebook's training set-up for a model.
struct ModelPreset {
    OptimiserKind optimiser;
    double learningRate;
    double momentum;  // SGD only
    int64_t batchSize;
    int epochs;
};

struct ModelInfo {
    std::string name;         // the registry's name, e.g. "lenet5"
    std::string displayName;  // e.g. "LeNet-5"
    std::string summary;      // one line on the architecture
    std::string embedding;    // which layer the neighbour scores work on
    bool hasDropoutHead;      // Monte Carlo dropout (BALD, variation ratios) possible
    ModelPreset preset;
};

// Where a TorchScript model's embedding comes from, as runs record it
// (models/scripted_model.h has the contract).
inline constexpr const char* kEmbeddingFromTuple = "tuple";   // forward's second output
inline constexpr const char* kEmbeddingFromMethod = "embed";  // the embed method
inline constexpr const char* kEmbeddingFromLogits = "logits"; // neither: neighbours and maps use the logits
// What a person is told where neighbours and maps are shown, for such a model.
inline constexpr const char* kLogitsAsEmbeddingNote =
    "this model gives no embedding (no embed method, and forward returns the logits alone): neighbours, their scores "
    "and maps use its logits";

const std::vector<ModelInfo>& modelCatalogue();
// Whether a model name is a person's TorchScript file rather than one of the
// catalogue's: a name not in it that ends in .pt, .pth, .ptl or
// .torchscript, or holds a '/'. The file is read and checked only when the
// model is made (models/scripted_model.h).
bool isModelFile(const std::string& name);
// The catalogue's entry, or for a TorchScript file one with the common preset
// (Adam 0.001, batch 32, 10 epochs); throws InputError (field "model")
// listing the known names when `name` is neither.
ModelInfo modelInfo(const std::string& name);

}  // namespace alx
