#include "alx/npy_writer.h"

#include <torch/torch.h>

#include "alx/atomic_file.h"
#include "alx/errors.h"

namespace alx {

std::string encodeNpy(const torch::Tensor& matrix) {
    if (matrix.dim() != 2) throw RunError("npy: expected a 2-D tensor");
    const auto data = matrix.to(torch::kCPU, torch::kFloat32).contiguous();
    std::string header = "{'descr': '<f4', 'fortran_order': False, 'shape': (" + std::to_string(data.size(0)) +
                         ", " + std::to_string(data.size(1)) + "), }";
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
    // x86-64 and aarch64 are little-endian, as '<f4' says.
    out.append(static_cast<const char*>(data.data_ptr()), size_t(data.numel()) * sizeof(float));
    return out;
}

void writeNpy(const std::string& path, const torch::Tensor& matrix) { writeFileAtomically(path, encodeNpy(matrix)); }

}  // namespace alx
