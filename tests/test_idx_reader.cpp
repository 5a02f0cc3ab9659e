// The IDX reader on good files and on every kind of damage: each must give
// an InputError that names the file and the defect, never a crash.
#include <QTemporaryDir>
#include <QtTest>

#include "alx/util/errors.h"
#include "alx/data/idx_reader.h"
#include "alx/util/digest.h"
#include "test_support.h"

using namespace alx;
using alx::test::gzip;
using alx::test::makeIdx;
using alx::test::writeBytes;

class TestIdxReader : public QObject {
    Q_OBJECT

    QTemporaryDir dir_;

    std::string path(const char* name) const { return (dir_.path() + "/" + name).toStdString(); }

    // Reads `bytes` written to a file; returns the error text, or "" when it loaded.
    QString errorFor(const std::vector<uint8_t>& bytes, int rank, const char* name = "damaged") {
        writeBytes(path(name), bytes);
        try {
            readIdxFile(path(name), rank);
            return {};
        } catch (const InputError& e) {
            return QString::fromStdString(e.what());
        }
    }

private slots:
    void readsRawImages() {
        std::vector<uint8_t> pixels(2 * 3 * 4);
        for (size_t i = 0; i < pixels.size(); ++i) pixels[i] = uint8_t(i * 7);
        writeBytes(path("images"), makeIdx({2, 3, 4}, pixels));
        const IdxArray array = readIdxFile(path("images"), 3);
        QCOMPARE(array.dims, (std::vector<int64_t>{2, 3, 4}));
        QCOMPARE(array.data, pixels);
        QCOMPARE(array.items(), int64_t(2));
    }

    void readsGzippedLabels() {
        const std::vector<uint8_t> labels = {5, 0, 4, 1, 9};
        writeBytes(path("labels.gz"), gzip(makeIdx({5}, labels)));
        const IdxArray array = readIdxFile(path("labels.gz"), 1);
        QCOMPARE(array.dims, (std::vector<int64_t>{5}));
        QCOMPARE(array.data, labels);
    }

    void rejectsBadMagic() {
        auto bytes = makeIdx({3}, {1, 2, 3});
        bytes[0] = 0x12;
        const QString error = errorFor(bytes, 1);
        QVERIFY2(error.contains("bad magic"), qPrintable(error));
        QVERIFY2(error.contains("damaged"), qPrintable(error));  // names the file
    }

    void rejectsUnsupportedElementType() {
        const QString error = errorFor(makeIdx({3}, {1, 2, 3}, 0x0D), 1);
        QVERIFY2(error.contains("element type 0x0d"), qPrintable(error));
    }

    void rejectsTruncatedData() {
        const QString error = errorFor(makeIdx({2, 28, 28}, std::vector<uint8_t>(28 * 28 + 10)), 3);
        QVERIFY2(error.contains("truncated") && error.contains("1568"), qPrintable(error));
    }

    void rejectsTruncatedHeader() {
        auto bytes = makeIdx({2, 28, 28}, {});
        bytes.resize(9);
        QVERIFY2(errorFor(bytes, 3).contains("truncated IDX header"), qPrintable(errorFor(bytes, 3)));
        QVERIFY(errorFor({0, 0}, 1).contains("too short"));
        QVERIFY(errorFor({}, 1).contains("too short"));
    }

    void rejectsTrailingBytes() {
        const QString error = errorFor(makeIdx({3}, {1, 2, 3, 4, 5}), 1);
        QVERIFY2(error.contains("2 bytes after the data"), qPrintable(error));
    }

    void rejectsWrongRank() {
        // An image file where a label file belongs, and the reverse.
        QVERIFY(errorFor(makeIdx({1, 2, 2}, {0, 0, 0, 0}), 1).contains("has 3 dimension(s), expected 1"));
        QVERIFY(errorFor(makeIdx({4}, {0, 0, 0, 0}), 3).contains("has 1 dimension(s), expected 3"));
    }

    void rejectsZeroAndHugeDimensions() {
        QVERIFY(errorFor(makeIdx({0}, {}), 1).contains("dimension 0 is 0"));
        // 0xFFFFFFFF items must be refused before any allocation.
        const QString error = errorFor(makeIdx({0xFFFFFFFFu, 0xFFFFFFFFu, 0xFFFFFFFFu}, {1}), 3);
        QVERIFY2(error.contains("dimension 0 is 4294967295"), qPrintable(error));
        const QString product = errorFor(makeIdx({1u << 20, 1u << 20, 1u << 20}, {1}), 3);
        QVERIFY2(product.contains("impossibly large"), qPrintable(product));
    }

    void rejectsCorruptGzip() {
        auto compressed = gzip(makeIdx({100}, std::vector<uint8_t>(100, 7)));
        auto flipped = compressed;
        flipped[flipped.size() / 2] ^= 0xFF;
        flipped[flipped.size() / 2 + 1] ^= 0xFF;
        const QString error = errorFor(flipped, 1, "flipped.gz");
        QVERIFY2(error.contains("flipped.gz") && error.contains("corrupt gzip"), qPrintable(error));

        compressed.resize(compressed.size() - 12);  // cut inside the deflate stream
        const QString cut = errorFor(compressed, 1, "cut.gz");
        QVERIFY2(cut.contains("truncated"), qPrintable(cut));

        // Only the gzip magic and garbage after it.
        QVERIFY(errorFor({0x1f, 0x8b, 0x08, 0x00, 0x01}, 1, "stub.gz").contains("corrupt gzip"));
    }

    void capsDecompressedSize() {
        const auto bomb = gzip(std::vector<uint8_t>(1 << 20, 0));
        try {
            gunzipIfCompressed(bomb, "bomb.gz", 1 << 16);
            QFAIL("a file that decompresses past the cap was accepted");
        } catch (const InputError& e) {
            QVERIFY(QString(e.what()).contains("more than the allowed size"));
        }
    }

    // Inflating and hashing a large file stop between blocks when asked,
    // and finish with the same result when never asked.
    void inflatingAndHashingStopWhenAsked() {
        std::vector<uint8_t> plain(size_t(9) << 20);
        for (size_t i = 0; i < plain.size(); ++i) plain[i] = uint8_t((i * 2654435761u) >> 13);
        const auto compressed = gzip(plain);
        int polls = 0;
        const auto stopAfterThree = [&polls] { return ++polls > 3; };
        QVERIFY_THROWS_EXCEPTION(Cancelled, gunzipIfCompressed(compressed, "big.gz", size_t(1) << 31, stopAfterThree));
        QCOMPARE(polls, 4);
        polls = 0;
        const auto stopAfterTwo = [&polls] { return ++polls > 2; };
        QVERIFY_THROWS_EXCEPTION(Cancelled, md5Hex(plain, stopAfterTwo));  // 9 MiB: its third block is never hashed
        QCOMPARE(polls, 3);
        const auto never = [] { return false; };
        QVERIFY(gunzipIfCompressed(compressed, "big.gz", size_t(1) << 31, never) == plain);
        QCOMPARE(md5Hex(plain, never), md5Hex(plain));
        QCOMPARE(md5Hex(std::vector<uint8_t>{'a', 'b', 'c'}), std::string("900150983cd24fb0d6963f7d28e17f72"));
    }

    void reportsMissingFileAndDirectory() {
        try {
            readIdxFile(path("absent"), 1);
            QFAIL("missing file accepted");
        } catch (const InputError& e) {
            QVERIFY2(QString(e.what()).contains("absent: file not found"), e.what());
        }
        QDir(dir_.path()).mkdir("folder");
        try {
            readIdxFile(path("folder"), 1);
            QFAIL("directory accepted");
        } catch (const InputError& e) {
            QVERIFY2(QString(e.what()).contains("is a directory"), e.what());
        }
    }
};

QTEST_GUILESS_MAIN(TestIdxReader)
#include "test_idx_reader.moc"
