#pragma once
#include <cstdint>

#include <torch/types.h>

namespace alx {

// Normalised images [N, C, H, W] and labels [N], both on the device that
// trains or evaluates (see normaliseImages in dataset_loader.h).
struct TensorSet {
    torch::Tensor images;
    torch::Tensor labels;
    int64_t size() const { return labels.defined() ? labels.size(0) : 0; }
};

}  // namespace alx
