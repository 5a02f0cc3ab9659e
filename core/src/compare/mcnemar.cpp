#include "alx/compare/mcnemar.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace alx {

double mcnemarExactP(int64_t b, int64_t c) {
    if (b < 0 || c < 0) throw std::invalid_argument("McNemar: negative counts");
    const int64_t n = b + c;
    if (n == 0) return 1.0;
    const int64_t k = std::min(b, c);
    // log C(n, i) + n log(1/2), summed from the largest term down (i = k is
    // the largest of 0..k since k <= n / 2) with log-sum-exp.
    const double logHalfPowN = double(n) * std::log(0.5);
    const auto logTerm = [&](int64_t i) {
        return std::lgamma(double(n) + 1) - std::lgamma(double(i) + 1) - std::lgamma(double(n - i) + 1) + logHalfPowN;
    };
    const double top = logTerm(k);
    double sum = 0;
    for (int64_t i = k; i >= 0; --i) {
        const double term = std::exp(logTerm(i) - top);
        sum += term;
        if (term < 1e-18 * sum) break;  // the rest cannot change a double
    }
    return std::min(1.0, 2.0 * std::exp(top + std::log(sum)));
}

}  // namespace alx
