#include "alx/models/scripted_model.h"

#include <ATen/CPUGeneratorImpl.h>
#include <caffe2/serialize/inline_container.h>
#include <torch/script.h>
#include <torch/torch.h>

#include <cmath>
#include <map>
#include <mutex>
#include <sstream>

#include "alx/util/digest.h"
#include "alx/util/errors.h"
#include "alx/util/files.h"

namespace alx {
namespace {

constexpr int64_t kProbeImages = 4;
constexpr uint64_t kProbeSeed = 20241203;
// Monte Carlo passes over a whole candidate pool go through the model in slices of this many images.
constexpr int64_t kHeadSlice = 1024;

[[noreturn]] void refuse(const std::string& path, const std::string& why) {
    throw InputError(fileError(path, why), "model");
}

// The line of an exception that says what went wrong: TorchScript's
// interpreter puts its traceback first and the error last.
std::string gist(const std::exception& e) {
    const auto* torchError = dynamic_cast<const c10::Error*>(&e);
    std::istringstream lines(torchError ? torchError->what_without_backtrace() : e.what());
    std::string line, last;
    while (std::getline(lines, line)) {
        if (line.find_first_not_of(" \t") != std::string::npos) last = line;
    }
    return last.substr(std::min(last.find_first_not_of(" \t"), last.size()));
}

// "[4, 1, 28, 28]", as LibTorch prints sizes.
std::string shapeText(const torch::Tensor& t) { return c10::str(t.sizes()); }

bool isZip(const std::vector<uint8_t>& bytes) {
    return bytes.size() >= 4 && bytes[0] == 'P' && bytes[1] == 'K' && bytes[2] == 3 && bytes[3] == 4;
}

// TorchScript archives hold their code (code/...); torch.save's zip files
// hold only pickled data. Throws with what the file is otherwise.
void requireTorchScriptArchive(const std::string& path, const std::vector<uint8_t>& bytes) {
    if (!isZip(bytes)) {
        if (!bytes.empty() && bytes[0] == 0x80) {
            refuse(path, "a pickle (torch.save's legacy format: a state_dict or a whole module), not TorchScript; "
                         "save the model with torch.jit.save(torch.jit.script(model), FILE)");
        }
        refuse(path, "not a TorchScript file (neither a zip archive nor a pickle)");
    }
    std::vector<std::string> records;
    try {
        std::istringstream in(std::string(bytes.begin(), bytes.end()));
        caffe2::serialize::PyTorchStreamReader reader(&in);
        records = reader.getAllRecords();
    } catch (const std::exception&) {
        refuse(path, "a zip archive, but not one PyTorch wrote: not TorchScript");
    }
    for (const std::string& record : records) {
        if (record.rfind("code/", 0) == 0) return;
    }
    refuse(path, "a file written by torch.save (a pickled state_dict or module), not TorchScript; "
                 "save the model with torch.jit.save(torch.jit.script(model), FILE)");
}

torch::jit::Module loadArchive(const std::string& path, const std::vector<uint8_t>& bytes) {
    requireTorchScriptArchive(path, bytes);
    torch::jit::Module module;
    try {
        std::istringstream in(std::string(bytes.begin(), bytes.end()));
        module = torch::jit::load(in, torch::kCPU);
    } catch (const std::exception& e) {
        refuse(path, "a damaged TorchScript archive: " + gist(e));
    }
    if (module.hasattr("alx_model")) {
        const std::string model = module.attr("alx_model").toStringRef();
        refuse(path, "ALX's own weights for model '" + model + "' (a run's model.pt), not TorchScript; evaluate them with "
                     "--model " + model + " --weights FILE, or write TorchScript with alx-cli export --run DIR");
    }
    if (!module.find_method("forward")) refuse(path, "a TorchScript archive without a forward method");
    return module;
}

// PyTorch's default initialisation, by what a tensor is rather than by its
// layer's type (which a scripted module does not tell in a portable way):
// weights of rank >= 2 and their layer's bias uniform in +-1/sqrt(fan_in)
// (kaiming_uniform with a = sqrt(5), as Linear and Conv do); other weights
// (normalisation layers) 1, other biases 0; running means 0, variances 1.
void reinitialise(torch::jit::Module& module) {
    torch::NoGradGuard noGrad;
    // "conv1.weight": layer "conv1", leaf "weight"; a module's own "weight": layer "".
    const auto layerOf = [](const std::string& name) {
        const auto dot = name.rfind('.');
        return dot == std::string::npos ? std::string() : name.substr(0, dot);
    };
    const auto leafOf = [](const std::string& name) { return name.substr(name.rfind('.') + 1); };
    std::map<std::string, int64_t> fanIn;  // by layer, from its weight of rank >= 2
    for (const auto& p : module.named_parameters()) {
        if (p.value.dim() >= 2) fanIn[layerOf(p.name)] = p.value.numel() / p.value.size(0);
    }
    for (const auto& p : module.named_parameters()) {
        torch::Tensor t = p.value;
        const std::string leaf = leafOf(p.name);
        const auto layerFanIn = fanIn.find(layerOf(p.name));
        if (t.dim() >= 2 || (leaf == "bias" && layerFanIn != fanIn.end())) {
            const double bound = 1.0 / std::sqrt(double(t.dim() >= 2 ? t.numel() / t.size(0) : layerFanIn->second));
            t.uniform_(-bound, bound);
        } else {
            t.fill_(leaf == "weight" ? 1.0 : 0.0);
        }
    }
    for (const auto& b : module.named_buffers()) {
        const std::string& name = b.name;
        const bool variance = name.size() >= 11 && name.compare(name.size() - 11, 11, "running_var") == 0;
        torch::Tensor t = b.value;
        if (t.is_floating_point() || t.scalar_type() == torch::kLong) t.fill_(variance ? 1 : 0);
    }
}

// The batch norms' running statistics (every buffer), to put back after passes that must not move them.
std::vector<torch::Tensor> buffersOf(const torch::jit::Module& module) {
    std::vector<torch::Tensor> out;
    for (const auto& b : module.named_buffers()) out.push_back(b.value);
    return out;
}

class BuffersKept {
public:
    explicit BuffersKept(const torch::jit::Module& module) : live_(buffersOf(module)) {
        for (const auto& b : live_) kept_.push_back(b.clone());
    }
    ~BuffersKept() {
        torch::NoGradGuard noGrad;
        for (size_t i = 0; i < live_.size(); ++i) live_[i].copy_(kept_[i]);
    }

private:
    std::vector<torch::Tensor> live_, kept_;
};

// The default generator's state, restored when the probe is done, so that
// checking a model draws nothing a run's seed accounts for.
class GeneratorKept {
public:
    GeneratorKept() : generator_(at::detail::getDefaultCPUGenerator()) {
        std::lock_guard<std::mutex> lock(generator_.mutex());
        state_ = generator_.get_state();
    }
    ~GeneratorKept() {
        std::lock_guard<std::mutex> lock(generator_.mutex());
        generator_.set_state(state_);
    }

private:
    at::Generator generator_;
    at::Tensor state_;
};

struct RawOutput {
    torch::Tensor logits, embedding;  // embedding undefined unless forward gave a tuple
};

RawOutput splitForward(const c10::IValue& out, const std::string& path) {
    if (out.isTensor()) return {out.toTensor(), {}};
    if (out.isTuple()) {
        const auto& items = out.toTupleRef().elements();
        if (items.size() >= 2 && items[0].isTensor() && items[1].isTensor()) return {items[0].toTensor(), items[1].toTensor()};
    }
    refuse(path, "forward returns " + out.tagKind() + "; the contract is logits [N, K] or a tuple (logits, embedding)");
}

void requireFinite(const torch::Tensor& t, const std::string& what, const std::string& path) {
    if (!torch::isfinite(t).all().item<bool>()) refuse(path, "NaN or infinite values in " + what + " on the first batch");
}

// forward (and embed) on a probe batch of the input's shape: what the model
// gives, or a refusal naming the file and what it was given.
ScriptContract probe(torch::jit::Module& module, const std::string& path, const ModelInput& input) {
    torch::NoGradGuard noGrad;
    GeneratorKept generatorKept;
    const auto images = torch::rand({kProbeImages, input.image.channels, input.image.height, input.image.width},
                                    at::make_generator<at::CPUGeneratorImpl>(kProbeSeed));
    const std::string given = "a float batch " + shapeText(images) + " of pixels in [0, 1] (N, C, H, W from the dataset)";
    module.eval();
    RawOutput out;
    try {
        out = splitForward(module.forward({images}), path);
    } catch (const InputError&) {
        throw;
    } catch (const std::exception& e) {
        refuse(path, "forward fails on " + given + ": " + gist(e));
    }
    if (out.logits.dim() != 2 || out.logits.size(0) != kProbeImages) {
        refuse(path, "forward gives logits of shape " + shapeText(out.logits) + " for " + given + "; expected [" +
                         std::to_string(kProbeImages) + ", K]");
    }
    if (out.logits.size(1) != input.classes) {
        refuse(path, "forward gives logits for " + std::to_string(out.logits.size(1)) + " classes; the dataset has " +
                         std::to_string(input.classes));
    }
    requireFinite(out.logits, "forward's logits", path);
    ScriptContract contract;
    torch::Tensor embedding = out.embedding;
    contract.embedding = kEmbeddingFromTuple;
    if (!embedding.defined() && module.find_method("embed")) {
        contract.embedding = kEmbeddingFromMethod;
        try {
            const c10::IValue e = module.get_method("embed")({images});
            if (!e.isTensor()) refuse(path, "embed returns " + e.tagKind() + ", not a tensor [N, D]");
            embedding = e.toTensor();
        } catch (const InputError&) {
            throw;
        } catch (const std::exception& e) {
            refuse(path, "embed fails on " + given + ": " + gist(e));
        }
    }
    if (!embedding.defined()) {
        contract.embedding = kEmbeddingFromLogits;
        embedding = out.logits;
    }
    if (embedding.dim() < 2 || embedding.size(0) != kProbeImages) {
        refuse(path, "the embedding has shape " + shapeText(embedding) + ": its first dimension is not the batch's " +
                         std::to_string(kProbeImages));
    }
    requireFinite(embedding, "the embedding", path);
    contract.embeddingDim = embedding.numel() / kProbeImages;
    // Dropout shows as two training-mode passes that differ.
    {
        BuffersKept buffers(module);
        module.train();
        const auto first = splitForward(module.forward({images}), path).logits;
        const auto second = splitForward(module.forward({images}), path).logits;
        contract.stochastic = !torch::equal(first, second);
    }
    module.eval();
    return contract;
}

// A parameter's name as an nn::Module takes it (no dots).
std::string localName(const std::string& name) {
    std::string out = name;
    for (char& c : out) {
        if (c == '.') c = '_';
    }
    return out;
}

class ScriptedClassifier : public Classifier {
public:
    ScriptedClassifier(std::string path, torch::jit::Module module, ScriptContract contract)
        : Classifier("torchscript"), path_(std::move(path)), module_(std::move(module)), contract_(std::move(contract)) {
        // The same tensors as the script's: the optimisers, .to(device) and
        // the weights' file all act on the module the interpreter runs.
        for (const auto& p : module_.named_parameters()) register_parameter(localName(p.name), p.value, p.value.requires_grad());
        for (const auto& b : module_.named_buffers()) register_buffer(localName(b.name), b.value);
        Classifier::train(false);
    }

    ModelOutput forward(const torch::Tensor& images) override {
        // ALX holds images as 2p - 1 (normaliseImages); the contract takes p.
        const torch::Tensor pixels = images * 0.5 + 0.5;
        const RawOutput raw = splitForward(module_.forward({pixels}), path_);
        ModelOutput out{raw.logits, raw.embedding.defined() ? raw.embedding.flatten(1) : torch::Tensor()};
        // Training reads only the logits: a separate embed pass is spent on evaluation alone.
        if (contract_.embedding == kEmbeddingFromMethod && !is_training()) {
            out.embedding = module_.get_method("embed")({pixels}).toTensor().flatten(1);
        } else if (contract_.embedding == kEmbeddingFromLogits) {
            out.embedding = out.logits;
        }
        if (!firstBatchChecked_) {
            requireFinite(out.logits, "forward's logits", path_);
            if (out.embedding.defined()) requireFinite(out.embedding, "the embedding", path_);
            firstBatchChecked_ = true;
        }
        return out;
    }
    int64_t embeddingDim() const override { return contract_.embeddingDim; }

    // Monte Carlo dropout: the "trunk" is the images themselves (a script
    // does not say where its dropout starts), each head pass the whole
    // model. Batch norm in training mode would move its running statistics
    // on every pass: they are put back.
    bool hasDropoutHead() const override { return contract_.stochastic; }
    torch::Tensor trunk(const torch::Tensor& images) override { return images; }
    ModelOutput head(const torch::Tensor& images) override {
        BuffersKept buffers(module_);
        std::vector<torch::Tensor> logits;
        for (int64_t start = 0; start < images.size(0); start += kHeadSlice) {
            logits.push_back(forward(images.slice(0, start, std::min(images.size(0), start + kHeadSlice))).logits);
        }
        return {torch::cat(logits), {}};
    }

    void train(bool on) override {
        Classifier::train(on);
        module_.train(on);
    }

    torch::jit::Module& module() { return module_; }
    const ScriptContract& contract() const { return contract_; }

private:
    std::string path_;
    torch::jit::Module module_;
    ScriptContract contract_;
    bool firstBatchChecked_ = false;
};

}  // namespace

ClassifierPtr loadScriptedModel(const std::string& path, const ModelInput& input, bool reinitialiseParameters) {
    const std::vector<uint8_t> bytes = readWholeFile(path);
    torch::jit::Module module = loadArchive(path, bytes);
    if (reinitialiseParameters) reinitialise(module);
    ScriptContract contract = probe(module, path, input);
    contract.sha256 = sha256Hex(bytes.data(), bytes.size());
    return std::make_shared<ScriptedClassifier>(path, std::move(module), std::move(contract));
}

const ScriptContract* scriptContractOf(const Classifier& model) {
    const auto* scripted = dynamic_cast<const ScriptedClassifier*>(&model);
    return scripted ? &scripted->contract() : nullptr;
}

std::string torchScriptInsteadOfWeights(const std::string& path) {
    std::vector<uint8_t> bytes;
    try {
        bytes = readWholeFile(path);
        loadArchive(path, bytes);
    } catch (const std::exception&) {
        return {};
    }
    return "a TorchScript model, not ALX's weights: give it as --model FILE (it carries its own weights)";
}

std::string torchScriptBytes(Classifier& model, const ModelInput& input, const std::vector<std::string>& classNames) {
    std::ostringstream bytes;
    if (auto* scripted = dynamic_cast<ScriptedClassifier*>(&model)) {
        scripted->module().save(bytes);
        return bytes.str();
    }
    const std::string source = model.torchScriptSource();
    if (source.empty()) throw InputError("model '" + model.name() + "' cannot be written as TorchScript", "model");
    torch::jit::Module out("__torch__.alx." + model.name());
    out.register_attribute("training", c10::BoolType::get(), false);
    for (const auto& p : model.named_parameters()) {
        out.register_parameter(localName(p.key()), p.value().detach().to(torch::kCPU).clone().set_requires_grad(true), false);
    }
    for (const auto& b : model.named_buffers()) out.register_buffer(localName(b.key()), b.value().detach().to(torch::kCPU).clone());
    out.register_attribute("class_names", c10::ListType::ofStrings(), c10::List<std::string>(classNames));
    out.register_attribute("image_shape", c10::ListType::ofInts(),
                           c10::List<int64_t>({input.image.channels, input.image.height, input.image.width}));
    out.define(source);
    out.save(bytes);
    return bytes.str();
}

}  // namespace alx
