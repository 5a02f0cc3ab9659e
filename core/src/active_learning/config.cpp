#include "alx/active_learning/config.h"

#include "alx/util/numbers.h"

namespace alx {

std::string loopOptionsText(const ActiveLearningConfig& config, const std::vector<ColdStart>& coldStarts) {
    std::string text = "cold start ";
    if (coldStarts.empty()) text += coldStartName(config.coldStart);
    for (size_t i = 0; i < coldStarts.size(); ++i) text += (i ? "," : "") + coldStartName(coldStarts[i]);
    if (config.semiSupervised) {
        text += ", semi-supervised";
    } else if (config.warmSteps == 0) {
        text += ", from scratch each round";
    } else if (config.warmSteps != ActiveLearningConfig{}.warmSteps) {
        text += ", warm start " + std::to_string(config.warmSteps) + " steps";
    }
    if (config.stopAtKappa > 0) text += ", stop at kappa " + fixedNumber(config.stopAtKappa, 3);
    return text;
}

}  // namespace alx
