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
    explicit SimpleCnn(int64_t classes)
        : Classifier("simplecnn"),
          conv1_(register_module("conv1", torch::nn::Conv2d(torch::nn::Conv2dOptions(1, 32, 3).padding(1)))),
          conv2_(register_module("conv2", torch::nn::Conv2d(torch::nn::Conv2dOptions(32, 64, 3).padding(1)))),
          fc1_(register_module("fc1", torch::nn::Linear(64 * 7 * 7, 512))),
          fc2_(register_module("fc2", torch::nn::Linear(512, classes))) {}

    ModelOutput forward(const torch::Tensor& images) override {
        // ReLU after max pooling: the same values (both are monotone), a quarter of the work.
        auto x = torch::relu(maxPool2x2(applyInputConv(conv1_, images, /*padding=*/1)));
        x = torch::relu(maxPool2x2(conv2_(x))).flatten(1);
        auto embedding = torch::relu(fc1_(x));
        return {fc2_(embedding), embedding};
    }
    int64_t embeddingDim() const override { return 512; }

private:
    torch::nn::Conv2d conv1_, conv2_;
    torch::nn::Linear fc1_, fc2_;
};

}  // namespace

ClassifierPtr makeSimpleCnn(int64_t classes) { return std::make_shared<SimpleCnn>(classes); }

}  // namespace alx
