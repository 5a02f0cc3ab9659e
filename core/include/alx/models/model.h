#pragma once
#include <memory>
#include <vector>
#include <string>

#include <torch/nn/module.h>
#include <torch/types.h>

#include "alx/data/image_shape.h"

namespace alx {

// What every model gives for a batch: the class scores, and the feature
// vector the neighbour-based scores work on (one documented layer per model,
// the penultimate one: the input of the final linear layer).
struct ModelOutput {
    torch::Tensor logits;     // [N, classes]
    torch::Tensor embedding;  // [N, embeddingDim()]
};

// What a model is built for, both from the data: the images it takes and
// the number of classes it tells apart.
struct ModelInput {
    // A constructor, not an aggregate: {name, 10} must not compile as a
    // WeightsInfo by brace elision (10 channels, no classes).
    ModelInput() = default;
    ModelInput(const ImageShape& image, int64_t classes) : image(image), classes(classes) {}

    ImageShape image;
    int64_t classes = 0;
};

// Throws InputError (field "image_size") when `image` is smaller than
// `smallest` x `smallest`, naming the model and the smallest size it takes.
void requireImageSide(const std::string& model, const ImageShape& image, int64_t smallest);

// The interface of the classifiers (the notebook's four and gal; see
// modelCatalogue()). They take normalised [N, C, H, W] images of the shape
// they were built for.
class Classifier : public torch::nn::Module {
public:
    explicit Classifier(std::string name) : torch::nn::Module(std::move(name)) {}
    virtual ModelOutput forward(const torch::Tensor& images) = 0;
    virtual int64_t embeddingDim() const = 0;

    // Monte Carlo dropout (BALD, variation ratios) needs a head with dropout.
    // Models that have one split forward() into trunk() (the convolutional
    // features, computed once per image) and head() (dropout active when the
    // module is in training mode), so that T stochastic passes cost T heads.
    virtual bool hasDropoutHead() const { return false; }
    virtual torch::Tensor trunk(const torch::Tensor& images);
    virtual ModelOutput head(const torch::Tensor& features);

    // Training without autograd's graph, for small models where recording
    // and replaying it costs more than the arithmetic (a few dozen tiny
    // operations a step at small batches; docs/benchmarks.md has figures).
    // lossWithGradients() returns the mean cross-entropy of forward(images)
    // against labels and overwrites gradients[i] with the gradient of the
    // i-th of parameters() (same shape), by backpropagation written out
    // through LibTorch's own forward and backward kernels, the ones autograd
    // would call. Without `gradients`, into each parameter's .grad(), which
    // must already be defined (as in FlatOptimiser's flat arrangement).
    virtual bool hasExplicitGradients() const { return false; }
    virtual torch::Tensor lossWithGradients(const torch::Tensor& images, const torch::Tensor& labels,
                                            const std::vector<torch::Tensor>& gradients);
    torch::Tensor lossWithGradients(const torch::Tensor& images, const torch::Tensor& labels);

    // The same computation as TorchScript source, for export (scripted_model.h):
    // methods embed(x) and forward(x) over pixels in [0, 1], normalising
    // them as normaliseImages does, with each parameter and buffer an
    // attribute named as here with '_' for '.'; empty when it has none.
    virtual std::string torchScriptSource() const { return {}; }
};

using ClassifierPtr = std::shared_ptr<Classifier>;

}  // namespace alx
