#pragma once
#include <string>

#include <torch/types.h>

namespace alx {

// A 2-D tensor as a NumPy .npy (format 1.0, little-endian float32, C order),
// written atomically. Other dtypes are converted to float32.
std::string encodeNpy(const torch::Tensor& matrix);
void writeNpy(const std::string& path, const torch::Tensor& matrix);

}  // namespace alx
