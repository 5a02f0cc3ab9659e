// `lenet5`, section Fourth of the notebook: as `net` but with average
// pooling. Embedding: the 84 ReLU activations before the last linear layer.
#include <torch/torch.h>

#include "alx/models.h"

namespace alx {
namespace {

class LeNet5 : public Classifier {
public:
    explicit LeNet5(int64_t classes)
        : Classifier("lenet5"),
          conv1_(register_module("conv1", torch::nn::Conv2d(torch::nn::Conv2dOptions(1, 6, 5)))),
          conv2_(register_module("conv2", torch::nn::Conv2d(torch::nn::Conv2dOptions(6, 16, 5)))),
          fc1_(register_module("fc1", torch::nn::Linear(16 * 4 * 4, 120))),
          fc2_(register_module("fc2", torch::nn::Linear(120, 84))),
          fc3_(register_module("fc3", torch::nn::Linear(84, classes))) {}

    ModelOutput forward(const torch::Tensor& images) override {
        auto x = torch::avg_pool2d(torch::relu(conv1_(images)), 2, 2);
        x = torch::avg_pool2d(torch::relu(conv2_(x)), 2, 2).flatten(1);
        x = torch::relu(fc1_(x));
        auto embedding = torch::relu(fc2_(x));
        return {fc3_(embedding), embedding};
    }
    int64_t embeddingDim() const override { return 84; }
    std::string embeddingDescription() const override { return "fc2 after ReLU (84)"; }

private:
    torch::nn::Conv2d conv1_, conv2_;
    torch::nn::Linear fc1_, fc2_, fc3_;
};

}  // namespace

ClassifierPtr makeLeNet5(int64_t classes) { return std::make_shared<LeNet5>(classes); }

}  // namespace alx
