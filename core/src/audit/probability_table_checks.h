#pragma once
// The checks (and the argmax) shared by the label audit and the calibration measures: both
// read an n x k table of a model's probabilities (or logits) and one given
// label per image, and both refuse a table that is not what it claims to be
// rather than return numbers computed from it.
#include <cmath>
#include <cstdint>
#include <sstream>
#include <string>

#include "alx/util/errors.h"

namespace alx::audit_detail {

// Lowest index of the largest entry of a row, as numpy's argmax.
inline int64_t argmaxOf(const float* row, int64_t classes) {
    int64_t best = 0;
    for (int64_t j = 1; j < classes; ++j) {
        if (row[j] > row[best]) best = j;
    }
    return best;
}

// A softmax's rows sum to 1 up to float rounding (about 1e-6 for ten
// classes); 1e-3 also accepts probabilities written with few digits, and
// still refuses logits or a table of another shape read as probabilities.
inline constexpr double kRowSumTolerance = 1e-3;

inline void requireShape(int64_t images, int64_t classes, const char* what) {
    if (images < 1) throw InputError(std::string(what) + ": no images", "probabilities");
    if (classes < 2) {
        throw InputError(std::string(what) + ": needs at least two classes, got " + std::to_string(classes),
                         "probabilities");
    }
}

inline void requireLabels(const int64_t* labels, int64_t images, int64_t classes) {
    for (int64_t i = 0; i < images; ++i) {
        if (labels[i] < 0 || labels[i] >= classes) {
            throw InputError("label of image " + std::to_string(i) + " is " + std::to_string(labels[i]) +
                                 ", outside 0.." + std::to_string(classes - 1),
                             "labels");
        }
    }
}

// Each entry finite and in [0, 1], each row summing to 1 within kRowSumTolerance.
inline void requireProbabilities(const float* probabilities, int64_t images, int64_t classes) {
    for (int64_t i = 0; i < images; ++i) {
        const float* row = probabilities + i * classes;
        double sum = 0.0;
        for (int64_t j = 0; j < classes; ++j) {
            const float p = row[j];
            if (!std::isfinite(p) || p < 0.0f || p > 1.0f) {
                std::ostringstream message;
                message << "probability of image " << i << ", class " << j << " is " << p
                        << " (must be a finite number in [0, 1])";
                throw InputError(message.str(), "probabilities");
            }
            sum += p;
        }
        if (std::abs(sum - 1.0) > kRowSumTolerance) {
            std::ostringstream message;
            message << "probabilities of image " << i << " sum to " << sum << " (must be 1 within "
                    << kRowSumTolerance << ")";
            throw InputError(message.str(), "probabilities");
        }
    }
}

inline void requireFiniteLogits(const float* logits, int64_t images, int64_t classes) {
    for (int64_t e = 0; e < images * classes; ++e) {
        if (!std::isfinite(logits[e])) {
            std::ostringstream message;
            message << "logit of image " << e / classes << ", class " << e % classes << " is " << logits[e]
                    << " (must be finite)";
            throw InputError(message.str(), "logits");
        }
    }
}

}  // namespace alx::audit_detail
