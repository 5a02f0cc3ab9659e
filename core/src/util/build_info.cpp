#include "alx/util/build_info.h"

#include <torch/torch.h>
#include <torch/version.h>

namespace alx {

std::string libtorchVersion() {
    return std::to_string(TORCH_VERSION_MAJOR) + "." + std::to_string(TORCH_VERSION_MINOR) + "." +
           std::to_string(TORCH_VERSION_PATCH);
}

bool cudaAvailable() { return torch::cuda::is_available(); }

std::string blasNote() {
    // at::show_config() lists the build options; keep the BLAS line only.
    const std::string config = at::show_config();
    const auto at = config.find("BLAS_INFO=");
    if (at == std::string::npos) return "BLAS: unknown";
    return "BLAS: " + config.substr(at + 10, config.find_first_of(",\n", at) - at - 10);
}

}  // namespace alx
