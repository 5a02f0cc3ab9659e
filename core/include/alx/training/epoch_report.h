#pragma once
// One finished epoch, as the trainer reports it and summary.json keeps it.
// No LibTorch here: the run summary's parser is fuzzed without it.
#include <optional>

namespace alx {

struct EpochReport {
    int epoch = 0;  // 1-based
    int epochs = 0;
    double meanLoss = 0;
    double seconds = 0;
    std::optional<double> validationAccuracy;  // when a validation split is set
};

}  // namespace alx
