#pragma once
// Helpers shared by the test programs: small IDX files made on the fly, so
// that the unit tests need no dataset, and the location of the real MNIST.
#include <QJsonObject>
#include <QString>
#include <QStringList>

#include <array>
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

// The same for another IDX dataset: its file stems, classes (more than ten
// get 6x6 squares on a grid), first label (EMNIST letters count from 1) and
// whether images are stored transposed (EMNIST).
struct SyntheticIdx {
    std::array<std::string, 4> stems = {"train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte",
                                        "t10k-labels-idx1-ubyte"};
    int classes = 10;
    int firstLabel = 0;
    bool transposed = false;
};
void writeSyntheticIdx(const std::string& dir, int trainCount, int testCount, const SyntheticIdx& kind,
                       bool gzipped = false, uint32_t seed = 1);

// The real MNIST directory from ALX_TEST_MNIST_DIR; empty with `why` set
// when it is missing, so the caller can QFAIL with the reason.
std::string mnistDirectory(std::string& why);

// alx-cli's path, from $ALX_CLI (CTest sets it); throws when unset.
QString cliPath();

struct CliResult {
    int exitCode = -1;  // -1: it crashed or was killed at the timeout
    QString out, err;
};

// Runs alx-cli without $ALX_DATA_DIR; with `unprivileged`, as user nobody
// when the tests run as root (root reads any file, so "permission denied"
// needs another user).
CliResult runCli(const QStringList& args, int timeoutMs = 120000, bool unprivileged = false);

// A JSON file's object; empty when it is missing or not an object.
QJsonObject readJson(const QString& path);

// A float32 .npy file's elements, row by row, read without LibTorch (for the
// programs that never include it); throws when it is not such a file.
std::vector<float> readNpyFloats(const std::string& path);

}  // namespace alx::test
