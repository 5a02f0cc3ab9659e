#pragma once
// The accuracy of a round's model when there are no test images: k-fold
// cross-validation of the labels given so far. Each fold's model trains as
// the round's model does, on the other folds, and predicts its own fold;
// accuracy and calibration error are those of the out-of-fold predictions
// of every image. Private to core.
#include <cstdint>
#include <functional>
#include <optional>

#include "alx/active_learning/config.h"
#include "alx/data/tensor_set.h"

namespace alx::active_learning_detail {

struct CrossValidated {
    double accuracy = 0;
    double ece = 0;
    int folds = 0;
};

// min(folds, images) folds, dealt class by class (dealtFolds). Empty when
// there are fewer than 2 labelled images or a stop came.
std::optional<CrossValidated> crossValidate(const ActiveLearningConfig& config, const TensorSet& labelled,
                                            int64_t classes, int folds, uint64_t seed, int round,
                                            const std::function<bool()>& shouldStop);

}  // namespace alx::active_learning_detail
