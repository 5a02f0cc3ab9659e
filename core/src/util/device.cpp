#include "alx/util/device.h"

#include <dlfcn.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

#include <cstdlib>
#include <thread>

#include <torch/torch.h>

#include "alx/util/errors.h"

namespace alx {

torch::Device resolveDevice(const std::string& choice) {
    if (choice == "cpu") return torch::kCPU;
    if (choice == "auto") return torch::cuda::is_available() ? torch::Device(torch::kCUDA) : torch::Device(torch::kCPU);
    if (choice == "cuda") {
        if (!torch::cuda::is_available()) {
            throw InputError(
                "device cuda: no CUDA device is available (this LibTorch build or this machine has none); choose cpu or auto",
                "device");
        }
        return torch::Device(torch::kCUDA);
    }
    throw InputError("device " + choice + ": expected auto, cpu or cuda", "device");
}

std::string describeDevice(const torch::Device& device) {
    if (device.is_cuda()) return "cuda:" + std::to_string(device.has_index() ? device.index() : 0);
    return "cpu (" + std::to_string(torch::get_num_threads()) + " threads)";
}

namespace {

// OpenBLAS's own thread control, if the BLAS LibTorch loaded is OpenBLAS
// (Debian's LibTorch links libblas.so.3, whichever provides it).
void setBlasThreads(int n) {
    using SetThreads = void (*)(int);
    static const auto set = reinterpret_cast<SetThreads>(dlsym(RTLD_DEFAULT, "openblas_set_num_threads"));
    if (set) set(n);
}

void tuneAllocator() {
#ifdef __GLIBC__
    mallopt(M_MMAP_THRESHOLD, 32 << 20);
    mallopt(M_TRIM_THRESHOLD, 256 << 20);
#endif
}

}  // namespace

void configureThreads(int threads) {
    static bool configured = false;
    if (configured) return;
    configured = true;
    if (threads <= 0) {
        // ALX_THREADS: the app has no thread setting of its own, and the
        // ThreadSanitizer run needs one thread (libgomp is not instrumented).
        if (const char* env = std::getenv("ALX_THREADS")) threads = std::atoi(env);
    }
    const int n = threads > 0 ? threads : int(std::max(1u, std::thread::hardware_concurrency()));
    torch::set_num_threads(n);
    setBlasThreads(1);
    tuneAllocator();
}

}  // namespace alx
