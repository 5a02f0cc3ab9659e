#include "alx/storage/npy.h"

#include <torch/torch.h>

#include "alx/util/files.h"
#include "alx/util/errors.h"

namespace alx {

std::string encodeNpy(const torch::Tensor& matrix) {
    if (matrix.dim() != 2) throw RunError("npy: expected a 2-D tensor");
    const bool integral = !at::isFloatingType(matrix.scalar_type());
    const auto data = matrix.to(torch::kCPU, integral ? torch::kInt32 : torch::kFloat32).contiguous();
    std::string header = std::string("{'descr': '") + (integral ? "<i4" : "<f4") +
                         "', 'fortran_order': False, 'shape': (" + std::to_string(data.size(0)) + ", " +
                         std::to_string(data.size(1)) + "), }";
    // Magic (6) + version (2) + header length (2) + header, padded with
    // spaces and ended by '\n' so the data starts on a 64-byte boundary.
    const size_t preamble = 10;
    const size_t total = ((preamble + header.size() + 1 + 63) / 64) * 64;
    header.append(total - preamble - header.size() - 1, ' ');
    header += '\n';

    std::string out("\x93NUMPY\x01\x00", 8);
    out += char(header.size() & 0xff);
    out += char((header.size() >> 8) & 0xff);
    out += header;
    // x86-64 and aarch64 are little-endian, as '<f4' and '<i4' say.
    out.append(static_cast<const char*>(data.data_ptr()), size_t(data.numel()) * 4);
    return out;
}

void writeNpy(const std::string& path, const torch::Tensor& matrix) { writeFileAtomically(path, encodeNpy(matrix)); }

torch::Tensor parseNpy(const std::vector<uint8_t>& bytes, const std::string& path) {
    const NpyLayout layout = parseNpyLayout(bytes, path);
    const torch::ScalarType type = layout.type == NpyLayout::Type::Float64 ? torch::kFloat64
                                   : layout.type == NpyLayout::Type::Int32 ? torch::kInt32
                                                                           : torch::kFloat32;
    const auto raw = torch::from_blob(const_cast<uint8_t*>(bytes.data() + layout.dataOffset), {layout.rows, layout.cols}, type);
    return type == torch::kInt32 ? raw.to(torch::kInt64) : raw.to(torch::kFloat32).clone();
}

torch::Tensor readNpy(const std::string& path) { return parseNpy(readWholeFile(path), path); }

}  // namespace alx
