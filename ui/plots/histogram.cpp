#include "plots/histogram.h"

#include <algorithm>
#include <cmath>

namespace alx::ui {

int Histogram::binOf(double value) const {
    if (counts.empty() || value < low || value > high) return -1;
    return std::min(int(counts.size()) - 1, int((value - low) / width));
}

Histogram makeHistogram(const std::vector<float>& values, int minBins, int maxBins) {
    Histogram h;
    if (values.empty()) {
        h.counts.assign(size_t(minBins), 0);
        h.width = 1.0 / minBins;
        return h;
    }
    std::vector<float> sorted(values);
    std::sort(sorted.begin(), sorted.end());
    h.low = sorted.front();
    h.high = sorted.back();
    const double span = h.high - h.low;
    int bins = minBins;
    if (span > 0) {
        // Freedman-Diaconis: width 2 IQR / n^(1/3). Scores pile up at one
        // end (most images are certain), so the IQR can be tiny: clamp.
        const auto quantile = [&](double q) { return double(sorted[size_t(q * double(sorted.size() - 1))]); };
        const double iqr = quantile(0.75) - quantile(0.25);
        const double fdWidth = 2.0 * iqr / std::cbrt(double(sorted.size()));
        bins = fdWidth > 0 ? int(std::ceil(span / fdWidth)) : maxBins;
        bins = std::clamp(bins, minBins, maxBins);
    } else {
        h.high = h.low + 1e-6;  // all equal: one narrow range, every value in bin 0
    }
    h.width = (h.high - h.low) / bins;
    h.counts.assign(size_t(bins), 0);
    for (float v : values) {
        if (std::isfinite(v)) ++h.counts[size_t(h.binOf(v))];
    }
    return h;
}

}  // namespace alx::ui
