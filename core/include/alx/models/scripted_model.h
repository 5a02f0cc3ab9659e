#pragma once
// A person's own classifier as a TorchScript file, and ALX's models written
// out as one. The contract (docs/torchscript.md), checked on load:
//   input    float [N, C, H, W], pixels in [0, 1] (other normalisation is the model's own)
//   forward  logits [N, K], or a tuple (logits, embedding [N, ...])
//   embed    optional method: the embedding [N, D]; with neither, the logits are the embedding
//   train()/eval() switch dropout (Monte Carlo strategies) and batch norm as usual.
#include <cstdint>
#include <string>

#include "alx/models/model.h"
#include "alx/vocabulary.h"

namespace alx {

// What ALX found a TorchScript model to give.
struct ScriptContract {
    std::string sha256;     // of the file as loaded
    std::string embedding;  // one of the kEmbeddingFrom... words
    int64_t embeddingDim = 0;
    bool stochastic = false;  // train() changes its output (dropout): Monte Carlo strategies can use it
};

// Loads a TorchScript model for `input`'s images and classes, and checks the
// contract on a probe batch; `reinitialise` draws its parameters afresh from
// the global generator (PyTorch's default initialisation by tensor rank, see
// the source) instead of keeping the file's. Throws InputError (field
// "model") naming the file when it is not TorchScript (saying what it is:
// ALX's own weights, a torch.save pickle, a zip of something else), when
// forward fails on the input's shape (naming it), gives another class
// count, an embedding whose first dimension is not the batch's, or NaN.
ClassifierPtr loadScriptedModel(const std::string& path, const ModelInput& input, bool reinitialise = false);

// The contract of a model made by loadScriptedModel; nullptr for ALX's own.
const ScriptContract* scriptContractOf(const Classifier& model);

// When `path` is not ALX's weights file but a TorchScript model, the words
// that say so and where to give it instead; empty otherwise. For the
// weights loader, which takes ALX's own format only.
std::string torchScriptInsteadOfWeights(const std::string& path);

// The model as a TorchScript archive honouring the contract (pixels in
// [0, 1], ALX's normalisation inside; forward gives the logits, embed the
// embedding; class_names and image_shape as attributes): a scripted model
// as it is now, one of ALX's written out from its torchScriptSource().
std::string torchScriptBytes(Classifier& model, const ModelInput& input, const std::vector<std::string>& classNames);

}  // namespace alx
