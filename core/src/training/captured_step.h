#pragma once
// A whole training step (zeroing the gradients, forward, loss, backward and
// the optimiser's update) captured once as a CUDA graph and replayed as a
// single launch for every later batch of the same size. The small models'
// steps on a GPU are a few hundred tiny kernels whose launches cost more than
// their arithmetic; a replay launches them all at once.
//
// The step must keep every tensor it reads or writes between calls at a fixed
// address (FlatOptimiser's flat arrangement does, for parameters, gradients
// and moments) and must not depend on host values that change from step to
// step (FlatOptimiser::Options::capturable).
#include <cstdint>
#include <functional>
#include <memory>

#include <torch/types.h>

namespace alx {

class CapturedStep {
public:
    // Runs one training step on a batch and returns its loss (on the device).
    using Step = std::function<torch::Tensor(const torch::Tensor& images, const torch::Tensor& labels)>;

    // Whether this build can capture CUDA graphs (it was built against a
    // LibTorch with CUDA, and ALX_CUDA_GRAPHS was left on).
    static bool available();

    explicit CapturedStep(Step step);
    ~CapturedStep();
    CapturedStep(const CapturedStep&) = delete;
    CapturedStep& operator=(const CapturedStep&) = delete;

    // One step on a batch of the size of the first one. The first few run as
    // they are, on a side stream (so that the libraries' lazily made state
    // exists before capture); the next is captured and then replayed, as is
    // every one after it. The returned loss is overwritten by the next call.
    torch::Tensor run(const torch::Tensor& images, const torch::Tensor& labels);

    static constexpr int kWarmUpSteps = 3;

private:
    struct State;
    std::unique_ptr<State> state_;
};

}  // namespace alx
