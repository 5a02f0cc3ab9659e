#include "alx/model.h"

#include <map>
#include <stdexcept>

#include <torch/torch.h>

#include "alx/errors.h"

namespace alx {
namespace {

std::map<std::string, std::vector<int64_t>> shapesOf(Classifier& model) {
    std::map<std::string, std::vector<int64_t>> shapes;
    for (const auto& item : model.named_parameters()) shapes[item.key()] = item.value().sizes().vec();
    for (const auto& item : model.named_buffers()) shapes[item.key()] = item.value().sizes().vec();
    return shapes;
}

}  // namespace

torch::Tensor Classifier::trunk(const torch::Tensor&) {
    throw InputError("model '" + name() + "' has no dropout: Monte Carlo dropout strategies need one (e.g. --model gal)");
}

ModelOutput Classifier::head(const torch::Tensor&) {
    throw InputError("model '" + name() + "' has no dropout: Monte Carlo dropout strategies need one (e.g. --model gal)");
}

torch::Tensor Classifier::lossWithGradients(const torch::Tensor&, const torch::Tensor&) {
    throw std::logic_error("model '" + name() + "' has no explicit gradients; train it with autograd");
}

void saveWeights(Classifier& model, const std::string& path) {
    torch::serialize::OutputArchive archive;
    model.save(archive);
    try {
        // Write beside the target, then rename, so a crash never leaves a torn file.
        const std::string temp = path + ".tmp";
        archive.save_to(temp);
        if (std::rename(temp.c_str(), path.c_str()) != 0) throw RunError(fileError(path, "cannot replace"));
    } catch (const c10::Error& e) {
        throw RunError(fileError(path, std::string("cannot save weights: ") + e.what_without_backtrace()));
    }
}

void loadWeights(Classifier& model, const std::string& path) {
    const auto expected = shapesOf(model);
    torch::Device device = torch::kCPU;
    if (!model.parameters().empty()) device = model.parameters().front().device();
    try {
        torch::serialize::InputArchive archive;
        archive.load_from(path, device);
        model.load(archive);
    } catch (const c10::Error& e) {
        std::string why = e.what_without_backtrace();
        if (const auto cut = why.find('\n'); cut != std::string::npos) why.resize(cut);
        throw InputError(fileError(path, "cannot load weights for model '" + model.name() + "': " + why));
    }
    // LibTorch's loader resizes a parameter to whatever the file holds, so a
    // file for another architecture must be caught by comparing shapes.
    for (const auto& [name, shape] : shapesOf(model)) {
        if (expected.at(name) != shape) {
            throw InputError(fileError(path, "weights do not fit model '" + model.name() + "': parameter " + name +
                                                 " has another shape"));
        }
    }
}

}  // namespace alx
