// The dataset downloader against a local HTTP server (nothing here reaches
// the internet): whole files with good checksums land, damaged ones are
// discarded and reported, mirrors are tried in turn, and a cancel leaves no
// partial file behind.
#include "alx/data/dataset_catalog.h"
#include "alx/data/dataset_loader.h"
#include "alx/data/downloader.h"
#include "alx/util/errors.h"
#include "test_support.h"

#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QtTest>

using namespace alx;

namespace {

const char* kStems[] = {"train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte",
                        "t10k-labels-idx1-ubyte"};

// python3's http.server on a free loopback port, serving `root`.
class LocalHttpServer {
public:
    explicit LocalHttpServer(const QString& root) {
        process_.setProcessChannelMode(QProcess::MergedChannels);
        process_.start("python3", {"-u", "-m", "http.server", "0", "--bind", "127.0.0.1", "--directory", root});
        QByteArray output;
        const QRegularExpression portPattern("port (\\d+)");
        for (int i = 0; i < 100 && port_ == 0; ++i) {
            process_.waitForReadyRead(100);
            output += process_.readAll();
            const auto match = portPattern.match(QString::fromUtf8(output));
            if (match.hasMatch()) port_ = match.captured(1).toInt();
        }
    }
    ~LocalHttpServer() {
        process_.kill();
        process_.waitForFinished();
    }
    std::string url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/"; }
    bool running() const { return port_ != 0; }

private:
    QProcess process_;
    int port_ = 0;
};

QStringList filesIn(const QString& dir) { return QDir(dir).entryList(QDir::Files, QDir::Name); }

}  // namespace

class TestDownloader : public QObject {
    Q_OBJECT

    QTemporaryDir tmp_;
    QString good_;  // a served copy of the real MNIST .gz files
    QString mnist_;

private slots:
    void initTestCase() {
        std::string why;
        mnist_ = QString::fromStdString(alx::test::mnistDirectory(why));
        if (mnist_.isEmpty()) QFAIL(why.c_str());
        good_ = tmp_.path() + "/served";
        QDir().mkpath(good_);
        for (const char* stem : kStems) {
            const QString name = QString(stem) + ".gz";
            QVERIFY2(QFile::copy(mnist_ + "/" + name, good_ + "/" + name), qPrintable(name));
        }
    }

    void downloadsVerifiesAndRenames() {
        LocalHttpServer server(good_);
        QVERIFY2(server.running(), "python3 -m http.server did not start");
        const QString dest = tmp_.path() + "/cache1";
        int progressCalls = 0;
        DownloadOptions options;
        options.mirrors = {server.url()};
        options.onProgress = [&](const DownloadProgress& p) {
            ++progressCalls;
            QCOMPARE(p.fileCount, 4);
        };
        downloadDataset(datasetSpec("mnist"), dest.toStdString(), options);
        QVERIFY(progressCalls > 0);
        QCOMPARE(filesIn(dest), (QStringList{"t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz",
                                              "train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz"}));
        const auto data = loadDataset(datasetSpec("mnist"), dest.toStdString());  // checksums verified
        QCOMPARE(data.train.size(), int64_t(60000));
    }

    void damagedDownloadIsDiscardedAndReported() {
        const QString bad = tmp_.path() + "/bad";
        QDir().mkpath(bad);
        for (const char* stem : kStems) QFile::copy(good_ + "/" + stem + ".gz", bad + "/" + stem + ".gz");
        // A valid gzip of the wrong contents: only the checksum can tell.
        alx::test::writeBytes((bad + "/t10k-labels-idx1-ubyte.gz").toStdString(),
                              alx::test::gzip(alx::test::makeIdx({10000}, std::vector<uint8_t>(10000, 1))));
        LocalHttpServer server(bad);
        QVERIFY(server.running());
        const QString dest = tmp_.path() + "/cache2";
        DownloadOptions options;
        options.mirrors = {server.url()};
        try {
            downloadDataset(datasetSpec("mnist"), dest.toStdString(), options);
            QFAIL("a download with the wrong checksum was accepted");
        } catch (const RunError& e) {
            QVERIFY2(QString(e.what()).contains("t10k-labels-idx1-ubyte.gz") &&
                         QString(e.what()).contains("checksum mismatch"),
                     e.what());
        }
        // The three good files stay; the bad one and its temporary are gone.
        QCOMPARE(filesIn(dest), (QStringList{"t10k-images-idx3-ubyte.gz", "train-images-idx3-ubyte.gz",
                                              "train-labels-idx1-ubyte.gz"}));
    }

    void triesTheNextMirror() {
        LocalHttpServer empty(tmp_.path() + "/bad-mirror-does-not-exist");
        LocalHttpServer server(good_);
        QVERIFY(server.running());
        const QString dest = tmp_.path() + "/cache3";
        DownloadOptions options;
        // A closed port, a server with nothing (404), then the good one.
        options.mirrors = {"http://127.0.0.1:1/", empty.url(), server.url()};
        options.connectTimeoutSeconds = 2;
        downloadDataset(datasetSpec("mnist"), dest.toStdString(), options);
        QCOMPARE(filesIn(dest).size(), 4);
    }

    void allMirrorsFailingNamesEachFailure() {
        DownloadOptions options;
        options.mirrors = {"http://127.0.0.1:1/"};
        options.connectTimeoutSeconds = 2;
        try {
            downloadDataset(datasetSpec("mnist"), (tmp_.path() + "/cache4").toStdString(), options);
            QFAIL("download from a closed port succeeded");
        } catch (const RunError& e) {
            QVERIFY2(QString(e.what()).contains("127.0.0.1:1/train-images-idx3-ubyte.gz"), e.what());
        }
        QVERIFY(filesIn(tmp_.path() + "/cache4").isEmpty());
    }

    void cancelLeavesNoPartialFile() {
        LocalHttpServer server(good_);
        QVERIFY(server.running());
        const QString dest = tmp_.path() + "/cache5";
        DownloadOptions options;
        options.mirrors = {server.url()};
        int calls = 0;
        options.shouldStop = [&] { return ++calls > 3; };
        QVERIFY_THROWS_EXCEPTION(Cancelled, downloadDataset(datasetSpec("mnist"), dest.toStdString(), options));
        QVERIFY(filesIn(dest).isEmpty());
    }

    void cliFetchUsesTheSameDownloader() {
        LocalHttpServer server(good_);
        QVERIFY(server.running());
        const QString dest = tmp_.path() + "/cache6";
        QProcess p;
        p.start(alx::test::cliPath(), {"fetch", "--dataset", "mnist", "--mirror", QString::fromStdString(server.url()),
                               "--dest", dest});
        QVERIFY(p.waitForFinished(120000));
        QVERIFY2(p.exitCode() == 0, p.readAllStandardError().constData());
        QVERIFY(p.readAllStandardOutput().contains("checksums verified"));
        QCOMPARE(filesIn(dest).size(), 4);

        // Fashion-MNIST from a server without it: exit code 1 and a message.
        p.start(alx::test::cliPath(), {"fetch", "--dataset", "fashion-mnist", "--mirror", "http://127.0.0.1:1/", "--dest",
                               tmp_.path() + "/cache7"});
        QVERIFY(p.waitForFinished(60000));
        QCOMPARE(p.exitCode(), 1);
        QVERIFY(p.readAllStandardError().contains("could not download Fashion-MNIST"));
    }
};

QTEST_GUILESS_MAIN(TestDownloader)
#include "test_downloader.moc"
