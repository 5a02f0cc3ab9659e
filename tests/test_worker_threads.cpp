// The worker's own synchronisation, without an event loop in between: the
// job runs in a std::thread, as it does in the app's QThread, while this
// thread stops it or answers its questions. Every signal is connected
// directly, so what crosses threads goes only through the worker's atomics,
// mutex and condition variable; scripts/tsan.sh runs this under
// ThreadSanitizer, which sees all of them.
#include "worker/job_worker.h"
#include "test_support.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QtTest>

#include <atomic>
#include <chrono>
#include <mutex>
#include <thread>

using namespace alx::ui;
using Clock = std::chrono::steady_clock;

class TestWorkerThreads : public QObject {
    Q_OBJECT

    std::string mnist_;
    QTemporaryDir runs_;  // each active-learning test writes its run folder in here

    template <typename Predicate>
    static bool waitFor(Predicate done, int seconds) {
        const auto deadline = Clock::now() + std::chrono::seconds(seconds);
        while (!done()) {
            if (Clock::now() > deadline) return false;
            std::this_thread::sleep_for(std::chrono::milliseconds(5));
        }
        return true;
    }

    // A short human-in-the-loop run: one repeat, 200 candidates, 20 steps a
    // round, written to a new folder of its own.
    alx::ActiveLearningJobRequest humanRequest(const std::string& strategy, int64_t budget) const {
        alx::ActiveLearningJobRequest request;
        alx::ActiveLearningSettings& s = request.settings;
        s.data.dataDir = mnist_;
        request.outDir = (runs_.path() + "/" + QString::fromStdString(strategy)).toStdString();
        s.strategies = {alx::parseStrategy(strategy)};
        s.loop.budget = budget;
        s.loop.poolSubset = 200;
        s.loop.maxStepsPerRound = 20;
        s.repeats = 1;
        s.personLabels = true;
        return request;
    }

private slots:
    void initTestCase() {
        std::string why;
        mnist_ = alx::test::mnistDirectory(why);
        if (mnist_.empty()) QFAIL(why.c_str());
        qRegisterMetaType<BatchPoint>();
    }

    void stopFromAnotherThreadEndsTraining() {
        JobWorker worker;
        std::atomic<int> batches{0};
        std::atomic<bool> stopped{false}, finished{false};
        connect(&worker, &JobWorker::batchProgress, &worker, [&](const BatchPoint&) { ++batches; }, Qt::DirectConnection);
        connect(&worker, &JobWorker::stopped, &worker, [&](const QString&) { stopped = true; }, Qt::DirectConnection);
        connect(&worker, &JobWorker::finished, &worker, [&](const RunResultsPtr&) { finished = true; }, Qt::DirectConnection);
        alx::TrainJobRequest request;
        request.data.dataDir = mnist_;
        request.model = "lenet5";
        request.epochs = 50;  // far longer than the test waits
        request.data.trainImages = 20000;
        request.data.testImages = 1000;
        std::thread job([&] { worker.train(request); });
        QVERIFY2(waitFor([&] { return batches.load() >= 2; }, 120), "no batch reported");
        const auto asked = Clock::now();
        worker.requestStop();
        job.join();
        const double seconds = std::chrono::duration<double>(Clock::now() - asked).count();
        QVERIFY(stopped.load());
        QVERIFY(!finished.load());
        QVERIFY2(seconds < 1.0, qPrintable(QString("the job took %1 s to end").arg(seconds)));
    }

    // A Stop that arrives after the job was queued but before it began (as
    // when Stop is clicked while the worker thread is still busy) ends that
    // job; clearStop(), which the GUI calls before queuing, lets the next run.
    void stopBeforeTheJobBeginsIsKept() {
        JobWorker worker;
        std::atomic<bool> stopped{false}, finished{false};
        connect(&worker, &JobWorker::stopped, &worker, [&](const QString&) { stopped = true; }, Qt::DirectConnection);
        connect(&worker, &JobWorker::finished, &worker, [&](const RunResultsPtr&) { finished = true; }, Qt::DirectConnection);
        alx::TrainJobRequest request;
        request.data.dataDir = mnist_;
        request.model = "lenet5";
        request.epochs = 1;
        request.data.trainImages = 200;
        request.data.testImages = 100;
        worker.clearStop();  // queued
        worker.requestStop();  // stopped before it began
        std::thread first([&] { worker.train(request); });
        first.join();
        QVERIFY(stopped.load());
        QVERIFY(!finished.load());

        stopped = false;
        worker.clearStop();
        std::thread second([&] { worker.train(request); });
        second.join();
        QVERIFY(finished.load());
        QVERIFY(!stopped.load());
    }

    void labelsAnsweredFromAnotherThread() {
        JobWorker worker;
        std::mutex mutex;
        std::vector<AlQuery> queries;
        std::vector<AlRoundPoint> rounds;
        std::atomic<bool> done{false};
        connect(&worker, &JobWorker::alLabelsNeeded, &worker, [&](const AlQuery& q) {
            std::lock_guard<std::mutex> lock(mutex);
            queries.push_back(q);
        }, Qt::DirectConnection);
        connect(&worker, &JobWorker::alRound, &worker, [&](const AlRoundPoint& r) {
            std::lock_guard<std::mutex> lock(mutex);
            rounds.push_back(r);
        }, Qt::DirectConnection);
        connect(&worker, &JobWorker::alFinished, &worker, [&](const QString&) { done = true; }, Qt::DirectConnection);
        const alx::ActiveLearningJobRequest request = humanRequest("entropy", 40);  // 20 initial, 10 a round: two questions
        std::thread job([&] { worker.runActiveLearning(request); });
        // Two questions, each answered from this thread with all sevens.
        for (size_t asked = 1; asked <= 2; ++asked) {
            QVERIFY2(waitFor([&] { std::lock_guard<std::mutex> lock(mutex); return queries.size() >= asked; }, 300),
                     "the worker asked for no labels");
            size_t count = 0;
            {
                std::lock_guard<std::mutex> lock(mutex);
                count = queries.back().indices.size();
            }
            QCOMPARE(count, size_t(10));
            worker.provideLabels(std::vector<int64_t>(count, 7));
        }
        QVERIFY2(waitFor([&] { return done.load(); }, 300), "the loop did not finish");
        job.join();
        std::lock_guard<std::mutex> lock(mutex);
        QCOMPARE(rounds.size(), size_t(3));  // 20, 30 and 40 labels
        QCOMPARE(rounds.back().labels, int64_t(40));

        // The person's labels, not the dataset's, trained every acquired
        // image: as each round reports them, and as the run folder keeps
        // them for a resume. MNIST's own labels of these 20 images are not
        // all 7, so a loop that used them would fail here.
        bool someTrueLabelIsNot7 = false;
        for (size_t r = 1; r < rounds.size(); ++r) {
            QCOMPARE(rounds[r].usedLabels.size(), size_t(10));
            QCOMPARE(rounds[r].trueLabels.size(), size_t(10));
            for (int label : rounds[r].usedLabels) QCOMPARE(label, 7);
            for (int label : rounds[r].trueLabels) someTrueLabelIsNot7 = someTrueLabelIsNot7 || label != 7;
        }
        QVERIFY2(someTrueLabelIsNot7, "every acquired image is a 7: the check below proves nothing");
        QFile state(QString::fromStdString(request.outDir) + "/state/entropy-0.json");
        QVERIFY2(state.open(QIODevice::ReadOnly), qPrintable(state.fileName()));
        const QJsonObject json = QJsonDocument::fromJson(state.readAll()).object();
        const QJsonArray labelled = json.value("labelled").toArray(), labels = json.value("labels").toArray();
        QCOMPARE(labelled.size(), 40);
        QCOMPARE(labels.size(), 40);
        for (int i = int(request.settings.loop.initial); i < labels.size(); ++i) QCOMPARE(labels[i].toInt(), 7);
    }

    void stopReleasesAWaitForLabels() {
        JobWorker worker;
        std::atomic<bool> asked{false}, stopped{false};
        connect(&worker, &JobWorker::alLabelsNeeded, &worker, [&](const AlQuery&) { asked = true; }, Qt::DirectConnection);
        connect(&worker, &JobWorker::stopped, &worker, [&](const QString&) { stopped = true; }, Qt::DirectConnection);
        const alx::ActiveLearningJobRequest request = humanRequest("margin", 100);
        std::thread job([&] { worker.runActiveLearning(request); });
        QVERIFY2(waitFor([&] { return asked.load(); }, 300), "the worker asked for no labels");
        const auto start = Clock::now();
        worker.requestStop();
        job.join();
        QVERIFY(stopped.load());
        QVERIFY(std::chrono::duration<double>(Clock::now() - start).count() < 1.0);
    }
};

QTEST_GUILESS_MAIN(TestWorkerThreads)
#include "test_worker_threads.moc"
