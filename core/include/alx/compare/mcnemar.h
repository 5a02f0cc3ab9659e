#pragma once
// McNemar's exact test: do two classifiers err on the same test set at
// different rates? Only the discordant images count: b, those the first gets
// right and the second wrong, and c, the reverse. Under the null hypothesis
// each discordant image is a fair coin, so the two-sided p-value is
// min(1, 2 P(X <= min(b, c))) for X ~ Binomial(b + c, 1/2). Exact for any
// b + c (the binomial terms are summed in log space). p = 1 when b + c = 0.
#include <cstdint>

namespace alx {

double mcnemarExactP(int64_t b, int64_t c);

}  // namespace alx
