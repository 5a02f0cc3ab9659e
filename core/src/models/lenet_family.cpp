// `net` (section First of the notebook) and `lenet5` (section Fourth): the
// same LeNet layout, two 5x5 convolutions and three linear layers, that
// differ only in their pooling, max for `net`, average for `lenet5`.
// Embedding: the 84 ReLU activations before the last linear layer.
#include <torch/torch.h>

#include "alx/models/models.h"
#include "kernels/input_conv.h"
#include "kernels/pooling.h"

namespace alx {
namespace {

enum class Pooling { Max, Average };

class LeNetFamily : public Classifier {
public:
    LeNetFamily(const std::string& name, Pooling pooling, const ModelInput& input)
        : Classifier(name),
          pooling_(pooling),
          conv1_(register_module("conv1", torch::nn::Conv2d(torch::nn::Conv2dOptions(input.image.channels, 6, 5)))),
          conv2_(register_module("conv2", torch::nn::Conv2d(torch::nn::Conv2dOptions(6, 16, 5)))),
          fc1_(register_module("fc1", torch::nn::Linear(16 * featureSide(input.image.height) *
                                                            featureSide(input.image.width), 120))),
          fc2_(register_module("fc2", torch::nn::Linear(120, 84))),
          fc3_(register_module("fc3", torch::nn::Linear(84, input.classes))) {}

    // A side of conv2's pooled map: two 5x5 convolutions, each followed by
    // a 2x2 pooling that drops an odd last row or column (4 for 28).
    static int64_t featureSide(int64_t side) { return ((side - 4) / 2 - 4) / 2; }
    static constexpr int64_t kSmallestSide = 16;  // the smallest side with featureSide >= 1

    ModelOutput forward(const torch::Tensor& images) override {
        auto x = poolAndRelu(applyInputConv(conv1_, images));
        x = poolAndRelu(conv2_(x)).flatten(1);
        x = torch::relu(fc1_(x));
        auto embedding = torch::relu(fc2_(x));
        return {fc3_(embedding), embedding};
    }
    int64_t embeddingDim() const override { return 84; }
    std::string torchScriptSource() const override {
        const std::string pool = pooling_ == Pooling::Max ? "torch.relu(torch.max_pool2d(x, [2, 2]))"
                                                          : "torch.avg_pool2d(torch.relu(x), [2, 2])";
        return "def embed(self, x):\n"
               "    x = (x - 0.5) / 0.5\n"
               "    x = torch.conv2d(x, self.conv1_weight, self.conv1_bias)\n"
               "    x = " + pool + "\n"
               "    x = torch.conv2d(x, self.conv2_weight, self.conv2_bias)\n"
               "    x = torch.flatten(" + pool + ", 1)\n"
               "    x = torch.relu(torch.linear(x, self.fc1_weight, self.fc1_bias))\n"
               "    return torch.relu(torch.linear(x, self.fc2_weight, self.fc2_bias))\n"
               "def forward(self, x):\n"
               "    return torch.linear(self.embed(x), self.fc3_weight, self.fc3_bias)\n";
    }

    bool hasExplicitGradients() const override { return true; }

    // forward() and cross-entropy, then their backward pass layer by layer,
    // each step the kernel autograd would call (test_models checks the
    // gradients against autograd's for both poolings and both max-pooling
    // paths). No graph is recorded: intermediate results are plain tensors.
    using Classifier::lossWithGradients;
    torch::Tensor lossWithGradients(const torch::Tensor& images, const torch::Tensor& labels,
                                    const std::vector<torch::Tensor>& gradients) override {
        c10::InferenceMode noAutograd;
        // parameters() order: each layer's weight, then its bias.
        const auto g = [&gradients](int layer) { return std::make_pair(gradients.at(2 * layer), gradients.at(2 * layer + 1)); };
        const int64_t n = images.size(0);
        // Forward, keeping what the backward pass needs.
        const auto conv1 = conv1_(images);
        const PooledRelu block1 = poolAndReluKeeping(conv1);
        const auto conv2 = conv2_(block1.output);
        const PooledRelu block2 = poolAndReluKeeping(conv2);
        const auto flat = block2.output.view({n, -1});
        const auto hidden1 = at::relu(fc1_(flat));
        const auto hidden2 = at::relu(fc2_(hidden1));
        const auto logits = fc3_(hidden2);
        const auto logProbabilities = at::log_softmax(logits, 1);
        const auto [loss, totalWeight] = at::nll_loss_forward(logProbabilities, labels, {}, at::Reduction::Mean, -100);

        // Backward: cross-entropy, then each layer from the last.
        const auto gradLogProbabilities = at::nll_loss_backward(at::ones_like(loss), logProbabilities, labels, {},
                                                                at::Reduction::Mean, -100, totalWeight);
        const auto gradLogits = at::_log_softmax_backward_data(gradLogProbabilities, logProbabilities, 1,
                                                               logits.scalar_type());
        auto grad = linearBackward(fc3_, gradLogits, hidden2, g(4));
        grad = linearBackward(fc2_, at::threshold_backward(grad, hidden2, 0), hidden1, g(3));
        grad = linearBackward(fc1_, at::threshold_backward(grad, hidden1, 0), flat, g(2));
        grad = poolAndReluBackward(grad.view(block2.output.sizes()), conv2, block2);
        grad = convolutionBackward(conv2_, grad, block1.output, true, g(1));
        grad = poolAndReluBackward(grad, conv1, block1);
        convolutionBackward(conv1_, grad, images, false, g(0));
        return loss;
    }

private:
    // What poolAndRelu computed, and what its backward pass needs.
    struct PooledRelu {
        torch::Tensor output;
        torch::Tensor maxIndices;  // max pooling: each window's winner
        torch::Tensor relu;        // average pooling: the ReLU before it
    };

    PooledRelu poolAndReluKeeping(const torch::Tensor& x) const {
        if (pooling_ == Pooling::Max) {
            auto [pooled, indices] = maxPool2x2WithIndices(x);
            return {at::relu(pooled), indices, {}};
        }
        auto relu = at::relu(x);
        return {at::avg_pool2d(relu, {2, 2}, {2, 2}), {}, relu};
    }

    torch::Tensor poolAndReluBackward(const torch::Tensor& grad, const torch::Tensor& x, const PooledRelu& kept) const {
        if (pooling_ == Pooling::Max) {
            return maxPool2x2Backward(at::threshold_backward(grad, kept.output, 0), x, kept.maxIndices);
        }
        const auto gradRelu = at::avg_pool2d_backward(grad, kept.relu, {2, 2}, {2, 2}, {0, 0}, false, true, c10::nullopt);
        return at::threshold_backward(gradRelu, kept.relu, 0);
    }

    using Gradients = std::pair<torch::Tensor, torch::Tensor>;  // a layer's weight's and bias's

    // y = x W^T + b: writes dW and db, returns dx.
    static torch::Tensor linearBackward(torch::nn::Linear& layer, const torch::Tensor& grad, const torch::Tensor& x,
                                        Gradients out) {
        at::mm_out(out.first, grad.t(), x);
        at::sum_out(out.second, grad, 0);
        return at::mm(grad, layer->weight);
    }

    // Writes the weight's and bias's gradients; returns the input's when
    // asked. Both convolutions here have stride 1, no padding or dilation.
    static torch::Tensor convolutionBackward(torch::nn::Conv2d& layer, const torch::Tensor& grad,
                                             const torch::Tensor& x, bool wantInputGradient, Gradients out) {
        const int64_t biasSizes[] = {layer->options.out_channels()};
        const auto [gradInput, gradWeight, gradBias] =
            at::convolution_backward(grad, x, layer->weight, biasSizes, {1, 1}, {0, 0}, {1, 1}, false, {0, 0}, 1,
                                     {wantInputGradient, true, true});
        out.first.copy_(gradWeight);
        out.second.copy_(gradBias);
        return gradInput;
    }

    // pool(relu(x)). Max pooling commutes with ReLU (both are monotone), so
    // `net` takes the ReLU after the pooling, over a quarter of the values;
    // average pooling does not, so `lenet5` keeps the notebook's order.
    torch::Tensor poolAndRelu(const torch::Tensor& x) const {
        return pooling_ == Pooling::Max ? torch::relu(maxPool2x2(x)) : avgPool2x2(torch::relu(x));
    }

    Pooling pooling_;
    torch::nn::Conv2d conv1_, conv2_;
    torch::nn::Linear fc1_, fc2_, fc3_;
};

}  // namespace

ClassifierPtr makeNet(const ModelInput& input) {
    requireImageSide("net", input.image, LeNetFamily::kSmallestSide);
    return std::make_shared<LeNetFamily>("net", Pooling::Max, input);
}

ClassifierPtr makeLeNet5(const ModelInput& input) {
    requireImageSide("lenet5", input.image, LeNetFamily::kSmallestSide);
    return std::make_shared<LeNetFamily>("lenet5", Pooling::Average, input);
}

}  // namespace alx
