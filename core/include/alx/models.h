#pragma once
// The notebook's four architectures. Each file's comment says what its
// forward() returns as the embedding.
#include "alx/model.h"

namespace alx {

ClassifierPtr makeNet(int64_t classes = 10);        // section First
ClassifierPtr makeSimpleCnn(int64_t classes = 10);  // section Second
ClassifierPtr makeResNet18(int64_t classes = 10);   // section Third
ClassifierPtr makeLeNet5(int64_t classes = 10);     // section Fourth
ClassifierPtr makeGal(int64_t classes = 10);        // Gal, Islam and Ghahramani 2017, for active learning

}  // namespace alx
