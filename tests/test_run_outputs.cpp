// The files a run leaves: .npy arrays NumPy can read, the per-sample CSV,
// and summary.json, all written atomically.
#include <torch/torch.h>

#include "alx/util/files.h"
#include "alx/util/errors.h"
#include "alx/storage/npy.h"
#include "alx/storage/map_export.h"
#include "alx/storage/run_folder.h"
#include "alx/util/numbers.h"

#include <cstring>

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QtTest>

using namespace alx;

class TestRunOutputs : public QObject {
    Q_OBJECT

    QTemporaryDir dir_;

    static QByteArray readAll(const QString& path) {
        QFile f(path);
        return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
    }

    // A 4-image evaluation with 3 classes and neighbours done by hand.
    static std::pair<Evaluation, ScoreTable> smallRun() {
        Evaluation e;
        e.probabilities = torch::tensor({0.7f, 0.2f, 0.1f, 0.1f, 0.8f, 0.1f, 0.3f, 0.3f, 0.4f, 0.0f, 0.0f, 1.0f}).view({4, 3});
        e.embeddings = torch::arange(8, torch::kFloat32).view({4, 2});
        e.predicted = e.probabilities.argmax(1);
        e.labels = torch::tensor({0, 1, 0, 2}, torch::kInt64);
        e.confusion = torch::zeros({3, 3}, torch::kInt64);
        e.accuracy = 0.75;
        ScoreTable s;
        for (int k = 0; k < kScoreCount; ++k) s.values[k] = torch::full({4}, 0.5f + float(k));
        s.neighbours.indices = torch::tensor({1, 2, 0, 2, 3, 1, 2, 0}, torch::kInt64).view({4, 2});
        s.neighbours.similarity = torch::zeros({4, 2});
        return {e, s};
    }

private slots:
    void npyHeaderAndData() {
        const auto m = torch::tensor({1.5f, -2.0f, 3.25f, 0.0f, 7.0f, 8.0f}).view({2, 3});
        const std::string bytes = encodeNpy(m);
        QCOMPARE(bytes.substr(0, 8), std::string("\x93NUMPY\x01\x00", 8));
        const size_t headerLength = uint8_t(bytes[8]) | (uint8_t(bytes[9]) << 8);
        QCOMPARE((10 + headerLength) % 64, size_t(0));  // data aligned as NumPy writes it
        const std::string header = bytes.substr(10, headerLength);
        QVERIFY2(header.find("'descr': '<f4'") != std::string::npos, header.c_str());
        QVERIFY(header.find("'fortran_order': False") != std::string::npos);
        QVERIFY(header.find("'shape': (2, 3)") != std::string::npos);
        QCOMPARE(header.back(), '\n');
        QCOMPARE(bytes.size(), 10 + headerLength + 6 * sizeof(float));
        float values[6];
        std::memcpy(values, bytes.data() + 10 + headerLength, sizeof values);
        QCOMPARE(values[2], 3.25f);
        QCOMPARE(values[4], 7.0f);
        // Integer tensors are written as int32 and read back as int64.
        const std::string ints = encodeNpy(torch::tensor({3, -2, 7, 1}, torch::kInt64).view({2, 2}));
        QVERIFY(ints.find("'<i4'") != std::string::npos);
        const auto back = parseNpy(std::vector<uint8_t>(ints.begin(), ints.end()), "ints.npy");
        QCOMPARE(back.scalar_type(), torch::kInt64);
        QVERIFY(torch::equal(back, torch::tensor({3, -2, 7, 1}, torch::kInt64).view({2, 2})));
    }

    // The map's export: every coordinate with nine digits, the split and the
    // index within it, the label and the prediction (-1: not known).
    void mapCsvListsEveryPoint() {
        const MapPoints map{{0.5f, -1.25f, 3.0f, 1e-7f, 2.5f, 0.0f}, 2, {7, 1, 4}, {7, 2, -1}};
        QCOMPARE(mapCsv(map), std::string("row,split,index,x,y,label,predicted\n"
                                          "0,test,0,0.5,-1.25,7,7\n"
                                          "1,test,1,3,1.00000001e-07,1,2\n"
                                          "2,train,0,2.5,0,4,-1\n"));
    }

    // Numbers as printf writes them in the C locale, and read back whole.
    void numbersIgnoreTheLocale() {
        QCOMPARE(fixedNumber(0.91234, 4), std::string("0.9123"));
        QCOMPARE(fixedNumber(1.0 / 3.0, 6), std::string("0.333333"));
        QCOMPARE(generalNumber(double(0.1f), 9), std::string("0.100000001"));
        QCOMPARE(generalNumber(3.10501115e-40, 9), std::string("3.10501115e-40"));
        QCOMPARE(shortestNumber(0.001), std::string("0.001"));
        QCOMPARE(parseNumber("0.9123").value(), 0.9123);
        QCOMPARE(parseNumber("-1e-3").value(), -0.001);
        QVERIFY(!parseNumber("0,5"));
        QVERIFY(!parseNumber("0.5 "));
        QVERIFY(!parseNumber(""));
        QCOMPARE(parseInteger("-42").value(), int64_t(-42));
        QVERIFY(!parseInteger("4.2"));
        QVERIFY(!parseInteger("99999999999999999999"));
    }

    void perSampleCsvColumns() {
        const auto [e, s] = smallRun();
        const QStringList lines = QString::fromStdString(perSampleCsv(e, s)).split('\n', Qt::SkipEmptyParts);
        QCOMPARE(lines.size(), 5);
        QCOMPARE(lines[0], QString("index,label,predicted,least_confidence,entropy,margin,cosine_similarity,"
                                   "l2_distance,kl_divergence,neighbours"));
        QCOMPARE(lines[1], QString("0,0,0,0.5,1.5,2.5,3.5,4.5,5.5,1 2"));
        QCOMPARE(lines[3], QString("2,0,2,0.5,1.5,2.5,3.5,4.5,5.5,3 1"));
    }

    void evaluationOutputsAreComplete() {
        const auto [e, s] = smallRun();
        RunSummary summary;
        summary.model = "lenet5";
        summary.dataset = "mnist";
        summary.device = "cpu";
        summary.epochs = {{1, 2, 0.5, 1.0, {}}, {2, 2, 0.25, 1.0, {}}};
        const QString out = dir_.path() + "/run";
        ensureWritableDirectory(out.toStdString());
        RunFolder(out.toStdString()).writeEvaluation(summary, e, s);
        for (const char* name : {"summary.json", "per_sample.csv", "embeddings.npy", "probabilities.npy"}) {
            QVERIFY2(QFile::exists(out + "/" + name), name);
        }
        const QJsonObject j = QJsonDocument::fromJson(readAll(out + "/summary.json")).object();
        QCOMPARE(j["model"].toString(), QString("lenet5"));
        QCOMPARE(j["epochs"].toInt(), 2);
        QCOMPARE(j["epoch_loss"].toArray().size(), 2);
        QCOMPARE(j["epoch_loss"].toArray()[1].toDouble(), 0.25);
        QCOMPARE(j["test_accuracy"].toDouble(), 0.75);
        const QJsonObject means = j["metric_means"].toObject();
        QCOMPARE(means.size(), 6);
        QCOMPARE(means["kl_divergence"].toDouble(), 5.5);
        QCOMPARE(j["confusion_matrix"].toArray().size(), 3);
        QVERIFY(j.contains("train_seconds"));
        // No temporary files are left behind.
        QCOMPARE(QDir(out).entryList(QDir::Files).size(), 4);
    }

    void atomicWriteReplacesWholeFiles() {
        const std::string path = (dir_.path() + "/a.txt").toStdString();
        writeFileAtomically(path, "first");
        writeFileAtomically(path, "second version");
        QCOMPARE(readAll(QString::fromStdString(path)), QByteArray("second version"));
        QVERIFY_THROWS_EXCEPTION(RunError, writeFileAtomically("/proc/alx-no/x.txt", "x"));
        QVERIFY_THROWS_EXCEPTION(InputError, ensureWritableDirectory(path + "/sub"));  // under a file
    }
};

QTEST_GUILESS_MAIN(TestRunOutputs)
#include "test_run_outputs.moc"
