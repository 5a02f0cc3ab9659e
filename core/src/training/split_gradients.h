#pragma once
// A training step's gradients for a model with explicit gradients (net,
// lenet5) computed in slices of the batch, one slice per CPU thread at once,
// each into its own buffer, then summed, weighted by the slices' sizes, into
// the optimiser's flat gradients. Why: those models' layers at the
// notebook's batch sizes are too small for LibTorch to split across threads
// one by one (its second thread had nothing to do, or made the step time
// erratic), while two slices are two whole computations at once
// (docs/benchmarks.md has the figures).
#include <cstdint>
#include <vector>

#include <torch/types.h>

namespace alx {

class Classifier;

class SplitGradients {
public:
    // The fewest images in a slice worth a thread of its own: slices of fewer
    // cost what the whole batch costs (a step of `net` at batch 4 is mostly
    // its operations' fixed costs, which every slice pays).
    static constexpr int64_t kSmallestSlice = 8;
    // How many slices a batch of `images` is split into on `threads` threads.
    static int slicesFor(int64_t images, int threads);

    // `flatGradients` is the buffer every parameter's .grad() is a view into
    // (FlatOptimiser's flat arrangement); `threads` the slices at most (one:
    // the model's backward pass as it is, into the parameters' gradients).
    SplitGradients(Classifier& model, const torch::Tensor& flatGradients, int threads);

    // The batch's mean loss; the parameters' gradients then hold the batch's
    // mean gradient, as Classifier::lossWithGradients leaves them.
    torch::Tensor lossWithGradients(const torch::Tensor& images, const torch::Tensor& labels);

private:
    Classifier& model_;
    torch::Tensor flatGradients_;
    int threads_;
    std::vector<torch::Tensor> sliceBuffers_;                 // slices 1, 2, ...: flat, as flatGradients_
    std::vector<std::vector<torch::Tensor>> sliceGradients_;  // slice 0: the parameters' own; then views into the buffers
};

}  // namespace alx
