#pragma once
#include <string>

#include <torch/types.h>

namespace alx {

// "auto" (CUDA when present, else CPU), "cpu" or "cuda". Asking for CUDA on
// a machine without it throws InputError (field "device") saying so; any
// other word too.
torch::Device resolveDevice(const std::string& choice);

// Human-readable: "cpu (N threads)" or "cuda:INDEX".
std::string describeDevice(const torch::Device& device);

// Sets LibTorch's intra-op thread count once per process: to `threads`
// when > 0, else to $ALX_THREADS when set, else to the number of cores
// (Debian's LibTorch starts with 1).
// The system BLAS (OpenBLAS, found at run time) is then held to one thread:
// LibTorch's own threads already call it in parallel, and two pools of
// spinning threads on the same cores slow both down (docs/benchmarks.md).
// It also tunes glibc's allocator for LibTorch: freed tensor buffers (up to
// 32 MiB each, 256 MiB in all) stay in the heap instead of going back to
// the kernel, so that a batch does not pay page faults to get them again.
// glibc only.
void configureThreads(int threads = 0);

}  // namespace alx
