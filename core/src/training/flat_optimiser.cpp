#include "alx/training/flat_optimiser.h"

#include <torch/torch.h>

#include <cmath>

namespace alx {

FlatOptimiser::FlatOptimiser(const std::vector<torch::Tensor>& parameters, const Options& options) : options_(options) {
    torch::NoGradGuard noGrad;
    if (options_.capturable && !parameters.empty()) {
        deviceSteps_ = torch::zeros({}, torch::TensorOptions(torch::kFloat64).device(parameters.front().device()));
    }
    int64_t total = 0;
    for (const auto& p : parameters) total += p.numel();
    flat_ = total <= options_.flatLimit && !parameters.empty();
    if (!flat_) {
        parameters_ = parameters;
        for (const auto& p : parameters_) {
            first_.push_back(torch::zeros_like(p));
            second_.push_back(options_.kind == OptimiserKind::Adam ? torch::zeros_like(p) : torch::Tensor());
        }
        return;
    }
    const auto tensorOptions = parameters.front().options().requires_grad(false);
    flatParameters_ = torch::empty({total}, tensorOptions);
    flatGradients_ = torch::zeros({total}, tensorOptions);
    int64_t offset = 0;
    for (auto p : parameters) {  // a copy of the handle: set_ rebinds the module's own parameter
        const int64_t n = p.numel();
        flatParameters_.narrow(0, offset, n).copy_(p.reshape({-1}));
        p.set_(flatParameters_.storage(), offset, p.sizes(), p.contiguous().strides());
        // Autograd accumulates into an existing gradient in place, so the
        // gradients land in the flat buffer too.
        p.mutable_grad() = flatGradients_.narrow(0, offset, n).view(p.sizes());
        offset += n;
    }
    flatFirst_ = torch::zeros({total}, tensorOptions);
    if (options_.kind == OptimiserKind::Adam) flatSecond_ = torch::zeros({total}, tensorOptions);
}

void FlatOptimiser::zeroGrad() {
    if (flat_) {
        flatGradients_.zero_();
        return;
    }
    // Released, not zeroed: the next backward pass then writes them afresh.
    for (auto& p : parameters_) p.mutable_grad().reset();
}

void FlatOptimiser::update(torch::Tensor& parameter, const torch::Tensor& gradient, torch::Tensor& first,
                           torch::Tensor& second) const {
    if (options_.kind == OptimiserKind::Sgd) {
        // buf = momentum * buf + g (PyTorch's first step, buf = g, is the same from zero); p -= lr * buf
        first.mul_(options_.momentum).add_(gradient);
        parameter.add_(first, -options_.learningRate);
        return;
    }
    const double b1 = options_.beta1, b2 = options_.beta2;
    first.mul_(b1).add_(gradient, 1 - b1);
    second.mul_(b2).addcmul_(gradient, gradient, 1 - b2);
    if (deviceSteps_.defined()) {  // the same arithmetic with the corrections as device scalars
        const auto correction1 = 1 - torch::pow(b1, deviceSteps_);
        const auto correction2 = 1 - torch::pow(b2, deviceSteps_);
        const auto denominator = (second.sqrt() / correction2.sqrt()).add_(options_.epsilon);
        parameter.sub_(first.div(denominator).mul_(options_.learningRate / correction1));
        return;
    }
    const double correction1 = 1 - std::pow(b1, double(steps_));
    const double correction2 = 1 - std::pow(b2, double(steps_));
    const auto denominator = (second.sqrt() / std::sqrt(correction2)).add_(options_.epsilon);
    parameter.addcdiv_(first, denominator, -options_.learningRate / correction1);
}

void FlatOptimiser::step() {
    torch::NoGradGuard noGrad;
    ++steps_;
    if (deviceSteps_.defined()) deviceSteps_.add_(1);
    if (flat_) {
        update(flatParameters_, flatGradients_, flatFirst_, flatSecond_);
        return;
    }
    for (size_t i = 0; i < parameters_.size(); ++i) {
        const auto& gradient = parameters_[i].grad();
        if (gradient.defined()) update(parameters_[i], gradient, first_[i], second_[i]);
    }
}

}  // namespace alx
