#include "test_support.h"

#include "alx/storage/npy_layout.h"
#include "alx/util/files.h"

#include <unistd.h>

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QProcess>

#include <zlib.h>
#include <cstring>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <stdexcept>

namespace alx::test {

std::vector<uint8_t> makeIdx(const std::vector<uint32_t>& dims, const std::vector<uint8_t>& payload,
                             uint8_t typeCode) {
    std::vector<uint8_t> out = {0, 0, typeCode, uint8_t(dims.size())};
    for (uint32_t d : dims) {
        out.push_back(uint8_t(d >> 24));
        out.push_back(uint8_t(d >> 16));
        out.push_back(uint8_t(d >> 8));
        out.push_back(uint8_t(d));
    }
    out.insert(out.end(), payload.begin(), payload.end());
    return out;
}

std::vector<uint8_t> gzip(const std::vector<uint8_t>& bytes) {
    z_stream stream{};
    if (deflateInit2(&stream, 6, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
        throw std::runtime_error("deflateInit2 failed");
    }
    std::vector<uint8_t> out(deflateBound(&stream, bytes.size()));
    stream.next_in = const_cast<Bytef*>(bytes.data());
    stream.avail_in = uInt(bytes.size());
    stream.next_out = out.data();
    stream.avail_out = uInt(out.size());
    if (deflate(&stream, Z_FINISH) != Z_STREAM_END) throw std::runtime_error("deflate failed");
    out.resize(stream.total_out);
    deflateEnd(&stream);
    return out;
}

void writeBytes(const std::string& path, const std::vector<uint8_t>& bytes) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(bytes.data()), std::streamsize(bytes.size()));
    if (!out) throw std::runtime_error("cannot write " + path);
}

void writeSyntheticDataset(const std::string& dir, int trainCount, int testCount, bool gzipped, uint32_t seed) {
    writeSyntheticIdx(dir, trainCount, testCount, SyntheticIdx{}, gzipped, seed);
}

void writeSyntheticIdx(const std::string& dir, int trainCount, int testCount, const SyntheticIdx& kind, bool gzipped,
                       uint32_t seed) {
    std::filesystem::create_directories(dir);
    std::mt19937 rng(seed);
    std::uniform_int_distribution<int> noise(0, 60);
    auto split = [&](int count, std::vector<uint8_t>& images, std::vector<uint8_t>& labels) {
        for (int i = 0; i < count; ++i) {
            const int label = int(rng() % uint32_t(kind.classes));
            labels.push_back(uint8_t(label + kind.firstLabel));
            // Ten classes: 8x8 squares in two rows of five; more: 6x6 squares on a grid of six columns.
            const bool ten = kind.classes <= 10;
            const int side = ten ? 8 : 6;
            const int top = ten ? 2 + (label / 5) * 12 : 1 + (label / 6) * 5;
            const int left = ten ? 2 + (label % 5) * 4 : 1 + (label % 6) * 4;
            std::vector<uint8_t> image(28 * 28);
            for (int y = 0; y < 28; ++y) {
                for (int x = 0; x < 28; ++x) {
                    const bool inSquare = y >= top && y < top + side && x >= left && x < left + side;
                    image[size_t(kind.transposed ? x * 28 + y : y * 28 + x)] = uint8_t(inSquare ? 255 - noise(rng) : noise(rng));
                }
            }
            images.insert(images.end(), image.begin(), image.end());
        }
    };
    std::vector<uint8_t> trainImages, trainLabels, testImages, testLabels;
    split(trainCount, trainImages, trainLabels);
    split(testCount, testImages, testLabels);
    auto put = [&](const std::string& stem, const std::vector<uint8_t>& idx) {
        writeBytes(dir + "/" + stem + (gzipped ? ".gz" : ""), gzipped ? gzip(idx) : idx);
    };
    const auto n = [](int c) { return uint32_t(c); };
    put(kind.stems[0], makeIdx({n(trainCount), 28, 28}, trainImages));
    put(kind.stems[1], makeIdx({n(trainCount)}, trainLabels));
    put(kind.stems[2], makeIdx({n(testCount), 28, 28}, testImages));
    put(kind.stems[3], makeIdx({n(testCount)}, testLabels));
}

std::string mnistDirectory(std::string& why) {
    const char* env = std::getenv("ALX_TEST_MNIST_DIR");
    if (!env || !*env) {
        why = "ALX_TEST_MNIST_DIR is not set: point it at the directory that holds the four MNIST IDX files "
              "(ctest sets it; see tests/CMakeLists.txt)";
        return {};
    }
    const std::string dir = env;
    if (!std::filesystem::exists(dir + "/t10k-labels-idx1-ubyte.gz") &&
        !std::filesystem::exists(dir + "/t10k-labels-idx1-ubyte")) {
        why = "the real MNIST files are not in '" + dir +
              "': set ALX_TEST_MNIST_DIR to the directory that holds the four IDX files";
        return {};
    }
    return dir;
}

}  // namespace alx::test

QString alx::test::cliPath() {
    const QByteArray path = qgetenv("ALX_CLI");
    if (path.isEmpty()) throw std::runtime_error("ALX_CLI is not set: run the tests through ctest");
    return QString::fromLocal8Bit(path);
}

alx::test::CliResult alx::test::runCli(const QStringList& args, int timeoutMs, bool unprivileged) {
    QProcess p;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.remove("ALX_DATA_DIR");
    p.setProcessEnvironment(env);
    QString copy;  // nobody may not reach the build tree: a copy in the temporary folder
    if (unprivileged && geteuid() == 0) {
        copy = QDir::tempPath() + "/alx-cli-as-nobody-" + QString::number(QCoreApplication::applicationPid());
        QFile::remove(copy);
        if (!QFile::copy(cliPath(), copy) ||
            !QFile::setPermissions(copy, QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner | QFile::ReadGroup |
                                             QFile::ExeGroup | QFile::ReadOther | QFile::ExeOther)) {
            return {-1, {}, "cannot copy alx-cli to " + copy};
        }
        p.start("setpriv", QStringList{"--reuid=nobody", "--regid=nogroup", "--clear-groups", "--", copy} + args);
    } else {
        p.start(cliPath(), args);
    }
    if (!p.waitForFinished(timeoutMs)) {
        p.kill();
        p.waitForFinished();
    }
    if (!copy.isEmpty()) QFile::remove(copy);
    return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1, QString::fromUtf8(p.readAllStandardOutput()),
            QString::fromUtf8(p.readAllStandardError())};
}

QJsonObject alx::test::readJson(const QString& path) {
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) return {};
    return QJsonDocument::fromJson(f.readAll()).object();
}

std::vector<float> alx::test::readNpyFloats(const std::string& path) {
    const std::vector<uint8_t> bytes = readWholeFile(path);
    const NpyLayout layout = parseNpyLayout(bytes, path);
    if (layout.type != NpyLayout::Type::Float32) throw std::runtime_error(path + ": not float32");
    std::vector<float> values(size_t(layout.rows * layout.cols));
    std::memcpy(values.data(), bytes.data() + layout.dataOffset, values.size() * sizeof(float));
    return values;
}
