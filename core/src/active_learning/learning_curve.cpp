#include "alx/active_learning/learning_curve.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace alx {
namespace {

double median(std::vector<double> values) {
    std::sort(values.begin(), values.end());
    const size_t n = values.size();
    return n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

}  // namespace

std::optional<double> medianLabelsToReach(const std::vector<CurvePoint>& points, int repeats, double target) {
    if (repeats < 1) return std::nullopt;
    std::vector<double> firsts(size_t(repeats), std::numeric_limits<double>::infinity());
    for (const auto& p : points) {
        if (p.repeat >= 0 && p.repeat < repeats && p.accuracy >= target) {
            firsts[size_t(p.repeat)] = std::min(firsts[size_t(p.repeat)], double(p.labels));
        }
    }
    const double m = median(firsts);
    if (!std::isfinite(m)) return std::nullopt;
    return m;
}

std::optional<double> medianFinalAccuracy(const std::vector<CurvePoint>& points, int repeats) {
    std::vector<double> finals;
    for (int r = 0; r < repeats; ++r) {
        const CurvePoint* last = nullptr;
        for (const auto& p : points) {
            if (p.repeat == r && (!last || p.labels > last->labels)) last = &p;
        }
        if (last) finals.push_back(last->accuracy);
    }
    if (finals.empty()) return std::nullopt;
    return median(finals);
}

Spread labelsToReachSpread(const std::vector<CurvePoint>& points, int repeats, double target) {
    Spread spread;
    if (repeats < 1) return spread;
    std::vector<double> firsts(size_t(repeats), std::numeric_limits<double>::infinity());
    for (const auto& p : points) {
        if (p.repeat >= 0 && p.repeat < repeats && p.accuracy >= target) {
            firsts[size_t(p.repeat)] = std::min(firsts[size_t(p.repeat)], double(p.labels));
        }
    }
    const auto [least, most] = std::minmax_element(firsts.begin(), firsts.end());
    if (std::isfinite(*least)) spread.least = *least;
    if (std::isfinite(*most)) spread.most = *most;
    return spread;
}

Spread finalAccuracySpread(const std::vector<CurvePoint>& points, int repeats) {
    Spread spread;
    for (int r = 0; r < repeats; ++r) {
        const CurvePoint* last = nullptr;
        for (const auto& p : points) {
            if (p.repeat == r && (!last || p.labels > last->labels)) last = &p;
        }
        if (!last) continue;
        if (!spread.least || last->accuracy < *spread.least) spread.least = last->accuracy;
        if (!spread.most || last->accuracy > *spread.most) spread.most = last->accuracy;
    }
    return spread;
}

}  // namespace alx
