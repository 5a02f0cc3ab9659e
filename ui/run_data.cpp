#include "run_data.h"

#include <cmath>

namespace alx::ui {

float RunResults::neighbourDistance(int64_t i, int j) const {
    const float s = neighbourSimilarity[size_t(i * neighboursPerImage + j)];
    return std::sqrt(std::max(0.0f, 2.0f - 2.0f * s));
}

}  // namespace alx::ui
