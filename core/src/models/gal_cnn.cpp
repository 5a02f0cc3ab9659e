// `gal`: the CNN of Gal, Islam and Ghahramani, "Deep Bayesian Active
// Learning with Image Data" (ICML 2017): conv 32@4x4, ReLU, conv 32@4x4,
// ReLU, max-pool 2x2, dropout 0.25, dense 128, ReLU, dropout 0.5, dense K
// (10 in the paper).
// Embedding: the 128 ReLU activations (before the second dropout).
// trunk() is everything before the first dropout; head() the rest, so
// Monte Carlo dropout reuses the convolutional features.
#include <torch/torch.h>

#include "alx/models/models.h"
#include "kernels/input_conv.h"
#include "kernels/pooling.h"

namespace alx {
namespace {

class GalCnn : public Classifier {
public:
    explicit GalCnn(const ModelInput& input)
        : Classifier("gal"),
          conv1_(register_module("conv1", torch::nn::Conv2d(torch::nn::Conv2dOptions(input.image.channels, 32, 4)))),
          conv2_(register_module("conv2", torch::nn::Conv2d(torch::nn::Conv2dOptions(32, 32, 4)))),
          // Two 4x4 convolutions take 6 from a side, the pooling halves it (11 for 28).
          fc1_(register_module("fc1", torch::nn::Linear(32 * ((input.image.height - 6) / 2) *
                                                            ((input.image.width - 6) / 2), 128))),
          fc2_(register_module("fc2", torch::nn::Linear(128, input.classes))) {}

    static constexpr int64_t kSmallestSide = 8;

    ModelOutput forward(const torch::Tensor& images) override { return head(trunk(images)); }

    torch::Tensor trunk(const torch::Tensor& images) override {
        auto x = torch::relu(applyInputConv(conv1_, images));
        // ReLU after max pooling: the same values (both are monotone), a quarter of the work.
        return torch::relu(maxPool2x2(conv2_(x))).flatten(1);
    }

    ModelOutput head(const torch::Tensor& features) override {
        auto x = torch::dropout(features, 0.25, is_training());
        auto embedding = torch::relu(fc1_(x));
        return {fc2_(torch::dropout(embedding, 0.5, is_training())), embedding};
    }

    bool hasDropoutHead() const override { return true; }
    int64_t embeddingDim() const override { return 128; }
    std::string torchScriptSource() const override {
        return "def embed(self, x):\n"
               "    x = (x - 0.5) / 0.5\n"
               "    x = torch.relu(torch.conv2d(x, self.conv1_weight, self.conv1_bias))\n"
               "    x = torch.relu(torch.max_pool2d(torch.conv2d(x, self.conv2_weight, self.conv2_bias), [2, 2]))\n"
               "    x = torch.dropout(torch.flatten(x, 1), 0.25, self.training)\n"
               "    return torch.relu(torch.linear(x, self.fc1_weight, self.fc1_bias))\n"
               "def forward(self, x):\n"
               "    x = torch.dropout(self.embed(x), 0.5, self.training)\n"
               "    return torch.linear(x, self.fc2_weight, self.fc2_bias)\n";
    }

private:
    torch::nn::Conv2d conv1_, conv2_;
    torch::nn::Linear fc1_, fc2_;
};

}  // namespace

ClassifierPtr makeGal(const ModelInput& input) {
    requireImageSide("gal", input.image, GalCnn::kSmallestSide);
    return std::make_shared<GalCnn>(input);
}

}  // namespace alx
