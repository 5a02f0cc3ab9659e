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
// when > 0, else to $ALX_THREADS when set, else to the number of cores
// (Debian's LibTorch starts with 1).
// The system BLAS (OpenBLAS, found at run time) is then held to one thread:
// LibTorch's own threads already call it in parallel, and two pools of
// spinning threads on the same cores made training up to 1.6x slower here.
// It also tunes glibc's allocator for LibTorch: freed tensor buffers (up to
// 32 MiB each, 256 MiB in all) stay in the heap instead of going back to
// the kernel, where every batch paid page faults to get them again (30 % of
// an active-learning round's evaluation here: gal, 10,000 test images,
// 3.5 s, 2.5 s with this; peak RSS unchanged). glibc only.
void configureThreads(int threads = 0);

}  // namespace alx
