#include "alx/active_learning/stopping.h"

#include <string>

#include "alx/util/errors.h"

namespace alx {

double cohensKappa(const std::vector<int64_t>& a, const std::vector<int64_t>& b, int64_t classes) {
    if (a.size() != b.size() || a.empty()) {
        throw InputError("kappa needs two labellings of the same items, not " + std::to_string(a.size()) + " and " +
                         std::to_string(b.size()));
    }
    std::vector<double> sharesA(size_t(std::max<int64_t>(classes, 0)), 0), sharesB(sharesA.size(), 0);
    double agree = 0;
    for (size_t i = 0; i < a.size(); ++i) {
        if (a[i] < 0 || a[i] >= classes || b[i] < 0 || b[i] >= classes) {
            throw InputError("kappa: a class outside 0.." + std::to_string(classes - 1));
        }
        sharesA[size_t(a[i])] += 1;
        sharesB[size_t(b[i])] += 1;
        agree += a[i] == b[i];
    }
    const double n = double(a.size());
    double chance = 0;
    for (size_t c = 0; c < sharesA.size(); ++c) chance += (sharesA[c] / n) * (sharesB[c] / n);
    const double observed = agree / n;
    // Chance agreement of 1: both put everything in one class, the same one.
    if (chance >= 1) return 1;
    return (observed - chance) / (1 - chance);
}

std::optional<size_t> stopPosition(const std::vector<std::optional<double>>& kappas, double threshold, int rounds) {
    int run = 0;
    for (size_t i = 0; i < kappas.size(); ++i) {
        run = kappas[i] && *kappas[i] >= threshold ? run + 1 : 0;
        if (run >= rounds) return i;
    }
    return std::nullopt;
}

}  // namespace alx
