// The real main window driven as a person would (offscreen): pick LeNet-5,
// click Train on a small MNIST subset, wait, and check what every view
// shows; Stop mid-run; close the window mid-run; save, reopen and export.
#include "alx/scores.h"

#include <QElapsedTimer>
#include <QLineEdit>
#include <QTableWidget>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest>
#include <qcustomplot.h>

#include <numeric>

#include "active_learning_page.h"
#include "confusion_view.h"
#include "digit_tile.h"
#include "histogram.h"
#include "loss_plot.h"
#include "main_window.h"
#include "score_histograms.h"
#include "test_support.h"
#include "uncertain_grid.h"

using namespace alx::ui;

class TestGui : public QObject {
    Q_OBJECT

    QString mnist_;
    QTemporaryDir tmp_;
    std::unique_ptr<MainWindow> trained_;  // kept from the first test for the save/open ones

    std::unique_ptr<MainWindow> makeWindow(int epochs, int trainImages, int testImages) {
        auto w = std::make_unique<MainWindow>();
        w->setDataDirectory(mnist_);
        w->selectDataset("mnist");
        w->selectModel("lenet5");
        w->setEpochs(epochs);
        w->setSubset(trainImages, testImages);
        w->show();
        return w;
    }

private slots:
    void initTestCase() {
        QStandardPaths::setTestModeEnabled(true);  // settings go to a test location
        qputenv("ALX_NO_DIALOGS", "1");
        std::string why;
        mnist_ = QString::fromStdString(alx::test::mnistDirectory(why));
        if (mnist_.isEmpty()) QFAIL(why.c_str());
    }

    void scoreOrderMatchesCore() {
        for (int k = 0; k < kScoreCount; ++k) {
            QCOMPARE(QString(scoreKeyName(k)), QString::fromStdString(alx::scoreKey(alx::kAllScores[size_t(k)])));
            QCOMPARE(scoreHighIsUncertain(k), alx::highIsUncertain(alx::kAllScores[size_t(k)]));
        }
    }

    void histogramCountsEveryValueOnce() {
        std::vector<float> values = {0.0f, 0.0f, 0.0f, 0.5f, 1.0f, 1.0f, 0.25f};
        for (int i = 0; i < 1000; ++i) values.push_back(float(i % 97) / 97.0f);
        const Histogram h = makeHistogram(values);
        QCOMPARE(std::accumulate(h.counts.begin(), h.counts.end(), 0), int(values.size()));
        QVERIFY(h.counts.size() >= 10 && h.counts.size() <= 60);
        QCOMPARE(h.binOf(1.0), int(h.counts.size()) - 1);  // the maximum is inside
        const Histogram flat = makeHistogram({2.0f, 2.0f, 2.0f});
        QCOMPARE(std::accumulate(flat.counts.begin(), flat.counts.end(), 0), 3);
    }

    void trainShowsLossHistogramsAndGrid() {
        trained_ = makeWindow(2, 3000, 400);
        MainWindow& w = *trained_;
        QSignalSpy finished(&w, &MainWindow::runFinished);
        QSignalSpy failed(&w, &MainWindow::runFailed);

        // The GUI thread must keep ticking while the worker trains.
        QElapsedTimer sinceTick;
        qint64 longestGap = 0;
        QTimer ticker;
        ticker.setInterval(5);
        connect(&ticker, &QTimer::timeout, [&] {
            if (sinceTick.isValid()) longestGap = std::max(longestGap, sinceTick.elapsed());
            sinceTick.restart();
        });
        ticker.start();

        QTest::mouseClick(w.trainButton(), Qt::LeftButton);
        QVERIFY(w.isBusy());
        QVERIFY(!w.trainButton()->isEnabled());
        QVERIFY(finished.wait(300000));
        ticker.stop();
        QVERIFY2(failed.isEmpty(), failed.isEmpty() ? "" : qPrintable(failed.first().first().toString()));
        qInfo("longest gap between 5 ms GUI timer ticks during the run: %lld ms", static_cast<long long>(longestGap));
        QVERIFY2(longestGap < 500, "the GUI thread stalled");

        // One loss point per epoch, and a per-batch trace.
        QCOMPARE(w.lossPlot()->epochPointCount(), 2);
        QVERIFY(w.lossPlot()->batchPointCount() >= 2);

        const auto results = w.results();
        QVERIFY(results);
        QCOMPARE(results->count, int64_t(400));
        QVERIFY2(results->accuracy > 0.8, qPrintable(QString::number(results->accuracy)));

        // Each histogram holds every evaluated image exactly once.
        for (int k = 0; k < kScoreCount; ++k) {
            const auto& counts = w.histograms()->histogram(k).counts;
            QCOMPARE(std::accumulate(counts.begin(), counts.end(), 0), 400);
            QVERIFY(w.histograms()->plot(k)->plottableCount() == 1);
        }
        const QString tip = w.histograms()->describeBinAt(1, w.histograms()->histogram(1).binStart(0));
        QVERIFY2(tip.contains("images"), qPrintable(tip));

        // The grid: 32 images by default, each with its 5 neighbours, drawn.
        QCOMPARE(w.uncertainGrid()->shownIndices().size(), size_t(32));
        QCOMPARE(w.uncertainGrid()->tilesPerRow(), 6);
        QCOMPARE(w.uncertainGrid()->findChildren<DigitTile*>().size(), 32 * 6);
        // Ranked by entropy, highest first.
        const auto shown = w.uncertainGrid()->shownIndices();
        QVERIFY(results->score(1, shown.front()) >= results->score(1, shown.back()));
        w.uncertainGrid()->setTopN(10);
        QCOMPARE(w.uncertainGrid()->findChildren<DigitTile*>().size(), 10 * 6);

        // The confusion matrix accounts for every image; a cell lists its images.
        int64_t total = 0;
        for (int r = 0; r < 10; ++r) {
            for (int c = 0; c < 10; ++c) total += w.confusionView()->item(r, c)->text().toLongLong();
        }
        QCOMPARE(total, int64_t(400));
        QCOMPARE(int64_t(w.confusionView()->imagesIn(3, 3).size()), w.confusionView()->item(3, 3)->text().toLongLong());
    }

    void saveOpenAndExport() {
        QVERIFY(trained_);
        const QString dir = tmp_.path() + "/saved";
        QSignalSpy saved(trained_.get(), &MainWindow::runSaved);
        trained_->saveRunAs(dir);
        QVERIFY(saved.wait(60000));
        for (const char* f : {"summary.json", "per_sample.csv", "embeddings.npy", "probabilities.npy", "model.pt"}) {
            QVERIFY2(QFile::exists(dir + "/" + f), f);
        }

        const QString plots = tmp_.path() + "/plots";
        QDir().mkpath(plots);
        trained_->exportPlots(plots);
        QVERIFY(QFile::exists(plots + "/loss.png"));
        QVERIFY(QFile::exists(plots + "/loss.pdf"));
        QVERIFY(QFile::exists(plots + "/histogram_kl_divergence.pdf"));
        QCOMPARE(QDir(plots).entryList(QDir::Files).size(), 14);

        // A new window shows the saved run without training.
        auto reopened = std::make_unique<MainWindow>();
        reopened->setDataDirectory(mnist_);
        QSignalSpy opened(reopened.get(), &MainWindow::runFinished);
        reopened->openRunFrom(dir);
        QVERIFY(opened.wait(60000));
        const auto a = trained_->results(), b = reopened->results();
        QCOMPARE(b->count, a->count);
        QCOMPARE(b->accuracy, a->accuracy);
        QCOMPARE(b->neighbours, a->neighbours);
        QCOMPARE(b->labels, a->labels);
        QCOMPARE(reopened->lossPlot()->epochPointCount(), 2);
        for (int k = 0; k < kScoreCount; ++k) {
            QCOMPARE(reopened->histograms()->histogram(k).counts, trained_->histograms()->histogram(k).counts);
        }

        // A damaged run is refused with a message, and nothing is half-shown.
        QFile csv(dir + "/per_sample.csv");
        QVERIFY(csv.open(QIODevice::WriteOnly | QIODevice::Truncate));
        csv.write("index,label\n0,1\n");
        csv.close();
        auto third = std::make_unique<MainWindow>();
        QSignalSpy refused(third.get(), &MainWindow::runFailed);
        third->openRunFrom(dir);
        QVERIFY(refused.wait(60000));
        QVERIFY2(refused.first().first().toString().contains("per_sample.csv"), qPrintable(refused.first().first().toString()));
        QVERIFY(!third->results());
    }

    void activeLearningCurvesGrowLive() {
        auto w = makeWindow(1, 0, 0);
        ActiveLearningPage* page = w->activeLearningPage();
        page->setStrategies({"random", "entropy"});
        page->setBudget(20, 10, 40, 200, 1, 10);
        QSignalSpy finished(w.get(), &MainWindow::activeLearningFinished);
        QSignalSpy failed(w.get(), &MainWindow::runFailed);
        Q_EMIT page->runRequested(page->request());
        QVERIFY(w->isBusy());
        QVERIFY(finished.wait(300000));
        QVERIFY2(failed.isEmpty(), failed.isEmpty() ? "" : qPrintable(failed.first().first().toString()));
        // Rounds at 20, 30 and 40 labels for each strategy, one line each.
        QCOMPARE(page->roundCount("random"), 3);
        QCOMPARE(page->roundCount("entropy"), 3);
        QTRY_COMPARE(page->table()->rowCount(), 2);
        QVERIFY(page->plot()->graphCount() == 6);  // a line and a two-graph band per strategy
        QVERIFY(!w->isBusy());
    }

    void humanLabelsTheAcquiredImages() {
        auto w = makeWindow(1, 0, 0);
        ActiveLearningPage* page = w->activeLearningPage();
        page->setStrategies({"entropy"});
        page->setBudget(20, 10, 30, 200, 1, 10);
        page->setHumanMode(true);
        w->tabs()->setCurrentWidget(page);
        QSignalSpy finished(w.get(), &MainWindow::activeLearningFinished);
        Q_EMIT page->runRequested(page->request());
        // After round 0 the app asks for ten labels; the person types them.
        QTRY_COMPARE_WITH_TIMEOUT(page->labelFields().size(), 10, 120000);
        for (QLineEdit* field : page->labelFields()) {
            QTest::keyClicks(field, "7");
            QCOMPARE(field->text(), QString("7"));
        }
        const QList<QPushButton*> buttons = page->findChildren<QPushButton*>();
        QPushButton* submit = *std::find_if(buttons.begin(), buttons.end(), [](QPushButton* b) { return b->text() == "Submit labels"; });
        QTest::mouseClick(submit, Qt::LeftButton);
        QVERIFY(finished.wait(120000));
        QCOMPARE(page->roundCount("entropy (you)"), 2);  // 20 labels, then 30 with the person's
    }

    void damagedSettingsFallBackToDefaults() {
        {
            QSettings settings;
            settings.setValue("train/model", "simplecnn");
        }
        const QString path = QSettings().fileName();
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
        file.write("[train\nmodel=simplecnn\n\x01\x02[[[=\n");
        file.close();
        QVERIFY(QSettings().status() != QSettings::NoError);
        {
            MainWindow w;  // must not crash, and must start from the defaults
            w.close();     // writes its settings again
        }
        QFile rewritten(path);
        QVERIFY(rewritten.open(QIODevice::ReadOnly));
        const QByteArray text = rewritten.readAll();
        QVERIFY2(text.contains("model=lenet5") && !text.contains("[[["), text.constData());
        QSettings().clear();
    }

    void stopEndsTheRunPromptly() {
        auto w = makeWindow(100, 20000, 400);
        QSignalSpy stopped(w.get(), &MainWindow::runStopped);
        QTest::mouseClick(w->trainButton(), Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(w->lossPlot()->batchPointCount() > 0, 120000);
        QElapsedTimer latency;
        latency.start();
        QTest::mouseClick(w->stopButton(), Qt::LeftButton);
        QVERIFY(stopped.wait(10000));
        qInfo("Stop took %lld ms", static_cast<long long>(latency.elapsed()));
        QVERIFY2(latency.elapsed() < 1000, "Stop took more than a second");
        QVERIFY(!w->isBusy());
        QVERIFY(w->trainButton()->isEnabled());
        QVERIFY(!w->stopButton()->isEnabled());
        QVERIFY(w->lossPlot()->batchPointCount() > 0);  // the curve so far is kept
    }

    void closingMidTrainingNeitherHangsNorCrashes() {
        auto w = makeWindow(100, 20000, 400);
        QTest::mouseClick(w->trainButton(), Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(w->lossPlot()->batchPointCount() > 0, 120000);
        QElapsedTimer latency;
        latency.start();
        QVERIFY(w->close());
        w.reset();
        qInfo("closing during training took %lld ms", static_cast<long long>(latency.elapsed()));
        QVERIFY(latency.elapsed() < 3000);
    }
};

QTEST_MAIN(TestGui)
#include "test_gui.moc"
