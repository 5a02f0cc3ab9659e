// Sweeps end to end through alx-cli on the real MNIST files: the local
// backend without any cluster, and a real one-node Slurm cluster started by
// scripts/slurm-local.sh (root only: munged runs as user munge, slurmd as
// root; elsewhere those tests are skipped, saying so). A task's curve must
// be byte for byte what `alx-cli al` computes for that repeat, however the
// task was run, stopped and resumed.
#include <QtTest>

#include <signal.h>
#include <unistd.h>

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QSet>

#include "test_support.h"

namespace {

struct Result {
    int exitCode = -1;
    QString out, err;
};

// The tiny sweep every test uses: 2 strategies x 2 repeats, rounds of a
// fraction of a second.
QStringList tinyOptions(const QString& mnist, int budget) {
    return {"--strategy",      "random,bald", "--repeats",     "2",   "--budget",       QString::number(budget),
            "--max-steps",     "8",           "--mc-samples",  "3",   "--pool-subset",  "200",
            "--train-images",  "1000",        "--test-images", "300", "--threads",      "1",
            "--data-dir",      mnist};
}

QString readAll(const QString& path) {
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? QString::fromUtf8(f.readAll()) : QString();
}

}  // namespace

class TestSweepCli : public QObject {
    Q_OBJECT

    QTemporaryDir tmp_;
    QString mnist_;
    QString slurmConf_;    // set once the cluster is up
    QString clusterDir_;
    QString skipSlurm_;    // why the Slurm tests cannot run here

    QString path(const QString& name) const { return tmp_.path() + "/" + name; }

    Result run(const QString& program, const QStringList& args, int timeoutMs = 300000) {
        QProcess p;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert("ALX_RUNS_DIR", path("runs"));
        if (!slurmConf_.isEmpty()) env.insert("SLURM_CONF", slurmConf_);
        p.setProcessEnvironment(env);
        p.start(program, args);
        if (!p.waitForFinished(timeoutMs)) {
            p.kill();
            p.waitForFinished();
        }
        return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1,
                QString::fromUtf8(p.readAllStandardOutput()), QString::fromUtf8(p.readAllStandardError())};
    }
    Result cli(const QStringList& args, int timeoutMs = 300000) { return run(alx::test::cliPath(), args, timeoutMs); }

    QJsonArray status(const QString& dir) {
        const Result r = cli({"sweep", "status", dir, "--json"});
        return QJsonDocument::fromJson(r.out.toUtf8()).array();
    }

    // Polls `sweep status` until `done(states)` or the time is up.
    bool waitFor(const QString& dir, const std::function<bool(const QJsonArray&)>& done, int seconds) {
        QElapsedTimer t;
        t.start();
        while (t.elapsed() < seconds * 1000) {
            if (done(status(dir))) return true;
            QThread::msleep(500);
        }
        return false;
    }

    static bool settled(const QJsonArray& tasks) {  // nothing queued or running
        for (const auto& t : tasks) {
            const QString s = t.toObject()["state"].toString();
            if (s == "pending" || s == "running") return false;
        }
        return !tasks.isEmpty();
    }

    // The same runs made by hand with `alx-cli al`: what every merge must equal.
    QString handMadeCurve(int budget) {
        const QString dir = path("al-" + QString::number(budget));
        if (!QFile::exists(dir + "/curve.csv")) {
            const Result r = cli(QStringList{"al"} + tinyOptions(mnist_, budget) + QStringList{"--out", dir});
            if (r.exitCode != 0) qWarning() << r.err;
        }
        return readAll(dir + "/curve.csv");
    }

    // Each "task N round R: L labels" line of a log, as L; a round done twice shows twice.
    static QList<int> loggedLabels(const QString& log) {
        QList<int> labels;
        static const QRegularExpression round("^task \\d+ round \\d+: (\\d+) labels", QRegularExpression::MultilineOption);
        for (auto it = round.globalMatch(log); it.hasNext();) labels << it.next().captured(1).toInt();
        return labels;
    }

private slots:
    void initTestCase() {
        QVERIFY(tmp_.isValid());
        std::string why;
        mnist_ = QString::fromStdString(alx::test::mnistDirectory(why));
        if (mnist_.isEmpty()) QFAIL(why.c_str());
        if (::geteuid() != 0) {
            skipSlurm_ = "needs root: scripts/slurm-local.sh runs munged as user munge and slurmd as root";
            return;
        }
        if (QStandardPaths::findExecutable("slurmctld").isEmpty() || QStandardPaths::findExecutable("munged").isEmpty()) {
            QFAIL("running as root, but slurm-wlm or munge is missing: scripts/install-deps.sh --with-slurm");
        }
        // Its own folder and ports: a cluster already running here is left alone.
        // Outside the 0700 temporary folder: user munge must reach its socket.
        clusterDir_ = QDir::tempPath() + "/alx-slurm-test-" + QString::number(QCoreApplication::applicationPid());
        QVERIFY(QDir().mkpath(clusterDir_));
        QProcess p;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert("ALX_SLURM_PORT", "26817");
        p.setProcessEnvironment(env);
        p.start(QString(ALX_SOURCE_DIR) + "/scripts/slurm-local.sh", {"start", clusterDir_});
        QVERIFY(p.waitForFinished(60000));
        const QString out = QString::fromUtf8(p.readAllStandardOutput()).trimmed();
        QVERIFY2(p.exitCode() == 0, qPrintable(out + QString::fromUtf8(p.readAllStandardError())));
        const QString last = out.section('\n', -1);
        QVERIFY2(last.startsWith("export SLURM_CONF="), qPrintable(last));
        slurmConf_ = last.mid(QString("export SLURM_CONF=").size());
        QVERIFY(QFile::exists(slurmConf_));
    }

    void cleanupTestCase() {
        if (clusterDir_.isEmpty()) return;
        QProcess p;
        p.start(QString(ALX_SOURCE_DIR) + "/scripts/slurm-local.sh", {"stop", clusterDir_});
        p.waitForFinished(60000);
        // No daemon of that cluster is left behind.
        const Result left = run("pgrep", {"-f", clusterDir_});
        QVERIFY2(left.out.trimmed().isEmpty(), qPrintable("still running: " + left.out));
        QDir(clusterDir_).removeRecursively();
    }

    void localBackendEqualsAlByHand() {
        const QString dir = path("local");
        Result r = cli(QStringList{"sweep", "create", dir} + tinyOptions(mnist_, 40));
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QVERIFY(r.out.contains("4 tasks (2 strategies x 2 repeats)"));
        r = cli({"sweep", "submit", dir, "--backend", "local", "--jobs", "2"});
        QVERIFY2(r.exitCode == 0, qPrintable(r.out + r.err));
        const QJsonArray tasks = status(dir);
        QCOMPARE(tasks.size(), 4);
        for (const auto& t : tasks) QCOMPARE(t.toObject()["state"].toString(), QString("done"));
        r = cli({"sweep", "merge", dir});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QVERIFY(r.out.contains("random") && r.out.contains("bald"));
        QCOMPARE(readAll(dir + "/curve.csv"), handMadeCurve(40));
        // Submitted once only; resubmitting a finished sweep has nothing to do.
        QCOMPARE(cli({"sweep", "submit", dir, "--backend", "local"}).exitCode, 2);
        r = cli({"sweep", "resubmit", dir});
        QVERIFY2(r.exitCode == 0 && r.out.contains("Nothing to resubmit"), qPrintable(r.out + r.err));
        // The sweep is listed in the runs folder.
        r = cli({"runs", "list", "--json"});
        QVERIFY2(r.out.contains("\"sweep\""), qPrintable(r.out));
    }

    // --semi-supervised in a sweep: alone it is every task's; =no,yes varies it;
    // a value that is neither is refused, naming it.
    void semiSupervisedVariesFromTheCommandLine() {
        const QString dir = path("semi");
        Result r = cli(QStringList{"sweep", "create", dir} + tinyOptions(mnist_, 40) + QStringList{"--semi-supervised=no,yes"});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QVERIFY2(r.out.contains("8 tasks"), qPrintable(r.out));
        QJsonObject plan = QJsonDocument::fromJson(readAll(dir + "/sweep.json").toUtf8()).object();
        QCOMPARE(plan["varied"].toArray(), QJsonArray({"semi_supervised"}));
        QCOMPARE(plan["tasks"].toArray()[4].toObject()["semi_supervised"].toBool(), true);
        QCOMPARE(plan["tasks"].toArray()[3].toObject()["semi_supervised"].toBool(), false);

        const QString every = path("semi-every");
        r = cli(QStringList{"sweep", "create", every} + tinyOptions(mnist_, 40) + QStringList{"--semi-supervised"});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        plan = QJsonDocument::fromJson(readAll(every + "/sweep.json").toUtf8()).object();
        QCOMPARE(plan["values"].toObject()["semi_supervised"].toArray(), QJsonArray({true}));
        QVERIFY(plan["varied"].toArray().isEmpty());

        r = cli(QStringList{"sweep", "create", path("semi-bad")} + tinyOptions(mnist_, 40) +
                QStringList{"--semi-supervised=perhaps"});
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains("'perhaps' is neither yes nor no"), qPrintable(r.err));
        QVERIFY(!QFile::exists(path("semi-bad") + "/sweep.json"));
    }

    void aStoppedTaskResumesWithoutRepeatingARound() {
        // SIGTERM to a task (what Slurm sends before a time limit) here without a cluster.
        const QString dir = path("stopped");
        QVERIFY(cli(QStringList{"sweep", "create", dir} + tinyOptions(mnist_, 80)).exitCode == 0);
        QProcess task;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert("ALX_RUNS_DIR", path("runs"));
        task.setProcessEnvironment(env);
        task.start(alx::test::cliPath(), {"sweep", "run-task", dir, "3"});
        QString out;
        QElapsedTimer t;
        t.start();
        while (!out.contains("task 3 round 2:") && t.elapsed() < 120000) {
            task.waitForReadyRead(200);
            out += QString::fromUtf8(task.readAllStandardOutput());
        }
        QVERIFY2(out.contains("task 3 round 2:"), qPrintable(out));
        // A second run of the same task is refused while the first holds its
        // lock. The first is held still meanwhile (SIGSTOP keeps the lock), so
        // that it cannot finish its last round before it is stopped.
        QCOMPARE(::kill(pid_t(task.processId()), SIGSTOP), 0);
        const Result second = cli({"sweep", "run-task", dir, "3"});
        QCOMPARE(::kill(pid_t(task.processId()), SIGCONT), 0);
        QCOMPARE(second.exitCode, 1);
        QVERIFY2(second.err.contains("already running"), qPrintable(second.err));
        task.terminate();  // SIGTERM
        QVERIFY(task.waitForFinished(60000));
        out += QString::fromUtf8(task.readAllStandardOutput());
        QCOMPARE(task.exitCode(), 130);
        QVERIFY2(out.contains("the round in progress was abandoned"), qPrintable(out));
        QJsonArray tasks = status(dir);
        QCOMPARE(tasks[3].toObject()["state"].toString(), QString("preempted"));
        const int kept = tasks[3].toObject()["rounds"].toInt();
        QVERIFY(kept >= 3 && kept < 7);
        const Result rest = cli({"sweep", "submit", dir, "--backend", "local", "--jobs", "2"});
        QVERIFY2(rest.exitCode == 0, qPrintable(rest.out + rest.err));
        const QString log = readAll(dir + "/logs/task-3.log");
        QVERIFY2(log.contains("resuming after " + QString::number(kept) + " rounds kept"), qPrintable(log));
        QList<int> labels = loggedLabels(out + log);
        QCOMPARE(QSet<int>(labels.begin(), labels.end()).size(), labels.size());  // no round done twice
        QCOMPARE(labels.size(), 7);
        QVERIFY(cli({"sweep", "merge", dir}).exitCode == 0);
        QCOMPARE(readAll(dir + "/curve.csv"), handMadeCurve(80));
    }

    void slurmRunsMergesAndResumesAPreemptedTask() {
        if (!skipSlurm_.isEmpty()) QSKIP(qPrintable(skipSlurm_));
        const QString dir = path("slurm-sweep");
        QVERIFY(cli(QStringList{"sweep", "create", dir} + tinyOptions(mnist_, 80)).exitCode == 0);
        Result r = cli({"sweep", "submit", dir, "--backend", "slurm", "--max-parallel", "2", "--cpus-per-task", "1"});
        QVERIFY2(r.exitCode == 0, qPrintable(r.out + r.err));
        const QString job = QRegularExpression("Slurm array job (\\d+)").match(r.out).captured(1);
        QVERIFY2(!job.isEmpty(), qPrintable(r.out));
        QVERIFY(readAll(dir + "/sweep.sbatch").contains("#SBATCH --array=0-3%2"));

        // Task 3 is signalled as Slurm signals a job before its time limit, after two rounds.
        QElapsedTimer t;
        t.start();
        while (!readAll(dir + "/logs/task-3.log").contains("task 3 round 2:") && t.elapsed() < 240000) QThread::msleep(200);
        QVERIFY2(readAll(dir + "/logs/task-3.log").contains("task 3 round 2:"), qPrintable(readAll(dir + "/logs/task-3.log")));
        r = run("scancel", {"--full", "--signal=TERM", job + "_3"});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QVERIFY(waitFor(dir, settled, 240));
        QJsonArray tasks = status(dir);
        for (int i = 0; i < 3; ++i) QCOMPARE(tasks[i].toObject()["state"].toString(), QString("done"));
        QCOMPARE(tasks[3].toObject()["state"].toString(), QString("preempted"));
        QCOMPARE(tasks[3].toObject()["slurm_job"].toString(), job);
        QCOMPARE(tasks[3].toObject()["array_index"].toInt(), 3);

        // The merge of an unfinished sweep says what is missing.
        r = cli({"sweep", "merge", dir});
        QVERIFY2(r.out.contains("Missing: tasks 3"), qPrintable(r.out));

        r = cli({"sweep", "resubmit", dir});
        QVERIFY2(r.exitCode == 0 && r.out.contains("--array=3"), qPrintable(r.out + r.err));
        QVERIFY(waitFor(dir, settled, 240));
        tasks = status(dir);
        for (const auto& task : tasks) QCOMPARE(task.toObject()["state"].toString(), QString("done"));
        const QString log = readAll(dir + "/logs/task-3.log");
        QCOMPARE(log.count("== task 3: Slurm job"), 2);
        QVERIFY2(log.contains("resuming after"), qPrintable(log));
        const QList<int> labels = loggedLabels(log);
        QCOMPARE(QSet<int>(labels.begin(), labels.end()).size(), labels.size());
        QCOMPARE(labels.size(), 7);

        r = cli({"sweep", "merge", dir});
        QVERIFY2(r.exitCode == 0 && !r.out.contains("Missing"), qPrintable(r.out));
        QCOMPARE(readAll(dir + "/curve.csv"), handMadeCurve(80));
        // The local backend gives the same merge as Slurm.
        const QString local = path("stopped");
        if (QFile::exists(local + "/curve.csv")) QCOMPARE(readAll(dir + "/curve.csv"), readAll(local + "/curve.csv"));
    }

    void aDamagedTaskFailsAloneUnderSlurm() {
        if (!skipSlurm_.isEmpty()) QSKIP(qPrintable(skipSlurm_));
        const QString dir = path("damaged");
        QStringList options = tinyOptions(mnist_, 30);
        options[1] = "random";
        QVERIFY(cli(QStringList{"sweep", "create", dir} + options).exitCode == 0);
        QDir().mkpath(dir + "/tasks/1");
        QFile f(dir + "/tasks/1/settings.json");
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("{\"model\": \"gal\", \"dataset\": ");
        f.close();
        Result r = cli({"sweep", "submit", dir, "--backend", "slurm"});
        QVERIFY2(r.exitCode == 0, qPrintable(r.out + r.err));
        QVERIFY(waitFor(dir, settled, 240));
        const QJsonArray tasks = status(dir);
        QCOMPARE(tasks[0].toObject()["state"].toString(), QString("done"));
        QCOMPARE(tasks[1].toObject()["state"].toString(), QString("failed"));
        QVERIFY2(tasks[1].toObject()["reason"].toString().contains("settings.json"),
                 qPrintable(tasks[1].toObject()["reason"].toString()));
        QVERIFY(readAll(dir + "/logs/task-1.log").contains("settings.json"));
        r = cli({"sweep", "status", dir});
        QVERIFY2(r.out.contains("failed: ") && r.out.contains("1 done 1 failed"), qPrintable(r.out));
        r = cli({"sweep", "cancel", dir});
        QCOMPARE(r.exitCode, 0);
    }
};

QTEST_GUILESS_MAIN(TestSweepCli)
#include "test_sweep_cli.moc"
