#pragma once
// Whole items of work (inference batches, blocks of rows) spread across
// LibTorch's CPU threads, one item per thread at a time.
#include <cstdint>
#include <functional>

namespace alx {

// Calls work(i) for every i in [0, count). With `acrossThreads`, up to
// at::get_num_threads() items run at once, each on one thread, in the
// caller's autograd and inference-mode state; LibTorch operations inside an
// item then run single-threaded. shouldStop(), when given, is asked on the
// calling thread before each group of items, and a true answer throws
// Cancelled. An exception from an item is rethrown here.
//
// Why: on the CPU the layers of these small models, and the per-block
// similarity products, are too small for LibTorch to split well across
// threads, and its GEMMs (OpenBLAS, held to one thread so that it does not
// fight LibTorch's OpenMP threads) do not split at all; whole items per
// thread measured faster (docs/benchmarks.md).
void forEachItem(int64_t count, bool acrossThreads, const std::function<bool()>& shouldStop,
                 const std::function<void(int64_t)>& work);

// Calls work(i) for every i in [0, count) on `threads` threads at once,
// one item per thread at a time, whatever LibTorch's own thread count (a
// training step holds that to one, so that the operations between its
// parallel parts are not split too). As forEachItem otherwise, without
// cancellation: items are short.
void forEachItemOnThreads(int64_t count, int threads, const std::function<void(int64_t)>& work);

// How many items forEachItem runs at once. Items i and j with the same
// i % itemLanes(acrossThreads) never run at the same time, so scratch
// space indexed by i % itemLanes is never shared by two threads.
int64_t itemLanes(bool acrossThreads);

}  // namespace alx
