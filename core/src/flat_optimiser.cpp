#include "alx/flat_optimiser.h"

#include <torch/torch.h>

#include <cmath>

namespace alx {

FlatOptimiser::FlatOptimiser(const std::vector<torch::Tensor>& parameters, const Options& options) : options_(options) {
    torch::NoGradGuard noGrad;
    int64_t total = 0;
    for (const auto& p : parameters) total += p.numel();
    const auto tensorOptions = parameters.empty() ? torch::TensorOptions() : parameters.front().options().requires_grad(false);
    parameters_ = torch::empty({total}, tensorOptions);
    gradients_ = torch::zeros({total}, tensorOptions);
    int64_t offset = 0;
    for (auto p : parameters) {  // a copy of the handle: set_ rebinds the module's own parameter
        const int64_t n = p.numel();
        parameters_.narrow(0, offset, n).copy_(p.reshape({-1}));
        p.set_(parameters_.storage(), offset, p.sizes(), p.contiguous().strides());
        // Autograd accumulates into an existing gradient in place, so the
        // gradients land in the flat buffer too.
        p.mutable_grad() = gradients_.narrow(0, offset, n).view(p.sizes());
        offset += n;
    }
    first_ = torch::zeros({total}, tensorOptions);
    if (options_.kind == OptimiserKind::Adam) second_ = torch::zeros({total}, tensorOptions);
}

void FlatOptimiser::zeroGrad() { gradients_.zero_(); }

void FlatOptimiser::step() {
    torch::NoGradGuard noGrad;
    ++steps_;
    if (options_.kind == OptimiserKind::Sgd) {
        // buf = momentum * buf + g (PyTorch's first step, buf = g, is the same from zero); p -= lr * buf
        first_.mul_(options_.momentum).add_(gradients_);
        parameters_.add_(first_, -options_.learningRate);
        return;
    }
    const double b1 = options_.beta1, b2 = options_.beta2;
    first_.mul_(b1).add_(gradients_, 1 - b1);
    second_.mul_(b2).addcmul_(gradients_, gradients_, 1 - b2);
    const double correction1 = 1 - std::pow(b1, double(steps_));
    const double correction2 = 1 - std::pow(b2, double(steps_));
    const auto denominator = (second_.sqrt() / std::sqrt(correction2)).add_(options_.epsilon);
    parameters_.addcdiv_(first_, denominator, -options_.learningRate / correction1);
}

}  // namespace alx
