#pragma once
// 2x2 pooling with stride 2, the only pooling the small models use.
#include <torch/torch.h>

namespace alx {

// Equal to torch::max_pool2d(x, 2) and torch::avg_pool2d(x, 2, 2). On the
// CPU, for a contiguous NCHW map of even height and width, they are
// computed as two elementwise passes over strided views (pairs of rows and
// pairs of columns) instead of LibTorch 1.13's NCHW pooling kernels, which
// are scalar loops (docs/benchmarks.md has the timings). The maximum is exact, and in
// training its gradient goes to the same element as LibTorch's (the
// window's first maximum); the average may differ from LibTorch's in the
// last bit (another order of the four additions), so training keeps
// LibTorch's average pooling.
torch::Tensor maxPool2x2(const torch::Tensor& x);
torch::Tensor avgPool2x2(const torch::Tensor& x);

// For training without autograd (explicit backpropagation): max pooling's
// values and the flat index of each window's winner in its plane, the
// indices LibTorch's max_pool2d_with_indices gives, ties included; and the
// gradient with respect to x given the gradient of the values.
std::tuple<torch::Tensor, torch::Tensor> maxPool2x2WithIndices(const torch::Tensor& x);
torch::Tensor maxPool2x2Backward(const torch::Tensor& gradient, const torch::Tensor& x, const torch::Tensor& indices);

}  // namespace alx
