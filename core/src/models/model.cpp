#include "alx/models/model.h"

#include <stdexcept>

#include <torch/torch.h>

#include "alx/util/errors.h"

namespace alx {

torch::Tensor Classifier::trunk(const torch::Tensor&) {
    throw InputError("model '" + name() + "' has no dropout: Monte Carlo dropout strategies need one (e.g. gal)", "model");
}

ModelOutput Classifier::head(const torch::Tensor&) {
    throw InputError("model '" + name() + "' has no dropout: Monte Carlo dropout strategies need one (e.g. gal)", "model");
}

torch::Tensor Classifier::lossWithGradients(const torch::Tensor&, const torch::Tensor&) {
    throw std::logic_error("model '" + name() + "' has no explicit gradients; train it with autograd");
}

}  // namespace alx
