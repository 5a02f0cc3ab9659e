#include "kernels/parallel_items.h"

#include <algorithm>
#include <exception>
#include <mutex>

#include <ATen/Parallel.h>
#include <ATen/ThreadLocalState.h>

#include "alx/util/errors.h"

namespace alx {

int64_t itemLanes(bool acrossThreads) { return acrossThreads ? std::max(1, at::get_num_threads()) : 1; }

void forEachItem(int64_t count, bool acrossThreads, const std::function<bool()>& shouldStop,
                 const std::function<void(int64_t)>& work) {
    const int64_t lanes = itemLanes(acrossThreads);
    const at::ThreadLocalState callerState;  // grad mode, inference mode: thread-local, so carried over by hand
    for (int64_t first = 0; first < count; first += lanes) {
        if (shouldStop && shouldStop()) throw Cancelled();
        // A group of one runs on this thread: at::parallel_for does not split it.
        // Each group's items run one per thread, and groups one after another.
        at::parallel_for(first, std::min(count, first + lanes), 1, [&](int64_t begin, int64_t end) {
            const at::ThreadLocalStateGuard sameState(callerState);
            for (int64_t i = begin; i < end; ++i) work(i);
        });
    }
}

void forEachItemOnThreads(int64_t count, int threads, const std::function<void(int64_t)>& work) {
    if (threads <= 1 || count <= 1) {
        for (int64_t i = 0; i < count; ++i) work(i);
        return;
    }
    const at::ThreadLocalState callerState;
    std::exception_ptr failure;
    std::mutex failureMutex;
    // LibTorch's operations inside see omp_in_parallel() and run on their own thread.
#pragma omp parallel for num_threads(threads) schedule(static, 1)
    for (int64_t i = 0; i < count; ++i) {
        try {
            const at::ThreadLocalStateGuard sameState(callerState);
            work(i);
        } catch (...) {
            const std::lock_guard<std::mutex> lock(failureMutex);
            if (!failure) failure = std::current_exception();
        }
    }
    if (failure) std::rethrow_exception(failure);
}

}  // namespace alx
