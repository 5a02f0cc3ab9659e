#pragma once
// The five architectures: the notebook's four and gal. The embedding each
// forward() returns is named in modelCatalogue() (alx/vocabulary.h).
#include "alx/models/model.h"

namespace alx {

ClassifierPtr makeNet(int64_t classes = 10);        // section First
ClassifierPtr makeSimpleCnn(int64_t classes = 10);  // section Second
ClassifierPtr makeResNet18(int64_t classes = 10);   // section Third
ClassifierPtr makeLeNet5(int64_t classes = 10);     // section Fourth
ClassifierPtr makeGal(int64_t classes = 10);        // Gal, Islam and Ghahramani 2017, for active learning

}  // namespace alx
