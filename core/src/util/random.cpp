#include "alx/util/random.h"

#include <limits>
#include <utility>

namespace alx {

uint64_t uniformBelow(std::mt19937_64& generator, uint64_t bound) {
    const uint64_t excess = (std::numeric_limits<uint64_t>::max() % bound + 1) % bound;  // 2^64 mod bound
    const uint64_t limit = std::numeric_limits<uint64_t>::max() - excess;              // accept x <= limit
    uint64_t x = generator();
    while (x > limit) x = generator();
    return x % bound;
}

std::vector<size_t> shuffledIndices(size_t n, std::mt19937_64& generator) {
    std::vector<size_t> order(n);
    for (size_t i = 0; i < n; ++i) order[i] = i;
    for (size_t i = n; i > 1; --i) std::swap(order[i - 1], order[size_t(uniformBelow(generator, i))]);
    return order;
}

}  // namespace alx
