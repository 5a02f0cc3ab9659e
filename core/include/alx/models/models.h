#pragma once
// The five architectures: the notebook's four and gal. The embedding each
// forward() returns is named in modelCatalogue() (alx/vocabulary.h). Each
// takes the image shape and class count of `input`, and refuses images
// smaller than its layers can reduce (requireImageSide).
#include "alx/models/model.h"

namespace alx {

ClassifierPtr makeNet(const ModelInput& input); // section First
ClassifierPtr makeSimpleCnn(const ModelInput& input); // section Second
ClassifierPtr makeResNet18(const ModelInput& input); // section Third
ClassifierPtr makeLeNet5(const ModelInput& input); // section Fourth
ClassifierPtr makeGal(const ModelInput& input); // Gal, Islam and Ghahramani 2017, for active learning

}  // namespace alx
