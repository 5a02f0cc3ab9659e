#include "alx/active_learning/config.h"

#include "alx/util/numbers.h"

namespace alx {

std::string loopOptionsText(const ActiveLearningConfig& config) {
    std::string text = "cold start " + coldStartName(config.coldStart);
    if (config.semiSupervised) text += ", semi-supervised";
    if (config.stopAtKappa > 0) text += ", stop at kappa " + fixedNumber(config.stopAtKappa, 3);
    return text;
}

}  // namespace alx
