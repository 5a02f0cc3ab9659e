// alx-cli as a user or a script meets it: exit codes, one-line errors, the
// files of a run, evaluation of saved weights, and Ctrl-C mid-training.
#include <signal.h>
#include <unistd.h>

#include "test_support.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QtTest>

#include <set>

namespace {

struct Result {
    int exitCode = -1;
    QString out, err;
};

// Runs alx-cli; with `unprivileged`, as user nobody when the tests run as
// root (root reads any file, so "permission denied" needs another user).
Result runCli(const QStringList& args, int timeoutMs = 120000, bool unprivileged = false) {
    QProcess p;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.remove("ALX_DATA_DIR");
    p.setProcessEnvironment(env);
    QString copy;  // nobody may not reach the build tree: a copy in the temporary folder
    if (unprivileged && geteuid() == 0) {
        copy = QDir::tempPath() + "/alx-cli-as-nobody-" + QString::number(QCoreApplication::applicationPid());
        QFile::remove(copy);
        if (!QFile::copy(alx::test::cliPath(), copy) ||
            !QFile::setPermissions(copy, QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner | QFile::ReadGroup |
                                             QFile::ExeGroup | QFile::ReadOther | QFile::ExeOther)) {
            return {-1, {}, "cannot copy alx-cli to " + copy};
        }
        p.start("setpriv", QStringList{"--reuid=nobody", "--regid=nogroup", "--clear-groups", "--", copy} + args);
    } else {
        p.start(alx::test::cliPath(), args);
    }
    if (!p.waitForFinished(timeoutMs)) {
        p.kill();
        p.waitForFinished();
    }
    if (!copy.isEmpty()) QFile::remove(copy);
    return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1, QString::fromUtf8(p.readAllStandardOutput()),
            QString::fromUtf8(p.readAllStandardError())};
}

QJsonObject readJson(const QString& path) {
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) return {};
    return QJsonDocument::fromJson(f.readAll()).object();
}

// The shape in a .npy header, e.g. "(300, 84)".
QString npyShape(const QString& path) {
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) return {};
    const QByteArray header = f.read(128);
    const int start = header.indexOf("'shape': ") + 9;
    return QString::fromLatin1(header.mid(start, header.indexOf(')', start) - start + 1));
}

}  // namespace

class TestCli : public QObject {
    Q_OBJECT

    QTemporaryDir tmp_;
    QString data_;

    QString path(const QString& name) const { return tmp_.path() + "/" + name; }

    void expectBadInput(const QStringList& args, const QString& mentions) {
        const Result r = runCli(args);
        QVERIFY2(r.exitCode == 2, qPrintable(QString("exit %1: %2").arg(r.exitCode).arg(r.err)));
        QVERIFY2(r.err.contains(mentions), qPrintable(r.err));
        QCOMPARE(r.err.trimmed().count('\n'), 0);  // one line
    }

private slots:
    void initTestCase() {
        data_ = path("data");
        alx::test::writeSyntheticDataset(data_.toStdString(), 400, 300, true);
    }

    void versionAndHelp() {
        Result r = runCli({"--version"});
        QCOMPARE(r.exitCode, 0);
        QVERIFY2(r.out.contains("alx-cli 0."), qPrintable(r.out));
        r = runCli({"train", "--help"});
        QCOMPARE(r.exitCode, 0);
        for (const char* flag : {"--model", "--dataset", "--data-dir", "--epochs", "--batch-size", "--lr", "--seed",
                                 "--val", "--device", "--neighbours", "--out"}) {
            QVERIFY2(r.out.contains(flag), flag);
        }
    }

    void badFlagsAreExitCodeTwo() {
        expectBadInput({"train", "--model", "lenet5", "--out", path("x"), "--bogus"}, "bogus");
        expectBadInput({"train", "--model", "lenet5", "--out", path("x"), "--epochs", "zero"}, "epochs");
        expectBadInput({"al", "--strategy", "entropy", "--resume"}, "--out");
        expectBadInput({"train", "--model", "vgg16", "--out", path("x"), "--data-dir", data_, "--no-verify"},
                       "unknown model 'vgg16'");
        expectBadInput({"train", "--model", "lenet5", "--dataset", "cifar", "--out", path("x")}, "unknown dataset");
        expectBadInput({"train", "--model", "lenet5", "--out", path("x"), "--device", "tpu"}, "device");
        expectBadInput({}, "subcommand");
    }

    void missingOrDamagedDataIsExitCodeTwo() {
        QDir().mkpath(path("empty"));
        expectBadInput({"train", "--model", "lenet5", "--data-dir", path("empty"), "--out", path("o1")},
                       "not found");
        // A truncated gzip file.
        const QString damaged = path("damaged");
        alx::test::writeSyntheticDataset(damaged.toStdString(), 20, 20, true);
        QFile f(damaged + "/train-images-idx3-ubyte.gz");
        QVERIFY(f.open(QIODevice::ReadWrite));
        f.resize(f.size() / 2);
        f.close();
        expectBadInput({"train", "--model", "lenet5", "--data-dir", damaged, "--no-verify", "--out", path("o2")},
                       "train-images-idx3-ubyte.gz: corrupt gzip data");
        // The synthetic files are not MNIST: the checksum says so.
        expectBadInput({"train", "--model", "lenet5", "--data-dir", data_, "--out", path("o3")}, "checksum mismatch");
    }

    void unreadableDataIsExitCodeTwo() {
        // The folders open to all, the training images to nobody.
        const QString dir = path("unreadable");
        alx::test::writeSyntheticDataset(dir.toStdString(), 20, 20, true);
        const auto open = QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner | QFile::ReadGroup | QFile::ExeGroup |
                          QFile::ReadOther | QFile::ExeOther;
        QVERIFY(QFile::setPermissions(tmp_.path(), open));
        QVERIFY(QFile::setPermissions(dir, open));
        const QString images = dir + "/train-images-idx3-ubyte.gz";
        QVERIFY(QFile::setPermissions(images, QFile::Permissions()));
        for (const QStringList& extra : {QStringList{"--no-verify"}, QStringList{}}) {
            const Result r = runCli(QStringList{"train", "--model", "lenet5", "--data-dir", dir, "--out", "/tmp/never"} + extra,
                                    120000, /*unprivileged=*/true);
            QVERIFY2(r.exitCode == 2, qPrintable(QString("exit %1: %2").arg(r.exitCode).arg(r.err)));
            QVERIFY2(r.err.contains("train-images-idx3-ubyte.gz") && r.err.contains("Permission denied"), qPrintable(r.err));
            QCOMPARE(r.err.trimmed().count('\n'), 0);
        }
        QVERIFY(QFile::setPermissions(images, open));
    }

    void unwritableOutputIsExitCodeTwo() {
        QFile blocker(path("a-file"));
        QVERIFY(blocker.open(QIODevice::WriteOnly));
        blocker.close();
        expectBadInput({"train", "--model", "lenet5", "--data-dir", data_, "--no-verify", "--out", path("a-file/run")},
                       "a-file");
    }

    void cudaWithoutCudaIsExitCodeTwo() {
        const Result probe = runCli({"train", "--model", "lenet5", "--data-dir", data_, "--no-verify", "--epochs", "1",
                                     "--device", "cuda", "--out", path("cuda")});
        if (probe.exitCode == 0) QSKIP("this machine has CUDA");
        QCOMPARE(probe.exitCode, 2);
        QVERIFY2(probe.err.contains("no CUDA device"), qPrintable(probe.err));
    }

    void trainWritesEveryFileThenEvalReproducesIt() {
        const QString out = path("run");
        const Result r = runCli({"train", "--model", "lenet5", "--data-dir", data_, "--no-verify", "--epochs", "4",
                                 "--batch-size", "16", "--neighbours", "4", "--val", "50", "--out", out});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QVERIFY(r.out.contains("Epoch 1/4, Loss: "));
        QVERIFY(r.out.contains("Epoch 4/4, Loss: "));
        QVERIFY(r.out.contains("Accuracy on the test set: "));
        QVERIFY(r.out.contains("Mean kl_divergence:"));

        const QJsonObject s = readJson(out + "/summary.json");
        QCOMPARE(s["model"].toString(), QString("lenet5"));
        QCOMPARE(s["dataset"].toString(), QString("mnist"));
        QVERIFY(s["device"].toString().startsWith("cpu") || s["device"].toString().startsWith("cuda"));
        QCOMPARE(s["epochs"].toInt(), 4);
        QCOMPARE(s["epoch_loss"].toArray().size(), 4);
        QCOMPARE(s["validation_accuracy"].toArray().size(), 4);
        QCOMPARE(s["train_images"].toInt(), 350);
        const double accuracy = s["test_accuracy"].toDouble();
        QVERIFY2(accuracy > 0.8 && accuracy <= 1.0, qPrintable(r.out));
        QVERIFY(s["train_seconds"].toDouble() > 0);
        const QJsonObject means = s["metric_means"].toObject();
        for (const char* key : {"least_confidence", "entropy", "margin", "cosine_similarity", "l2_distance",
                                "kl_divergence"}) {
            QVERIFY2(means.contains(key), key);
        }

        QFile csv(out + "/per_sample.csv");
        QVERIFY(csv.open(QIODevice::ReadOnly));
        const QList<QByteArray> lines = csv.readAll().trimmed().split('\n');
        QCOMPARE(lines.size(), 301);
        QVERIFY(lines[0].startsWith("index,label,predicted,least_confidence,entropy,margin,cosine_similarity,"
                                    "l2_distance,kl_divergence,neighbours"));
        QCOMPARE(lines[1].split(',').last().split(' ').size(), 4);  // m = 4 neighbours
        QCOMPARE(npyShape(out + "/probabilities.npy"), QString("(300, 10)"));
        QCOMPARE(npyShape(out + "/embeddings.npy"), QString("(300, 84)"));
        QVERIFY(QFile::exists(out + "/model.pt"));

        const QString evalOut = path("eval");
        const Result e = runCli({"eval", "--model", "lenet5", "--weights", out + "/model.pt", "--data-dir", data_,
                                 "--no-verify", "--neighbours", "4", "--out", evalOut});
        QVERIFY2(e.exitCode == 0, qPrintable(e.err));
        const QJsonObject es = readJson(evalOut + "/summary.json");
        QCOMPARE(es["test_accuracy"].toDouble(), accuracy);
        QCOMPARE(es["metric_means"].toObject()["entropy"].toDouble(), means["entropy"].toDouble());
        QCOMPARE(es["epochs"].toInt(), 0);

        // Weights of another architecture are refused with a clear message.
        expectBadInput({"eval", "--model", "simplecnn", "--weights", out + "/model.pt", "--data-dir", data_,
                        "--no-verify", "--out", path("eval2")},
                       "model.pt");
        // net has LeNet-5's tensor names and shapes: the model recorded in the file tells them apart.
        const Result wrong = runCli({"eval", "--model", "net", "--weights", out + "/model.pt", "--data-dir", data_,
                                     "--no-verify", "--out", path("eval3")});
        QCOMPARE(wrong.exitCode, 2);
        QVERIFY2(wrong.err.contains("model.pt") && wrong.err.contains("'lenet5'") && wrong.err.contains("'net'"),
                 qPrintable(wrong.err));
        QCOMPARE(wrong.err.trimmed().count('\n'), 0);
        // Refused before anything is written: no empty run folder is left behind.
        QVERIFY(!QFileInfo::exists(path("eval2")));
        QVERIFY(!QFileInfo::exists(path("eval3")));
        // The run folder is whole and consistent for the strict reader, and says what it is.
        QCOMPARE(s["format"].toInt(), 1);
        QCOMPARE(s["kind"].toString(), QString("training"));
        QCOMPARE(es["kind"].toString(), QString("evaluation"));
        QCOMPARE(s["class_names"].toArray().size(), 10);

        // Calibration of the test probabilities, and a temperature fitted on the 50 validation images.
        const QJsonObject c = s["calibration"].toObject();
        for (const char* key : {"ece", "mce", "nll", "brier"}) QVERIFY2(c[key].isDouble(), key);
        QVERIFY(c["ece"].toDouble() >= 0 && c["ece"].toDouble() <= c["mce"].toDouble() + 1e-12);
        QVERIFY(c["brier"].toDouble() >= 0 && c["brier"].toDouble() <= 2);
        QVERIFY(c["nll"].toDouble() > 0);
        QVERIFY(c["temperature"].toDouble() > 0);
        QVERIFY(c["ece_scaled"].isDouble());
        int64_t binned = 0;
        for (const auto& bin : c["bins"].toArray()) binned += bin.toObject()["count"].toInteger();
        QCOMPARE(c["bins"].toArray().size(), 15);
        QCOMPARE(binned, int64_t(300));
        // Without a validation split nothing is fitted, and the summary says so with nulls.
        const QJsonObject ec = es["calibration"].toObject();
        QVERIFY(ec["temperature"].isNull() && ec["ece_scaled"].isNull());
        QCOMPARE(ec["ece"].toDouble(), c["ece"].toDouble());
        // Every figure again, from probabilities.npy and per_sample.csv, by NumPy.
        if (QProcess::execute("/usr/bin/python3", {"-c", "import numpy"}) == 0) {
            QProcess check;
            check.start("/usr/bin/python3", {QString(ALX_TESTS_SOURCE_DIR) + "/../scripts/calibration-check.py", out, evalOut});
            QVERIFY(check.waitForFinished(60000));
            QVERIFY2(check.exitCode() == 0, check.readAllStandardError().constData());
        }
    }

    void auditFlagsLabelsAndResumesItsFolds() {
        const QString run = path("audit-run");
        const Result r = runCli({"train", "--model", "lenet5", "--data-dir", data_, "--no-verify", "--epochs", "2",
                                 "--out", run});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));

        // The test split, from the run's probabilities: one row per image, flagged first.
        const QString out = path("audit-test");
        const Result a = runCli({"audit", "--run", run, "--out", out});
        QVERIFY2(a.exitCode == 0, qPrintable(a.err));
        QFile csv(out + "/label_issues.csv");
        QVERIFY(csv.open(QIODevice::ReadOnly));
        const QList<QByteArray> lines = csv.readAll().trimmed().split('\n');
        QCOMPARE(lines[0], QByteArray("rank,index,given,suggested,p_given,p_suggested,flagged,score"));
        QCOMPARE(lines.size(), 301);
        std::set<int> indices;
        bool unflaggedSeen = false;
        int flagged = 0;
        for (int i = 1; i < lines.size(); ++i) {
            const QList<QByteArray> f = lines[i].split(',');
            QCOMPARE(f.size(), 8);
            QCOMPARE(f[0].toInt(), i);
            indices.insert(f[1].toInt());
            const bool isFlagged = f[6] == "1";
            QVERIFY2(!(isFlagged && unflaggedSeen), "a flagged image after an unflagged one");
            unflaggedSeen = unflaggedSeen || !isFlagged;
            flagged += isFlagged;
            if (isFlagged) QVERIFY(f[2] != f[3]);  // flagged: the audit suggests another label
        }
        QCOMPARE(int(indices.size()), 300);
        QCOMPARE(*indices.begin(), 0);
        QCOMPARE(*indices.rbegin(), 299);
        const QJsonObject q = readJson(out + "/label_quality.json");
        QCOMPARE(q["method"].toString(), QString("confident_learning"));
        QCOMPARE(q["flagged_count"].toInt(), flagged);
        QCOMPARE(q["confident_joint"].toArray().size(), 10);
        QCOMPARE(q["thresholds"].toArray().size(), 10);
        QCOMPARE(q["settings"].toObject()["split"].toString(), QString("test"));

        // The same confident joint, flagged set and order from an independent NumPy implementation.
        if (QProcess::execute("/usr/bin/python3", {"-c", "import numpy"}) == 0) {
            QFile labels(out + "/labels.txt");
            QVERIFY(labels.open(QIODevice::WriteOnly));
            std::vector<QByteArray> byIndex(300);
            for (int i = 1; i < lines.size(); ++i) byIndex[size_t(lines[i].split(',')[1].toInt())] = lines[i].split(',')[2];
            for (const QByteArray& l : byIndex) labels.write(l + "\n");
            labels.close();
            QProcess reference;
            reference.start("/usr/bin/python3", {QString(ALX_TESTS_SOURCE_DIR) + "/audit_reference.py", out + "/probabilities.npy",
                                                 out + "/labels.txt", "--compare-json", out + "/label_quality.json",
                                                 "--compare-csv", out + "/label_issues.csv"});
            QVERIFY(reference.waitForFinished(60000));
            QVERIFY2(reference.exitCode() == 0, reference.readAllStandardError().constData());
        } else {
            qInfo("python3-numpy is absent: the NumPy cross-check is skipped");
        }

        // The training split by 3-fold cross-validation. An audit that lost
        // its last two folds (as a stopped one has) redoes only those, and
        // comes to the same probabilities byte for byte.
        const QString folds = path("audit-train");
        const QStringList train = {"audit", "--run", run, "--split", "train", "--folds", "3", "--epochs", "1",
                                   "--data-dir", data_, "--no-verify", "--threads", "1", "--out", folds};
        const Result whole = runCli(train);
        QVERIFY2(whole.exitCode == 0, qPrintable(whole.err));
        QVERIFY2(whole.out.contains("Fold 3/3: training on"), qPrintable(whole.out));
        QCOMPARE(npyShape(folds + "/probabilities.npy"), QString("(400, 10)"));
        QFile first(folds + "/probabilities.npy");
        QVERIFY(first.open(QIODevice::ReadOnly));
        const QByteArray before = first.readAll();
        first.close();
        for (const char* lost : {"/folds/fold_1.npy", "/folds/fold_2.npy", "/probabilities.npy", "/label_issues.csv"}) {
            QVERIFY(QFile::remove(folds + lost));
        }
        const Result resumed = runCli(train);
        QVERIFY2(resumed.exitCode == 0, qPrintable(resumed.err));
        QVERIFY2(resumed.out.contains("Fold 1/3: kept from an earlier run"), qPrintable(resumed.out));
        QVERIFY2(resumed.out.contains("Fold 2/3: training on"), qPrintable(resumed.out));
        QFile again(folds + "/probabilities.npy");
        QVERIFY(again.open(QIODevice::ReadOnly));
        QVERIFY(again.readAll() == before);
        QCOMPARE(readJson(folds + "/label_quality.json")["settings"].toObject()["folds"].toInt(), 3);
        // Other settings in the same folder are refused rather than mixed in.
        expectBadInput({"audit", "--run", run, "--split", "train", "--folds", "4", "--epochs", "1", "--data-dir", data_,
                        "--no-verify", "--out", folds},
                       "plan.json");

        // Training on a review: without the images marked mislabelled or
        // ambiguous, or with the labels typed for the mislabelled ones.
        const QString review = path("label_review.csv");
        {
            QFile f(review);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write("index,verdict,label\n3,mislabelled,7\n5,ambiguous,\n8,fine,\n11,mislabelled,\n");
        }
        const Result excluded = runCli({"train", "--model", "lenet5", "--data-dir", data_, "--no-verify", "--epochs", "1",
                                        "--exclude", review, "--out", path("excluded")});
        QVERIFY2(excluded.exitCode == 0, qPrintable(excluded.err));
        QVERIFY2(excluded.out.contains("Training on 397 images: 3 left out, 0 relabelled"), qPrintable(excluded.out));
        QCOMPARE(readJson(path("excluded") + "/summary.json")["excluded"].toObject()["images"].toInt(), 3);
        QCOMPARE(readJson(path("excluded") + "/summary.json")["train_images"].toInt(), 397);
        const Result relabelled = runCli({"train", "--model", "lenet5", "--data-dir", data_, "--no-verify", "--epochs", "1",
                                          "--relabel", review, "--out", path("relabelled")});
        QVERIFY2(relabelled.exitCode == 0, qPrintable(relabelled.err));
        QCOMPARE(readJson(path("relabelled") + "/summary.json")["relabelled"].toObject()["file"].toString(), review);
        // A damaged review, or one naming images beyond the training set, is refused naming the file.
        {
            QFile f(review);
            QVERIFY(f.open(QIODevice::Append));
            f.write("12,perhaps,\n");
        }
        expectBadInput({"train", "--model", "lenet5", "--data-dir", data_, "--no-verify", "--epochs", "1", "--exclude",
                        review, "--out", path("excluded2")},
                       "line 6");
        {
            QFile f(review);
            QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
            f.write("index\n400\n");
        }
        expectBadInput({"train", "--model", "lenet5", "--data-dir", data_, "--no-verify", "--epochs", "1", "--exclude",
                        review, "--out", path("excluded3")},
                       "beyond the 400");

        // A damaged run is refused before any work, naming the file.
        QFile probabilities(run + "/probabilities.npy");
        QVERIFY(probabilities.open(QIODevice::ReadWrite));
        probabilities.resize(100);
        probabilities.close();
        expectBadInput({"audit", "--run", run, "--out", path("audit-damaged")}, "probabilities.npy");
        expectBadInput({"audit", "--out", path("audit-nothing")}, "--run");
    }

    void mapsAndTrainingNeighboursAreKeptInTheRun() {
        const QString out = path("map-run");
        const Result r = runCli({"train", "--model", "lenet5", "--data-dir", data_, "--no-verify", "--epochs", "1",
                                 "--neighbours", "3", "--train-neighbours", "--out", out});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QCOMPARE(npyShape(out + "/train_neighbours.npy"), QString("(300, 3)"));
        QCOMPARE(npyShape(out + "/train_neighbour_similarities.npy"), QString("(300, 3)"));
        QCOMPARE(readJson(out + "/summary.json")["train_neighbours"].toInt(), 3);

        const Result pca = runCli({"map", "--run", out, "--method", "pca"});
        QVERIFY2(pca.exitCode == 0, qPrintable(pca.err));
        QCOMPARE(npyShape(out + "/map_pca_test.npy"), QString("(300, 2)"));
        const Result tsne = runCli({"map", "--run", out, "--iterations", "60", "--perplexity", "10"});
        QVERIFY2(tsne.exitCode == 0, qPrintable(tsne.err));
        QVERIFY2(tsne.out.contains("t-SNE iteration 60/60"), qPrintable(tsne.out));
        QCOMPARE(npyShape(out + "/map_tsne_test.npy"), QString("(300, 2)"));
        // Test and training images together: the test rows, then the training rows.
        const Result all = runCli({"map", "--run", out, "--method", "pca", "--split", "all", "--data-dir", data_,
                                   "--no-verify"});
        QVERIFY2(all.exitCode == 0, qPrintable(all.err));
        QCOMPARE(npyShape(out + "/map_pca_all.npy"), QString("(700, 2)"));
        QCOMPARE(npyShape(out + "/train_embeddings.npy"), QString("(400, 84)"));

        // A damaged run folder is refused before any work, naming the file.
        QFile summary(out + "/summary.json");
        QVERIFY(summary.open(QIODevice::ReadWrite));
        summary.resize(40);
        summary.close();
        expectBadInput({"map", "--run", out}, "summary.json");
    }

    void compareCountsDisagreementsAndRefusesDamage() {
        QStringList runs;
        for (const char* seed : {"0", "1"}) {
            const QString out = path(QString("compare-%1").arg(seed));
            const Result r = runCli({"train", "--model", "lenet5", "--data-dir", data_, "--no-verify", "--epochs", "1",
                                     "--seed", seed, "--out", out});
            QVERIFY2(r.exitCode == 0, qPrintable(r.err));
            runs << out;
        }
        const QString out = path("comparison");
        const Result c = runCli(QStringList{"compare"} + runs + QStringList{"--top", "30", "--out", out});
        QVERIFY2(c.exitCode == 0, qPrintable(c.err));
        // The predictions straight from each run's per_sample.csv.
        std::vector<QList<QByteArray>> predicted;
        for (const QString& run : runs) {
            QFile csv(run + "/per_sample.csv");
            QVERIFY(csv.open(QIODevice::ReadOnly));
            QList<QByteArray> column;
            for (const QByteArray& line : csv.readAll().trimmed().split('\n').mid(1)) column << line.split(',')[2];
            predicted.push_back(column);
        }
        int differ = 0;
        for (int i = 0; i < predicted[0].size(); ++i) differ += predicted[0][i] != predicted[1][i];
        const QJsonObject j = readJson(out + "/comparison.json");
        QCOMPARE(j["runs"].toArray().size(), 2);
        QCOMPARE(j["pairs"].toArray()[0].toObject()["disagreements"].toInt(), differ);
        QCOMPARE(j["disagreement_images"].toInt(), differ);
        QFile csv(out + "/disagreements.csv");
        QVERIFY(csv.open(QIODevice::ReadOnly));
        const QList<QByteArray> lines = csv.readAll().trimmed().split('\n');
        QCOMPARE(lines[0], QByteArray("index,label,run1_predicted,run2_predicted"));
        QCOMPARE(lines.size() - 1, differ);
        // A damaged run is refused whole, naming the file.
        QFile summary(runs[1] + "/per_sample.csv");
        QVERIFY(summary.open(QIODevice::Append));
        summary.write("garbage\n");
        summary.close();
        expectBadInput(QStringList{"compare"} + runs + QStringList{"--out", path("comparison2")}, "per_sample.csv");
        expectBadInput({"compare", runs[0], "--out", path("comparison3")}, "");
    }

    void runsAreKeptListedAndSurviveDamage() {
        const QString runs = path("runs");
        // Without --out the run gets a readable folder in the runs folder; with --out it is registered.
        const Result inside = runCli({"train", "--model", "lenet5", "--data-dir", data_, "--no-verify", "--epochs", "1",
                                      "--runs-dir", runs});
        QVERIFY2(inside.exitCode == 0, qPrintable(inside.err));
        const QStringList made = QDir(runs).entryList(QDir::Dirs | QDir::NoDotAndDotDot);
        QCOMPARE(made.size(), 1);
        QVERIFY2(QRegularExpression("^\\d{4}-\\d\\d-\\d\\d_\\d\\d-\\d\\d-\\d\\d_lenet5_mnist$").match(made[0]).hasMatch(),
                 qPrintable(made[0]));
        const QString outside = path("outside-run");
        const Result registered = runCli({"train", "--model", "net", "--data-dir", data_, "--no-verify", "--epochs", "1",
                                          "--out", outside, "--runs-dir", runs});
        QVERIFY2(registered.exitCode == 0, qPrintable(registered.err));
        // A run that refused to start leaves no empty folder behind.
        expectBadInput({"train", "--model", "vgg", "--data-dir", data_, "--no-verify", "--runs-dir", runs}, "vgg");
        QCOMPARE(QDir(runs).entryList(QDir::Dirs | QDir::NoDotAndDotDot).size(), 1);

        const auto listed = [&] {
            const Result r = runCli({"runs", "list", "--runs-dir", runs, "--json"});
            return std::make_pair(r.exitCode, QJsonDocument::fromJson(r.out.toUtf8()).array());
        };
        auto [code, list] = listed();
        QCOMPARE(code, 0);
        QCOMPARE(list.size(), 2);
        QSet<QString> models;
        for (const auto& v : list) {
            const QJsonObject o = v.toObject();
            models.insert(o["model"].toString());
            QCOMPARE(o["kind"].toString(), QString("training"));
            QCOMPARE(o["status"].toString(), QString("finished"));
            QCOMPARE(o["dataset"].toString(), QString("mnist"));
            QVERIFY(o["test_accuracy"].toDouble() > 0);
            QVERIFY(o.contains("path"));
        }
        QCOMPARE(models, (QSet<QString>{"lenet5", "net"}));
        QVERIFY(QFile::exists(runs + "/runs.sqlite"));
        // The same again from the index.
        QCOMPARE(listed().second, list);

        // A corrupted summary is listed as damaged, not dropped; a truncated index is rebuilt.
        QFile summary(runs + "/" + made[0] + "/summary.json");
        QVERIFY(summary.open(QIODevice::WriteOnly | QIODevice::Truncate));
        summary.write("{\"alx_version\": ");
        summary.close();
        QFile index(runs + "/runs.sqlite");
        QVERIFY(index.open(QIODevice::ReadWrite));
        index.resize(100);
        index.close();
        std::tie(code, list) = listed();
        QCOMPARE(code, 0);
        QCOMPARE(list.size(), 2);
        QStringList statuses;
        for (const auto& v : list) statuses << v.toObject()["status"].toString();
        statuses.sort();
        QCOMPARE(statuses, (QStringList{"damaged", "finished"}));
        // A run whose folder is gone is no longer listed.
        QVERIFY(QDir(outside).removeRecursively());
        std::tie(code, list) = listed();
        QCOMPARE(list.size(), 1);
        // The plain listing is a table with a line per run.
        const Result table = runCli({"runs", "list", "--runs-dir", runs});
        QVERIFY2(table.out.contains("1 runs in"), qPrintable(table.out));
    }

    void errorsNameTheFlag() {
        // The engine names the request field; the CLI points at its flag.
        expectBadInput({"al", "--strategy", "entropy", "--budget", "10", "--initial", "20", "--data-dir", data_,
                        "--no-verify", "--out", path("al-budget")},
                       "(--budget)");
        expectBadInput({"train", "--model", "lenet5", "--val", "999999", "--data-dir", data_, "--no-verify", "--out",
                        path("val")},
                       "(--val)");
    }

    void divergenceIsExitCodeOneAndKeepsTheSummary() {
        const QString out = path("diverge");
        const Result r = runCli({"train", "--model", "net", "--data-dir", data_, "--no-verify", "--epochs", "3",
                                 "--lr", "1e8", "--out", out});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("diverged"), qPrintable(r.err));
        QCOMPARE(readJson(out + "/summary.json")["status"].toString(), QString("diverged"));
    }

    void ctrlCStopsPromptlyAndKeepsFinishedEpochs() {
        const QString out = path("interrupted");
        QProcess p;
        p.start(alx::test::cliPath(), {"train", "--model", "lenet5", "--data-dir", data_, "--no-verify", "--epochs", "1000",
                               "--batch-size", "8", "--out", out});
        QVERIFY(p.waitForStarted());
        QElapsedTimer waited;
        waited.start();
        QByteArray seen;
        while (!seen.contains("Epoch 2/1000") && waited.elapsed() < 120000) {
            p.waitForReadyRead(1000);
            seen += p.readAllStandardOutput();
        }
        QVERIFY2(seen.contains("Epoch 2/1000"), seen.constData());
        QElapsedTimer latency;
        latency.start();
        ::kill(pid_t(p.processId()), SIGINT);
        QVERIFY(p.waitForFinished(10000));
        qInfo("exit %lld ms after SIGINT", static_cast<long long>(latency.elapsed()));
        QVERIFY2(latency.elapsed() < 5000, "alx-cli took more than 5 s to stop");
        QCOMPARE(p.exitStatus(), QProcess::NormalExit);
        QCOMPARE(p.exitCode(), 130);
        const QJsonObject s = readJson(out + "/summary.json");
        QCOMPARE(s["status"].toString(), QString("cancelled"));
        QVERIFY(s["epoch_loss"].toArray().size() >= 2);
    }

    void benchPrintsOneJsonLine() {
        const Result r = runCli({"bench", "--model", "lenet5", "--data-dir", data_, "--no-verify", "--train-images", "64",
                                 "--eval-images", "50", "--json"});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        const QJsonObject j = QJsonDocument::fromJson(r.out.trimmed().split('\n').last().toUtf8()).object();
        for (const char* key : {"train_img_per_s", "eval_metrics_img_per_s", "peak_rss_mb"}) {
            QVERIFY2(j[key].toDouble() > 0, key);
        }
        QCOMPARE(j["batch"].toInt(), 32);
    }

    void activeLearningWritesCurveAndResumes() {
        const QString out = path("al");
        const QStringList args = {"al", "--strategy", "random,entropy", "--repeats", "1", "--budget", "40",
                                  "--pool-subset", "100", "--max-steps", "10", "--data-dir", data_, "--no-verify",
                                  "--out", out};
        // Interrupt it after its first round, then resume.
        QProcess p;
        p.start(alx::test::cliPath(), args);
        QVERIFY(p.waitForStarted());
        QByteArray seen;
        QElapsedTimer waited;
        waited.start();
        while (!seen.contains("random repeat 1: 30 labels") && waited.elapsed() < 120000) {
            p.waitForReadyRead(500);
            seen += p.readAllStandardOutput();
        }
        ::kill(pid_t(p.processId()), SIGINT);
        QVERIFY(p.waitForFinished(30000));
        QCOMPARE(p.exitCode(), 130);

        // Without --resume the folder is refused.
        expectBadInput(args, "--resume");
        const Result r = runCli(args + QStringList{"--resume"});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QFile curve(out + "/curve.csv");
        QVERIFY(curve.open(QIODevice::ReadOnly));
        const QList<QByteArray> lines = curve.readAll().trimmed().split('\n');
        QCOMPARE(lines[0], QByteArray("strategy,repeat,labels,test_accuracy,ece"));
        // 20, 30, 40 for each strategy, none repeated after the resume; each with its calibration error.
        QCOMPARE(lines.size(), 1 + 2 * 3);
        QSet<QByteArray> keys;
        for (int i = 1; i < lines.size(); ++i) {
            const QList<QByteArray> fields = lines[i].split(',');
            QCOMPARE(fields.size(), 5);
            keys.insert(fields[0] + "," + fields[1] + "," + fields[2]);
            bool ok = false;
            const double ece = fields[4].toDouble(&ok);
            QVERIFY2(ok && ece >= 0 && ece <= 1, lines[i].constData());
        }
        QCOMPARE(keys.size(), 6);
        // A curve written before the ece column still opens and resumes.
        curve.close();
        QVERIFY(curve.open(QIODevice::WriteOnly | QIODevice::Truncate));
        curve.write("strategy,repeat,labels,test_accuracy\n");
        for (int i = 1; i < lines.size(); ++i) curve.write(lines[i].left(lines[i].lastIndexOf(',')) + "\n");
        curve.close();
        const Result old = runCli(args + QStringList{"--resume"});
        QVERIFY2(old.exitCode == 0, qPrintable(old.err));
        const QJsonObject summary = readJson(out + "/summary.json")["strategies"].toObject();
        QVERIFY(summary.contains("random") && summary.contains("entropy"));
        QVERIFY(summary["entropy"].toObject().contains("labels_to_90"));
        QVERIFY(summary["entropy"].toObject()["final_accuracy"].toDouble() > 0);

        expectBadInput({"al", "--strategy", "bald", "--model", "lenet5", "--data-dir", data_, "--no-verify", "--out",
                        path("al2")},
                       "dropout");
        expectBadInput({"al", "--strategy", "badge", "--data-dir", data_, "--out", path("al3")}, "unknown strategy");
    }

    void listsModelsAndDatasets() {
        const Result models = runCli({"models"});
        QCOMPARE(models.exitCode, 0);
        for (const char* name : {"net", "simplecnn", "resnet18", "lenet5"}) QVERIFY(models.out.contains(name));
        const Result datasets = runCli({"datasets"});
        QCOMPARE(datasets.exitCode, 0);
        QVERIFY(datasets.out.contains("fashion-mnist"));
    }
};

QTEST_GUILESS_MAIN(TestCli)
#include "test_cli.moc"
