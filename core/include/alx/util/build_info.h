#pragma once
// Facts about the engine for an About box or --version, without pulling
// LibTorch headers into the caller (the GUI's headers stay torch-free).
#include <string>

namespace alx {

std::string libtorchVersion();  // e.g. "1.13.0"
bool cudaAvailable();
std::string blasNote();        // what LibTorch was built with for BLAS, one line

}  // namespace alx
