#pragma once
// SGD with momentum and Adam, arranged for the model's size.
// Small models (up to kFlatLimit parameters): every parameter, and its
// gradient, becomes a view into one flat tensor, so that zeroing the
// gradients and a whole step are a handful of tensor operations instead of
// several per parameter; at the notebook's batch of 4 those per-operation
// costs were most of a step. Large models (ResNet-18): parameters stay
// apart and gradients are released rather than zeroed, since there the
// memory traffic of a flat buffer (zeroing, accumulating in place) costs
// more than the operations it saves (ResNet-18 trained 25 % slower flat).
// The arithmetic is PyTorch's (torch.optim.SGD with momentum,
// torch.optim.Adam without weight decay); test_trainer checks it against
// LibTorch's own optimisers in both arrangements.
#include <cstdint>
#include <vector>

#include <torch/types.h>

#include "alx/vocabulary.h"

namespace alx {

class FlatOptimiser {
public:
    struct Options {
        OptimiserKind kind = OptimiserKind::Adam;
        double learningRate = 1e-3;
        double momentum = 0.9;  // SGD
        double beta1 = 0.9, beta2 = 0.999, epsilon = 1e-8;  // Adam
        int64_t flatLimit = 4'000'000;  // parameters up to which one flat buffer is used
        // Adam's step count kept on the parameters' device and its bias
        // corrections computed there, so that a step captured once in a
        // CUDA graph computes the right ones every time it is replayed
        // (a count on the host would be frozen into the graph).
        bool capturable = false;
    };

    // In the flat arrangement the parameters' storage is rebound: construct
    // it after the model has been moved to its device, and keep it there.
    FlatOptimiser(const std::vector<torch::Tensor>& parameters, const Options& options);

    void zeroGrad();
    void step();
    bool isFlat() const { return flat_; }
    // The flat arrangement's gradients, every parameter's .grad() a view into it.
    const torch::Tensor& flatGradients() const { return flatGradients_; }

private:
    void update(torch::Tensor& parameter, const torch::Tensor& gradient, torch::Tensor& first, torch::Tensor& second) const;

    Options options_;
    bool flat_ = false;
    std::vector<torch::Tensor> parameters_;      // per-parameter arrangement
    std::vector<torch::Tensor> first_, second_;  // its moments
    torch::Tensor flatParameters_, flatGradients_, flatFirst_, flatSecond_;
    int64_t steps_ = 0;
    torch::Tensor deviceSteps_;  // capturable: the step count, as a float64 scalar on the device
};

}  // namespace alx
