#include "alx/models/model_registry.h"

#include "alx/models/models.h"
#include "alx/util/errors.h"

namespace alx {

ClassifierPtr makeModel(const std::string& name, int64_t classes) {
    const ModelInfo& info = modelInfo(name);  // an unknown name is refused here, with the known ones
    if (info.name == "net") return makeNet(classes);
    if (info.name == "simplecnn") return makeSimpleCnn(classes);
    if (info.name == "resnet18") return makeResNet18(classes);
    if (info.name == "lenet5") return makeLeNet5(classes);
    if (info.name == "gal") return makeGal(classes);
    throw std::logic_error("model '" + name + "' is in the catalogue but has no factory");
}

}  // namespace alx
