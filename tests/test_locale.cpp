// Numbers in files are written and read the same way in every locale. The
// app runs under the person's locale (Qt sets LC_NUMERIC from the
// environment at start-up), and in German, French and many more a decimal
// is written 0,5: a CSV written that way is misread by ALX and by every
// other program. This program runs as the app does, under de_DE.UTF-8 (CTest
// sets LC_ALL; the build generates the locale): it trains and runs
// active learning in the real main window, then reads every file back here,
// under that locale, and with alx-cli, which reads them in its own.
// The engine's headers (and LibTorch's through them) before Qt's: Qt's
// `slots` macro breaks LibTorch headers that follow it.
#include "alx/storage/active_learning_run.h"
#include "alx/storage/label_audit_files.h"
#include "alx/storage/run_folder.h"

#include <QProcess>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QtTest>

#include <clocale>
#include <cmath>

#include "pages/active_learning_page.h"
#include "pages/results_view.h"
#include "test_support.h"
#include "window/main_window.h"

using namespace alx::ui;

namespace {

// Every line of a CSV file, split at its commas (the header included).
QList<QList<QByteArray>> csvFields(const QString& path) {
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) return {};
    QList<QList<QByteArray>> rows;
    for (const QByteArray& line : file.readAll().trimmed().split('\n')) rows << line.split(',');
    return rows;
}

// Each row has as many fields as the header: a decimal comma would add one.
QString ragged(const QString& path) {
    const auto rows = csvFields(path);
    if (rows.isEmpty()) return path + ": empty or missing";
    for (int r = 1; r < rows.size(); ++r) {
        if (rows[r].size() != rows[0].size()) {
            return QString("%1: line %2 has %3 fields, the header %4: %5")
                .arg(path).arg(r + 1).arg(rows[r].size()).arg(rows[0].size()).arg(QString(rows[r].join(',')));
        }
    }
    return {};
}

struct CliRun {
    int exitCode = -1;
    QString output;
};

CliRun runCli(const QStringList& args) {
    QProcess cli;
    cli.start(alx::test::cliPath(), args);  // under this test's locale, inherited
    CliRun r;
    if (!cli.waitForFinished(600000)) return r;
    r.exitCode = cli.exitStatus() == QProcess::NormalExit ? cli.exitCode() : -1;
    r.output = cli.readAllStandardOutput() + cli.readAllStandardError();
    return r;
}

}  // namespace

class TestLocale : public QObject {
    Q_OBJECT

    QString mnist_;
    QTemporaryDir tmp_;

    std::unique_ptr<MainWindow> makeWindow() {
        QSettings().clear();
        auto w = std::make_unique<MainWindow>();
        w->setDataDirectory(mnist_);
        w->selectDataset("mnist");
        w->selectModel("lenet5");
        w->setEpochs(1);
        w->setSubset(2000, 300);
        w->show();
        return w;
    }

    // Runs active learning in the app's window, one repeat of `strategy`
    // from `initial` labels to `budget` in rounds of 10 (500 images scored,
    // at most 20 steps), through the page's controls; `dir` gets its folder.
    void runActiveLearningInApp(const QString& strategy, int64_t initial, int64_t budget, bool semiSupervised,
                                QString& dir) {
        auto w = makeWindow();
        ActiveLearningPage* page = w->activeLearningPage();
        page->setStrategies({strategy});
        page->setBudget(initial, 10, budget, 500, 1, 20);
        alx::ActiveLearningJobRequest asked = page->request();
        asked.settings.loop.semiSupervised = semiSupervised;
        page->setRequest(asked);  // the page's own checkbox
        QSignalSpy finished(w.get(), &MainWindow::activeLearningFinished);
        QSignalSpy failed(w.get(), &MainWindow::runFailed);
        Q_EMIT page->runRequested(page->request());
        QVERIFY(finished.wait(300000));
        QVERIFY2(failed.isEmpty(), failed.isEmpty() ? "" : qPrintable(failed.first().first().toString()));
        dir = w->activeLearningRunDir();
    }

private slots:
    void initTestCase() {
        QStandardPaths::setTestModeEnabled(true);  // the app's runs go to a test location
        qunsetenv("ALX_RUNS_DIR");
        QCoreApplication::setOrganizationName("alx");
        qputenv("ALX_NO_DIALOGS", "1");
        std::string why;
        mnist_ = QString::fromStdString(alx::test::mnistDirectory(why));
        if (mnist_.isEmpty()) QFAIL(why.c_str());
        // The point of the test: numbers in this process follow a comma locale.
        const char* point = std::localeconv()->decimal_point;
        QVERIFY2(point && std::string(point) == ",",
                 qPrintable(QString("LC_ALL=%1 gives the decimal point '%2', not ',': de_DE.UTF-8 is missing (the build "
                                    "generates it with localedef into <build>/locales, from Debian's locales, and CTest "
                                    "points LOCPATH there)")
                                .arg(qEnvironmentVariable("LC_ALL"), point ? point : "")));
        QDir(MainWindow::runsFolder()).removeRecursively();  // what a killed earlier run left
    }

    void cleanupTestCase() { QDir(MainWindow::runsFolder()).removeRecursively(); }

    // A run trained in the app: its files hold C-locale numbers, read back
    // whole here and by alx-cli; alx-cli's audit of it reads back here too.
    void aTrainedRunReadsBack() {
        auto w = makeWindow();
        QSignalSpy finished(w.get(), &MainWindow::runFinished);
        QSignalSpy failed(w.get(), &MainWindow::runFailed);
        QSignalSpy kept(w.get(), &MainWindow::runKept);
        w->startTraining();
        QVERIFY(finished.wait(300000));
        QVERIFY2(failed.isEmpty(), failed.isEmpty() ? "" : qPrintable(failed.first().first().toString()));
        QVERIFY(kept.count() == 1 || kept.wait(60000));
        const QString dir = kept.first().first().toString();

        const QString perSample = dir + "/per_sample.csv";
        QVERIFY2(ragged(perSample).isEmpty(), qPrintable(ragged(perSample)));
        QVERIFY(csvFields(perSample)[1][3].contains('.') || csvFields(perSample)[1][3].contains('e'));
        const alx::SavedRun run = alx::RunFolder(dir.toStdString()).read();
        QCOMPARE(run.size(), int64_t(300));
        QVERIFY(run.summary.testAccuracy > 0.5);
        for (const auto& score : run.scores) QVERIFY(torch::isfinite(score).all().item<bool>());

        const QString audit = tmp_.path() + "/audit";
        const CliRun a = runCli({"audit", "--run", dir, "--out", audit});
        QVERIFY2(a.exitCode == 0, qPrintable(a.output));
        QVERIFY2(ragged(audit + "/label_issues.csv").isEmpty(), qPrintable(ragged(audit + "/label_issues.csv")));
        const auto issues = alx::readLabelIssues((audit + "/label_issues.csv").toStdString());
        QCOMPARE(issues.size(), size_t(300));
        double sum = 0;
        for (const auto& row : issues) sum += row.pGiven;
        QVERIFY2(sum > 0.5 * 300, qPrintable(QString::number(sum)));  // read as numbers, not cut at the point
    }

    // An active-learning run made in the app: its curve reads back here, and
    // alx-cli resumes it (reading every file) to a larger budget.
    void anActiveLearningRunReadsBack() {
        QString dir;
        runActiveLearningInApp("entropy", 20, 30, false, dir);
        if (QTest::currentTestFailed()) return;

        QVERIFY2(ragged(dir + "/curve.csv").isEmpty(), qPrintable(ragged(dir + "/curve.csv")));
        const std::vector<alx::CurveRow> rows = alx::ActiveLearningRunFolder(dir.toStdString()).validate();
        QCOMPARE(rows.size(), size_t(2));
        for (const alx::CurveRow& row : rows) {
            QVERIFY(row.accuracy > 0.1 && row.accuracy <= 1);  // 0,5432 would have been read as 0
            QVERIFY(row.ece && *row.ece >= 0 && *row.ece <= 1);
        }
        const CliRun resumed = runCli({"al", "--strategy", "entropy", "--repeats", "1", "--budget", "30", "--initial", "20",
                                       "--acquire", "10", "--pool-subset", "500", "--max-steps", "20", "--train-images",
                                       "2000", "--test-images", "300", "--data-dir", mnist_, "--out", dir, "--resume"});
        QVERIFY2(resumed.exitCode == 0, qPrintable(resumed.output));
    }

    // A semi-supervised run made in the app: settings.json records the
    // rounds' method, fractions included (learning rate, spreading alpha),
    // with points; the run store reads it back as this build's method, and
    // alx-cli resumes it (reading every file of the finished run).
    void aSemiSupervisedRunReadsBack() {
        QString dir;
        runActiveLearningInApp("margin", 10, 20, true, dir);
        if (QTest::currentTestFailed()) return;

        QFile settingsFile(dir + "/settings.json");
        QVERIFY(settingsFile.open(QIODevice::ReadOnly));
        const QByteArray text = settingsFile.readAll();
        QVERIFY2(text.contains("\"learning_rate\": 0.001") && text.contains("\"spreading_alpha\": 0.99") &&
                     text.contains("\"pixel_shift\": 1"),
                 text.constData());
        const alx::ActiveLearningRunFolder folder(dir.toStdString());
        const alx::ActiveLearningSettings read = folder.readSettings();
        QVERIFY(read.loop.semiSupervised);
        folder.requireSameSettings(read);  // the method read back equals this build's
        QCOMPARE(folder.validate().size(), size_t(2));
        const CliRun resumed = runCli({"al", "--strategy", "margin", "--repeats", "1", "--budget", "20", "--initial", "10",
                                       "--acquire", "10", "--pool-subset", "500", "--max-steps", "20", "--train-images",
                                       "2000", "--test-images", "300", "--semi-supervised", "--data-dir", mnist_, "--out",
                                       dir, "--resume"});
        QVERIFY2(resumed.exitCode == 0, qPrintable(resumed.output));
        QCOMPARE(folder.validate().size(), size_t(2));
    }
};

QTEST_MAIN(TestLocale)
#include "test_locale.moc"
