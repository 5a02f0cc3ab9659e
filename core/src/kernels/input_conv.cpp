#include "kernels/input_conv.h"

namespace alx {

torch::Tensor applyInputConv(torch::nn::Conv2d& conv, const torch::Tensor& images, int64_t padding) {
    if (torch::GradMode::is_enabled() || !images.device().is_cpu() || conv->options.in_channels() != 1) {
        return conv->forward(images);
    }
    return at::thnn_conv2d(images, conv->weight, *conv->options.kernel_size(), conv->bias, *conv->options.stride(),
                           {padding, padding});
}

}  // namespace alx
