#include "run_data.h"

#include <cmath>

namespace alx::ui {

float RunResults::neighbourDistance(int64_t i, int j) const {
    const float s = neighbourSimilarity[size_t(i * neighboursPerImage + j)];
    return std::sqrt(std::max(0.0f, 2.0f - 2.0f * s));
}

// Kept in step with core's ScoreKind order (checked by test_gui).
const char* scoreName(int kind) {
    static const char* names[kScoreCount] = {"Least confidence", "Entropy", "Margin", "Cosine similarity",
                                             "L2 distance", "KL divergence"};
    return names[kind];
}

const char* scoreKeyName(int kind) {
    static const char* keys[kScoreCount] = {"least_confidence", "entropy", "margin", "cosine_similarity",
                                            "l2_distance", "kl_divergence"};
    return keys[kind];
}

bool scoreHighIsUncertain(int kind) { return kind != 2 && kind != 3; }

}  // namespace alx::ui
