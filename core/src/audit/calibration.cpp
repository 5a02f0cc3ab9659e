#include "alx/audit/calibration.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

#include "audit/probability_table_checks.h"

namespace alx {

namespace {

void requireTemperature(double temperature) {
    if (!(temperature > 0.0) || !std::isfinite(temperature)) {
        throw InputError("temperature must be a finite number > 0, got " + std::to_string(temperature), "temperature");
    }
}

// Mean NLL and its first two derivatives in beta = 1/T at one beta:
// f = mean(-beta z_y + lse(beta z)), f' = mean(E_q[z] - z_y), f'' = mean(Var_q[z]),
// q = softmax(beta z). Log-sum-exp from the row maximum, so no exp overflows.
struct NllDerivatives {
    double value = 0.0;
    double slope = 0.0;
    double curvature = 0.0;
};

NllDerivatives nllInBeta(const float* logits, const int64_t* labels, int64_t images, int64_t classes, double beta) {
    NllDerivatives total;
    std::vector<double> weights(static_cast<size_t>(classes));
    for (int64_t i = 0; i < images; ++i) {
        const float* z = logits + i * classes;
        const double top = beta * double(*std::max_element(z, z + classes));
        double sum = 0.0;
        for (int64_t j = 0; j < classes; ++j) {
            weights[size_t(j)] = std::exp(beta * double(z[j]) - top);
            sum += weights[size_t(j)];
        }
        double mean = 0.0, meanSquare = 0.0;
        for (int64_t j = 0; j < classes; ++j) {
            const double q = weights[size_t(j)] / sum;
            mean += q * double(z[j]);
            meanSquare += q * double(z[j]) * double(z[j]);
        }
        const double zy = double(z[labels[i]]);
        total.value += top + std::log(sum) - beta * zy;
        total.slope += mean - zy;
        total.curvature += std::max(meanSquare - mean * mean, 0.0);
    }
    total.value /= double(images);
    total.slope /= double(images);
    total.curvature /= double(images);
    return total;
}

bool everyRowConstant(const float* logits, int64_t images, int64_t classes) {
    for (int64_t i = 0; i < images; ++i) {
        const float* z = logits + i * classes;
        for (int64_t j = 1; j < classes; ++j) {
            if (z[j] != z[0]) return false;
        }
    }
    return true;
}

}  // namespace

CalibrationMeasures measureCalibration(const float* probabilities, const int64_t* labels, int64_t images,
                                       int64_t classes, int bins) {
    audit_detail::requireShape(images, classes, "calibration");
    audit_detail::requireLabels(labels, images, classes);
    audit_detail::requireProbabilities(probabilities, images, classes);
    if (bins < 1) throw InputError("calibration needs at least one bin, got " + std::to_string(bins), "bins");

    CalibrationMeasures measures;
    measures.images = images;
    measures.bins.resize(size_t(bins));
    std::vector<double> confidenceSum(size_t(bins), 0.0);
    std::vector<int64_t> correctCount(size_t(bins), 0);
    int64_t correct = 0;
    double nll = 0.0, brier = 0.0;
    for (int64_t i = 0; i < images; ++i) {
        const float* p = probabilities + i * classes;
        const int64_t y = labels[i];
        int64_t predicted = 0;
        for (int64_t j = 1; j < classes; ++j) {
            if (p[j] > p[predicted]) predicted = j;
        }
        const double confidence = double(p[predicted]);
        const int bin = std::clamp(int(std::ceil(confidence * bins)) - 1, 0, bins - 1);
        ++measures.bins[size_t(bin)].count;
        confidenceSum[size_t(bin)] += confidence;
        if (predicted == y) {
            ++correctCount[size_t(bin)];
            ++correct;
        }
        nll -= std::log(std::max(double(p[y]), kNllProbabilityFloor));
        for (int64_t j = 0; j < classes; ++j) {
            const double difference = double(p[j]) - (j == y ? 1.0 : 0.0);
            brier += difference * difference;
        }
    }
    for (int b = 0; b < bins; ++b) {
        ReliabilityBin& bin = measures.bins[size_t(b)];
        bin.lower = double(b) / bins;
        bin.upper = double(b + 1) / bins;
        if (bin.count == 0) continue;
        bin.meanConfidence = confidenceSum[size_t(b)] / double(bin.count);
        bin.accuracy = double(correctCount[size_t(b)]) / double(bin.count);
        const double gap = std::abs(bin.accuracy - bin.meanConfidence);
        measures.ece += double(bin.count) / double(images) * gap;
        measures.mce = std::max(measures.mce, gap);
    }
    measures.accuracy = double(correct) / double(images);
    measures.nll = nll / double(images);
    measures.brier = brier / double(images);
    return measures;
}

CalibrationMeasures measureCalibration(const std::vector<float>& probabilities, const std::vector<int64_t>& labels,
                                       int64_t classes, int bins) {
    if (classes < 1 || probabilities.size() != labels.size() * size_t(classes)) {
        throw InputError("calibration: " + std::to_string(probabilities.size()) + " probabilities for " +
                             std::to_string(labels.size()) + " labels and " + std::to_string(classes) + " classes",
                         "probabilities");
    }
    return measureCalibration(probabilities.data(), labels.data(), int64_t(labels.size()), classes, bins);
}

double meanNllAtTemperature(const float* logits, const int64_t* labels, int64_t images, int64_t classes,
                            double temperature) {
    audit_detail::requireShape(images, classes, "temperature scaling");
    audit_detail::requireLabels(labels, images, classes);
    audit_detail::requireFiniteLogits(logits, images, classes);
    requireTemperature(temperature);
    return nllInBeta(logits, labels, images, classes, 1.0 / temperature).value;
}

TemperatureFit fitTemperature(const float* logits, const int64_t* labels, int64_t images, int64_t classes) {
    audit_detail::requireShape(images, classes, "temperature scaling");
    audit_detail::requireLabels(labels, images, classes);
    audit_detail::requireFiniteLogits(logits, images, classes);

    TemperatureFit fit;
    fit.nllBefore = nllInBeta(logits, labels, images, classes, 1.0).value;
    if (everyRowConstant(logits, images, classes)) {  // softmax is uniform whatever T is
        fit.nllAfter = fit.nllBefore;
        return fit;
    }
    // Work in beta = 1/T, where the NLL is convex: its slope increases, so
    // the slope's sign at a point says on which side the minimum lies.
    double low = 1.0 / kMaximumTemperature, high = 1.0 / kMinimumTemperature;
    const auto finish = [&](double beta) {
        fit.temperature = 1.0 / beta;
        fit.nllAfter = nllInBeta(logits, labels, images, classes, beta).value;
        return fit;
    };
    if (nllInBeta(logits, labels, images, classes, low).slope >= 0.0) {
        fit.atBound = true;  // softer than T = 100 would be better still
        return finish(low);
    }
    if (nllInBeta(logits, labels, images, classes, high).slope <= 0.0) {
        fit.atBound = true;  // separable: the NLL falls all the way to T -> 0
        return finish(high);
    }
    double beta = 1.0;  // T = 1, inside the bracket
    constexpr double kRelativeTolerance = 1e-10;
    constexpr int kMaximumIterations = 200;
    for (fit.iterations = 1; fit.iterations <= kMaximumIterations; ++fit.iterations) {
        const NllDerivatives d = nllInBeta(logits, labels, images, classes, beta);
        if (d.slope == 0.0) break;
        (d.slope < 0.0 ? low : high) = beta;
        double next = d.curvature > 0.0 ? beta - d.slope / d.curvature : std::numeric_limits<double>::quiet_NaN();
        if (std::abs(next - beta) <= kRelativeTolerance * beta) {  // Newton has converged (false for NaN)
            beta = next;
            break;
        }
        // Newton inside the bracket, else the bracket's geometric midpoint
        // (the bracket spans decades of beta at first).
        if (!(next > low && next < high)) next = std::sqrt(low * high);
        beta = next;
        if (high - low <= kRelativeTolerance * low) break;
    }
    fit.iterations = std::min(fit.iterations, kMaximumIterations);
    return finish(beta);
}

TemperatureFit fitTemperature(const std::vector<float>& logits, const std::vector<int64_t>& labels,
                              int64_t classes) {
    if (classes < 1 || logits.size() != labels.size() * size_t(classes)) {
        throw InputError("temperature scaling: " + std::to_string(logits.size()) + " logits for " +
                             std::to_string(labels.size()) + " labels and " + std::to_string(classes) + " classes",
                         "logits");
    }
    return fitTemperature(logits.data(), labels.data(), int64_t(labels.size()), classes);
}

std::vector<float> logitsFromProbabilities(const float* probabilities, int64_t images, int64_t classes) {
    audit_detail::requireShape(images, classes, "temperature scaling");
    audit_detail::requireProbabilities(probabilities, images, classes);
    std::vector<float> logits(size_t(images * classes));
    for (int64_t e = 0; e < images * classes; ++e) {
        logits[size_t(e)] = float(std::log(std::max(double(probabilities[e]), kZeroProbabilityStandIn)));
    }
    return logits;
}

namespace {

// Each row's softmax at temperature T, in double: `logit(i, j)` gives row
// i's logits, and the row's largest is taken off first so that none overflows.
template <typename Logit>
std::vector<float> softmaxRows(int64_t images, int64_t classes, double temperature, const Logit& logit) {
    std::vector<float> out(size_t(images * classes));
    std::vector<double> weights(static_cast<size_t>(classes));
    for (int64_t i = 0; i < images; ++i) {
        for (int64_t j = 0; j < classes; ++j) weights[size_t(j)] = logit(i, j);
        const double top = *std::max_element(weights.begin(), weights.end());
        double sum = 0.0;
        for (int64_t j = 0; j < classes; ++j) sum += weights[size_t(j)] = std::exp((weights[size_t(j)] - top) / temperature);
        for (int64_t j = 0; j < classes; ++j) out[size_t(i * classes + j)] = float(weights[size_t(j)] / sum);
    }
    return out;
}

}  // namespace

std::vector<float> softmaxAtTemperature(const float* logits, int64_t images, int64_t classes, double temperature) {
    audit_detail::requireShape(images, classes, "temperature scaling");
    audit_detail::requireFiniteLogits(logits, images, classes);
    requireTemperature(temperature);
    return softmaxRows(images, classes, temperature, [&](int64_t i, int64_t j) { return double(logits[i * classes + j]); });
}

std::vector<float> applyTemperature(const float* probabilities, int64_t images, int64_t classes, double temperature) {
    audit_detail::requireShape(images, classes, "temperature scaling");
    audit_detail::requireProbabilities(probabilities, images, classes);
    requireTemperature(temperature);
    // (p_j / p_max)^(1/T) from the logs, so that neither underflows early.
    return softmaxRows(images, classes, temperature, [&](int64_t i, int64_t j) {
        return std::log(std::max(double(probabilities[i * classes + j]), kZeroProbabilityStandIn));
    });
}

}  // namespace alx
