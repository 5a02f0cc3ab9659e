#include "pooling.h"

namespace alx {
namespace {

bool canTakeFastPath(const torch::Tensor& x) {
    return !torch::GradMode::is_enabled() && x.device().is_cpu() && x.dim() == 4 && x.is_contiguous() &&
           x.size(2) % 2 == 0 && x.size(3) % 2 == 0;
}

// Combines each pair of rows, then each pair of columns, with `combine`.
template <class Combine>
torch::Tensor pool2x2(const torch::Tensor& x, Combine combine) {
    const int64_t n = x.size(0), c = x.size(1), h = x.size(2), w = x.size(3);
    const auto rows = x.view({n, c, h / 2, 2, w});
    const auto halfHeight = combine(rows.select(3, 0), rows.select(3, 1));  // [n, c, h/2, w], contiguous
    const auto columns = halfHeight.view({n, c, h / 2, w / 2, 2});
    return combine(columns.select(4, 0), columns.select(4, 1));
}

}  // namespace

torch::Tensor maxPool2x2(const torch::Tensor& x) {
    if (!canTakeFastPath(x)) return torch::max_pool2d(x, 2, 2);
    return pool2x2(x, [](const torch::Tensor& a, const torch::Tensor& b) { return torch::maximum(a, b); });
}

torch::Tensor avgPool2x2(const torch::Tensor& x) {
    if (!canTakeFastPath(x)) return torch::avg_pool2d(x, 2, 2);
    // Halve each pair's sum: the second halving makes the mean of four.
    return pool2x2(x, [](const torch::Tensor& a, const torch::Tensor& b) { return (a + b).mul_(0.5); });
}

}  // namespace alx
