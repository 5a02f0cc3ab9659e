#include "alx/active_learning/strategy.h"

#include <algorithm>

#include "alx/util/errors.h"
#include "alx/vocabulary.h"

namespace alx {
namespace {

struct StrategyInfo {
    Strategy strategy;
    const char* name;
    const char* description;
};

const std::vector<StrategyInfo>& strategyTable() {
    static const std::vector<StrategyInfo> table = {
        {Strategy::Random, "random", "uniformly at random from the pool: the baseline"},
        {Strategy::LeastConfidence, "least_confidence", "highest 1 - max p (Lewis and Gale 1994)"},
        {Strategy::Entropy, "entropy", "highest predictive entropy -sum p ln p (Settles 2009)"},
        {Strategy::Margin, "margin", "smallest margin p(top 1) - p(top 2) (Scheffer et al. 2001)"},
        {Strategy::Bald, "bald",
         "highest mutual information between the prediction and the weights, by Monte Carlo dropout (Houlsby et al. 2011; Gal et al. 2017)"},
        {Strategy::VariationRatios, "variation_ratios",
         "highest 1 - share of Monte Carlo dropout passes voting for the modal class (Freeman 1965; Gal et al. 2017)"},
        {Strategy::Coreset, "coreset", "k-center greedy cover of the embeddings, labelled images as centres (Sener and Savarese 2018)"},
        {Strategy::KlNeighbours, "kl_neighbours",
         "highest KL divergence from the mean prediction of the m nearest neighbours to the image's own (the notebook's score)"},
        {Strategy::EntropyCoreset, "entropy_coreset",
         "hybrid: the 10k most entropic, spread to k by k-center greedy, so a batch is uncertain but not redundant (in the spirit of Ash et al. 2020, BADGE)"},
    };
    return table;
}

}  // namespace

Strategy parseStrategy(const std::string& name) {
    for (const auto& s : strategyTable()) {
        if (name == s.name) return s.strategy;
    }
    std::string known;
    for (const auto& s : strategyTable()) known += (known.empty() ? "" : ", ") + std::string(s.name);
    throw InputError("unknown strategy '" + name + "' (known: " + known + ")", "strategies");
}

std::vector<Strategy> distinctStrategies(const std::vector<Strategy>& strategies) {
    std::vector<Strategy> out;
    for (Strategy s : strategies) {
        if (std::find(out.begin(), out.end(), s) == out.end()) out.push_back(s);
    }
    return out;
}

std::vector<Strategy> parseStrategyList(const std::string& commaList) {
    std::vector<Strategy> out;
    std::string name;
    for (char c : commaList + ",") {
        if (c != ',') {
            name += c;
        } else if (!name.empty()) {
            out.push_back(parseStrategy(name));
            name.clear();
        }
    }
    if (out.empty()) throw InputError("choose at least one strategy", "strategies");
    return distinctStrategies(out);
}

void requireModelFits(Strategy strategy, const std::string& model) {
    if (needsMcDropout(strategy) && !modelInfo(model).hasDropoutHead) {
        throw InputError("strategy " + strategyName(strategy) + " needs Monte Carlo dropout, and model '" + model +
                         "' has no dropout; choose gal",
                         "model");
    }
}

std::string strategyName(Strategy strategy) {
    for (const auto& s : strategyTable()) {
        if (s.strategy == strategy) return s.name;
    }
    return "unknown";
}

std::string strategyDescription(Strategy strategy) {
    for (const auto& s : strategyTable()) {
        if (s.strategy == strategy) return s.description;
    }
    return {};
}

std::vector<Strategy> allStrategies() {
    std::vector<Strategy> out;
    for (const auto& s : strategyTable()) out.push_back(s.strategy);
    return out;
}

bool needsMcDropout(Strategy strategy) { return strategy == Strategy::Bald || strategy == Strategy::VariationRatios; }

}  // namespace alx
