// `resnet18`, section Third of the notebook: torchvision's ResNet-18 layout
// (four stages of two basic blocks, 64-128-256-512 channels) with a 7x7/2
// stem over the dataset's channels and a head over its classes. It trains from scratch: the
// notebook's ImageNet weights came from a download (docs/notebook.md, item 9); weights
// saved by alx can be loaded with --init-weights.
// Embedding: the 512 globally average-pooled features before the fc layer.
#include <torch/torch.h>

#include "alx/models/models.h"

namespace alx {
namespace {

torch::nn::Conv2d conv(int64_t in, int64_t out, int64_t kernel, int64_t stride, int64_t padding) {
    return torch::nn::Conv2d(torch::nn::Conv2dOptions(in, out, kernel).stride(stride).padding(padding).bias(false));
}

struct BasicBlockImpl : torch::nn::Module {
    BasicBlockImpl(int64_t in, int64_t out, int64_t stride)
        : conv1(register_module("conv1", conv(in, out, 3, stride, 1))),
          bn1(register_module("bn1", torch::nn::BatchNorm2d(out))),
          conv2(register_module("conv2", conv(out, out, 3, 1, 1))),
          bn2(register_module("bn2", torch::nn::BatchNorm2d(out))) {
        if (stride != 1 || in != out) {
            downsample = register_module(
                "downsample", torch::nn::Sequential(conv(in, out, 1, stride, 0), torch::nn::BatchNorm2d(out)));
        }
    }

    torch::Tensor forward(const torch::Tensor& x) {
        auto y = torch::relu(bn1(conv1(x)));
        y = bn2(conv2(y));
        return torch::relu(y + (downsample ? downsample->forward(x) : x));
    }

    torch::nn::Conv2d conv1;
    torch::nn::BatchNorm2d bn1;
    torch::nn::Conv2d conv2;
    torch::nn::BatchNorm2d bn2;
    torch::nn::Sequential downsample{nullptr};
};
TORCH_MODULE(BasicBlock);

class ResNet18 : public Classifier {
public:
    explicit ResNet18(const ModelInput& input)
        : Classifier("resnet18"),
          conv1_(register_module("conv1", conv(input.image.channels, 64, 7, 2, 3))),
          bn1_(register_module("bn1", torch::nn::BatchNorm2d(64))),
          layer1_(register_module("layer1", makeLayer(64, 64, 1))),
          layer2_(register_module("layer2", makeLayer(64, 128, 2))),
          layer3_(register_module("layer3", makeLayer(128, 256, 2))),
          layer4_(register_module("layer4", makeLayer(256, 512, 2))),
          fc_(register_module("fc", torch::nn::Linear(512, input.classes))) {
        // torchvision's initialisation: He-normal convolutions, unit batch norms.
        for (auto& module : modules(/*include_self=*/false)) {
            if (auto* c = module->as<torch::nn::Conv2d>()) {
                torch::nn::init::kaiming_normal_(c->weight, 0.0, torch::kFanOut, torch::kReLU);
            } else if (auto* b = module->as<torch::nn::BatchNorm2d>()) {
                torch::nn::init::ones_(b->weight);
                torch::nn::init::zeros_(b->bias);
            }
        }
    }

    ModelOutput forward(const torch::Tensor& images) override {
        auto x = torch::relu(bn1_(conv1_(images)));
        x = torch::max_pool2d(x, 3, 2, 1);
        x = layer4_->forward(layer3_->forward(layer2_->forward(layer1_->forward(x))));
        auto embedding = torch::adaptive_avg_pool2d(x, {1, 1}).flatten(1);
        return {fc_(embedding), embedding};
    }
    int64_t embeddingDim() const override { return 512; }
    std::string torchScriptSource() const override {
        std::string s = "def bn(self, x, w, b, mean, var):\n"
                        "    return torch.batch_norm(x, w, b, mean, var, self.training, 0.1, 1e-05, False)\n"
                        "def embed(self, x):\n"
                        "    x = (x - 0.5) / 0.5\n"
                        "    x = torch.relu(" + batchNorm("bn1", "torch.conv2d(x, self.conv1_weight, None, [2, 2], [3, 3])") + ")\n"
                        "    x = torch.max_pool2d(x, [3, 3], [2, 2], [1, 1])\n";
        for (int layer = 1; layer <= 4; ++layer) {
            for (int block = 0; block < 2; ++block) {
                const std::string at = "layer" + std::to_string(layer) + "_" + std::to_string(block) + "_";
                const std::string stride = layer > 1 && block == 0 ? "2" : "1";
                const std::string conv1 = "torch.conv2d(x, self." + at + "conv1_weight, None, [" + stride + ", " + stride + "], [1, 1])";
                s += "    y = torch.relu(" + batchNorm(at + "bn1", conv1) + ")\n";
                s += "    y = " + batchNorm(at + "bn2", "torch.conv2d(y, self." + at + "conv2_weight, None, [1, 1], [1, 1])") + "\n";
                if (stride == "2") {
                    const std::string shortcut = "torch.conv2d(x, self." + at + "downsample_0_weight, None, [2, 2], [0, 0])";
                    s += "    x = " + batchNorm(at + "downsample_1", shortcut) + "\n";
                }
                s += "    x = torch.relu(y + x)\n";
            }
        }
        return s + "    return torch.flatten(torch.adaptive_avg_pool2d(x, [1, 1]), 1)\n"
                   "def forward(self, x):\n"
                   "    return torch.linear(self.embed(x), self.fc_weight, self.fc_bias)\n";
    }

private:
    // The batch norm `bn` (its attributes' prefix) applied to `x`, in TorchScript.
    static std::string batchNorm(const std::string& bn, const std::string& x) {
        return "self.bn(" + x + ", self." + bn + "_weight, self." + bn + "_bias, self." + bn + "_running_mean, self." + bn +
               "_running_var)";
    }
    static torch::nn::Sequential makeLayer(int64_t in, int64_t out, int64_t stride) {
        return torch::nn::Sequential(BasicBlock(in, out, stride), BasicBlock(out, out, 1));
    }

    torch::nn::Conv2d conv1_;
    torch::nn::BatchNorm2d bn1_;
    torch::nn::Sequential layer1_, layer2_, layer3_, layer4_;
    torch::nn::Linear fc_;
};

}  // namespace

ClassifierPtr makeResNet18(const ModelInput& input) {
    // Every stride-2 step rounds up and the head pools globally, so any
    // size gives a feature map; below 8 the stem sees little but padding.
    requireImageSide("resnet18", input.image, 8);
    return std::make_shared<ResNet18>(input);
}

}  // namespace alx
