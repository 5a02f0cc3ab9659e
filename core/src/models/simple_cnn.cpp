// `simplecnn`, section Second of the notebook: two padded 3x3 convolutions
// with max pooling, a 512-unit hidden layer. Embedding: those 512 ReLU
// activations (the notebook used the raw conv2 map, 12,544 values; docs/notebook.md, item 6).
#include <torch/torch.h>

#include "alx/models/models.h"
#include "kernels/input_conv.h"
#include "kernels/pooling.h"

namespace alx {
namespace {

class SimpleCnn : public Classifier {
public:
    explicit SimpleCnn(const ModelInput& input)
        : Classifier("simplecnn"),
          conv1_(register_module("conv1", torch::nn::Conv2d(
                                              torch::nn::Conv2dOptions(input.image.channels, 32, 3).padding(1)))),
          conv2_(register_module("conv2", torch::nn::Conv2d(torch::nn::Conv2dOptions(32, 64, 3).padding(1)))),
          // Two padded convolutions keep the size; two poolings quarter it (7 for 28).
          fc1_(register_module("fc1", torch::nn::Linear(64 * (input.image.height / 4) * (input.image.width / 4), 512))),
          fc2_(register_module("fc2", torch::nn::Linear(512, input.classes))) {}

    static constexpr int64_t kSmallestSide = 4;

    ModelOutput forward(const torch::Tensor& images) override {
        // ReLU after max pooling: the same values (both are monotone), a quarter of the work.
        auto x = torch::relu(maxPool2x2(applyInputConv(conv1_, images, /*padding=*/1)));
        x = torch::relu(maxPool2x2(conv2_(x))).flatten(1);
        auto embedding = torch::relu(fc1_(x));
        return {fc2_(embedding), embedding};
    }
    int64_t embeddingDim() const override { return 512; }
    std::string torchScriptSource() const override {
        return "def embed(self, x):\n"
               "    x = (x - 0.5) / 0.5\n"
               "    x = torch.conv2d(x, self.conv1_weight, self.conv1_bias, [1, 1], [1, 1])\n"
               "    x = torch.relu(torch.max_pool2d(x, [2, 2]))\n"
               "    x = torch.conv2d(x, self.conv2_weight, self.conv2_bias, [1, 1], [1, 1])\n"
               "    x = torch.flatten(torch.relu(torch.max_pool2d(x, [2, 2])), 1)\n"
               "    return torch.relu(torch.linear(x, self.fc1_weight, self.fc1_bias))\n"
               "def forward(self, x):\n"
               "    return torch.linear(self.embed(x), self.fc2_weight, self.fc2_bias)\n";
    }

private:
    torch::nn::Conv2d conv1_, conv2_;
    torch::nn::Linear fc1_, fc2_;
};

}  // namespace

ClassifierPtr makeSimpleCnn(const ModelInput& input) {
    requireImageSide("simplecnn", input.image, SimpleCnn::kSmallestSide);
    return std::make_shared<SimpleCnn>(input);
}

}  // namespace alx
