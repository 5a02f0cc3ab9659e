#pragma once
#include <string>

#include <torch/types.h>

namespace alx {

// "auto" (CUDA when present, else CPU), "cpu" or "cuda". Asking for CUDA on
// a machine without it throws InputError saying so; any other word too.
torch::Device resolveDevice(const std::string& choice);

// Human-readable, e.g. "cpu (2 threads)" or "cuda:0 (NVIDIA H200)".
std::string describeDevice(const torch::Device& device);

// Sets LibTorch's intra-op thread count once per process: to `threads`
// when > 0, else to the number of cores (Debian's LibTorch starts with 1).
void configureThreads(int threads = 0);

}  // namespace alx
