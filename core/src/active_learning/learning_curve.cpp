#include "alx/active_learning/learning_curve.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <iterator>
#include <set>

#include "alx/active_learning/stopping.h"

namespace alx {
namespace {

double median(std::vector<double> values) {
    std::sort(values.begin(), values.end());
    const size_t n = values.size();
    return n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

// Per repeat, the labels at which accuracy first reaches `target` (infinity: never).
std::vector<double> firstLabelsReaching(const std::vector<CurvePoint>& points, int repeats, double target) {
    std::vector<double> firsts(size_t(std::max(repeats, 0)), std::numeric_limits<double>::infinity());
    for (const auto& p : points) {
        if (p.repeat >= 0 && p.repeat < repeats && p.accuracy >= target) {
            firsts[size_t(p.repeat)] = std::min(firsts[size_t(p.repeat)], double(p.labels));
        }
    }
    return firsts;
}

// Per repeat that has points, the accuracy of its last round.
std::vector<double> finalAccuracies(const std::vector<CurvePoint>& points, int repeats) {
    std::vector<double> finals;
    for (int r = 0; r < repeats; ++r) {
        const CurvePoint* last = nullptr;
        for (const auto& p : points) {
            if (p.repeat == r && (!last || p.labels > last->labels)) last = &p;
        }
        if (last) finals.push_back(last->accuracy);
    }
    return finals;
}

std::optional<double> finite(double v) { return std::isfinite(v) ? std::optional<double>(v) : std::nullopt; }

}  // namespace

std::optional<double> medianLabelsToReach(const std::vector<CurvePoint>& points, int repeats, double target) {
    if (repeats < 1) return std::nullopt;
    return finite(median(firstLabelsReaching(points, repeats, target)));
}

std::optional<double> medianFinalAccuracy(const std::vector<CurvePoint>& points, int repeats) {
    const std::vector<double> finals = finalAccuracies(points, repeats);
    if (finals.empty()) return std::nullopt;
    return median(finals);
}

Spread labelsToReachSpread(const std::vector<CurvePoint>& points, int repeats, double target) {
    if (repeats < 1) return {};
    const std::vector<double> firsts = firstLabelsReaching(points, repeats, target);
    const auto [least, most] = std::minmax_element(firsts.begin(), firsts.end());
    return {finite(*least), finite(*most)};
}

Spread finalAccuracySpread(const std::vector<CurvePoint>& points, int repeats) {
    const std::vector<double> finals = finalAccuracies(points, repeats);
    if (finals.empty()) return {};
    const auto [least, most] = std::minmax_element(finals.begin(), finals.end());
    return {*least, *most};
}

std::vector<CurveRow> repeatRounds(const std::vector<CurveRow>& rows, Strategy strategy, int repeat) {
    std::vector<CurveRow> mine;
    std::copy_if(rows.begin(), rows.end(), std::back_inserter(mine),
                 [&](const CurveRow& row) { return row.strategy == strategy && row.repeat == repeat; });
    std::stable_sort(mine.begin(), mine.end(), [](const CurveRow& a, const CurveRow& b) { return a.labels < b.labels; });
    return mine;
}

std::vector<std::optional<double>> kappasOf(const std::vector<CurveRow>& rounds) {
    std::vector<std::optional<double>> kappas;
    for (const CurveRow& row : rounds) kappas.push_back(row.kappa);
    return kappas;
}

std::vector<std::optional<CurveRow>> stopRows(const std::vector<CurveRow>& rows, Strategy strategy, int repeats,
                                              double threshold) {
    std::vector<std::optional<CurveRow>> out;
    for (int r = 0; r < repeats; ++r) {
        const std::vector<CurveRow> mine = repeatRounds(rows, strategy, r);
        const std::optional<size_t> at = stopPosition(kappasOf(mine), threshold);
        out.push_back(at ? std::optional<CurveRow>(mine[*at]) : std::nullopt);
    }
    return out;
}

namespace {

// The stop's labels and accuracy, summarised over the repeats.
void summariseStops(const std::vector<std::optional<CurveRow>>& stops, StrategySummary& s) {
    if (stops.empty()) return;
    std::vector<double> labels, accuracies;
    for (const auto& stop : stops) {
        labels.push_back(stop ? double(stop->labels) : std::numeric_limits<double>::infinity());
        if (stop) accuracies.push_back(stop->accuracy);
    }
    s.labelsAtStop = finite(median(labels));
    const auto [least, most] = std::minmax_element(labels.begin(), labels.end());
    s.labelsAtStopSpread = {finite(*least), finite(*most)};
    if (!accuracies.empty()) s.accuracyAtStop = median(accuracies);
}

}  // namespace

std::vector<StrategySummary> summariseCurve(const std::vector<CurveRow>& rows, const std::vector<Strategy>& strategies,
                                            int repeats, double stopKappa) {
    std::vector<StrategySummary> out;
    for (Strategy strategy : strategies) {
        std::vector<CurvePoint> points;
        std::set<int> repeatsSeen;
        for (const auto& row : rows) {
            if (row.strategy != strategy) continue;
            points.push_back({row.repeat, row.labels, row.accuracy});
            repeatsSeen.insert(row.repeat);
        }
        StrategySummary s;
        s.strategy = strategy;
        s.labelsTo90 = medianLabelsToReach(points, repeats, 0.90);
        s.labelsTo95 = medianLabelsToReach(points, repeats, 0.95);
        s.finalAccuracy = medianFinalAccuracy(points, repeats);
        s.labelsTo90Spread = labelsToReachSpread(points, repeats, 0.90);
        s.labelsTo95Spread = labelsToReachSpread(points, repeats, 0.95);
        s.finalAccuracySpread = finalAccuracySpread(points, repeats);
        s.repeatsWithRounds = int(repeatsSeen.size());
        summariseStops(stopRows(rows, strategy, repeats, stopKappa), s);
        out.push_back(s);
    }
    return out;
}

std::vector<StrategySummary> summariseRun(const std::vector<CurveRow>& rows, const ActiveLearningSettings& settings) {
    const double stopKappa = summaryStopKappa(settings.loop.stopAtKappa);
    if (settings.onlyRepeat < 0) return summariseCurve(rows, settings.strategies, settings.repeats, stopKappa);
    std::vector<CurveRow> one;
    for (CurveRow row : rows) {
        if (row.repeat != settings.onlyRepeat) continue;
        row.repeat = 0;
        one.push_back(row);
    }
    return summariseCurve(one, settings.strategies, 1, stopKappa);
}

}  // namespace alx
