// `net` (section First of the notebook) and `lenet5` (section Fourth): the
// same LeNet layout, two 5x5 convolutions and three linear layers, that
// differ only in their pooling, max for `net`, average for `lenet5`.
// Embedding: the 84 ReLU activations before the last linear layer.
#include <torch/torch.h>

#include "alx/models.h"
#include "input_conv.h"
#include "pooling.h"

namespace alx {
namespace {

enum class Pooling { Max, Average };

class LeNetFamily : public Classifier {
public:
    LeNetFamily(const std::string& name, Pooling pooling, int64_t classes)
        : Classifier(name),
          pooling_(pooling),
          conv1_(register_module("conv1", torch::nn::Conv2d(torch::nn::Conv2dOptions(1, 6, 5)))),
          conv2_(register_module("conv2", torch::nn::Conv2d(torch::nn::Conv2dOptions(6, 16, 5)))),
          fc1_(register_module("fc1", torch::nn::Linear(16 * 4 * 4, 120))),
          fc2_(register_module("fc2", torch::nn::Linear(120, 84))),
          fc3_(register_module("fc3", torch::nn::Linear(84, classes))) {}

    ModelOutput forward(const torch::Tensor& images) override {
        auto x = poolAndRelu(applyInputConv(conv1_, images));
        x = poolAndRelu(conv2_(x)).flatten(1);
        x = torch::relu(fc1_(x));
        auto embedding = torch::relu(fc2_(x));
        return {fc3_(embedding), embedding};
    }
    int64_t embeddingDim() const override { return 84; }
    std::string embeddingDescription() const override { return "fc2 after ReLU (84)"; }

private:
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

ClassifierPtr makeNet(int64_t classes) { return std::make_shared<LeNetFamily>("net", Pooling::Max, classes); }
ClassifierPtr makeLeNet5(int64_t classes) { return std::make_shared<LeNetFamily>("lenet5", Pooling::Average, classes); }

}  // namespace alx
