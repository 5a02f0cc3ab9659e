#pragma once
// Whether a model's probabilities mean what they say, and temperature
// scaling to make them (Guo, Pleiss, Sun & Weinberger, "On Calibration of
// Modern Neural Networks", ICML 2017). Standard library only.
//
// Definitions, for n images with probability rows p and true labels y:
//  - confidence c = max_j p_j; the prediction is the argmax (lowest index on
//    ties); accuracy = the fraction of images whose prediction is y;
//  - reliability diagram: B equal-width bins of confidence, bin b covering
//    (b/B, (b+1)/B] (computed as ceil(c * B) - 1 in double), with c = 0 in
//    bin 0; per bin the count, the mean confidence and the accuracy;
//  - ECE = sum_b (count_b / n) |accuracy_b - confidence_b|, a fraction;
//  - MCE = max over non-empty bins of |accuracy_b - confidence_b|;
//  - NLL = mean of -ln max(p_y, kNllProbabilityFloor), in nats: the floor
//    keeps one p_y that underflowed to 0 in float from making it infinite
//    (it bounds each term by 27.6);
//  - Brier score = mean over images of sum_j (p_j - [j == y])^2, summed over
//    the classes (the multi-class definition of Brier 1950; from 0 to 2).
//
// Temperature scaling divides the logits by one T > 0 fitted on a
// validation split by minimising the mean NLL of softmax(z / T); T > 1
// softens over-confident probabilities. The accuracy is unchanged.
#include <cstdint>
#include <vector>

namespace alx {

inline constexpr int kDefaultReliabilityBins = 15;
inline constexpr double kNllProbabilityFloor = 1e-12;
// The range a fitted temperature is confined to; a fit that ends on a bound
// says so (TemperatureFit::atBound).
inline constexpr double kMinimumTemperature = 1e-2;
inline constexpr double kMaximumTemperature = 1e2;

struct ReliabilityBin {
    double lower = 0.0;  // the bin covers (lower, upper]
    double upper = 0.0;
    int64_t count = 0;
    double meanConfidence = 0.0;  // 0 in an empty bin
    double accuracy = 0.0;        // 0 in an empty bin
};

struct CalibrationMeasures {
    int64_t images = 0;
    double accuracy = 0.0;
    double ece = 0.0;
    double mce = 0.0;
    double nll = 0.0;
    double brier = 0.0;
    std::vector<ReliabilityBin> bins;
};

// The measures of n x k probabilities (row-major) against the true labels.
// Throws InputError for a table that is not probabilities (as auditLabels),
// a label out of range, or fewer than one bin.
CalibrationMeasures measureCalibration(const float* probabilities, const int64_t* labels, int64_t images,
                                       int64_t classes, int bins = kDefaultReliabilityBins);
CalibrationMeasures measureCalibration(const std::vector<float>& probabilities, const std::vector<int64_t>& labels,
                                       int64_t classes, int bins = kDefaultReliabilityBins);

struct TemperatureFit {
    double temperature = 1.0;
    double nllBefore = 0.0;  // mean NLL at T = 1
    double nllAfter = 0.0;   // mean NLL at the fitted T
    int iterations = 0;
    bool atBound = false;  // the minimum lies at or beyond kMinimum/kMaximumTemperature
};

// Mean NLL (nats) of softmax(logits / T) at the true labels, exact (no floor).
double meanNllAtTemperature(const float* logits, const int64_t* labels, int64_t images, int64_t classes,
                            double temperature);

// The T in [kMinimumTemperature, kMaximumTemperature] minimising
// meanNllAtTemperature, to a relative precision of 1e-9 or better. The NLL
// is convex in beta = 1/T (a log-sum-exp less a linear term), so Newton's
// method on beta, kept inside a bracket that the derivative's sign narrows
// (bisecting where a Newton step would leave it), finds the one minimum.
// A flat NLL (every row's logits equal) gives T = 1.
// Logits may be log-probabilities: a constant per row does not matter.
// Throws InputError for non-finite logits or a label out of range.
TemperatureFit fitTemperature(const float* logits, const int64_t* labels, int64_t images, int64_t classes);
TemperatureFit fitTemperature(const std::vector<float>& logits, const std::vector<int64_t>& labels, int64_t classes);

// The logit of a stored probability of 0. Stored probabilities are float32,
// so 0 means the softmax underflowed: a logit at least ~103 below the top.
// log of the smallest float stands for it, the nearest the file allows, in
// both fitting and applying a temperature, so that the two agree. (A floor
// such as 1e-12, ~28 below, would give such classes e^(-28/T) of the mass
// once T > 1 and bias the fit.)
inline constexpr double kZeroProbabilityStandIn = 1.401298464324817e-45;  // float's smallest subnormal

// log max(p, kZeroProbabilityStandIn): logits for fitTemperature from stored
// probabilities, which are a softmax and so its logits up to a constant per row.
std::vector<float> logitsFromProbabilities(const float* probabilities, int64_t images, int64_t classes);

// softmax(logits / T), row by row.
std::vector<float> softmaxAtTemperature(const float* logits, int64_t images, int64_t classes, double temperature);

// Probabilities rescaled by T: softmax(log p / T), i.e. p_j^(1/T)
// renormalised, a 0 taken as kZeroProbabilityStandIn (so for T > 1 it may
// become a tiny positive probability, as the true one would).
std::vector<float> applyTemperature(const float* probabilities, int64_t images, int64_t classes, double temperature);

}  // namespace alx
