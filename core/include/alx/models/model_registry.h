#pragma once
// Builds a model by its registry name; what the models are called and their
// presets is in alx/vocabulary.h (modelCatalogue), without LibTorch.
#include <cstdint>
#include <string>

#include "alx/models/model.h"
#include "alx/vocabulary.h"

namespace alx {

// Throws InputError (field "model") listing the known names when `name` is
// unknown, and as requireImageSide says when the images are too small for it.
// A TorchScript file (isModelFile) is loaded and checked by
// loadScriptedModel; `reinitialise` draws its parameters afresh (ALX's own
// models always start from a fresh draw).
ClassifierPtr makeModel(const std::string& name, const ModelInput& input, bool reinitialise = false);

}  // namespace alx
