#pragma once
// Seeded draws that give the same numbers with every compiler and standard
// library: std::mt19937_64's output is specified, but
// std::uniform_int_distribution and std::shuffle are not.
#include <cstdint>
#include <random>
#include <vector>

namespace alx {

// Uniform in [0, bound): draws that fall in the incomplete last block of
// 2^64 mod bound values are rejected, so every residue is equally likely.
uint64_t uniformBelow(std::mt19937_64& generator, uint64_t bound);

// 0 .. n-1 in the order of a Fisher-Yates shuffle driven by `generator`.
std::vector<size_t> shuffledIndices(size_t n, std::mt19937_64& generator);

}  // namespace alx
