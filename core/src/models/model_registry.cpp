#include "alx/models/model_registry.h"

#include "alx/models/models.h"
#include "alx/models/scripted_model.h"
#include "alx/util/errors.h"

namespace alx {

ClassifierPtr makeModel(const std::string& name, const ModelInput& input, bool reinitialise) {
    const ModelInfo info = modelInfo(name);  // an unknown name is refused here, with the known ones
    if (input.classes < 2) {
        throw InputError("model '" + name + "' needs at least 2 classes to tell apart, not " +
                             std::to_string(input.classes), "classes");
    }
    if (isModelFile(name)) return loadScriptedModel(name, input, reinitialise);
    if (info.name == "net") return makeNet(input);
    if (info.name == "simplecnn") return makeSimpleCnn(input);
    if (info.name == "resnet18") return makeResNet18(input);
    if (info.name == "lenet5") return makeLeNet5(input);
    if (info.name == "gal") return makeGal(input);
    throw std::logic_error("model '" + name + "' is in the catalogue but has no factory");
}

}  // namespace alx
