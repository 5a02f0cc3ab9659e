#include "alx/active_learning/config.h"

#include <algorithm>
#include <cctype>

#include "alx/util/errors.h"
#include "alx/util/numbers.h"

namespace alx {
namespace {

template <class T, class Name>
std::string listed(const std::vector<T>& values, Name name) {
    std::string text;
    for (size_t i = 0; i < values.size(); ++i) text += (i ? "," : "") + name(values[i]);
    return text;
}

}  // namespace

std::string loopOptionsText(const ActiveLearningConfig& config, const std::vector<ColdStart>& coldStarts,
                            const std::vector<bool>& semiSupervised) {
    std::string text = "cold start " + (coldStarts.empty() ? coldStartName(config.coldStart) : listed(coldStarts, coldStartName));
    const std::vector<bool> semi = semiSupervised.empty() ? std::vector<bool>{config.semiSupervised} : semiSupervised;
    if (semi.size() > 1) {
        text += ", semi-supervised " + listed(semi, yesNoName);
    } else if (semi.front()) {
        text += ", semi-supervised";
    }
    // Warm starts concern the supervised rounds only (semi-supervised ones start afresh).
    const bool anySupervised = std::find(semi.begin(), semi.end(), false) != semi.end();
    if (anySupervised && config.warmSteps == 0) {
        text += ", from scratch each round";
    } else if (anySupervised && config.warmSteps != ActiveLearningConfig{}.warmSteps) {
        text += ", warm start " + std::to_string(config.warmSteps) + " steps";
    }
    if (config.stopAtKappa > 0) text += ", stop at kappa " + fixedNumber(config.stopAtKappa, 3);
    return text;
}

std::string yesNoName(bool value) { return value ? "yes" : "no"; }

bool parseYesNo(const std::string& text, const std::string& field) {
    std::string t = text;
    std::transform(t.begin(), t.end(), t.begin(), [](unsigned char c) { return char(std::tolower(c)); });
    if (t == "yes" || t == "true" || t == "on") return true;
    if (t == "no" || t == "false" || t == "off") return false;
    throw InputError("'" + text + "' is neither yes nor no", field);
}

}  // namespace alx
