#include "alx/models/model.h"

#include <stdexcept>

#include <torch/torch.h>

#include "alx/util/errors.h"

namespace alx {

void requireImageSide(const std::string& model, const ImageShape& image, int64_t smallest) {
    if (image.channels != 1 && image.channels != 3) {
        throw InputError("model '" + model + "' takes grey or RGB images, not " + std::to_string(image.channels) +
                             " channels", "channels");
    }
    if (image.height < smallest || image.width < smallest) {
        throw InputError("model '" + model + "' takes images of at least " + std::to_string(smallest) + "x" +
                             std::to_string(smallest) + " pixels; these are " + std::to_string(image.height) + "x" +
                             std::to_string(image.width) + " (--image-size resizes them)", "image_size");
    }
}

torch::Tensor Classifier::trunk(const torch::Tensor&) {
    throw InputError("model '" + name() + "' has no dropout: Monte Carlo dropout strategies need one (e.g. gal)", "model");
}

ModelOutput Classifier::head(const torch::Tensor&) {
    throw InputError("model '" + name() + "' has no dropout: Monte Carlo dropout strategies need one (e.g. gal)", "model");
}

torch::Tensor Classifier::lossWithGradients(const torch::Tensor&, const torch::Tensor&, const std::vector<torch::Tensor>&) {
    throw std::logic_error("model '" + name() + "' has no explicit gradients; train it with autograd");
}

torch::Tensor Classifier::lossWithGradients(const torch::Tensor& images, const torch::Tensor& labels) {
    std::vector<torch::Tensor> gradients;
    for (const torch::Tensor& p : parameters()) gradients.push_back(p.grad());
    return lossWithGradients(images, labels, gradients);
}

}  // namespace alx
