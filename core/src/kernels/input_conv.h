#pragma once
// The first convolution of a model, over one-channel images.
#include <torch/torch.h>

namespace alx {

// Applies `conv` (one input channel, zero `padding` on each side, no
// dilation or groups) to `images`. At inference on the CPU
// it takes LibTorch's im2col + GEMM path instead of oneDNN: oneDNN is slow
// on a single input channel (docs/benchmarks.md). Training keeps the
// default path, which was not slower.
torch::Tensor applyInputConv(torch::nn::Conv2d& conv, const torch::Tensor& images, int64_t padding = 0);

}  // namespace alx
