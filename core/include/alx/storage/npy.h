#pragma once
// NumPy's .npy format (1.0 written; 1.0 to 3.0 read), for the 2-D arrays of
// a run folder: probabilities, embeddings (float32) and neighbour indices
// (int32). Written atomically; read strictly.
#include <cstdint>
#include <string>
#include <vector>

#include <torch/types.h>

#include "alx/storage/npy_layout.h"

namespace alx {

// A 2-D float32 or int32 tensor as .npy bytes, little-endian, C order.
// Other floating types are written as float32, other integer types as int32.
std::string encodeNpy(const torch::Tensor& matrix);
void writeNpy(const std::string& path, const torch::Tensor& matrix);

// Parses .npy bytes holding a 2-D '<f4', '<f8' (read as float32) or '<i4'
// (read as int64) array. Any defect (not .npy, an unknown version, a header
// that is not a dict of descr/fortran_order/shape, another element type or
// rank, Fortran order, a shape whose size overflows, more or fewer data
// bytes than the shape needs) throws InputError naming `path`.
torch::Tensor parseNpy(const std::vector<uint8_t>& bytes, const std::string& path);
torch::Tensor readNpy(const std::string& path);

}  // namespace alx
