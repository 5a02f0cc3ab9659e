#pragma once
// The header of a NumPy .npy file, parsed without LibTorch, so that the
// parser of a file a person may be sent can be fuzzed on its own.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace alx {

// The header of a .npy file, parsed without LibTorch (the fuzzer's target).
struct NpyLayout {
    enum class Type { Float32, Float64, Int32 } type = Type::Float32;
    int64_t rows = 0, cols = 0;
    size_t dataOffset = 0;  // where the rows x cols elements begin
};
// Checks everything parseNpy checks except that the data is turned into a
// tensor: InputError naming `path` on any defect.
NpyLayout parseNpyLayout(const std::vector<uint8_t>& bytes, const std::string& path);

}  // namespace alx
