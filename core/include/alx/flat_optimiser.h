#pragma once
// SGD with momentum and Adam over one contiguous buffer. At the start, every
// parameter of the model (and its gradient) is made a view into one flat
// tensor, so that zeroing the gradients and a whole optimiser step are a
// handful of tensor operations instead of several per parameter. At the
// notebook's batch of 4, those per-operation costs were most of a step.
// The arithmetic is PyTorch's (torch.optim.SGD with momentum, torch.optim.Adam
// without weight decay); test_trainer checks it against LibTorch's own.
#include <cstdint>
#include <vector>

#include <torch/types.h>

#include "alx/model_registry.h"

namespace alx {

class FlatOptimiser {
public:
    struct Options {
        OptimiserKind kind = OptimiserKind::Adam;
        double learningRate = 1e-3;
        double momentum = 0.9;  // SGD
        double beta1 = 0.9, beta2 = 0.999, epsilon = 1e-8;  // Adam
    };

    // Rebinds the parameters' storage: construct it after the model has
    // been moved to its device, and keep the model on that device.
    FlatOptimiser(const std::vector<torch::Tensor>& parameters, const Options& options);

    void zeroGrad();
    void step();

private:
    Options options_;
    torch::Tensor parameters_, gradients_, first_, second_;
    int64_t steps_ = 0;
};

}  // namespace alx
