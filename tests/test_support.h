#pragma once
// Helpers shared by the test programs: small IDX files made on the fly, so
// that the unit tests need no dataset, and the location of the real MNIST.
#include <QString>

#include <cstdint>
#include <string>
#include <vector>

namespace alx::test {

// An IDX byte array with the given dims and payload (payload may be shorter
// or longer than the dims say, to make damaged files on purpose).
std::vector<uint8_t> makeIdx(const std::vector<uint32_t>& dims, const std::vector<uint8_t>& payload,
                             uint8_t typeCode = 0x08);
std::vector<uint8_t> gzip(const std::vector<uint8_t>& bytes);
void writeBytes(const std::string& path, const std::vector<uint8_t>& bytes);

// Writes a tiny learnable dataset in MNIST's layout into dir: each class c
// is a bright 8x8 square at a position of its own, plus noise. `gzipped`
// chooses .gz files. Returns nothing; files are named as MNIST's.
void writeSyntheticDataset(const std::string& dir, int trainCount, int testCount, bool gzipped = false,
                           uint32_t seed = 1);

// The real MNIST directory from ALX_TEST_MNIST_DIR; empty with `why` set
// when it is missing, so the caller can QFAIL with the reason.
std::string mnistDirectory(std::string& why);

// alx-cli's path, from $ALX_CLI (CTest sets it); throws when unset.
QString cliPath();

}  // namespace alx::test
