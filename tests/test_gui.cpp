// The real main window driven as a person would (offscreen): pick LeNet-5,
// click Train on a small MNIST subset, wait, and check what every view
// shows; Stop mid-run; close the window mid-run or while the dataset loads;
// save, reopen and export; active learning, labelled by the person, and
// run folders handed between the app and alx-cli in both directions; a
// sweep made by alx-cli followed in its window, and one made by the app.
// Every test builds the window and the runs it needs: none relies on
// another's.
#include "alx/storage/runs_library.h"
#include "alx/storage/sweep_folder.h"
#include "alx/vocabulary.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QPointer>
#include <QProcess>
#include <QPushButton>
#include <QScopeGuard>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QStatusBar>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QtTest>
#include <qcustomplot.h>

#include <csignal>
#include <filesystem>
#include <functional>
#include <map>
#include <set>
#include <numeric>
#include <random>
#include <signal.h>

#include "pages/active_learning_page.h"
#include "dialogs/image_detail_dialog.h"
#include "pages/map_page.h"
#include "dialogs/comparison_view.h"
#include "pages/runs_page.h"
#include "plots/reliability_plot.h"
#include "pages/results_view.h"
#include "pages/suspect_labels_page.h"
#include "plots/map_view.h"
#include "plots/confusion_view.h"
#include "widgets/image_tile.h"
#include "plots/histogram.h"
#include "worker/job_worker.h"
#include "plots/learning_curve_plot.h"
#include "plots/loss_plot.h"
#include "window/main_window.h"
#include "plots/score_histograms.h"
#include "dialogs/sweep_dialog.h"
#include "dialogs/sweep_view.h"
#include "test_support.h"
#include "pages/training_panel.h"
#include "widgets/uncertain_grid.h"
#include "widgets/labelling_grid.h"
#include "dialogs/pile_map_dialog.h"
#include "image_writer.h"

using namespace alx::ui;

namespace {

// On the pile's map, two images of the bright top kind outside the batch
// are selected and labelled together; the selection exports as index,path.
void labelTwoOnTheMap(LabellingGrid* grid, const std::function<int(const QString&)>& kindOf, const QString& file) {
    PileMapDialog* map = grid->mapDialog();
    QSet<QString> batch;
    for (int i = 0; i < grid->imageCount(); ++i) batch.insert(grid->path(i));
    std::vector<int64_t> pick;
    for (int64_t image = 0; pick.size() < 2 && !map->path(image).isEmpty(); ++image) {
        if (kindOf(map->path(image)) == 2 && !batch.contains(map->path(image))) pick.push_back(image);
    }
    QCOMPARE(pick.size(), size_t(2));
    QVERIFY(map->view()->rowsIn(map->view()->rect()).size() == 45 || !map->view()->isVisible());
    map->select(pick);
    QCOMPARE(map->ticks().size(), size_t(2));
    QVERIFY(map->exportSelection(file));
    QFile csv(file);
    QVERIFY(csv.open(QIODevice::ReadOnly));
    QCOMPARE(csv.readAll(), QString("index,path\n%1,%2\n%3,%4\n").arg(pick[0]).arg(map->path(pick[0])).arg(pick[1]).arg(map->path(pick[1])).toUtf8());
    QTest::keyClicks(map->classField(), "bright_top");
    QTest::mouseClick(map->labelButton(), Qt::LeftButton);
    QCOMPARE(grid->current(), 0);  // the batch itself is untouched
}


}  // namespace

class TestGui : public QObject {
    Q_OBJECT

    QString mnist_;
    QTemporaryDir tmp_;  // each test uses a folder of its own in here

    // A window from the default settings (so no test sees another's).
    std::unique_ptr<MainWindow> makeWindow(int epochs, int trainImages, int testImages) {
        QSettings().clear();
        auto w = std::make_unique<MainWindow>();
        w->setDataDirectory(mnist_);
        w->selectDataset("mnist");
        w->selectModel("lenet5");
        w->setEpochs(epochs);
        w->setSubset(trainImages, testImages);
        w->show();
        return w;
    }

    // The tiny run of the round-trip tests, as alx-cli's flags; the app's
    // windows use the same through the panel and the page (alWindow).
    QStringList alArguments(const QString& out, bool resume) const {
        QStringList args = {"al", "--strategy", "entropy", "--repeats", "1", "--budget", "40", "--initial", "20",
                            "--acquire", "10", "--max-steps", "20", "--train-images", "2000", "--test-images", "500",
                            "--threads", "1", "--data-dir", mnist_, "--out", out};
        if (resume) args << "--resume";
        return args;
    }

    std::unique_ptr<MainWindow> alWindow() {
        auto w = makeWindow(1, 2000, 500);
        ActiveLearningPage* page = w->activeLearningPage();
        page->setStrategies({"entropy"});
        page->setBudget(20, 10, 40, 2000, 1, 20);
        return w;
    }

    // How many times each label count appears in a run's curve.csv.
    static std::map<int64_t, int> curveCounts(const QString& dir) {
        std::map<int64_t, int> counts;
        QFile file(dir + "/curve.csv");
        if (!file.open(QIODevice::ReadOnly)) return counts;
        const QList<QByteArray> lines = file.readAll().split('\n');
        for (int i = 1; i < lines.size(); ++i) {  // after the header
            const QList<QByteArray> fields = lines[i].split(',');
            if (fields.size() >= 4) ++counts[fields[2].toLongLong()];  // ece (a fifth field) since curves record it
        }
        return counts;
    }

    // A run's labels.csv as rows of path, label, status and round (no quoting in these names).
    static QList<QStringList> pileRows(const QString& dir) {
        QFile file(dir + "/labels.csv");
        QList<QStringList> rows;
        if (!file.open(QIODevice::ReadOnly)) return rows;
        const QList<QByteArray> lines = file.readAll().trimmed().split('\n');
        for (int i = 1; i < lines.size(); ++i) rows << QString::fromUtf8(lines[i]).split(',');
        return rows;
    }

    // The labels a run folder's state file says each labelled image was trained with.
    static QJsonArray stateLabels(const QString& dir, const QString& strategy) {
        QFile file(dir + "/state/" + strategy + "-0.json");
        if (!file.open(QIODevice::ReadOnly)) return {};
        return QJsonDocument::fromJson(file.readAll()).object().value("labels").toArray();
    }

    // A finished sweep of four tiny tasks (random and bald, 2 repeats, 20 to
    // 40 labels), made once by alx-cli as a person would (sweep create, then
    // sweep submit --backend local) and copied into `dir` for each test, so
    // that none sees another's changes. Returns what went wrong, if anything.
    QString sweepTemplate_;
    QString finishedSweep(const QString& name, QString& dir) {
        if (sweepTemplate_.isEmpty()) {
            const QString made = tmp_.path() + "/sweep-template";
            QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
            env.insert("ALX_RUNS_DIR", tmp_.path() + "/sweep-runs");  // create lists the sweep there
            const QList<QStringList> commands = {
                {"sweep", "create", made, "--strategy", "random,bald", "--repeats", "2", "--budget", "40", "--max-steps", "8",
                 "--mc-samples", "3", "--pool-subset", "200", "--train-images", "1000", "--test-images", "300", "--threads", "1",
                 "--data-dir", mnist_},
                {"sweep", "submit", made, "--backend", "local", "--jobs", "2"}};
            for (const QStringList& args : commands) {
                QProcess cli;
                cli.setProcessEnvironment(env);
                cli.start(alx::test::cliPath(), args);
                if (!cli.waitForFinished(600000)) return "alx-cli " + args.join(' ') + ": did not finish";
                if (cli.exitStatus() != QProcess::NormalExit || cli.exitCode() != 0) {
                    return "alx-cli " + args.join(' ') + ": " + cli.readAllStandardOutput() + cli.readAllStandardError();
                }
            }
            sweepTemplate_ = made;
        }
        dir = tmp_.path() + "/" + name;
        std::error_code ec;
        std::filesystem::copy(sweepTemplate_.toStdString(), dir.toStdString(), std::filesystem::copy_options::recursive, ec);
        return ec ? QString::fromStdString("cannot copy the sweep: " + ec.message()) : QString();
    }

    static QString taskState(SweepView* view, int task) {
        QTableWidgetItem* item = view->taskTable()->item(task, view->column(SweepView::kState));
        return item ? item->text() : QString();
    }

    static QString taskReason(SweepView* view, int task) {
        QTableWidgetItem* item = view->taskTable()->item(task, view->column(SweepView::kReason));
        return item ? item->text() : QString();
    }

private slots:
    void initTestCase() {
        QStandardPaths::setTestModeEnabled(true);  // settings and app runs go to a test location
        qunsetenv("ALX_RUNS_DIR");  // never a person's runs folder: the tests empty it
        // As the app does; without an organisation QSettings reads and
        // writes nothing (status AccessError), which looks like a damaged file.
        QCoreApplication::setOrganizationName("alx");
        qputenv("ALX_NO_DIALOGS", "1");
        std::string why;
        mnist_ = QString::fromStdString(alx::test::mnistDirectory(why));
        if (mnist_.isEmpty()) QFAIL(why.c_str());
        // What a killed earlier run of this test left behind.
        QDir(MainWindow::runsFolder()).removeRecursively();
    }

    // The runs the app wrote under its (test mode) data location.
    void cleanupTestCase() {
        QDir(MainWindow::runsFolder()).removeRecursively();
        QDir(QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation) + "/Trash").removeRecursively();
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
        auto window = makeWindow(2, 3000, 400);
        MainWindow& w = *window;
        QSignalSpy finished(&w, &MainWindow::runFinished);
        QSignalSpy failed(&w, &MainWindow::runFailed);
        QSignalSpy kept(&w, &MainWindow::runKept);

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

        // The finished run is kept in a new folder of the runs folder, whole.
        QVERIFY(kept.count() == 1 || kept.wait(60000));
        const QString keptDir = kept.first().first().toString();
        QVERIFY2(keptDir.startsWith(MainWindow::runsFolder()), qPrintable(keptDir));
        for (const char* f : {"summary.json", "per_sample.csv", "probabilities.npy", "model.pt"}) {
            QVERIFY2(QFile::exists(keptDir + "/" + f), f);
        }

        // One loss point per epoch, and a per-batch trace.
        QCOMPARE(w.lossPlot()->epochPointCount(), 2);
        QVERIFY(w.lossPlot()->batchPointCount() >= 2);

        const auto results = w.results();
        QVERIFY(results);
        QCOMPARE(results->count, int64_t(400));
        QVERIFY2(results->summary.testAccuracy > 0.8, qPrintable(QString::number(results->summary.testAccuracy)));

        // Each histogram holds every evaluated image exactly once.
        for (int k = 0; k < alx::kScoreCount; ++k) {
            const auto& counts = w.histograms()->histogram(k).counts;
            QCOMPARE(std::accumulate(counts.begin(), counts.end(), 0), 400);
            QVERIFY(w.histograms()->plot(k)->plottableCount() == 1);
        }
        const QString tip = w.histograms()->describeBinAt(1, w.histograms()->histogram(1).binStart(0));
        QVERIFY2(tip.contains("images"), qPrintable(tip));

        // The grid: 32 images by default, each with its 5 neighbours, drawn.
        QCOMPARE(w.uncertainGrid()->shownIndices().size(), size_t(32));
        QCOMPARE(w.uncertainGrid()->tilesPerRow(), 6);
        QCOMPARE(w.uncertainGrid()->findChildren<ImageTile*>().size(), 32 * 6);
        // Ranked by entropy, highest first.
        const auto shown = w.uncertainGrid()->shownIndices();
        QVERIFY(results->score(1, shown.front()) >= results->score(1, shown.back()));
        w.uncertainGrid()->setTopN(10);
        QCOMPARE(w.uncertainGrid()->findChildren<ImageTile*>().size(), 10 * 6);

        // Training-set neighbours are on by default in the app: each test
        // image's 5 nearest training images, whose label mostly agrees with
        // the prediction (the network leans on them), shown by the switch.
        QCOMPARE(results->trainNeighboursPerImage, 5);
        QCOMPARE(results->trainNeighbours.size(), size_t(400 * 5));
        int agree = 0;
        for (int64_t i = 0; i < results->count; ++i) {
            const int64_t nearest = results->trainNeighbours[size_t(i * 5)];
            QVERIFY(results->trainImage(nearest) != nullptr);
            agree += results->trainLabel(nearest) == results->predicted[size_t(i)];
            for (int j = 1; j < 5; ++j) QVERIFY(results->trainNeighbourDistance(i, j) >= results->trainNeighbourDistance(i, j - 1) - 1e-5f);
        }
        QVERIFY2(agree > 320, qPrintable(QString::number(agree)));
        w.uncertainGrid()->setNeighboursFromTraining(true);
        QVERIFY(w.uncertainGrid()->neighboursFromTraining());
        const auto tiles = w.uncertainGrid()->findChildren<ImageTile*>();
        QCOMPARE(tiles.size(), 10 * 6);
        std::set<int64_t> expectedTraining, shownTraining;
        const auto ranked = w.uncertainGrid()->shownIndices();
        for (int64_t i : ranked) {
            for (int j = 0; j < 5; ++j) expectedTraining.insert(results->trainNeighbours[size_t(i * 5 + j)]);
        }
        for (ImageTile* tile : tiles) {
            if (!tile->clickable()) shownTraining.insert(tile->index());  // training images open no test-image dialog
        }
        QCOMPARE(shownTraining.size(), expectedTraining.size());
        QVERIFY(std::includes(expectedTraining.begin(), expectedTraining.end(), shownTraining.begin(), shownTraining.end()));
        w.uncertainGrid()->setNeighboursFromTraining(false);
        // The detail dialog shows both: the image, 5 test and 5 training neighbours.
        ImageDetailDialog detail(results, shown.front());
        QCOMPARE(detail.findChildren<ImageTile*>().size(), 1 + 5 + 5);

        // The confusion matrix accounts for every image; a cell lists its images.
        int64_t total = 0;
        for (int r = 0; r < 10; ++r) {
            for (int c = 0; c < 10; ++c) total += w.confusionView()->item(r, c)->text().toLongLong();
        }
        QCOMPARE(total, int64_t(400));
        QCOMPARE(int64_t(w.confusionView()->imagesIn(3, 3).size()), w.confusionView()->item(3, 3)->text().toLongLong());

        // The reliability diagram bins every image once; its ECE is the core's.
        const auto& calibration = w.resultsView()->reliabilityPlot()->measures();
        int64_t binned = 0;
        for (const auto& bin : calibration.bins) binned += bin.count;
        QCOMPARE(binned, int64_t(400));
        QCOMPARE(calibration.bins.size(), size_t(15));
        QVERIFY(calibration.ece >= 0 && calibration.ece <= calibration.mce + 1e-12);
        QVERIFY(!w.resultsView()->reliabilityPlot()->describeBinAt(0.999).isEmpty());
    }

    // The Map page: a t-SNE map computes with live redraws, Stop ends one, a
    // Shift+drag selection fills the image window, a click opens an image's
    // details, and a map kept with a saved run comes back when it is opened.
    void mapComputesStopsSelectsAndReopens() {
        auto window = makeWindow(1, 2000, 500);
        QSignalSpy finished(window.get(), &MainWindow::runFinished);
        QTest::mouseClick(window->trainButton(), Qt::LeftButton);
        QVERIFY(finished.wait(300000));
        const QString dir = tmp_.path() + "/mapped";
        QSignalSpy saved(window.get(), &MainWindow::runSaved);
        window->saveRunAs(dir);  // the map is then kept in this folder
        QVERIFY(saved.wait(60000));
        window->tabs()->setCurrentWidget(window->mapPage());

        int liveUpdates = 0;
        bool stopOnFirst = false;
        connect(window->worker(), &JobWorker::mapUpdated, window.get(), [&](const MapDataPtr& map) {
            if (map->final) return;
            ++liveUpdates;
            if (stopOnFirst) window->stop();
        });
        QSignalSpy mapped(window.get(), &MainWindow::mapFinished);
        window->startMap("tsne", "test");
        QVERIFY(mapped.wait(120000));
        QVERIFY2(liveUpdates >= 10, qPrintable(QString::number(liveUpdates)));  // 1,000 iterations, every 25
        const MapDataPtr map = window->mapPage()->map();
        QVERIFY(map && map->final);
        QCOMPARE(map->testRows, int64_t(500));
        QCOMPARE(map->xy.size(), size_t(1000));
        QVERIFY(QFile::exists(dir + "/map_tsne_test.npy"));
        QTRY_VERIFY(window->mapPage()->view()->rendersDone() >= 2);

        // Stop ends a map between iterations and keeps nothing.
        stopOnFirst = true;
        liveUpdates = 0;
        QSignalSpy stopped(window.get(), &MainWindow::runStopped);
        window->startMap("tsne", "test");
        QVERIFY(stopped.wait(60000));
        QVERIFY(!window->isBusy());
        QVERIFY(window->mapPage()->map()->final);  // the finished map is still the one kept
        stopOnFirst = false;

        MapView* view = window->mapPage()->view();
        // A click on an image opens its details.
        const QPoint at = view->widgetPosition(7).toPoint();
        const int64_t picked = view->rowAt(at);
        QVERIFY(picked >= 0);
        QTest::mouseClick(view, Qt::LeftButton, Qt::NoModifier, at);
        QTRY_VERIFY(!window->findChildren<ImageDetailDialog*>().isEmpty());

        // Shift+drag selects the images in the rectangle: a grid opens with
        // them, counted per label. The expected set is worked out from the
        // points' positions, not from the view's own hit test.
        // The band spans three images' positions, so it holds at least those.
        QRectF span;
        for (int64_t row : {3, 50, 200}) span |= QRectF(view->widgetPosition(row), QSizeF(1, 1));
        const QPoint from = span.topLeft().toPoint() - QPoint(2, 2), to = span.bottomRight().toPoint() + QPoint(2, 2);
        const QRectF band = QRectF(from, to).normalized();
        int64_t expected = 0;
        for (int64_t row = 0; row < map->testRows; ++row) expected += band.contains(view->widgetPosition(row));
        QVERIFY2(expected >= 3, qPrintable(QString("%1 in %2,%3 %4x%5").arg(expected).arg(band.x()).arg(band.y()).arg(band.width()).arg(band.height())));
        QTest::mousePress(view, Qt::LeftButton, Qt::ShiftModifier, from);
        QTest::mouseRelease(view, Qt::LeftButton, Qt::ShiftModifier, to);
        const QString title = QString("%1 images selected on the map").arg(expected);
        QDialog* grid = nullptr;
        QTRY_VERIFY((grid = [&]() -> QDialog* {
            for (QDialog* d : window->findChildren<QDialog*>()) {
                if (d->windowTitle().startsWith(title)) return d;
            }
            return nullptr;
        }()) != nullptr);
        QCOMPARE(int64_t(grid->findChildren<ImageTile*>().size()), std::min<int64_t>(expected, 500));
        // The selection exports as split,index,path: the test rows by their index, no path for MNIST.
        const QString selection = tmp_.path() + "/map-selection.csv";
        QVERIFY(window->mapPage()->exportSelection(selection));
        QFile selected(selection);
        QVERIFY(selected.open(QIODevice::ReadOnly));
        const QList<QByteArray> lines = selected.readAll().trimmed().split('\n');
        QCOMPARE(lines.first(), QByteArray("split,index,path"));
        QCOMPARE(int64_t(lines.size() - 1), expected);
        for (const QByteArray& line : lines.mid(1)) {
            const QList<QByteArray> f = line.split(',');
            QVERIFY(f[0] == "test" && f[2].isEmpty());
            QVERIFY(band.contains(view->widgetPosition(f[1].toLongLong())));
        }
        // The counts per label add up to the selection.
        int64_t counted = 0;
        for (const QString& part : grid->windowTitle().section("per label ", 1).split(", ")) {
            counted += part.section(": ", 1, 1).toLongLong();
        }
        QCOMPARE(counted, expected);

        // Exported as PNG, PDF and the coordinates.
        QVERIFY(window->mapPage()->exportTo(tmp_.path() + "/map"));
        for (const char* ext : {".png", ".pdf", ".csv"}) QVERIFY(QFileInfo(tmp_.path() + "/map" + ext).size() > 0);

        // Reopening the run shows the kept map without computing it.
        auto reopened = std::make_unique<MainWindow>();
        reopened->setDataDirectory(mnist_);
        QSignalSpy opened(reopened.get(), &MainWindow::runFinished);
        reopened->openRunFrom(dir);
        QVERIFY(opened.wait(60000));
        QTRY_VERIFY(reopened->mapPage()->map() != nullptr);
        QCOMPARE(reopened->mapPage()->map()->xy, map->xy);
    }

    // A measurement, run on request (ALX_GUI_FULL_MAP=1, about 4 minutes on
    // two cores): the GUI thread's longest stall while t-SNE maps all 70,000
    // MNIST images live, with the same 5 ms ticker as the training test.
    void mapOfAllImagesKeepsTheGuiResponsive() {
        if (qEnvironmentVariableIsEmpty("ALX_GUI_FULL_MAP")) QSKIP("set ALX_GUI_FULL_MAP=1 to measure (about 4 minutes)");
        auto window = makeWindow(1, 0, 0);
        QSignalSpy finished(window.get(), &MainWindow::runFinished);
        QTest::mouseClick(window->trainButton(), Qt::LeftButton);
        QVERIFY(finished.wait(600000));
        window->tabs()->setCurrentWidget(window->mapPage());
        QElapsedTimer sinceTick, total;
        qint64 longestGap = 0;
        int frames = 0;
        QTimer ticker;
        ticker.setInterval(5);
        connect(&ticker, &QTimer::timeout, [&] {
            if (sinceTick.isValid()) longestGap = std::max(longestGap, sinceTick.elapsed());
            sinceTick.restart();
        });
        connect(window->worker(), &JobWorker::mapUpdated, window.get(), [&](const MapDataPtr&) { ++frames; });
        QSignalSpy mapped(window.get(), &MainWindow::mapFinished);
        total.start();
        ticker.start();
        window->startMap("tsne", "all");
        QVERIFY(mapped.wait(900000));
        QTRY_VERIFY(window->mapPage()->view()->rendersDone() >= 1);
        ticker.stop();
        QCOMPARE(window->mapPage()->map()->xy.size(), size_t(2 * 70000));
        qInfo("70,000-image map: %d frames in %.1f s; longest gap between 5 ms GUI timer ticks: %lld ms", frames,
              total.elapsed() / 1000.0, static_cast<long long>(longestGap));
        QVERIFY2(longestGap < 50, "the GUI thread stalled");
    }

    // Runs: every finished run is kept and listed; two are compared; a run
    // written by alx-cli shows up while the app is open; a deleted run lands
    // in the trash.
    void runsAreListedComparedAndTrashed() {
        auto window = makeWindow(1, 1000, 300);
        QSignalSpy kept(window.get(), &MainWindow::runKept);
        QStringList dirs;
        for (const char* model : {"lenet5", "net"}) {
            window->selectModel(model);
            QSignalSpy finished(window.get(), &MainWindow::runFinished);
            QTest::mouseClick(window->trainButton(), Qt::LeftButton);
            QVERIFY(finished.wait(300000));
            QTRY_VERIFY_WITH_TIMEOUT(kept.count() == dirs.size() + 1, 60000);
            dirs << kept.last().first().toString();
        }
        RunsPage* page = window->runsPage();
        window->tabs()->setCurrentWidget(page);  // the page follows the folder while it is in view
        const auto listed = [&](const QString& dir) {
            return std::any_of(page->runs().begin(), page->runs().end(), [&](const alx::RunListing& r) { return QString::fromStdString(r.path) == dir; });
        };
        QTRY_VERIFY_WITH_TIMEOUT(listed(dirs[0]) && listed(dirs[1]), 15000);
        page->selectPaths(dirs);
        QCOMPARE(page->selectedPaths().size(), 2);
        QSignalSpy shown(window.get(), &MainWindow::comparisonShown);
        QTest::mouseClick(page->compareButton(), Qt::LeftButton);
        QVERIFY(shown.wait(60000));
        const ComparisonDataPtr c = window->comparisonView()->comparison();
        QCOMPARE(c->comparison.runs.size(), size_t(2));
        // Predicted differently: counted here from the two runs' per_sample.csv.
        std::map<QString, QList<QByteArray>> predicted;
        for (const QString& dir : dirs) {
            QFile csv(dir + "/per_sample.csv");
            QVERIFY(csv.open(QIODevice::ReadOnly));
            for (const QByteArray& line : csv.readAll().trimmed().split('\n').mid(1)) predicted[dir] << line.split(',')[2];
        }
        const QString first = QString::fromStdString(c->comparison.runs[0].path),
                      second = QString::fromStdString(c->comparison.runs[1].path);
        int differ = 0;
        for (int i = 0; i < predicted[first].size(); ++i) differ += predicted[first][i] != predicted[second][i];
        QCOMPARE(c->comparison.pairs[0].disagreements, int64_t(differ));
        QCOMPARE(window->comparisonView()->pairsTable()->rowCount(), 1);
        QCOMPARE(window->comparisonView()->lossPlot()->graphCount(), 2);
        for (int k = 0; k < alx::kScoreCount; ++k) QCOMPARE(window->comparisonView()->scorePlot(k)->plottableCount(), 2);
        // Their settings side by side: LeNet-5's Adam and Net's SGD differ, and are marked.
        QTableWidget* settings = window->comparisonView()->settingsTable();
        bool optimiserShown = false;
        for (int row = 0; row < settings->rowCount(); ++row) {
            if (settings->item(row, 0)->text() != "optimiser") continue;
            optimiserShown = true;
            QVERIFY(settings->item(row, 1)->text() != settings->item(row, 2)->text());
            QVERIFY(settings->item(row, 0)->background().style() != Qt::NoBrush);
        }
        QVERIFY(optimiserShown);
        // The images they disagree on, drawn from the dataset, one tile each (at most 120).
        QVERIFY2(c->imagesProblem.empty(), c->imagesProblem.c_str());
        QCOMPARE(window->comparisonView()->disagreementGrid()->findChildren<ImageTile*>().size(),
                 int(std::min<size_t>(120, c->comparison.disagreementImages.size())));
        for (size_t k = 0; k < c->shownDisagreements.size(); ++k) {
            QVERIFY(c->shownPredictions[0][k] != c->shownPredictions[1][k]);
        }

        // Their test images audited together: the mean of the two runs'
        // probabilities, audited here from their files, lists the same images.
        QSignalSpy audited(window.get(), &MainWindow::auditShown);
        QTest::mouseClick(page->auditButton(), Qt::LeftButton);
        QVERIFY(audited.wait(60000));
        SuspectLabelsPage* suspects = window->suspectLabelsPage();
        std::vector<float> mean = alx::test::readNpyFloats((dirs[0] + "/probabilities.npy").toStdString());
        const std::vector<float> other = alx::test::readNpyFloats((dirs[1] + "/probabilities.npy").toStdString());
        QCOMPARE(other.size(), mean.size());
        for (size_t i = 0; i < mean.size(); ++i) mean[i] = (mean[i] + other[i]) / 2;
        const auto& shownRun = *window->results();
        const alx::LabelAudit expected =
            alx::auditLabels(mean, std::vector<int64_t>(shownRun.labels.begin(), shownRun.labels.end()), 10);
        QCOMPARE(suspects->flaggedCount(), expected.flaggedCount);
        QCOMPARE(suspects->shownIndices().front(), expected.order.front());
        QVERIFY2(suspects->reliabilityText().contains("An ensemble of 2"), qPrintable(suspects->reliabilityText()));
        QVERIFY(suspects->table()->item(0, 5)->text().endsWith("of 2"));  // the runs' votes

        // A run alx-cli writes into the same folder appears without a restart.
        QProcess cli;
        cli.start(alx::test::cliPath(), {"train", "--model", "lenet5", "--epochs", "1", "--train-images", "500", "--test-images",
                                         "100", "--data-dir", mnist_, "--runs-dir", MainWindow::runsFolder()});
        QVERIFY(cli.waitForFinished(300000));
        const QString out = QString::fromUtf8(cli.readAllStandardOutput());
        QVERIFY2(cli.exitCode() == 0, qPrintable(out + cli.readAllStandardError()));
        const QString fromCli = out.section("Wrote ", -1).trimmed();
        QVERIFY2(QFileInfo(fromCli).isDir(), qPrintable(fromCli));
        QTRY_VERIFY_WITH_TIMEOUT(listed(fromCli), 15000);

        // Active-learning runs are compared by their curves, a band per run and strategy.
        QStringList alRuns;
        for (const char* strategy : {"entropy", "random"}) {
            QProcess al;
            al.start(alx::test::cliPath(), {"al", "--strategy", strategy, "--repeats", "2", "--budget", "30", "--initial", "20",
                                            "--acquire", "10", "--max-steps", "8", "--train-images", "1000", "--test-images",
                                            "300", "--threads", "1", "--data-dir", mnist_, "--runs-dir", MainWindow::runsFolder()});
            QVERIFY(al.waitForFinished(300000));
            const QString printed = QString::fromUtf8(al.readAllStandardOutput());
            QVERIFY2(al.exitCode() == 0, qPrintable(printed + al.readAllStandardError()));
            alRuns << QFileInfo(printed.section("Wrote ", -1).section(" and ", 0, 0).trimmed()).path();
        }
        // And a sweep beside them: its curves as they stand, a band per strategy.
        const QString sweep = QDir(MainWindow::runsFolder()).filePath("compared-sweep");
        for (const QStringList& args :
             {QStringList{"sweep", "create", sweep, "--strategy", "random,entropy", "--repeats", "2", "--budget", "30",
                          "--max-steps", "8", "--train-images", "1000", "--test-images", "300", "--threads", "1",
                          "--data-dir", mnist_, "--runs-dir", MainWindow::runsFolder()},
              QStringList{"sweep", "submit", sweep, "--backend", "local", "--jobs", "2"}}) {
            QProcess step;
            step.start(alx::test::cliPath(), args);
            QVERIFY(step.waitForFinished(300000));
            QVERIFY2(step.exitCode() == 0, qPrintable(step.readAllStandardOutput() + step.readAllStandardError()));
        }
        QTRY_VERIFY_WITH_TIMEOUT(listed(alRuns[0]) && listed(alRuns[1]) && listed(sweep), 15000);
        page->selectPaths(alRuns + QStringList{sweep});
        QSignalSpy curvesShown(window.get(), &MainWindow::comparisonShown);
        QTest::mouseClick(page->compareButton(), Qt::LeftButton);
        QVERIFY(curvesShown.count() == 1 || curvesShown.wait(10000));
        QVERIFY(window->curveComparison() != nullptr);
        const auto& curves = window->curveComparison()->curves();
        QCOMPARE(curves.size(), size_t(4));  // a curve per run and strategy: one each for the two runs, two for the sweep
        int entropy = 0, random = 0;
        for (const auto& [name, repeats] : curves) {
            entropy += QString::fromStdString(name).endsWith(". entropy");
            random += QString::fromStdString(name).endsWith(". random");
        }
        QVERIFY(entropy == 2 && random == 2);
        for (const auto& [name, repeats] : curves) {
            QCOMPARE(repeats.size(), size_t(2));
            for (const auto& [repeat, points] : repeats) QCOMPARE(points.size(), size_t(2));  // 20 and 30 labels
        }

        // Deleting moves it to the trash ($XDG_DATA_HOME/Trash/files; Qt's test
        // mode puts the data location, and so the trash, under ~/.qttest).
        page->selectPaths({fromCli});
        QVERIFY(page->deleteSelected(false));
        QVERIFY(!QFileInfo::exists(fromCli));
        const QString trash = QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation) + "/Trash/files/" +
                              QFileInfo(fromCli).fileName();
        QVERIFY2(QFileInfo(trash).isDir(), qPrintable(trash));
        QTRY_VERIFY_WITH_TIMEOUT(!listed(fromCli), 15000);
    }

    // The training images of a saved run audited from the Suspect labels
    // page (kept in its training_audit folder), reviewed, and a new run
    // trained on that review in one step.
    void auditsTrainingImagesAndTrainsOnTheReview() {
        auto window = makeWindow(1, 1000, 200);
        SuspectLabelsPage* suspects = window->suspectLabelsPage();
        QVERIFY(!suspects->auditTrainingButton()->isEnabled());  // no run, no folder yet
        QSignalSpy finished(window.get(), &MainWindow::runFinished);
        QTest::mouseClick(window->trainButton(), Qt::LeftButton);
        QVERIFY(finished.wait(300000));
        // (The run's folder in the runs library arrives just after it finishes.)
        const QString dir = tmp_.path() + "/audited";
        QSignalSpy saved(window.get(), &MainWindow::runSaved);
        window->saveRunAs(dir);
        QVERIFY(saved.wait(60000));
        QVERIFY(suspects->auditTrainingButton()->isEnabled());
        QSignalSpy audited(window.get(), &MainWindow::auditShown);
        QTest::mouseClick(suspects->auditTrainingButton(), Qt::LeftButton);
        QVERIFY(audited.wait(600000));
        QVERIFY(suspects->auditsTrainingImages());
        const QJsonObject quality = alx::test::readJson(dir + "/training_audit/label_quality.json");
        QCOMPARE(quality["images"].toInt(), 1000);
        QCOMPARE(quality["settings"].toObject()["seeds"].toInt(), 3);
        QCOMPARE(suspects->flaggedCount(), int64_t(quality["flagged_count"].toInt()));
        QVERIFY(suspects->table()->item(0, 6)->text().endsWith("%"));  // its neighbours' disagreement
        QVERIFY(!suspects->trainOnReviewButton()->isEnabled());  // nothing reviewed yet
        // Two marks: a right label typed for the first, the second ambiguous.
        QTableWidget* table = suspects->table();
        const int64_t first = suspects->shownIndices()[0];
        table->setFocus();
        table->setCurrentCell(1, 7);
        QTest::keyClick(table, Qt::Key_2);
        table->item(0, 8)->setText(QString::number((table->item(0, 3)->text().left(1).toInt() + 1) % 10));
        QVERIFY(QFile::exists(dir + "/training_audit/label_review.csv"));
        QCOMPARE(suspects->review().size(), size_t(2));
        QVERIFY(suspects->review().at(first).label.has_value());
        QVERIFY(suspects->trainOnReviewButton()->isEnabled());
        QSignalSpy kept(window.get(), &MainWindow::runKept);
        QSignalSpy again(window.get(), &MainWindow::runFinished);
        QTest::mouseClick(suspects->trainOnReviewButton(), Qt::LeftButton);
        QVERIFY(again.wait(300000));
        QTRY_VERIFY_WITH_TIMEOUT(kept.count() == 1, 60000);
        const QJsonObject summary = alx::test::readJson(kept.last().first().toString() + "/summary.json");
        QCOMPARE(summary["excluded"].toObject()["images"].toInt(), 1);    // the ambiguous one
        QCOMPARE(summary["relabelled"].toObject()["images"].toInt(), 1);  // the one with its right label
        QCOMPARE(summary["train_images"].toInt(), 999);
    }

    void saveOpenAndExport() {
        auto trained = makeWindow(2, 1000, 200);
        QSignalSpy finished(trained.get(), &MainWindow::runFinished);
        QTest::mouseClick(trained->trainButton(), Qt::LeftButton);
        QVERIFY(finished.wait(300000));
        const QString dir = tmp_.path() + "/saved";
        QSignalSpy saved(trained.get(), &MainWindow::runSaved);
        trained->saveRunAs(dir);
        QVERIFY(saved.wait(60000));
        for (const char* f : {"summary.json", "per_sample.csv", "embeddings.npy", "probabilities.npy", "model.pt"}) {
            QVERIFY2(QFile::exists(dir + "/" + f), f);
        }

        const QString plots = tmp_.path() + "/plots";
        QDir().mkpath(plots);
        trained->exportPlots(plots);
        QVERIFY(QFile::exists(plots + "/loss.png"));
        QVERIFY(QFile::exists(plots + "/loss.pdf"));
        QVERIFY(QFile::exists(plots + "/histogram_kl_divergence.pdf"));
        QCOMPARE(QDir(plots).entryList(QDir::Files).size(), 14);

        // Suspect labels: the audit's order, flagged images first; three
        // marks by key (1 mislabelled, 2 ambiguous, 3 fine) and a typed
        // label, kept beside the saved run as label_review.csv.
        SuspectLabelsPage* suspects = trained->suspectLabelsPage();
        QTableWidget* table = suspects->table();
        QVERIFY(table->rowCount() >= 3);
        const auto suspectOrder = suspects->shownIndices();
        const auto& r = *trained->results();
        for (size_t k = 1; k < suspectOrder.size() && k < size_t(suspects->flaggedCount()); ++k) {
            QVERIFY(r.labels[size_t(suspectOrder[k])] != r.predicted[size_t(suspectOrder[k])] ||
                    r.probabilities[size_t(suspectOrder[k] * 10 + r.labels[size_t(suspectOrder[k])])] < 0.5f);
        }
        table->setFocus();
        table->setCurrentCell(0, 7);
        QTest::keyClick(table, Qt::Key_1);
        QTest::keyClick(table, Qt::Key_2);
        QTest::keyClick(table, Qt::Key_3);
        QCOMPARE(table->currentRow(), 3);
        const int given = r.labels[size_t(suspectOrder[0])];
        table->item(0, 8)->setText(QString::number((given + 1) % 10));
        auto marks = suspects->review();
        QCOMPARE(marks.size(), size_t(3));
        QVERIFY(marks[suspectOrder[0]].verdict == alx::ReviewVerdict::Mislabelled);
        QCOMPARE(marks[suspectOrder[0]].label.value_or(-1), int64_t((given + 1) % 10));
        QVERIFY(marks[suspectOrder[1]].verdict == alx::ReviewVerdict::Ambiguous);
        QVERIFY(marks[suspectOrder[2]].verdict == alx::ReviewVerdict::Fine);
        QVERIFY(QFile::exists(dir + "/label_review.csv"));

        // A new window shows the saved run without training.
        auto reopened = std::make_unique<MainWindow>();
        reopened->setDataDirectory(mnist_);
        QSignalSpy opened(reopened.get(), &MainWindow::runFinished);
        reopened->openRunFrom(dir);
        QVERIFY(opened.wait(60000));
        const auto a = trained->results(), b = reopened->results();
        QCOMPARE(b->count, a->count);
        QCOMPARE(b->summary.testAccuracy, a->summary.testAccuracy);
        QCOMPARE(b->neighbours, a->neighbours);
        QCOMPARE(b->labels, a->labels);
        QCOMPARE(reopened->lossPlot()->epochPointCount(), 2);
        for (int k = 0; k < alx::kScoreCount; ++k) {
            QCOMPARE(reopened->histograms()->histogram(k).counts, trained->histograms()->histogram(k).counts);
        }
        // The marks are back.
        const auto back = reopened->suspectLabelsPage()->review();
        QCOMPARE(back.size(), marks.size());
        for (const auto& [index, entry] : marks) {
            QVERIFY(back.at(index).verdict == entry.verdict);
            QVERIFY(back.at(index).label == entry.label);
        }
        // A damaged review is reported and never written over.
        QFile review(dir + "/label_review.csv");
        QVERIFY(review.open(QIODevice::Append));
        review.write("12,maybe,\n");
        review.close();
        auto fourth = std::make_unique<MainWindow>();
        fourth->setDataDirectory(mnist_);
        QSignalSpy openedAgain(fourth.get(), &MainWindow::runFinished);
        fourth->openRunFrom(dir);
        QVERIFY(openedAgain.wait(60000));
        QVERIFY(fourth->suspectLabelsPage()->review().empty());
        fourth->suspectLabelsPage()->table()->setCurrentCell(0, 7);
        QTest::keyClick(fourth->suspectLabelsPage()->table(), Qt::Key_3);
        QVERIFY(review.open(QIODevice::ReadOnly));
        QVERIFY(review.readAll().endsWith("12,maybe,\n"));
        review.close();

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

        // File > Export model: the run's LeNet-5 as TorchScript. Chosen in
        // the Model box, it trains as a person's own model, its run keeps
        // the trained module, and that exports again as it is.
        const QString exported = tmp_.path() + "/exported.pt";
        trained->exportModel(exported);
        QTRY_VERIFY_WITH_TIMEOUT(QFile::exists(exported), 30000);
        trained->selectModel(exported);
        QSignalSpy kept(trained.get(), &MainWindow::runKept);
        QSignalSpy again(trained.get(), &MainWindow::runFinished);
        QTest::mouseClick(trained->trainButton(), Qt::LeftButton);
        QVERIFY(again.wait(300000));
        QTRY_VERIFY_WITH_TIMEOUT(kept.count() == 1, 60000);
        const QString scripted = kept.last().first().toString();
        QVERIFY(QFile::exists(scripted + "/torchscript.pt"));
        QCOMPARE(alx::test::readJson(scripted + "/summary.json")["torchscript"].toObject()["embedding"].toString(), QString("embed"));
        QVERIFY(trained->results()->summary.testAccuracy > 0.8);
        const QString reexported = tmp_.path() + "/reexported.pt";
        trained->exportModel(reexported);
        QTRY_VERIFY_WITH_TIMEOUT(QFile::exists(reexported), 30000);
        const alx::test::CliResult eval = alx::test::runCli({"eval", "--model", reexported, "--data-dir", mnist_, "--test-images", "200", "--out",
                                       tmp_.path() + "/reexported-eval"});
        QVERIFY2(eval.exitCode == 0, qPrintable(eval.err));
        QCOMPARE(alx::test::readJson(tmp_.path() + "/reexported-eval/summary.json")["test_accuracy"].toDouble(),
                 trained->results()->summary.testAccuracy);
    }

    void activeLearningCurvesGrowLive() {
        auto w = makeWindow(1, 3000, 1000);
        ActiveLearningPage* page = w->activeLearningPage();
        page->setStrategies({"random", "entropy"});
        page->setBudget(20, 10, 40, 200, 1, 10);
        QSignalSpy finished(w.get(), &MainWindow::activeLearningFinished);
        QSignalSpy failed(w.get(), &MainWindow::runFailed);
        Q_EMIT page->runRequested(page->request());
        QVERIFY(w->isBusy());
        // The run has a folder of its own under the app's data location, and the status bar says so.
        const QString dir = w->activeLearningRunDir();
        const QString runs = MainWindow::runsFolder() + "/";
        QVERIFY2(dir.startsWith(runs) && dir.contains("-al-gal-mnist"), qPrintable(dir));
        QVERIFY2(w->statusBar()->currentMessage().contains(dir), qPrintable(w->statusBar()->currentMessage()));
        QVERIFY(finished.wait(300000));
        QVERIFY2(failed.isEmpty(), failed.isEmpty() ? "" : qPrintable(failed.first().first().toString()));
        // Rounds at 20, 30 and 40 labels for each strategy, one line each.
        QCOMPARE(page->roundCount("random"), 3);
        QCOMPARE(page->roundCount("entropy"), 3);
        QTRY_COMPARE(page->table()->rowCount(), 2);
        // A line and a two-graph band per strategy, and its kappa on the strip below.
        QTRY_COMPARE(page->plot()->graphCount(), 8);
        QVERIFY(page->curvePlot()->kappaStripShown());
        QCOMPARE(page->curvePlot()->kappas().at("entropy").at(0).size(), size_t(2));  // rounds 2 and 3
        for (const auto& [labels, kappa] : page->curvePlot()->kappas().at("random").at(0)) {
            QVERIFY(labels > 20 && kappa >= -1 && kappa <= 1);
        }
        QVERIFY(!w->isBusy());
        QVERIFY(page->resumeButton()->isEnabled());
        for (const char* f : {"settings.json", "curve.csv", "summary.json", "state/random-0.json", "state/entropy-0.json"}) {
            QVERIFY2(QFile::exists(dir + "/" + f), f);
        }
    }

    void humanLabelsTheAcquiredImages() {
        auto w = makeWindow(1, 3000, 1000);
        ActiveLearningPage* page = w->activeLearningPage();
        page->setStrategies({"entropy"});
        page->setBudget(20, 10, 30, 200, 1, 10);
        page->setHumanMode(true);
        w->tabs()->setCurrentWidget(page);
        QSignalSpy finished(w.get(), &MainWindow::activeLearningFinished);
        // The rounds as the worker reports them, queued to this thread.
        std::vector<AlRoundPoint> rounds;
        connect(w->worker(), &JobWorker::alRound, w.get(), [&](const AlRoundPoint& p) { rounds.push_back(p); });
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

        // The person's sevens trained the acquired images, not MNIST's own
        // labels (which are not all 7): in the round's report and in the
        // run folder a resume reads.
        QCOMPARE(rounds.size(), size_t(2));
        QCOMPARE(rounds[1].usedLabels, std::vector<int>(10, 7));
        QVERIFY2(std::any_of(rounds[1].trueLabels.begin(), rounds[1].trueLabels.end(), [](int l) { return l != 7; }),
                 "every acquired image is a 7: the check proves nothing");
        const QJsonArray labels = stateLabels(w->activeLearningRunDir(), "entropy");
        QCOMPARE(labels.size(), 30);
        for (int i = 20; i < 30; ++i) QCOMPARE(labels[i].toInt(), 7);
    }

    // A pile of unlabelled images with a labelled test set, labelled by
    // keyboard in the labelling grid: keys for the classes, a typed class
    // name, a new class, two images selected on the pile's map; trained and
    // acquired twice; the window closed in
    // the middle of a batch keeps every answer (labels.csv), and the run,
    // reopened, asks only what is left, then finishes and exports.
    void personLabelsAPileByKeyboard() {
        const QString data = tmp_.path() + "/pile";
        const QStringList kinds = {"bright_centre", "bright_left", "bright_top"};  // sorted: keys 1, 2, 3
        std::mt19937 random(5);
        const auto write = [&](const QString& path, int kind) {
            std::uniform_int_distribution<int> noise(0, 50);
            alx::test::Bytes pixels;
            for (int y = 0; y < 28; ++y) {
                for (int x = 0; x < 28; ++x) {
                    const bool lit = kind == 2 ? y < 14 : kind == 1 ? x < 14 : std::abs(y - 14) < 7 && std::abs(x - 14) < 7;
                    pixels.push_back(uint8_t((lit ? 200 : 30) + noise(random)));
                }
            }
            alx::test::writeImage((data + "/" + path).toStdString(), 28, 28, 1, pixels);
        };
        for (int i = 0; i < 45; ++i) write(QString("unlabelled/k%1-%2.png").arg(i % 3).arg(i, 2, 10, QChar('0')), i % 3);
        for (int i = 0; i < 18; ++i) write(QString("test/%1/%2.png").arg(kinds[i % 3]).arg(i), i % 3);
        const auto kindOf = [](const QString& path) { return path.section('/', 1).mid(1, 1).toInt(); };

        QString dir;
        {
            auto w = makeWindow(1, 0, 0);
            w->trainingPanel()->useDataFolder(data);
            QCOMPARE(w->trainingPanel()->datasetName(), QString("images"));
            ActiveLearningPage* page = w->activeLearningPage();
            page->setStrategies({"margin"});
            page->selectModel("lenet5");
            page->setBudget(10, 10, 30, 0, 1, 20);
            w->tabs()->setCurrentWidget(page);
            LabellingGrid* grid = page->labellingGrid();
            Q_EMIT page->runRequested(page->request());
            for (int batch = 0; batch < 3; ++batch) {
                // The third batch is what is left of the budget: 30 - 22.
                const int size = batch < 2 ? 10 : 8;
                QTRY_VERIFY_WITH_TIMEOUT(grid->isVisible() && grid->isEnabled() && grid->imageCount() == size, 120000);
                dir = w->activeLearningRunDir();
                if (batch == 0) {  // the cold start covers the pile: all three kinds in its ten
                    QSet<int> seen;
                    for (int i = 0; i < 10; ++i) seen.insert(kindOf(grid->path(i)));
                    QCOMPARE(seen.size(), 3);
                    labelTwoOnTheMap(grid, kindOf, tmp_.path() + "/selection.csv");
                }
                const int answers = batch < 2 ? 10 : 3;
                for (int i = 0; i < answers; ++i) {
                    QCOMPARE(grid->current(), i);
                    const int kind = kindOf(grid->path(i));
                    if (batch == 1 && i == 0) {  // typed, not keyed
                        QTest::keyClicks(grid->classField(), kinds[kind]);
                        QTest::keyClick(grid->classField(), Qt::Key_Return);
                    } else if (batch == 2 && i == 2) {  // a new class, typed
                        QTest::keyClicks(grid->classField(), "smudge");
                        QTest::keyClick(grid->classField(), Qt::Key_Return);
                    } else {
                        QTest::keyClick(grid, Qt::Key(Qt::Key_1 + kind));
                    }
                }
                if (batch < 2) QTest::keyClick(grid, Qt::Key_Return);  // all answered: train, acquire
            }
            QCOMPARE(grid->classNames().size(), 4);  // the three of test/ and the new one
            QTRY_COMPARE(pileRows(dir).size(), 30);  // the window closes with the third batch half labelled
        }
        const QList<QStringList> kept = pileRows(dir);
        int labelled = 0, pending = 0, smudges = 0;
        for (const QStringList& row : kept) {
            if (row[2] == "labelled") {
                ++labelled;
                if (row[1] == "smudge") ++smudges;
                else QCOMPARE(row[1], kinds[kindOf(row[0])]);
            }
            pending += row[2] == "pending";
        }
        QCOMPARE(labelled, 25);
        QCOMPARE(smudges, 1);
        QCOMPARE(pending, 5);
        QCOMPARE(curveCounts(dir), (std::map<int64_t, int>{{12, 1}, {22, 1}}));

        auto w = makeWindow(1, 0, 0);
        ActiveLearningPage* page = w->activeLearningPage();
        QSignalSpy opened(w.get(), &MainWindow::activeLearningRunOpened);
        w->openRunFrom(dir);
        QVERIFY(opened.wait(60000));
        QVERIFY(page->resumeButton()->isEnabled());
        QSignalSpy finished(w.get(), &MainWindow::activeLearningFinished);
        QSignalSpy failed(w.get(), &MainWindow::runFailed);
        QTest::mouseClick(page->resumeButton(), Qt::LeftButton);
        LabellingGrid* grid = page->labellingGrid();
        QTRY_VERIFY_WITH_TIMEOUT(!failed.isEmpty() || (grid->isVisible() && grid->imageCount() == 8), 120000);
        QVERIFY2(failed.isEmpty(), failed.isEmpty() ? "" : qPrintable(failed.first().first().toString()));
        QCOMPARE(grid->current(), 3);  // the first unanswered
        QCOMPARE(grid->classNames().size(), 4);
        for (int i = 0; i < 3; ++i) QCOMPARE(grid->status(i), alx::LabelStatus::Labelled);
        for (int i = 3; i < 8; ++i) QTest::keyClick(grid, Qt::Key(Qt::Key_1 + kindOf(grid->path(i))));
        QTest::keyClick(grid, Qt::Key_Return);
        QVERIFY(finished.wait(120000));
        const QList<QStringList> rows = pileRows(dir);
        QCOMPARE(rows.size(), 30);
        for (int i = 0; i < 30; ++i) {
            if (kept[i][2] != "pending") QCOMPARE(rows[i], kept[i]);  // every earlier answer as it was
        }
        QVERIFY(std::all_of(rows.begin(), rows.end(), [](const QStringList& r) { return r[2] == "labelled"; }));
        QCOMPARE(curveCounts(dir), (std::map<int64_t, int>{{12, 1}, {22, 1}, {30, 1}}));
        const QString exported = tmp_.path() + "/pile-labels.csv";
        w->exportLabels(exported);
        QFile file(exported);
        QVERIFY(file.open(QIODevice::ReadOnly));
        QCOMPARE(file.readAll().trimmed().split('\n').size(), 31);  // the header and the 30 labels
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
        // (No QSettings here: only the first to parse a file sees its FormatError, and that must be the window.)
        {
            MainWindow w;  // must not crash, and must start from the defaults
            QCOMPARE(QString::fromStdString(w.trainingPanel()->trainRequest().model), QString("lenet5"));
            w.close();     // writes its settings again
        }
        QVERIFY(QFile::exists(path + ".damaged"));  // set aside, not lost
        QFile::remove(path + ".damaged");
        QFile rewritten(path);
        QVERIFY(rewritten.open(QIODevice::ReadOnly));
        const QByteArray text = rewritten.readAll();
        QVERIFY2(text.contains("model=lenet5") && !text.contains("[[["), text.constData());
        QSettings().clear();
    }

    void stopEndsTheRunPromptly() {
        auto w = makeWindow(100, 20000, 400);
        QSignalSpy stopped(w.get(), &MainWindow::runStopped);
        QSignalSpy kept(w.get(), &MainWindow::runKept);
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
        // A stopped run is kept too, and listed as stopped.
        QTRY_VERIFY(kept.count() == 1);
        const QString dir = kept.first().first().toString();
        QFile summary(dir + "/summary.json");
        QVERIFY(summary.open(QIODevice::ReadOnly));
        QCOMPARE(QJsonDocument::fromJson(summary.readAll()).object()["status"].toString(), QString("cancelled"));
        const auto listing = alx::readRunListing(dir.toStdString());
        QVERIFY(listing && listing->status == "stopped");
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

    // Loading the full MNIST with its MD5s checked takes a while; closing
    // the window meanwhile must not wait for it. Closed at once, and once
    // the worker is surely reading the files.
    void closingWhileTheDatasetLoadsIsPrompt() {
        for (int delayMs : {0, 150}) {
            auto w = makeWindow(1, 0, 0);
            QTest::mouseClick(w->trainButton(), Qt::LeftButton);
            if (delayMs > 0) QTest::qWait(delayMs);
            QCOMPARE(w->lossPlot()->batchPointCount(), 0);  // still loading, not training
            QElapsedTimer latency;
            latency.start();
            QVERIFY(w->close());  // stops the job, ends the worker's thread and joins it
            w.reset();
            qInfo("closing %d ms into loading took %lld ms", delayMs, static_cast<long long>(latency.elapsed()));
            QVERIFY2(latency.elapsed() < 1000, "closing while the dataset loads took a second or more");
        }
    }

    // Folder… recognises the dataset a folder holds by its label files, and
    // the status never calls a folder of MNIST a home of Fashion-MNIST.
    void dataFolderIsRecognised() {
        auto w = makeWindow(1, 0, 0);
        TrainingPanel* panel = w->trainingPanel();
        panel->selectDataset("fashion-mnist");
        QSignalSpy message(panel, &TrainingPanel::message);
        panel->useDataFolder(mnist_);
        QCOMPARE(panel->datasetName(), QString("mnist"));
        QVERIFY(!message.isEmpty() && message.first().first().toString().contains("MNIST"));
        QVERIFY2(panel->datasetStatus()->text().startsWith("Found in"), qPrintable(panel->datasetStatus()->text()));

        panel->selectDataset("fashion-mnist");
        const QString status = panel->datasetStatus()->text();
        QVERIFY2(!status.contains("Found in") && status.contains("holds MNIST, not Fashion-MNIST"), qPrintable(status));
        QVERIFY(!panel->datasetStatus()->styleSheet().contains("2a7d2a"));  // not green
    }

    // Rounds arrive one by one; the curve is redrawn once for a burst of
    // them, and a round reported again (a resume) is drawn once.
    void learningCurvesRedrawCoalesced() {
        LearningCurvePlot plot;
        const int before = plot.replotCount();
        for (int i = 0; i < 90; ++i) plot.addPoint("entropy", i % 3, 20 + 10 * (i / 3), 0.5 + 0.005 * (i / 3));
        QCOMPARE(plot.replotCount(), before);
        QTRY_COMPARE(plot.replotCount(), before + 1);
        QCOMPARE(plot.pointCount("entropy"), 90);
        plot.addPoint("entropy", 0, 20, 0.6);
        QCOMPARE(plot.pointCount("entropy"), 90);
        QTRY_COMPARE(plot.replotCount(), before + 2);
        QCOMPARE(plot.plot()->graphCount(), 3);
    }

    // A run made by alx-cli, interrupted after its first acquisition, opens
    // in the app as File > Open opens it, and Resume finishes it.
    void cliRunOpensAndResumesInTheApp() {
        const QString dir = tmp_.path() + "/cli-run";
        QProcess cli;
        cli.start(alx::test::cliPath(), alArguments(dir, false));
        QVERIFY(cli.waitForStarted());
        QByteArray seen;
        QElapsedTimer waited;
        waited.start();
        while (!seen.contains("entropy repeat 1: 30 labels") && cli.state() == QProcess::Running && waited.elapsed() < 300000) {
            cli.waitForReadyRead(1000);
            seen += cli.readAllStandardOutput();
        }
        QVERIFY2(seen.contains("entropy repeat 1: 30 labels"), (seen + cli.readAllStandardError()).constData());
        ::kill(pid_t(cli.processId()), SIGINT);
        QVERIFY(cli.waitForFinished(60000));
        QCOMPARE(cli.exitStatus(), QProcess::NormalExit);
        QCOMPARE(cli.exitCode(), 130);
        QCOMPARE(curveCounts(dir), (std::map<int64_t, int>{{20, 1}, {30, 1}}));

        auto w = alWindow();
        ActiveLearningPage* page = w->activeLearningPage();
        page->setBudget(30, 5, 1000, 500, 3, 100);  // other settings: opening shows the run's
        QVERIFY(!page->resumeButton()->isEnabled());
        QSignalSpy opened(w.get(), &MainWindow::activeLearningRunOpened);
        QSignalSpy failed(w.get(), &MainWindow::runFailed);
        w->openRunFrom(dir);
        QVERIFY(opened.wait(60000));
        QVERIFY2(failed.isEmpty(), failed.isEmpty() ? "" : qPrintable(failed.first().first().toString()));
        QCOMPARE(w->tabs()->currentWidget(), static_cast<QWidget*>(page));
        QCOMPARE(page->roundCount("entropy"), 2);
        QTRY_COMPARE(page->plot()->graphCount(), 4);  // the line, its band's two graphs and kappa's line
        QTRY_COMPARE(page->table()->rowCount(), 1);
        QCOMPARE(page->findChildren<ImageTile*>().size(), 10);  // the images acquired for 30 labels
        const alx::ActiveLearningSettings shown = page->request().settings;
        QCOMPARE(shown.strategies, std::vector<alx::Strategy>{alx::Strategy::Entropy});
        QCOMPARE(shown.loop.initial, int64_t(20));
        QCOMPARE(shown.loop.acquire, int64_t(10));
        QCOMPARE(shown.loop.budget, int64_t(40));
        QCOMPARE(shown.loop.maxStepsPerRound, int64_t(20));
        QCOMPARE(shown.repeats, 1);
        QVERIFY(!shown.loop.semiSupervised);
        alx::ActiveLearningJobRequest semi = page->request();  // the option's box round trip
        semi.settings.loop.semiSupervised = true;
        page->setRequest(semi);
        QVERIFY(page->request().settings.loop.semiSupervised);
        semi.settings.loop.semiSupervised = false;
        page->setRequest(semi);
        QVERIFY(page->resumeButton()->isEnabled());

        QSignalSpy finished(w.get(), &MainWindow::activeLearningFinished);
        QTest::mouseClick(page->resumeButton(), Qt::LeftButton);
        QVERIFY(w->isBusy());
        QVERIFY(finished.wait(300000));
        QVERIFY2(failed.isEmpty(), failed.isEmpty() ? "" : qPrintable(failed.first().first().toString()));
        QCOMPARE(curveCounts(dir), (std::map<int64_t, int>{{20, 1}, {30, 1}, {40, 1}}));
        QCOMPARE(page->roundCount("entropy"), 3);
    }

    // The other way round: a run started in the app and stopped after its
    // first round is finished by `alx-cli al --resume`.
    void appRunIsFinishedByTheCli() {
        auto w = alWindow();
        ActiveLearningPage* page = w->activeLearningPage();
        JobWorker* worker = w->worker();
        // Stopped from the worker's own thread as round 0 is reported, so
        // that the run cannot finish before the Stop lands.
        connect(worker, &JobWorker::alRound, worker, [worker](const AlRoundPoint&) { worker->requestStop(); },
                Qt::DirectConnection);
        QSignalSpy stopped(w.get(), &MainWindow::runStopped);
        QSignalSpy failed(w.get(), &MainWindow::runFailed);
        Q_EMIT page->runRequested(page->request());
        QVERIFY(stopped.wait(300000));
        QVERIFY2(failed.isEmpty(), failed.isEmpty() ? "" : qPrintable(failed.first().first().toString()));
        const QString dir = w->activeLearningRunDir();
        QCOMPARE(curveCounts(dir), (std::map<int64_t, int>{{20, 1}}));
        QVERIFY(page->resumeButton()->isEnabled());  // a stopped run can be continued here too
        w.reset();

        QProcess cli;
        cli.start(alx::test::cliPath(), alArguments(dir, true));
        QVERIFY(cli.waitForFinished(300000));
        QVERIFY2(cli.exitStatus() == QProcess::NormalExit && cli.exitCode() == 0,
                 (cli.readAllStandardOutput() + cli.readAllStandardError()).constData());
        QCOMPARE(curveCounts(dir), (std::map<int64_t, int>{{20, 1}, {30, 1}, {40, 1}}));
    }

    // A sweep folder opens through File > Open: every task's state, a band
    // and a median line per strategy, the labels-to-target table; then a
    // task damaged under the open window shows as failed with its reason,
    // the others as they were.
    void sweepOpensWithCurvesTableAndStates() {
        QString dir;
        const QString problem = finishedSweep("sweep-open", dir);
        QVERIFY2(problem.isEmpty(), qPrintable(problem));
        // As if it had gone to a Slurm cluster that cannot be reached now:
        // SLURM_CONF names a file that is not there.
        alx::Submission slurm;
        slurm.backend = alx::SweepBackend::Slurm;
        slurm.jobId = "4242";
        slurm.taskIds = {0, 1, 2, 3};
        slurm.submitted = "2026-12-01T00:00:00Z";
        alx::SweepFolder(dir.toStdString()).addSubmission(slurm);
        const QByteArray slurmConf = qgetenv("SLURM_CONF");
        qputenv("SLURM_CONF", QByteArray((tmp_.path() + "/no-such-slurm.conf").toUtf8()));
        const auto restoreSlurmConf = qScopeGuard([&] {
            if (slurmConf.isNull()) qunsetenv("SLURM_CONF");
            else qputenv("SLURM_CONF", slurmConf);
        });
        auto w = makeWindow(1, 1000, 300);
        QSignalSpy opened(w.get(), &MainWindow::sweepOpened);
        w->openRunFrom(dir);
        QCOMPARE(opened.count(), 1);
        QVERIFY(!w->isBusy());
        QPointer<SweepView> view = w->sweepView();
        QVERIFY(view);
        QVERIFY(view->isWindow() && view->isVisible());
        QTRY_COMPARE_WITH_TIMEOUT(view->taskTable()->rowCount(), 4, 30000);
        for (int task = 0; task < 4; ++task) {
            QCOMPARE(taskState(view, task), QString("done"));
            QCOMPARE(view->taskTable()->item(task, view->column(SweepView::kRounds))->text(), QString("3"));  // 20, 30, 40 labels
            QCOMPARE(view->taskTable()->item(task, view->column(SweepView::kLabels))->text(), QString("40"));
            QVERIFY(view->taskTable()->item(task, view->column(SweepView::kAccuracy))->text().endsWith("%"));
        }
        QCOMPARE(view->taskTable()->item(2, SweepView::kStrategy)->text(), QString("bald"));
        QCOMPARE(view->taskTable()->item(3, SweepView::kRepeat)->text(), QString("2"));
        QVERIFY(!view->groupSelector()->isVisibleTo(view));  // nothing but the strategy varies

        // Per strategy: the band's lower edge, its filled upper edge and the median line.
        LearningCurvePlot* plot = view->curvePlot();
        QTRY_COMPARE(plot->plot()->graphCount(), 6);
        int bands = 0;
        for (int g = 0; g < plot->plot()->graphCount(); ++g) bands += plot->plot()->graph(g)->channelFillGraph() != nullptr;
        QCOMPARE(bands, 2);
        QCOMPARE(plot->curves().size(), size_t(2));
        for (const char* strategy : {"random", "bald"}) {
            QCOMPARE(plot->curves().at(strategy).size(), size_t(2));
            QCOMPARE(plot->pointCount(strategy), 6);
        }
        // Every task is done by its own folder: the queue's silence is no problem.
        QVERIFY2(!view->problemsLabel()->isVisibleTo(view), qPrintable(view->problemsLabel()->text()));
        QTableWidget* summary = view->summaryTable();
        QCOMPARE(summary->rowCount(), 2);
        QCOMPARE(summary->item(0, 0)->text(), QString("random"));  // in the sweep's order
        QCOMPARE(summary->item(1, 0)->text(), QString("bald"));
        // The median accuracy as the locale writes it (a decimal point or comma).
        const QRegularExpression median("^\\d+" + QRegularExpression::escape(QLocale().decimalPoint()) + "\\d\\d % \\[");
        for (int row = 0; row < 2; ++row) {
            QVERIFY2(summary->item(row, 3)->text().contains(median), qPrintable(summary->item(row, 3)->text()));
            QCOMPARE(summary->item(row, 4)->text(), QString("2 of 2 (2 done)"));
        }

        // Task 1 (random, repeat 2) damaged in place while the window is open.
        {
            QFile curve(dir + "/tasks/1/curve.csv");
            QVERIFY(curve.open(QIODevice::WriteOnly | QIODevice::Truncate));
            curve.write("strategy,repeat,labels\nrandom,1,not-a-number\n");
        }
        QTRY_COMPARE_WITH_TIMEOUT(taskState(view, 1), QString("failed"), 10000);
        QVERIFY2(taskReason(view, 1).contains("curve.csv"), qPrintable(taskReason(view, 1)));
        // Now one is not, and what the queue might have said is missing.
        QTRY_VERIFY(view->problemsLabel()->isVisibleTo(view));
        QVERIFY2(view->problemsLabel()->text().contains("could not be asked (SLURM_CONF names"), qPrintable(view->problemsLabel()->text()));
        for (int task : {0, 2, 3}) QCOMPARE(taskState(view, task), QString("done"));
        QTRY_COMPARE(plot->curves().at("random").size(), size_t(1));
        QCOMPARE(plot->curves().at("bald").size(), size_t(2));
        QCOMPARE(summary->item(0, 4)->text(), QString("1 of 2 (1 done)"));

        // Closed, it stops following the folder and is gone.
        const QStringList watched = view->watchedPaths();
        QVERIFY(watched.contains(dir + "/tasks") && watched.contains(dir + "/tasks/3"));
        view->close();
        QTRY_VERIFY(view.isNull());
        QVERIFY(w->sweepView() == nullptr);
    }

    // The window follows the folder without being reopened: a task folder
    // that appears is read and watched from then on, a task record rewritten
    // as tasks write it (a temporary file renamed over it) is read again, and
    // a burst of changes is read at most once a second.
    void sweepViewFollowsTheFolder() {
        QString dir;
        const QString problem = finishedSweep("sweep-follow", dir);
        QVERIFY2(problem.isEmpty(), qPrintable(problem));
        const QString aside = tmp_.path() + "/sweep-follow-task-3";
        QVERIFY(QDir().rename(dir + "/tasks/3", aside));
        auto w = makeWindow(1, 1000, 300);
        w->openRunFrom(dir);
        QPointer<SweepView> view = w->sweepView();
        QVERIFY(view);
        QTRY_COMPARE_WITH_TIMEOUT(taskState(view, 3), QString("missing"), 30000);
        QVERIFY(!view->watchedPaths().contains(dir + "/tasks/3"));
        QCOMPARE(view->curvePlot()->curves().count("bald") ? view->curvePlot()->curves().at("bald").size() : size_t(0), size_t(1));

        QVERIFY(QDir().rename(aside, dir + "/tasks/3"));
        QTRY_COMPARE_WITH_TIMEOUT(taskState(view, 3), QString("done"), 10000);
        QTRY_VERIFY(view->watchedPaths().contains(dir + "/tasks/3"));
        QTRY_COMPARE(view->curvePlot()->curves().at("bald").size(), size_t(2));

        {
            QFile record(dir + "/tasks/3/task.json.part");
            QVERIFY(record.open(QIODevice::WriteOnly));
            record.write("{\"state\": ");
        }
        QVERIFY(std::rename(qPrintable(dir + "/tasks/3/task.json.part"), qPrintable(dir + "/tasks/3/task.json")) == 0);
        QTRY_COMPARE_WITH_TIMEOUT(taskState(view, 3), QString("failed"), 10000);
        QVERIFY2(taskReason(view, 3).contains("task.json"), qPrintable(taskReason(view, 3)));

        QTest::qWait(1200);  // the last read's second is over
        const int reads = view->readCount();
        QElapsedTimer burst;
        burst.start();
        for (int i = 0; i < 30; ++i) {
            QFile touch(dir + "/tasks/0/burst-" + QString::number(i));
            QVERIFY(touch.open(QIODevice::WriteOnly));
            QTest::qWait(20);
        }
        QTest::qWait(1500);
        const int more = view->readCount() - reads;
        const int allowed = int(burst.elapsed() / 1000) + 1;
        QVERIFY2(more >= 1 && more <= allowed, qPrintable(QString("%1 reads in %2 ms").arg(more).arg(burst.elapsed())));
    }

    // Run as a sweep: refused, saying why, without alx-cli; with it, the
    // page's settings become a sweep folder whose tasks run detached (local
    // backend), and its window shows them finishing.
    void runAsASweepWritesSubmitsAndShowsIt() {
        auto w = makeWindow(1, 3000, 1000);
        ActiveLearningPage* page = w->activeLearningPage();
        page->setStrategies({"random"});
        page->setBudget(20, 10, 30, 200, 2, 20);
        {
            SweepDialog local(tmp_.path() + "/x", page->request(), false);
            QCOMPARE(local.backendBox()->count(), 1);
            QVERIFY(!local.partitionField()->isEnabled());
            SweepDialog slurm(tmp_.path() + "/x", page->request(), true);
            QCOMPARE(slurm.backendBox()->currentData().toString(), QString("slurm"));
            QVERIFY(slurm.partitionField()->isEnabled());
            QCOMPARE(slurm.launch().dir, tmp_.path() + "/x");
        }
        SweepLaunch launch;
        launch.dir = tmp_.path() + "/app-sweep";
        launch.parallel = 2;
        launch.threads = 1;
        launch.cli = tmp_.path() + "/no-alx-cli-here";
        QSignalSpy failed(w.get(), &MainWindow::runFailed);
        w->runSweep(launch);
        QVERIFY(failed.count() == 1 || failed.wait(30000));
        QVERIFY2(failed.first().first().toString().contains("alx-cli"), qPrintable(failed.first().first().toString()));
        QVERIFY(!QFile::exists(launch.dir + "/sweep.json"));

        launch.cli = alx::test::cliPath();
        QSignalSpy opened(w.get(), &MainWindow::sweepOpened);
        w->runSweep(launch);
        QVERIFY(opened.count() == 1 || opened.wait(60000));
        QCOMPARE(failed.count(), 1);
        QPointer<SweepView> view = w->sweepView();
        QVERIFY(view);
        QCOMPARE(view->dir(), launch.dir);
        const alx::SweepFolder folder(launch.dir.toStdString());
        const alx::SweepPlan plan = folder.readPlan();
        QCOMPARE(plan.tasks.size(), size_t(2));
        QCOMPARE(plan.base.loop.budget, int64_t(30));
        QCOMPARE(plan.base.data.trainImages, int64_t(3000));
        QCOMPARE(plan.base.threads, 1);
        QCOMPARE(plan.axes.models, std::vector<std::string>{"gal"});  // the page's model, not the panel's
        const auto submissions = folder.readSubmissions();
        QCOMPARE(submissions.size(), size_t(1));
        QCOMPARE(submissions[0].backend, alx::SweepBackend::Local);
        QCOMPARE(submissions[0].localJobs, 2);
        // Followed live: both tasks done without reopening.
        QTRY_VERIFY_WITH_TIMEOUT(view && view->taskTable()->rowCount() == 2 && taskState(view, 0) == "done" &&
                                     taskState(view, 1) == "done",
                                 300000);
        QTRY_COMPARE(view->curvePlot()->pointCount("random"), 4);
    }
};

QTEST_MAIN(TestGui)
#include "test_gui.moc"
