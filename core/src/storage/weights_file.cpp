#include "alx/storage/weights_file.h"

#include <map>
#include <sstream>

#include <torch/torch.h>

#include "alx/models/scripted_model.h"
#include "alx/util/files.h"
#include "alx/util/errors.h"

namespace alx {
namespace {

// Keys beside the module's own tensors; Module::load reads only its own.
constexpr const char* kModelKey = "alx_model";
constexpr const char* kClassesKey = "alx_classes";
constexpr const char* kInputShapeKey = "alx_input_shape";

std::map<std::string, std::vector<int64_t>> shapesOf(Classifier& model) {
    std::map<std::string, std::vector<int64_t>> shapes;
    for (const auto& item : model.named_parameters()) shapes[item.key()] = item.value().sizes().vec();
    for (const auto& item : model.named_buffers()) shapes[item.key()] = item.value().sizes().vec();
    return shapes;
}

std::string firstLine(const c10::Error& e) {
    std::string why = e.what_without_backtrace();
    if (const auto cut = why.find('\n'); cut != std::string::npos) why.resize(cut);
    return why;
}

std::vector<int64_t> shapeRecord(const ImageShape& shape) { return {shape.channels, shape.height, shape.width}; }

// What the file records; empty fields when it was written before the record existed.
WeightsInfo readRecord(torch::serialize::InputArchive& archive, const std::string& path) {
    WeightsInfo record;
    c10::IValue value;
    if (!archive.try_read(kModelKey, value)) {
        const std::string script = torchScriptInsteadOfWeights(path);
        if (!script.empty()) throw InputError(fileError(path, script));
        return record;  // written before the record existed
    }
    try {
        record.model = value.toStringRef();
        if (!archive.try_read(kClassesKey, value)) throw InputError(fileError(path, "damaged: the class count is missing"));
        record.input.classes = value.toInt();
        if (!archive.try_read(kInputShapeKey, value)) throw InputError(fileError(path, "damaged: the input shape is missing"));
        const std::vector<int64_t> shape = value.toIntVector();
        if (shape.size() != 3) throw InputError(fileError(path, "damaged: the input shape is not C, H, W"));
        record.input.image = {shape[0], shape[1], shape[2]};
    } catch (const c10::Error& e) {
        throw InputError(fileError(path, "damaged weights record: " + firstLine(e)));
    }
    return record;
}

}  // namespace

void saveWeights(Classifier& model, const std::string& path, const WeightsInfo& info) {
    std::ostringstream bytes;
    try {
        torch::serialize::OutputArchive archive;
        model.save(archive);
        archive.write(kModelKey, c10::IValue(info.model));
        archive.write(kClassesKey, c10::IValue(info.input.classes));
        archive.write(kInputShapeKey, c10::IValue(shapeRecord(info.input.image)));
        archive.save_to(bytes);
    } catch (const c10::Error& e) {
        throw RunError(fileError(path, "cannot save weights: " + firstLine(e)));
    }
    writeFileAtomically(path, bytes.str());
}

void loadWeights(Classifier& model, const std::string& path, const WeightsInfo& expected) {
    const auto shapes = shapesOf(model);
    torch::Device device = torch::kCPU;
    if (!model.parameters().empty()) device = model.parameters().front().device();
    torch::serialize::InputArchive archive;
    try {
        archive.load_from(path, device);
    } catch (const c10::Error& e) {
        throw InputError(fileError(path, "not a readable weights file: " + firstLine(e)));
    }
    const WeightsInfo record = readRecord(archive, path);
    if (!record.model.empty()) {
        if (record.model != expected.model) {
            throw InputError(fileError(path, "holds weights for model '" + record.model + "', not '" +
                                                 expected.model + "'"));
        }
        if (record.input.classes != expected.input.classes) {
            throw InputError(fileError(path, "holds weights for " + std::to_string(record.input.classes) +
                                                 " classes, not " + std::to_string(expected.input.classes)));
        }
        if (record.input.image != expected.input.image) {
            throw InputError(fileError(path, "holds weights for " + record.input.image.text() + " images, not " +
                                                 expected.input.image.text()));
        }
    }
    try {
        model.load(archive);
    } catch (const c10::Error& e) {
        throw InputError(fileError(path, "cannot load weights for model '" + expected.model + "': " + firstLine(e)));
    }
    // LibTorch's loader resizes a parameter to whatever the file holds, so a
    // file for another architecture must also be caught by its shapes.
    for (const auto& [name, shape] : shapesOf(model)) {
        if (shapes.at(name) != shape) {
            throw InputError(fileError(path, "weights do not fit model '" + expected.model + "': parameter " + name +
                                                 " has another shape"));
        }
    }
}

WeightsInfo readWeightsInfo(const std::string& path) {
    torch::serialize::InputArchive archive;
    try {
        archive.load_from(path, torch::kCPU);
    } catch (const c10::Error& e) {
        throw InputError(fileError(path, "not a readable weights file: " + firstLine(e)));
    }
    return readRecord(archive, path);
}

}  // namespace alx
