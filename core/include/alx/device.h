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
// It also tunes glibc's allocator for LibTorch (see tuneAllocator).
void configureThreads(int threads = 0);

// Keeps freed tensor buffers (up to 32 MiB each, 256 MiB in all) in the
// heap instead of returning them to the kernel: by default glibc unmaps or
// trims them and every batch pays page faults to get them back, which took
// 30 % of an active-learning round's evaluation here (gal, 10,000 test
// images: 3.5 s, 2.5 s with this; peak RSS unchanged). glibc only.
void tuneAllocator();

// Lets the BLAS use LibTorch's thread count for the lifetime of this
// object: for one large matrix product outside LibTorch's parallel
// regions, such as the neighbour search. A no-op without OpenBLAS.
class ScopedBlasThreads {
public:
    ScopedBlasThreads();
    ~ScopedBlasThreads();
    ScopedBlasThreads(const ScopedBlasThreads&) = delete;
    ScopedBlasThreads& operator=(const ScopedBlasThreads&) = delete;
};

}  // namespace alx
