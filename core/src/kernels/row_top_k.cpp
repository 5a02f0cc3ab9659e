#include "kernels/row_top_k.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

namespace alx {
namespace {

using Entry = std::pair<float, int64_t>;

// The heap's order: its front is the entry that leaves first, the smallest
// value (of equal values, the higher column).
bool leavesFirst(const Entry& a, const Entry& b) {
    return a.first > b.first || (a.first == b.first && a.second < b.second);
}

}  // namespace

RowTopK::RowTopK(int64_t rows, int64_t m)
    : rows_(rows), m_(m), heaps_(size_t(rows * m)), filled_(size_t(rows), 0), threshold_(size_t(rows), 0) {}

void RowTopK::offerRow(int64_t r, const float* scores, int64_t count, int64_t offset) {
    Entry* heap = heaps_.data() + r * m_;
    int64_t& filled = filled_[size_t(r)];
    int64_t j = 0;
    for (; j < count && filled < m_; ++j) {
        // NaN as -infinity, so that it never outranks a number.
        heap[filled++] = {std::isnan(scores[j]) ? -std::numeric_limits<float>::infinity() : scores[j], offset + j};
        if (filled == m_) {
            std::make_heap(heap, heap + m_, leavesFirst);
            threshold_[size_t(r)] = heap[0].first;
        }
    }
    float threshold = threshold_[size_t(r)];
    const auto offer = [&](int64_t at) {
        // In only if it outranks the heap's last: a larger value, or an equal
        // one in a lower column (blocks may come in any order).
        const Entry candidate{scores[at], offset + at};
        if (!leavesFirst(candidate, heap[0])) return;
        std::pop_heap(heap, heap + m_, leavesFirst);
        heap[m_ - 1] = candidate;
        std::push_heap(heap, heap + m_, leavesFirst);
        threshold = heap[0].first;
    };
    constexpr int64_t kWidth = 16;
    for (; j + kWidth <= count; j += kWidth) {
        // One comparison per value, vectorised, with no branch per value.
        int beats = 0;
        for (int64_t t = 0; t < kWidth; ++t) beats |= scores[j + t] >= threshold;
        if (!beats) continue;
        for (int64_t t = 0; t < kWidth; ++t) offer(j + t);
    }
    for (; j < count; ++j) offer(j);
    threshold_[size_t(r)] = threshold;
}

void RowTopK::offer(const float* block, int64_t count, int64_t stride, int64_t offset) {
    for (int64_t r = 0; r < rows_; ++r) offerRow(r, block + r * stride, count, offset);
}

void RowTopK::finish(float* values, int64_t* indices) {
    for (int64_t r = 0; r < rows_; ++r) {
        if (filled_[size_t(r)] < m_) throw std::logic_error("RowTopK: fewer columns than m were offered");
        Entry* heap = heaps_.data() + r * m_;
        std::sort_heap(heap, heap + m_, leavesFirst);  // the largest first
        for (int64_t k = 0; k < m_; ++k) {
            values[r * m_ + k] = heap[k].first;
            indices[r * m_ + k] = heap[k].second;
        }
    }
}

}  // namespace alx
