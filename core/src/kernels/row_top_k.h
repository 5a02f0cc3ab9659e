#pragma once
// The m largest values of each row of a score matrix, for the exact
// nearest-neighbour search on the CPU. LibTorch's topk selects in every row
// afresh (a partial sort of all n values); here each row is scanned once
// against the m-th largest seen so far, sixteen values at a time, and only
// the few that beat it enter a heap. With n much larger than m almost every
// block of sixteen is passed over after one vectorised comparison. The
// scores can come in blocks of columns, each scanned while it is still in
// the cache that the product computing it left it in.
#include <cstdint>
#include <utility>
#include <vector>

namespace alx {

class RowTopK {
public:
    RowTopK(int64_t rows, int64_t m);

    // Row r's scores for columns [offset, offset + count) at
    // block[r * stride ...], for every row. Blocks may come in any order of
    // columns; each column once.
    void offer(const float* block, int64_t count, int64_t stride, int64_t offset);

    // Each row's m largest values, largest first, into values[row * m ...],
    // and their columns into indices[row * m ...]; equal values: the lower
    // column first. NaN never counts as large. Needs at least m columns offered.
    void finish(float* values, int64_t* indices);

private:
    using Entry = std::pair<float, int64_t>;
    void offerRow(int64_t r, const float* scores, int64_t count, int64_t offset);

    int64_t rows_, m_;
    std::vector<Entry> heaps_;      // [rows][m]
    std::vector<int64_t> filled_;   // entries in each row's heap so far
    std::vector<float> threshold_;  // a full heap's smallest value
};

}  // namespace alx
