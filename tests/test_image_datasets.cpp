// A person's own images through alx-cli: an image folder of each layout
// (class folders, train/ and test/ with an unlabelled pile, labels.csv),
// RGB and grey, two sizes and three classes, is trained on, scored, mapped
// and audited; the run records its shape, classes and folder. Images that
// do not decode are refused naming the file, or left out and listed when
// asked. A pile of unlabelled images is labelled by an oracle through
// alx-cli al, interrupted and resumed, and its labels exported. The images are made here with libpng and libjpeg: three classes
// a network can tell apart (a bright top, left or centre) under noise.
#include "alx/jobs/job.h"  // LibTorch before Qt (Qt's slots macro)
#include "alx/jobs/run_folder_job.h"

#include <QDir>
#include <QElapsedTimer>
#include <QSet>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include <random>

#include <signal.h>

#include "image_writer.h"
#include "test_support.h"

using alx::test::readJson;
using alx::test::runCli;
using Result = alx::test::CliResult;

namespace {

// labels.csv of a run, without its header.
QList<QByteArray> labelRows(const QString& run) {
    QFile f(run + "/labels.csv");
    if (!f.open(QIODevice::ReadOnly)) return {};
    return f.readAll().trimmed().split('\n').mid(1);
}

int csvRows(const QString& path) {
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) return -1;
    int lines = 0;
    while (!f.atEnd()) lines += f.readLine().trimmed().isEmpty() ? 0 : 1;
    return lines - 1;  // the header
}

QJsonArray array(std::initializer_list<QJsonValue> values) { return QJsonArray(values); }

// One image of class 0 (bright top), 1 (bright left) or 2 (bright centre),
// with noise and, in colour, a random tint shared by the three channels'
// patterns, so that the class is in the shape, not the colour.
alx::test::Bytes pattern(int label, int height, int width, int channels, std::mt19937& random) {
    std::uniform_int_distribution<int> noise(-40, 40), tint(0, 60);
    const int shade[3] = {tint(random), tint(random), tint(random)};
    alx::test::Bytes pixels;
    for (int y = 0; y < height; ++y) {
        for (int x = 0; x < width; ++x) {
            const bool lit = label == 0 ? y < height / 2
                           : label == 1 ? x < width / 2
                                        : std::abs(y - height / 2) < height / 4 && std::abs(x - width / 2) < width / 4;
            for (int c = 0; c < channels; ++c) {
                pixels.push_back(uint8_t(std::clamp((lit ? 190 : 40) + shade[c] + noise(random), 0, 255)));
            }
        }
    }
    return pixels;
}

const QStringList kClasses = {"bright_top", "bright_left", "bright_centre"};

// `perClass` images of each class under root/<prefix><class>/.
void writeClasses(const QString& root, int perClass, int height, int width, int channels, const QString& extension,
                  unsigned seed) {
    std::mt19937 random(seed);
    for (int label = 0; label < 3; ++label) {
        for (int i = 0; i < perClass; ++i) {
            const QString path = QString("%1/%2/%3.%4").arg(root, kClasses[label]).arg(i, 3, 10, QChar('0')).arg(extension);
            alx::test::writeImage(path.toStdString(), width, height, channels, pattern(label, height, width, channels, random));
        }
    }
}

}  // namespace

class TestImageDatasets : public QObject {
    Q_OBJECT

private:
    QTemporaryDir tmp_;

    // Trains lenet5 on `data` into a new run folder; returns it, or fails.
    QString train(const QString& data, const QString& name, const QStringList& extra = {}) {
        const QString run = tmp_.path() + "/" + name;
        const Result r = runCli(QStringList{"train", "--dataset", "images", "--data-dir", data, "--model", "lenet5",
                                            "--epochs", "6", "--batch-size", "8", "--seed", "3", "--device", "cpu",
                                            "--out", run} + extra);
        if (r.exitCode != 0) qWarning().noquote() << r.out << r.err;
        return r.exitCode == 0 ? run : QString();
    }

    // Scores, a map of test and training images, and the audit of the run.
    void inspect(const QString& run, int testImages, int trainImages) {
        QCOMPARE(csvRows(run + "/per_sample.csv"), testImages);
        Result r = runCli({"map", "--run", run, "--method", "pca", "--split", "all", "--device", "cpu"});
        QVERIFY2(r.exitCode == 0, qPrintable(r.out + r.err));
        QVERIFY(QFile::exists(run + "/map_pca_all.npy"));
        QVERIFY2(r.out.contains(QString("(%1 x 2)").arg(testImages + trainImages)), qPrintable(r.out));
        r = runCli({"audit", "--run", run, "--out", run + "/audit", "--device", "cpu"});
        QVERIFY2(r.exitCode == 0, qPrintable(r.out + r.err));
        QVERIFY(QFile::exists(run + "/audit/label_issues.csv"));
        QCOMPARE(readJson(run + "/audit/label_quality.json")["class_names"].toArray(),
                 array({kClasses[2], kClasses[1], kClasses[0]}));  // sorted by name
    }

private slots:
    void initTestCase() { QVERIFY(tmp_.isValid()); }

    // DIR/<class>/*: RGB PNGs, split here, 20 % of each class tested.
    void classFoldersInColour() {
        const QString data = tmp_.path() + "/colour";
        writeClasses(data, 30, 20, 24, 3, "png", 1);
        const QString run = train(data, "colour-run");
        QVERIFY(!run.isEmpty());
        const QJsonObject s = readJson(run + "/summary.json");
        QCOMPARE(s["dataset"].toString(), QString("images"));
        QCOMPARE(s["image_shape"].toArray(), array({3, 20, 24}));
        QCOMPARE(s["class_names"].toArray(), array({kClasses[2], kClasses[1], kClasses[0]}));
        QCOMPARE(s["data_dir"].toString(), data);
        QCOMPARE(s["test_fraction"].toDouble(), 0.2);
        QCOMPARE(s["train_images"].toInt(), 72);
        QVERIFY2(s["test_accuracy"].toDouble() > 0.6, qPrintable(QString::number(s["test_accuracy"].toDouble())));
        inspect(run, 18, 72);
    }

    // DIR/train/<class>, DIR/test/<class> and DIR/unlabelled/: grey PNGs,
    // the folder's own split; the unlabelled pile is neither trained on nor tested.
    void splitFoldersInGrey() {
        const QString data = tmp_.path() + "/grey";
        writeClasses(data + "/train", 24, 32, 32, 1, "png", 2);
        writeClasses(data + "/test", 8, 32, 32, 1, "png", 3);
        std::mt19937 random(4);
        for (int i = 0; i < 5; ++i) {
            alx::test::writeImage(QString("%1/unlabelled/batch/%2.png").arg(data).arg(i).toStdString(), 32, 32, 1,
                                  pattern(i % 3, 32, 32, 1, random));
        }
        const QString run = train(data, "grey-run");
        QVERIFY(!run.isEmpty());
        const QJsonObject s = readJson(run + "/summary.json");
        QCOMPARE(s["image_shape"].toArray(), array({1, 32, 32}));
        QCOMPARE(s["train_images"].toInt(), 72);
        QVERIFY(!s.contains("test_fraction"));  // the folder's own split
        inspect(run, 24, 72);

        // The same folder as colour, on request.
        const QString colour = train(data, "grey-as-rgb", {"--channels", "3"});
        QVERIFY(!colour.isEmpty());
        QCOMPARE(readJson(colour + "/summary.json")["image_shape"].toArray(), array({3, 32, 32}));
    }

    // A folder that is only a pile of unlabelled images, labelled by an
    // oracle standing in for a person (two images it lacks are skipped): the
    // first batch covers the three kinds without a label looked at, the
    // accuracy is cross-validated (no test images), labels.csv keeps every
    // answer, an interrupted run resumes without asking an image twice, and
    // labels export writes what was given.
    void pileLabelledByAnOracle() {
        const QString data = tmp_.path() + "/pile";
        std::mt19937 random(11);
        QString oracle = "path,label\n";
        for (int i = 0; i < 60; ++i) {
            const QString path = QString("unlabelled/img%1.png").arg(i, 3, 10, QChar('0'));
            alx::test::writeImage((data + "/" + path).toStdString(), 28, 28, 1, pattern(i % 3, 28, 28, 1, random));
            if (i != 7 && i != 8) oracle += path + "," + kClasses[i % 3] + "\n";
        }
        const QString oracleFile = tmp_.path() + "/oracle.csv";
        QFile f(oracleFile);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(oracle.toUtf8());
        f.close();
        const QString run = tmp_.path() + "/pile-run";
        const QStringList al{"al", "--dataset", "images", "--data-dir", data, "--model", "lenet5", "--strategy", "entropy",
                             "--repeats", "1", "--initial", "6", "--acquire", "6", "--budget", "24", "--max-steps", "20",
                             "--device", "cpu", "--threads", "1", "--out", run};

        Result r = runCli({"train", "--dataset", "images", "--data-dir", data, "--model", "lenet5", "--out", run + "-train"});
        QCOMPARE(r.exitCode, 2);  // nothing labelled to train on yet
        QVERIFY2(r.err.contains("no labelled images") && r.err.contains("--oracle"), qPrintable(r.err));
        r = runCli(al);
        QCOMPARE(r.exitCode, 2);  // nobody to answer
        QVERIFY2(r.err.contains("--oracle"), qPrintable(r.err));
        r = runCli(QStringList(al).replaceInStrings("entropy", "entropy,margin") + QStringList{"--oracle", oracleFile});
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains("one strategy"), qPrintable(r.err));

        // Stopped after its first measured round, then resumed.
        QProcess first;
        first.setProcessChannelMode(QProcess::MergedChannels);
        first.start(alx::test::cliPath(), al + QStringList{"--oracle", oracleFile});
        QVERIFY(first.waitForStarted());
        QString printed;
        QElapsedTimer waited;
        waited.start();
        while (!printed.contains("accuracy") && first.state() == QProcess::Running && waited.elapsed() < 120000) {
            first.waitForReadyRead(200);
            printed += first.readAll();
        }
        QVERIFY2(printed.contains("cross-validated accuracy"), qPrintable(printed));
        ::kill(pid_t(first.processId()), SIGINT);
        QVERIFY(first.waitForFinished(60000));
        printed += first.readAll();
        const bool stoppedEarly = first.exitCode() == 130;
        QVERIFY2(stoppedEarly || first.exitCode() == 0, qPrintable(printed));
        const QList<QByteArray> before = labelRows(run);
        QVERIFY(before.size() >= 6);
        r = runCli(al + QStringList{"--oracle", oracleFile, "--resume"});
        QVERIFY2(r.exitCode == 0, qPrintable(r.out + r.err));

        const QList<QByteArray> rows = labelRows(run);
        for (int i = 0; i < before.size(); ++i) {  // what was answered before the stop is kept as it was
            if (!before[i].contains(",pending,")) QCOMPARE(rows[i], before[i]);
            else QCOMPARE(rows[i].split(',')[0], before[i].split(',')[0]);
        }
        QSet<QByteArray> paths;
        int labelled = 0, skipped = 0;
        QSet<QString> firstKinds;
        for (const QByteArray& row : rows) {
            const QList<QByteArray> f = row.split(',');
            QVERIFY2(!paths.contains(f[0]), f[0].constData());  // no image asked twice
            paths.insert(f[0]);
            const int index = f[0].mid(14, 3).toInt();  // unlabelled/imgNNN.png
            if (f[2] == "labelled") {
                ++labelled;
                QCOMPARE(QString(f[1]), kClasses[index % 3]);
            }
            skipped += f[2] == "skipped";
            if (f[3] == "0") firstKinds.insert(kClasses[index % 3]);
        }
        QCOMPARE(labelled, 24);
        QVERIFY(skipped <= 2);
        QCOMPARE(firstKinds.size(), 3);  // the cold start covered the three kinds
        QCOMPARE(readJson(run + "/settings.json")["cold_start"].toString(), QString("typical"));
        QVERIFY(csvRows(run + "/curve.csv") >= 3);

        // Opened, the run shows its last batch from labels.csv: the images
        // labelled for its last round, with the labels given.
        const alx::OpenedActiveLearningRun opened = alx::openActiveLearningRun(run.toStdString(), {});
        QCOMPARE(opened.lastRound, csvRows(run + "/curve.csv") - 1);
        QSet<QString> lastBatch;
        for (const QByteArray& row : rows) {
            const QList<QByteArray> f = row.split(',');
            if (f[2] == "labelled" && f[3].toInt() == opened.lastRound) lastBatch.insert(QString(f[0]));
        }
        QVERIFY(!lastBatch.isEmpty());
        QCOMPARE(int(opened.lastAcquired.size()), lastBatch.size());
        QCOMPARE(int(opened.lastImages.count()), lastBatch.size());
        QCOMPARE(opened.lastUsedLabels, opened.lastTrueLabels);
        const alx::LoadedDataset pile = alx::loadJobData(alx::seededDataset(opened.settings.data, opened.settings.seed), {}, {},
                                                         /*pileAllowed=*/true);
        for (size_t i = 0; i < opened.lastAcquired.size(); ++i) {
            const QString path = QString::fromStdString(pile.poolPaths.at(size_t(opened.lastAcquired[i])));
            QVERIFY2(lastBatch.contains(path), qPrintable(path));
            const int index = path.mid(14, 3).toInt();  // unlabelled/imgNNN.png
            QCOMPARE(QString::fromStdString(opened.classNames.at(size_t(opened.lastUsedLabels[i]))), kClasses[index % 3]);
        }
        // The pile moved away: the run still opens, its curve without the batch.
        QVERIFY(QDir().rename(data, data + "-moved"));
        const alx::OpenedActiveLearningRun withoutPile = alx::openActiveLearningRun(run.toStdString(), {});
        QCOMPARE(withoutPile.curve.size(), opened.curve.size());
        QVERIFY(withoutPile.lastAcquired.empty() && withoutPile.lastImages.count() == 0);
        QVERIFY(QDir().rename(data + "-moved", data));

        const QString exported = tmp_.path() + "/my-labels.csv";
        r = runCli({"labels", "export", run, "--out", exported});
        QVERIFY2(r.exitCode == 0 && r.out.contains("Wrote 24 labels"), qPrintable(r.out + r.err));
        QCOMPARE(csvRows(exported), 24);
        r = runCli({"labels", "export", tmp_.path() + "/colour-run", "--out", exported + "2"});
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains("labels.csv"), qPrintable(r.err));
        // The export is a labels.csv an image folder can be made of: the pile, labelled, trains.
        QVERIFY(QFile::copy(exported, data + "/labels.csv"));
        r = runCli({"train", "--dataset", "images", "--data-dir", data, "--model", "lenet5", "--epochs", "1", "--device",
                    "cpu", "--out", run + "-labelled"});
        QVERIFY2(r.exitCode == 0, qPrintable(r.out + r.err));
    }

    // labels.csv over JPEGs of two sizes: refused without --image-size,
    // trained at the size asked for; the audit cross-validates the training split.
    void labelsCsvOfMixedSizes() {
        const QString data = tmp_.path() + "/csv";
        std::mt19937 random(5);
        QFile csv(data + "/labels.csv");
        QDir().mkpath(data);
        QVERIFY(csv.open(QIODevice::WriteOnly));
        csv.write("path,label\n");
        for (int i = 0; i < 60; ++i) {
            const int label = i % 3, side = i % 2 ? 28 : 40;
            const QString name = QString("scans/%1.jpg").arg(i);
            alx::test::writeImage((data + "/" + name).toStdString(), side, side, 3, pattern(label, side, side, 3, random));
            csv.write(QString("%1,%2\n").arg(name, kClasses[label]).toUtf8());
        }
        csv.write("scans/unsure.jpg,\n");  // no label: the pool, not trained on
        alx::test::writeImage((data + "/scans/unsure.jpg").toStdString(), 28, 28, 3, pattern(0, 28, 28, 3, random));
        csv.close();

        Result r = runCli({"train", "--dataset", "images", "--data-dir", data, "--model", "lenet5", "--epochs", "1",
                           "--out", tmp_.path() + "/csv-refused"});
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains("--image-size") && r.err.contains("2 sizes"), qPrintable(r.err));

        const QString run = train(data, "csv-run", {"--image-size", "24x24"});
        QVERIFY(!run.isEmpty());
        QCOMPARE(readJson(run + "/summary.json")["image_shape"].toArray(), array({3, 24, 24}));

        r = runCli({"audit", "--dataset", "images", "--data-dir", data, "--image-size", "24x24", "--model", "lenet5",
                    "--split", "train", "--folds", "2", "--epochs", "1", "--device", "cpu", "--out",
                    tmp_.path() + "/csv-audit"});
        QVERIFY2(r.exitCode == 0, qPrintable(r.out + r.err));
        QCOMPARE(csvRows(tmp_.path() + "/csv-audit/label_issues.csv") >= 0, true);
    }

    // EMNIST letters (generated in its IDX format: labels from 1, images
    // transposed) trains with 26 classes named a..z.
    void emnistLettersTrains() {
        const QString data = tmp_.path() + "/emnist";
        alx::test::SyntheticIdx letters;
        letters.stems = {"emnist-letters-train-images-idx3-ubyte", "emnist-letters-train-labels-idx1-ubyte",
                         "emnist-letters-test-images-idx3-ubyte", "emnist-letters-test-labels-idx1-ubyte"};
        letters.classes = 26;
        letters.firstLabel = 1;
        letters.transposed = true;
        alx::test::writeSyntheticIdx(data.toStdString(), 1040, 260, letters, true);
        const QString run = tmp_.path() + "/emnist-run";
        const Result r = runCli({"train", "--dataset", "emnist-letters", "--data-dir", data, "--model", "lenet5",
                                 "--epochs", "3", "--device", "cpu", "--out", run});
        QVERIFY2(r.exitCode == 0, qPrintable(r.out + r.err));
        const QJsonObject s = readJson(run + "/summary.json");
        QJsonArray names;
        for (char c = 'a'; c <= 'z'; ++c) names.append(QString(QChar(c)));
        QCOMPARE(s["class_names"].toArray(), names);
        QCOMPARE(s["confusion_matrix"].toArray().size(), 26);
        QVERIFY2(s["test_accuracy"].toDouble() > 0.5, qPrintable(QString::number(s["test_accuracy"].toDouble())));
    }

    // A zero-byte image and a text file named .png: refused with the path
    // and the reason, or left out and listed with --skip-bad-images. One
    // class is no classification.
    void badImagesAreNamed() {
        const QString data = tmp_.path() + "/bad";
        writeClasses(data, 10, 20, 20, 1, "png", 6);
        QFile(data + "/bright_top/empty.png").open(QIODevice::WriteOnly);
        QFile text(data + "/bright_left/notes.png");
        QVERIFY(text.open(QIODevice::WriteOnly));
        text.write("not an image at all\n");
        text.close();
        const QStringList args{"train", "--dataset", "images", "--data-dir", data, "--model", "lenet5", "--epochs", "1",
                               "--device", "cpu", "--out", tmp_.path() + "/bad-run"};
        Result r = runCli(args);
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains("bright_left/notes.png") || r.err.contains("bright_top/empty.png"), qPrintable(r.err));
        QVERIFY2(r.err.contains("--skip-bad-images"), qPrintable(r.err));

        r = runCli(args + QStringList{"--skip-bad-images"});
        QVERIFY2(r.exitCode == 0, qPrintable(r.out + r.err));
        QVERIFY2(r.out.contains("2 image(s) left out") && r.out.contains("empty.png") && r.out.contains("notes.png"),
                 qPrintable(r.out));

        const QString single = tmp_.path() + "/single";
        std::mt19937 random(7);
        for (int i = 0; i < 4; ++i) {
            alx::test::writeImage(QString("%1/only/%2.png").arg(single).arg(i).toStdString(), 20, 20, 1,
                                  pattern(0, 20, 20, 1, random));
        }
        r = runCli({"train", "--dataset", "images", "--data-dir", single, "--model", "lenet5", "--epochs", "1", "--out",
                    tmp_.path() + "/x"});
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains(single) && r.err.contains("class"), qPrintable(r.err));

        r = runCli({"train", "--dataset", "images", "--model", "lenet5", "--epochs", "1", "--out", tmp_.path() + "/y"});
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains("--data-dir"), qPrintable(r.err));
        r = runCli({"train", "--dataset", "images", "--data-dir", data, "--model", "lenet5", "--image-size", "64", "--out",
                    tmp_.path() + "/z"});
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains("HxW"), qPrintable(r.err));
    }
};

QTEST_GUILESS_MAIN(TestImageDatasets)
#include "test_image_datasets.moc"
