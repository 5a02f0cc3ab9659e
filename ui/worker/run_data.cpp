#include "worker/run_data.h"

#include <algorithm>
#include <cmath>

namespace alx::ui {

float RunResults::neighbourDistance(int64_t i, int j) const {
    const float s = neighbourSimilarity[size_t(i * neighboursPerImage + j)];
    return std::sqrt(std::max(0.0f, 2.0f - 2.0f * s));
}

float RunResults::trainNeighbourDistance(int64_t i, int j) const {
    const float s = trainNeighbourSimilarity[size_t(i * trainNeighboursPerImage + j)];
    return std::sqrt(std::max(0.0f, 2.0f - 2.0f * s));
}

namespace {
size_t trainRow(const std::vector<int64_t>& sorted, int64_t index) {
    return size_t(std::lower_bound(sorted.begin(), sorted.end(), index) - sorted.begin());
}
}  // namespace

const uint8_t* RunResults::trainImage(int64_t index) const {
    const size_t row = trainRow(trainIndex, index);
    return row < trainIndex.size() && trainIndex[row] == index ? trainImages.image(row) : nullptr;
}

int RunResults::trainLabel(int64_t index) const {
    const size_t row = trainRow(trainIndex, index);
    return row < trainIndex.size() && trainIndex[row] == index ? trainLabels[row] : -1;
}

std::string RunResults::className(int label) const {
    if (label >= 0 && size_t(label) < classNames.size()) return classNames[size_t(label)];
    return std::to_string(label);
}

}  // namespace alx::ui
