#pragma once
// Binning for the score histograms, apart from the widgets so that it can
// be tested: Freedman-Diaconis bin width, clamped to a readable count.
#include <vector>

namespace alx::ui {

struct Histogram {
    double low = 0, high = 1, width = 1;
    std::vector<int> counts;

    int binOf(double value) const;  // -1 outside [low, high]
    double binStart(int bin) const { return low + bin * width; }
};

// Every value lands in exactly one bin, so the counts sum to values.size().
Histogram makeHistogram(const std::vector<float>& values, int minBins = 10, int maxBins = 60);

}  // namespace alx::ui
