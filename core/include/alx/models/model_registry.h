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
ClassifierPtr makeModel(const std::string& name, const ModelInput& input);

}  // namespace alx
