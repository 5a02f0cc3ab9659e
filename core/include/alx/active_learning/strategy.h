#pragma once
// The acquisition strategies by name, without LibTorch (the selection rules
// themselves are in acquisition.h).
#include <string>
#include <vector>

namespace alx {

enum class Strategy {
    Random,           // uniform over the pool: the baseline
    LeastConfidence,  // highest 1 - max p (Lewis and Gale 1994)
    Entropy,          // highest predictive entropy (Shannon; Settles 2009, "Active Learning Literature Survey")
    Margin,           // lowest p(top 1) - p(top 2) (Scheffer, Decomain and Wrobel 2001)
    Bald,             // highest mutual information between prediction and weights, MC dropout (Houlsby et al. 2011; Gal et al. 2017)
    VariationRatios,  // highest 1 - (votes for the modal class) / T over MC dropout passes (Freeman 1965; Gal et al. 2017)
    Coreset,          // k-center greedy in embedding space (Sener and Savarese 2018)
    KlNeighbours,     // highest KL(q || p) to the mean prediction of the m nearest neighbours (the notebook's score)
    EntropyCoreset,   // hybrid: the 10 x k most entropic, then k spread by k-center greedy (after Ash et al. 2020's motivation)
};

Strategy parseStrategy(const std::string& name);  // InputError (field "strategies") listing the names
// A comma-separated list as a person types it ("entropy,bald"): each name
// parsed, empty items skipped, each strategy once in the order first given.
// InputError (field "strategies") for an unknown name or an empty list.
std::vector<Strategy> parseStrategyList(const std::string& commaList);
// Each strategy once, in the order first given.
std::vector<Strategy> distinctStrategies(const std::vector<Strategy>& strategies);
std::string strategyName(Strategy strategy);
std::vector<Strategy> allStrategies();
std::string strategyDescription(Strategy strategy);  // one sentence with its reference
bool needsMcDropout(Strategy strategy);
// Throws InputError (field "model") when `strategy` needs Monte Carlo dropout
// and `model` (a registry name) has none, or when the model is unknown;
// callers check every strategy before loading data.
void requireModelFits(Strategy strategy, const std::string& model);

}  // namespace alx
