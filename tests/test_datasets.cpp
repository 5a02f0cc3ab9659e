// Dataset look-up order, loading, checksums, and each way a dataset's files
// can disagree with each other.
#include <torch/torch.h>

#include "alx/data/dataset_catalog.h"
#include "alx/data/dataset_loader.h"
#include "alx/util/errors.h"
#include "image_writer.h"
#include "test_support.h"

#include <chrono>
#include <filesystem>
#include <map>

#include <QDir>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QtTest>

using namespace alx;
using namespace alx::test;

namespace {

QString loadError(const std::string& dir, bool verify = false) {
    try {
        LoadOptions options;
        options.verifyChecksums = verify;
        loadDataset(datasetSpec("mnist"), dir, options);
        return {};
    } catch (const InputError& e) {
        return QString::fromStdString(e.what());
    }
}

}  // namespace

class TestDatasets : public QObject {
    Q_OBJECT

    QTemporaryDir tmp_;
    std::string dir(const char* name) const { return (tmp_.path() + "/" + name).toStdString(); }

private slots:
    void init() {
        qunsetenv("ALX_DATA_DIR");
        qputenv("XDG_CACHE_HOME", (tmp_.path() + "/cache").toUtf8());
    }

    void loadsSyntheticRawAndGzipped() {
        writeSyntheticDataset(dir("raw"), 50, 20, false);
        writeSyntheticDataset(dir("gz"), 50, 20, true);
        const auto raw = loadDataset(datasetSpec("mnist"), dir("raw"), {false});
        const auto gz = loadDataset(datasetSpec("mnist"), dir("gz"), {false});
        QCOMPARE(raw.train.images.sizes().vec(), (std::vector<int64_t>{50, 1, 28, 28}));
        QCOMPARE(raw.test.labels.sizes().vec(), (std::vector<int64_t>{20}));
        QCOMPARE(raw.train.images.scalar_type(), torch::kUInt8);
        QCOMPARE(raw.train.labels.scalar_type(), torch::kInt64);
        QVERIFY(torch::equal(raw.train.images, gz.train.images));
        QVERIFY(torch::equal(raw.test.labels, gz.test.labels));
    }

    void normalisesToPlusMinusOne() {
        const auto u8 = torch::tensor({0, 255, 51}, torch::kUInt8).view({1, 1, 1, 3});  // [N, C, H, W] in, the same shape out
        const auto x = normaliseImages(u8, torch::kCPU);
        QCOMPARE(x.sizes().vec(), (std::vector<int64_t>{1, 1, 1, 3}));
        QVERIFY(torch::allclose(x.flatten(), torch::tensor({-1.0f, 1.0f, -0.6f})));
    }

    void checksumMismatchIsReported() {
        writeSyntheticDataset(dir("fake"), 10, 10, true);
        const QString error = loadError(dir("fake"), /*verify=*/true);
        QVERIFY2(error.contains("checksum mismatch") && error.contains("train-images-idx3-ubyte.gz"),
                 qPrintable(error));
        QVERIFY(loadError(dir("fake"), false).isEmpty());
    }

    void countMismatchIsReported() {
        writeSyntheticDataset(dir("counts"), 10, 10);
        writeBytes(dir("counts") + "/train-labels-idx1-ubyte", makeIdx({9}, std::vector<uint8_t>(9, 1)));
        const QString error = loadError(dir("counts"));
        QVERIFY2(error.contains("has 9 labels but") && error.contains("10 images"), qPrintable(error));
    }

    void labelOutOfRangeIsReported() {
        writeSyntheticDataset(dir("labels"), 10, 10);
        std::vector<uint8_t> labels(10, 3);
        labels[7] = 10;
        writeBytes(dir("labels") + "/t10k-labels-idx1-ubyte", makeIdx({10}, labels));
        const QString error = loadError(dir("labels"));
        QVERIFY2(error.contains("label 10 of item 7 is out of range"), qPrintable(error));
    }

    void wrongImageSizeIsReported() {
        writeSyntheticDataset(dir("size"), 10, 10);
        writeBytes(dir("size") + "/t10k-images-idx3-ubyte", makeIdx({10, 32, 32}, std::vector<uint8_t>(10 * 32 * 32)));
        const QString error = loadError(dir("size"));
        QVERIFY2(error.contains("test images are 32x32") && error.contains("28x28"), qPrintable(error));
    }

    void missingFileIsReported() {
        writeSyntheticDataset(dir("missing"), 10, 10);
        QFile::remove(QString::fromStdString(dir("missing") + "/t10k-images-idx3-ubyte"));
        QVERIFY(loadError(dir("missing")).contains("file not found"));
    }

    void lookupOrder() {
        const DatasetSpec& spec = datasetSpec("mnist");
        QVERIFY(!locateDataset(spec).has_value());

        // The user cache is found by itself.
        const std::string cache = userCacheDir("mnist");
        QCOMPARE(QString::fromStdString(cache), tmp_.path() + "/cache/alx/mnist");
        writeSyntheticDataset(cache, 5, 5, true);
        QCOMPARE(QString::fromStdString(locateDataset(spec)->source), QString("cache"));

        // ALX_DATA_DIR comes before the cache, as DIR/mnist or DIR itself.
        writeSyntheticDataset(dir("env") + "/mnist", 5, 5);
        qputenv("ALX_DATA_DIR", QByteArray::fromStdString(dir("env")));
        QCOMPARE(QString::fromStdString(locateDataset(spec)->dir), QString::fromStdString(dir("env") + "/mnist"));
        QCOMPARE(QString::fromStdString(locateDataset(spec)->source), QString("ALX_DATA_DIR"));

        // The folder asked for (the CLI's --data-dir) comes first of all.
        writeSyntheticDataset(dir("flag"), 5, 5);
        const auto flagged = locateDataset(spec, dir("flag"));
        QCOMPARE(QString::fromStdString(flagged->dir), QString::fromStdString(dir("flag")));
        QCOMPARE(QString::fromStdString(flagged->source), QString("data_dir"));

        // A --data-dir without the files is an error, not a silent fall-back.
        QDir().mkpath(QString::fromStdString(dir("empty")));
        QVERIFY_THROWS_EXCEPTION(InputError, locateDataset(spec, dir("empty")));

        const auto path = datasetSearchPath(spec, dir("flag"));
        QCOMPARE(path.size(), size_t(5));
        QCOMPARE(QString::fromStdString(path.back()), QString::fromStdString(cache));
    }

    void fashionMnistFallsBackToTheSystemCopy() {
        const DatasetSpec& spec = datasetSpec("fashion-mnist");
        QCOMPARE(QString::fromStdString(spec.systemDir.value_or("")), QString("/usr/share/datasets/fashion-mnist"));
        if (!QFile::exists("/usr/share/datasets/fashion-mnist/t10k-labels-idx1-ubyte.gz")) {
            QFAIL("Debian's dataset-fashion-mnist is not installed (scripts/install-deps.sh installs it)");
        }
        const auto where = locateDataset(spec);
        QVERIFY(where.has_value());
        QCOMPARE(QString::fromStdString(where->source), QString("system"));
        // The checksums of Debian's copy match the published contents.
        const auto data = loadDataset(spec, where->dir);
        QCOMPARE(data.train.size(), int64_t(60000));
        QCOMPARE(data.test.size(), int64_t(10000));
    }

    // An image folder: decoded, split, converted and resized into tensors;
    // the second load comes from the cache, which never serves an image
    // whose file changed and is ignored when damaged.
    void imageFolderLoadsAndCaches() {
        const std::string root = dir("images");
        std::map<std::string, Bytes> written;  // path -> interleaved RGB, 10 x 12
        for (const char* name : {"ant", "bee", "cow"}) {
            for (int i = 0; i < 4; ++i) {
                Bytes pixels;
                for (int p = 0; p < 10 * 12 * 3; ++p) pixels.push_back(uint8_t((p * 7 + i * 31 + name[0]) % 256));
                const std::string path = std::string(name) + "/" + std::to_string(i) + ".png";
                writeImage(root + "/" + path, 12, 10, 3, pixels);
                written[path] = pixels;
            }
        }
        DatasetRequest request;
        request.spec = datasetSpec("images");
        request.dataDir = root;
        request.folder.testFraction = 0.25;
        request.folder.splitSeed = 5;
        const LoadedDataset first = loadRequestedDataset(request);
        QCOMPARE(first.shape, (ImageShape{3, 10, 12}));
        QCOMPARE(first.classNames, (std::vector<std::string>{"ant", "bee", "cow"}));
        QCOMPARE(first.train.size(), int64_t(9));
        QCOMPARE(first.test.size(), int64_t(3));  // one of each class
        QCOMPARE(first.testFraction, 0.25);
        QCOMPARE(first.trainPaths.size() + first.testPaths.size(), size_t(12));
        // Each image as written, planar, under its own label.
        const auto imageAt = [](const LoadedDataset& d, const std::string& path) {
            for (size_t i = 0; i < d.trainPaths.size(); ++i) if (d.trainPaths[i] == path) return d.train.images[int64_t(i)];
            for (size_t i = 0; i < d.testPaths.size(); ++i) if (d.testPaths[i] == path) return d.test.images[int64_t(i)];
            return torch::Tensor();
        };
        for (const auto& [path, pixels] : written) {
            const auto expected = torch::from_blob(const_cast<uint8_t*>(pixels.data()), {10, 12, 3}, torch::kUInt8).permute({2, 0, 1});
            QVERIFY2(torch::equal(imageAt(first, path), expected), path.c_str());
        }
        QVERIFY(torch::equal(first.train.labels.bincount(), torch::tensor({3, 3, 3}, torch::kInt64)));

        // Cached: the same tensors again.
        const QString cacheDir = tmp_.path() + "/cache/alx/images";
        QCOMPARE(QDir(cacheDir).entryList(QDir::Files).size(), 1);
        const LoadedDataset second = loadRequestedDataset(request);
        QVERIFY(torch::equal(second.train.images, first.train.images) && torch::equal(second.test.images, first.test.images));
        QCOMPARE(second.trainPaths, first.trainPaths);

        // A file rewritten (same size, a later time) is decoded again, not taken from the cache.
        Bytes changed(10 * 12 * 3, 200);
        const std::string changedPath = root + "/bee/2.png";
        const auto before = std::filesystem::last_write_time(changedPath);
        writeImage(changedPath, 12, 10, 3, changed);
        std::filesystem::last_write_time(changedPath, before + std::chrono::seconds(2));
        const LoadedDataset third = loadRequestedDataset(request);
        QVERIFY(imageAt(third, "bee/2.png").eq(200).all().item<bool>());
        QVERIFY(torch::equal(imageAt(third, "ant/1.png"), imageAt(first, "ant/1.png")));

        // A damaged cache is ignored, and rewritten.
        const QString cacheFile = cacheDir + "/" + QDir(cacheDir).entryList(QDir::Files).first();
        QFile::resize(cacheFile, QFileInfo(cacheFile).size() / 2);
        const LoadedDataset fourth = loadRequestedDataset(request);
        QVERIFY(torch::equal(fourth.train.images, third.train.images));
        QVERIFY(QFileInfo(cacheFile).size() > 100);

        // Grey on request (BT.601 luma), and resized.
        request.folder.channels = 1;
        request.folder.height = 5;
        request.folder.width = 6;
        const LoadedDataset grey = loadRequestedDataset(request);
        QCOMPARE(grey.shape, (ImageShape{1, 5, 6}));
        QVERIFY(imageAt(grey, "bee/2.png").eq(200).all().item<bool>());  // a flat image stays flat
        QCOMPARE(QDir(cacheDir).entryList(QDir::Files).size(), 2);       // one cache per size and channels
    }

    // EMNIST letters as NIST stores them (labels 1..26, images transposed):
    // 26 classes named a..z, labels from 0, images the right way round,
    // and the folder known by its files' names.
    void emnistLettersAreReadAsPublished() {
        const std::string root = dir("emnist");
        SyntheticIdx letters;
        letters.stems = {"emnist-letters-train-images-idx3-ubyte", "emnist-letters-train-labels-idx1-ubyte",
                         "emnist-letters-test-images-idx3-ubyte", "emnist-letters-test-labels-idx1-ubyte"};
        letters.classes = 26;
        letters.firstLabel = 1;
        letters.transposed = true;
        writeSyntheticIdx(root, 260, 52, letters, true);
        QCOMPARE(identifyDataset(root).value_or(""), std::string("emnist-letters"));
        DatasetRequest request;
        request.spec = datasetSpec("emnist-letters");
        request.dataDir = root;
        const LoadedDataset data = loadRequestedDataset(request);
        QCOMPARE(data.classes(), int64_t(26));
        QCOMPARE(data.classNames.front(), std::string("a"));
        QCOMPARE(data.classNames.back(), std::string("z"));
        QCOMPARE(data.train.labels.min().item<int64_t>(), int64_t(0));
        QCOMPARE(data.train.labels.max().item<int64_t>(), int64_t(25));
        // Each image's bright square where its class puts it, rows as rows:
        // class c's square starts at row 1 + (c / 6) * 5 and column 1 + (c % 6) * 4.
        for (int64_t i = 0; i < 20; ++i) {
            const int64_t c = data.train.labels[i].item<int64_t>();
            const auto image = data.train.images[i][0];
            QVERIFY2(image[1 + (c / 6) * 5 + 2][1 + (c % 6) * 4 + 2].item<uint8_t>() > 150, qPrintable(QString::number(c)));
        }
        // The same files asked for as balanced EMNIST are not there.
        request.spec = datasetSpec("emnist-balanced");
        QVERIFY_THROWS_EXCEPTION(InputError, loadRequestedDataset(request));
    }

    // KMNIST: only its .gz files' MD5s are published; files that are not
    // those are refused, naming the file, unless the check is skipped.
    void kmnistIsCheckedByItsPublishedGzipChecksums() {
        const std::string root = dir("kmnist");
        writeSyntheticDataset(root, 30, 10, true);
        DatasetRequest request;
        request.spec = datasetSpec("kmnist");
        request.dataDir = root;
        try {
            loadRequestedDataset(request);
            QFAIL("synthetic files passed for KMNIST");
        } catch (const InputError& e) {
            const QString why = e.what();
            QVERIFY2(why.contains("train-images-idx3-ubyte.gz") && why.contains("Kuzushiji-MNIST") &&
                         why.contains("bdb82020997e1d708af4cf47b453dcf7"), e.what());
        }
        request.verifyChecksums = false;
        const LoadedDataset data = loadRequestedDataset(request);
        QCOMPARE(data.classNames.front(), std::string("o"));
        QCOMPARE(data.train.size(), int64_t(30));
    }

    void unknownDatasetIsAnInputError() { QVERIFY_THROWS_EXCEPTION(InputError, datasetSpec("cifar10")); }
};

QTEST_GUILESS_MAIN(TestDatasets)
#include "test_datasets.moc"
