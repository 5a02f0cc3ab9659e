#include "kernels/pooling.h"

namespace alx {
namespace {

constexpr int64_t kLargeMap = 65536;

bool isEvenCpuMap(const torch::Tensor& x) {
    return x.device().is_cpu() && x.dim() == 4 && x.is_contiguous() && x.size(2) % 2 == 0 && x.size(3) % 2 == 0;
}

// In training, whether our forward pass (with indices) beats LibTorch's
// kernel. Small maps (`net` at batch 4) are faster with LibTorch's: its one
// call costs less than the dozen small ones of ours.
bool trainingForwardOfOursPays(const torch::Tensor& x) { return isEvenCpuMap(x) && x.numel() >= kLargeMap; }

// Combines each pair of rows, then each pair of columns, with `combine`.
template <class Combine>
torch::Tensor pool2x2(const torch::Tensor& x, Combine combine) {
    const int64_t n = x.size(0), c = x.size(1), h = x.size(2), w = x.size(3);
    const auto rows = x.view({n, c, h / 2, 2, w});
    const auto halfHeight = combine(rows.select(3, 0), rows.select(3, 1));  // [n, c, h/2, w], contiguous
    const auto columns = halfHeight.view({n, c, h / 2, w / 2, 2});
    return combine(columns.select(4, 0), columns.select(4, 1));
}

// Max pooling with a backward pass, for training on large maps (see
// maxPool2x2WithIndices).
class MaxPool2x2Function : public torch::autograd::Function<MaxPool2x2Function> {
public:
    static torch::Tensor forward(torch::autograd::AutogradContext* context, const torch::Tensor& x) {
        auto [values, indices] = maxPool2x2WithIndices(x);
        context->save_for_backward({x, indices});
        return values;
    }

    static torch::autograd::tensor_list backward(torch::autograd::AutogradContext* context,
                                                 torch::autograd::tensor_list gradients) {
        const auto saved = context->get_saved_variables();
        return {maxPool2x2Backward(gradients[0], saved[0], saved[1])};
    }
};

}  // namespace

std::tuple<torch::Tensor, torch::Tensor> maxPool2x2WithIndices(const torch::Tensor& x) {
    if (!trainingForwardOfOursPays(x)) return at::max_pool2d_with_indices(x, {2, 2}, {2, 2});
    // Each pair of columns, then each pair of rows, remembering which one won
    // (the second only when strictly greater): that is the window's first
    // maximum in row-major order, the element LibTorch's own kernel picks,
    // so its backward kernel given these indices matches it exactly, ties
    // included.
    const int64_t n = x.size(0), c = x.size(1), h = x.size(2), w = x.size(3);
    const auto columnPairs = x.view({n, c, h, w / 2, 2});
    const auto left = columnPairs.select(4, 0), right = columnPairs.select(4, 1);
    const auto rightWins = (right > left).view({n, c, h / 2, 2, w / 2});
    const auto rowMaxima = torch::maximum(left, right).view({n, c, h / 2, 2, w / 2});
    const auto top = rowMaxima.select(3, 0), bottom = rowMaxima.select(3, 1);
    const auto bottomWins = bottom > top;
    // The winner's index in its h x w plane: (2i + bottom) w + 2j + right.
    const auto longs = x.options().dtype(torch::kInt64);
    const auto corners = (torch::arange(h / 2, longs) * (2 * w)).unsqueeze(1) + torch::arange(w / 2, longs) * 2;
    auto indices = torch::where(bottomWins, rightWins.select(3, 1), rightWins.select(3, 0)).to(torch::kInt64);
    indices.add_(bottomWins.to(torch::kInt64) * w).add_(corners);
    return {torch::maximum(top, bottom), indices};
}

torch::Tensor maxPool2x2Backward(const torch::Tensor& gradient, const torch::Tensor& x, const torch::Tensor& indices) {
    return at::max_pool2d_with_indices_backward(gradient.contiguous(), x, {2, 2}, {2, 2}, {0, 0}, {1, 1}, false,
                                                indices);
}

torch::Tensor maxPool2x2(const torch::Tensor& x) {
    if (!isEvenCpuMap(x)) return torch::max_pool2d(x, 2, 2);
    if (torch::GradMode::is_enabled() && x.requires_grad()) {
        return trainingForwardOfOursPays(x) ? MaxPool2x2Function::apply(x) : torch::max_pool2d(x, 2, 2);
    }
    return pool2x2(x, [](const torch::Tensor& a, const torch::Tensor& b) { return torch::maximum(a, b); });
}

torch::Tensor avgPool2x2(const torch::Tensor& x) {
    if (!isEvenCpuMap(x) || torch::GradMode::is_enabled()) return torch::avg_pool2d(x, 2, 2);
    // Halve each pair's sum: the second halving makes the mean of four.
    return pool2x2(x, [](const torch::Tensor& a, const torch::Tensor& b) { return (a + b).mul_(0.5); });
}

}  // namespace alx
