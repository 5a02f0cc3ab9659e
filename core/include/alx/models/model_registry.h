#pragma once
// Builds a model by its registry name; what the models are called and their
// presets is in alx/vocabulary.h (modelCatalogue), without LibTorch.
#include <cstdint>
#include <string>

#include "alx/models/model.h"
#include "alx/vocabulary.h"

namespace alx {

// Throws InputError (field "model") listing the known names when `name` is unknown.
ClassifierPtr makeModel(const std::string& name, int64_t classes = 10);

}  // namespace alx
