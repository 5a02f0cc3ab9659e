// The sweep's plan, files, states and merge, on folders written here (no
// dataset, no Slurm): what `alx-cli sweep status/merge` and the app read.
#include <QtTest>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "alx/storage/run_listing.h"
#include "alx/storage/sweep_folder.h"
#include "alx/storage/sweep_locks.h"
#include "alx/sweeps/slurm_backend.h"
#include "alx/active_learning/sweep_plan.h"
#include "alx/sweeps/sweep_progress.h"
#include "alx/sweeps/sweep_setup.h"
#include "alx/util/process.h"
#include "alx/util/errors.h"

namespace fs = std::filesystem;
using namespace alx;

namespace {

std::string readText(const std::string& path) {
    std::ifstream in(path);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

void writeText(const std::string& path, const std::string& text) { std::ofstream(path) << text; }

SweepPlan smallPlan(std::vector<int64_t> acquires = {10}) {
    ActiveLearningSettings base;
    base.loop.budget = 40;
    base.repeats = 2;
    base.seed = 7;
    SweepAxes axes;
    axes.strategies = {Strategy::Random, Strategy::Entropy};
    axes.acquires = std::move(acquires);
    return planSweep(base, axes);
}

// A task's folder as run-task leaves it after rounds up to `labels`.
void writeTaskRun(const SweepFolder& folder, const SweepPlan& plan, const SweepTask& task, int64_t upTo,
                  TaskState state) {
    const ActiveLearningSettings settings = taskSettings(plan, task);
    const ActiveLearningRunFolder run(folder.taskDir(task.id));
    fs::create_directories(run.dir());
    run.writeSettings(settings);
    std::vector<CurveRow> rows;
    RepeatState labelled;
    for (int64_t labels = task.initial; labels <= upTo; labels += task.acquire) {
        rows.push_back({task.strategy, task.repeat, labels, 0.5 + 0.001 * double(labels) + 0.01 * task.id, 0.1});
    }
    for (int64_t i = 0; i < upTo; ++i) labelled.labelled.push_back(i);
    run.writeState(task.strategy, task.repeat, labelled);
    run.writeCurve(rows);
    TaskRecord record;
    record.state = state;
    record.pid = 1;
    folder.writeTaskRecord(task.id, record);
}

}  // namespace

class TestSweep : public QObject {
    Q_OBJECT

    QTemporaryDir tmp_;
    std::string dir(const char* name) { return (fs::path(tmp_.path().toStdString()) / name).string(); }

private slots:
    void gridHasOneTaskPerStrategyRepeatAndVariedSetting() {
        const SweepPlan plan = smallPlan({10, 20});
        QCOMPARE(plan.tasks.size(), size_t(2 * 2 * 2));
        QCOMPARE(variedSettings(plan), std::vector<std::string>{"acquire"});
        // Combinations outermost, then strategy, then repeat; ids in order.
        const SweepTask& t = plan.tasks[5];
        QCOMPARE(t.id, 5);
        QCOMPARE(t.acquire, int64_t(20));
        QCOMPARE(t.strategy, Strategy::Random);
        QCOMPARE(t.repeat, 1);
        QCOMPARE(plan.tasks[2].strategy, Strategy::Entropy);
        QCOMPARE(plan.tasks[2].acquire, int64_t(10));
        QCOMPARE(taskSettings(plan, t).loop.acquire, int64_t(20));
        QCOMPARE(taskSettings(plan, t).loop.budget, int64_t(40));
        QCOMPARE(taskSettings(plan, t).onlyRepeat, 1);
        QCOMPARE(taskSettings(plan, t).strategies, std::vector<Strategy>{Strategy::Random});
        // A value given twice is one value.
        SweepAxes axes;
        axes.strategies = {Strategy::Entropy, Strategy::Entropy};
        axes.models = {"gal", "gal"};
        const SweepPlan once = planSweep(ActiveLearningSettings{}, axes);
        QCOMPARE(once.tasks.size(), size_t(3));
        QVERIFY(variedSettings(once).empty());
        QCOMPARE(once.tasks[0].coldStart, ColdStart::Balanced);  // the base's when not varied
    }

    // The cold start varies like any setting: each task runs its own, and
    // the plan keeps it; a plan written before it was a task's own reads
    // the shared one.
    void coldStartIsAnAxis() {
        SweepAxes axes;
        axes.strategies = {Strategy::Entropy};
        axes.coldStarts = {ColdStart::Typical, ColdStart::Random};
        ActiveLearningSettings base;
        base.repeats = 2;
        base.loop.semiSupervised = true;  // shared by every task
        const SweepPlan plan = planSweep(base, axes);
        QCOMPARE(plan.tasks.size(), size_t(4));
        QCOMPARE(variedSettings(plan), std::vector<std::string>{"cold_start"});
        QCOMPARE(plan.tasks[1].coldStart, ColdStart::Typical);
        QCOMPARE(plan.tasks[2].coldStart, ColdStart::Random);
        QCOMPARE(settingValue(plan.tasks[2], "cold_start"), std::string("random"));
        QCOMPARE(taskSettings(plan, plan.tasks[2]).loop.coldStart, ColdStart::Random);
        const SweepFolder folder(dir("cold"));
        folder.createPlan(plan);
        const SweepPlan back = folder.readPlan();
        QCOMPARE(back.axes.coldStarts, axes.coldStarts);
        QCOMPARE(back.tasks[2].coldStart, ColdStart::Random);
        QCOMPARE(back.base.loop.coldStart, ColdStart::Typical);
        QVERIFY(taskSettings(back, back.tasks[3]).loop.semiSupervised);
        QCOMPARE(readRunListing(folder.dir())->options, std::string("cold start typical,random, semi-supervised"));
        // The same plan as an earlier version wrote it: no cold start of the
        // tasks' own, the shared settings' instead.
        auto j = nlohmann::json::parse(readText(folder.planPath()));
        j["values"].erase("cold_start");
        for (auto& task : j["tasks"]) task.erase("cold_start");
        j["shared"]["cold_start"] = "random";
        const SweepFolder old(dir("cold-old"));
        fs::create_directories(old.dir());
        writeText(old.planPath(), j.dump(2));
        const SweepPlan earlier = old.readPlan();
        QCOMPARE(earlier.axes.coldStarts, std::vector<ColdStart>{ColdStart::Random});
        QCOMPARE(earlier.tasks[0].coldStart, ColdStart::Random);
        QVERIFY(variedSettings(earlier).empty());
    }

    // Learning from the pool varies like any setting: each task learns from
    // it or not, the plan keeps it, the merge groups by it ("yes", "no"), the
    // runs list names both; a plan written before it was a task's own reads
    // the shared one.
    void semiSupervisedIsAnAxis() {
        SweepAxes axes;
        axes.strategies = {Strategy::Margin};
        axes.semiSupervised = {false, true};
        ActiveLearningSettings base;
        base.loop.budget = 40;
        base.loop.coldStart = ColdStart::Typical;
        base.repeats = 2;
        const SweepPlan plan = planSweep(base, axes);
        QCOMPARE(plan.tasks.size(), size_t(4));
        QCOMPARE(variedSettings(plan), std::vector<std::string>{"semi_supervised"});
        QVERIFY(!plan.tasks[1].semiSupervised);
        QVERIFY(plan.tasks[2].semiSupervised);
        QCOMPARE(settingValue(plan.tasks[1], "semi_supervised"), std::string("no"));
        QCOMPARE(settingValue(plan.tasks[2], "semi_supervised"), std::string("yes"));
        QVERIFY(taskSettings(plan, plan.tasks[3]).loop.semiSupervised);
        QVERIFY(!taskSettings(plan, plan.tasks[0]).loop.semiSupervised);
        QCOMPARE(planSweep(base, SweepAxes{{Strategy::Margin}}).tasks[0].semiSupervised, false);  // the base's

        const SweepFolder folder(dir("semi"));
        folder.createPlan(plan);
        const auto j = nlohmann::json::parse(readText(folder.planPath()));
        QCOMPARE(j["values"]["semi_supervised"], nlohmann::json::array({false, true}));
        QCOMPARE(j["tasks"][2]["semi_supervised"], nlohmann::json(true));
        const SweepPlan back = folder.readPlan();
        QCOMPARE(back.axes.semiSupervised, axes.semiSupervised);
        QVERIFY(!back.tasks[0].semiSupervised && back.tasks[3].semiSupervised);
        QVERIFY(!back.base.loop.semiSupervised);
        QCOMPARE(readRunListing(folder.dir())->options, std::string("cold start typical, semi-supervised no,yes"));

        for (const SweepTask& t : plan.tasks) writeTaskRun(folder, plan, t, 40, TaskState::Done);
        const SweepMerge merge = collectSweep(folder, plan);
        QCOMPARE(merge.groups.size(), size_t(2));
        QCOMPARE(merge.groups[0].settings.at("semi_supervised"), std::string("no"));
        QCOMPARE(merge.groups[1].settings.at("semi_supervised"), std::string("yes"));
        folder.writeMerge(plan, merge.groups, merge.unfinished);
        const std::string curve = readText(folder.curvePath());
        QVERIFY2(curve.rfind("semi_supervised,strategy,repeat,labels,", 0) == 0, curve.c_str());
        QVERIFY(curve.find("\nyes,margin,1,40,") != std::string::npos);

        // A value in the plan that is not true or false refuses it, naming the file.
        auto damaged = j;
        damaged["tasks"][1]["semi_supervised"] = "perhaps";
        const SweepFolder bad(dir("semi-bad"));
        fs::create_directories(bad.dir());
        writeText(bad.planPath(), damaged.dump(2));
        try {
            bad.readPlan();
            QFAIL("a plan with semi_supervised \"perhaps\" was read");
        } catch (const InputError& e) {
            QVERIFY2(std::string(e.what()).find("semi_supervised") != std::string::npos, e.what());
            QVERIFY2(std::string(e.what()).find(bad.planPath()) != std::string::npos, e.what());
        }
        // As an earlier version wrote it: the shared setting stands for every task.
        auto old = j;
        old["values"].erase("semi_supervised");
        for (auto& task : old["tasks"]) task.erase("semi_supervised");
        old["shared"]["semi_supervised"] = true;
        const SweepFolder earlierFolder(dir("semi-old"));
        fs::create_directories(earlierFolder.dir());
        writeText(earlierFolder.planPath(), old.dump(2));
        const SweepPlan earlier = earlierFolder.readPlan();
        QCOMPARE(earlier.axes.semiSupervised, std::vector<bool>{true});
        QVERIFY(earlier.tasks[0].semiSupervised && earlier.tasks[3].semiSupervised);
        QVERIFY(variedSettings(earlier).empty());
    }

    void badGridsAreRefusedNamingTheField() {
        const auto fieldOf = [](ActiveLearningSettings base, SweepAxes axes) -> std::string {
            try {
                planSweep(base, axes);
            } catch (const InputError& e) {
                return e.field();
            }
            return "accepted";
        };
        SweepAxes axes;
        axes.strategies = {Strategy::Random};
        // A strategy's name is parsed where it is typed, and refused there.
        try {
            parseStrategyList("random,psychic");
            QFAIL("an unknown strategy was parsed");
        } catch (const InputError& e) {
            QCOMPARE(e.field(), std::string("strategies"));
        }
        QCOMPARE(fieldOf({}, SweepAxes{}), std::string("strategies"));
        SweepAxes noDropout = axes;
        noDropout.strategies = {Strategy::Bald};
        noDropout.models = {"gal", "lenet5"};
        QCOMPARE(fieldOf({}, noDropout), std::string("model"));
        SweepAxes badModel = axes;
        badModel.models = {"vgg"};
        QCOMPARE(fieldOf({}, badModel), std::string("model"));
        SweepAxes badAcquire = axes;
        badAcquire.acquires = {10, 0};
        QCOMPARE(fieldOf({}, badAcquire), std::string("acquire"));
        ActiveLearningSettings small;
        small.loop.budget = 10;
        QCOMPARE(fieldOf(small, axes), std::string("budget"));
        SweepAxes badDataset = axes;
        badDataset.datasets = {"cifar"};
        QVERIFY(fieldOf({}, badDataset) != "accepted");
    }

    void arrayRangesJoinRuns() {
        QCOMPARE(arrayRanges({0, 1, 2, 3}), std::string("0-3"));
        QCOMPARE(arrayRanges({9, 3, 7, 10, 11, 3}), std::string("3,7,9-11"));
        QCOMPARE(arrayRanges({5}), std::string("5"));
    }

    void planRoundTripsAndDamageIsRefused() {
        const SweepFolder folder(dir("plan"));
        SweepPlan plan = smallPlan({10, 20});
        plan.base.loop.stopAtKappa = 0.995;  // every task stops where the rule says
        folder.createPlan(plan);
        const SweepPlan back = folder.readPlan();
        QCOMPARE(back.base.loop.stopAtKappa, 0.995);
        QCOMPARE(back.tasks.size(), plan.tasks.size());
        QCOMPARE(back.tasks[7].strategy, plan.tasks[7].strategy);
        QCOMPARE(back.tasks[7].acquire, plan.tasks[7].acquire);
        QCOMPARE(back.base.seed, uint64_t(7));
        QCOMPARE(variedSettings(back), variedSettings(plan));
        // A folder that holds a sweep is not overwritten.
        QVERIFY_THROWS_EXCEPTION(InputError, folder.createPlan(plan));
        std::string text = readText(folder.planPath());
        const auto damage = [&](const std::string& from, const std::string& to) {
            std::string changed = text;
            const auto at = changed.find(from);
            QVERIFY2(at != std::string::npos, from.c_str());
            changed.replace(at, from.size(), to);
            writeText(folder.planPath(), changed);
            try {
                folder.readPlan();
                QFAIL(("accepted a sweep.json with " + to).c_str());
            } catch (const InputError& e) {
                QVERIFY2(std::string(e.what()).find("sweep.json") != std::string::npos, e.what());
            }
        };
        damage("\"repeat\": 1", "\"repeat\": 9");
        damage("\"id\": 3", "\"id\": 4");
        damage("\"budget\": 40", "\"budget\": 1e300");
        damage("\"kind\": \"sweep\"", "\"kind\": \"training\"");
        writeText(folder.planPath(), text.substr(0, text.size() / 2));
        QVERIFY_THROWS_EXCEPTION(InputError, folder.readPlan());
        QVERIFY_THROWS_EXCEPTION(InputError, SweepFolder(dir("nowhere")).readPlan());
    }

    void submissionsAndRecordsRoundTrip() {
        const SweepFolder folder(dir("records"));
        folder.createPlan(smallPlan());
        Submission s;
        s.backend = SweepBackend::Slurm;
        s.jobId = "42";
        s.taskIds = {0, 2};
        s.slurm.maxParallel = 2;
        s.slurm.requeue = true;
        s.slurm.sbatchArgs = {"--nice=10"};
        folder.addSubmission(s);
        s.jobId = "43";
        folder.addSubmission(s);
        const auto back = folder.readSubmissions();
        QCOMPARE(back.size(), size_t(2));
        QCOMPARE(back[1].jobId, std::string("43"));
        QCOMPARE(back[0].taskIds, (std::vector<int>{0, 2}));
        QVERIFY(back[0].slurm.requeue);
        QCOMPARE(back[0].slurm.sbatchArgs, std::vector<std::string>{"--nice=10"});
        writeText(folder.submissionsPath(), "[{\"backend\": \"pbs\"}]");
        QVERIFY_THROWS_EXCEPTION(InputError, folder.readSubmissions());
        // A damaged file is refused, not appended to.
        QVERIFY_THROWS_EXCEPTION(InputError, folder.addSubmission(s));
        QCOMPARE(readText(folder.submissionsPath()), std::string("[{\"backend\": \"pbs\"}]"));

        TaskRecord r;
        r.state = TaskState::Preempted;
        r.message = "stopped";
        r.slurmJob = "42_1";
        fs::create_directories(folder.taskDir(1));
        folder.writeTaskRecord(1, r);
        QCOMPARE(folder.readTaskRecord(1)->slurmJob, std::string("42_1"));
        QVERIFY(!folder.readTaskRecord(0));
        writeText(folder.taskRecordPath(1), "{\"state\": \"sleeping\"}");
        QVERIFY_THROWS_EXCEPTION(InputError, folder.readTaskRecord(1));
    }

    // Cancelling stops this machine's local runner (SIGTERM, which it passes
    // on), leaves a runner on another machine alone, and hands every Slurm
    // submission to scancel, reporting what scancel said.
    void cancelStopsTheLocalRunnerAndAsksScancel() {
        const SweepFolder folder(dir("cancel"));
        folder.createPlan(smallPlan());
        const auto sleeper = [] {
            const pid_t pid = ::fork();
            if (pid == 0) {
                ::pause();
                ::_exit(0);
            }
            return pid;
        };
        const pid_t here = sleeper(), elsewhere = sleeper();
        QVERIFY(here > 0 && elsewhere > 0);
        Submission local;
        local.backend = SweepBackend::Local;
        local.jobId = std::to_string(here);
        local.host = hostName();
        local.taskIds = {0, 1};
        folder.addSubmission(local);
        local.jobId = std::to_string(elsewhere);
        local.host = hostName() + "-another-machine";
        folder.addSubmission(local);
        Submission slurm;
        slurm.backend = SweepBackend::Slurm;
        slurm.jobId = "999999";
        slurm.taskIds = {2, 3};
        folder.addSubmission(slurm);
        // No cluster can be reached: SLURM_CONF names a file that is not there.
        const QByteArray slurmConf = qgetenv("SLURM_CONF");
        qputenv("SLURM_CONF", QByteArray(dir("no-such-slurm.conf").c_str()));
        const auto restoreSlurmConf = qScopeGuard([&] {
            if (slurmConf.isNull()) qunsetenv("SLURM_CONF");
            else qputenv("SLURM_CONF", slurmConf);
        });
        const SweepCancellation done = cancelSweep(folder);

        QVERIFY(done.localRunnerStopped);
        int status = 0;
        QCOMPARE(::waitpid(here, &status, 0), here);
        QVERIFY(WIFSIGNALED(status) && WTERMSIG(status) == SIGTERM);
        QCOMPARE(::waitpid(elsewhere, &status, WNOHANG), pid_t(0));  // still sleeping
        ::kill(elsewhere, SIGKILL);
        ::waitpid(elsewhere, &status, 0);
        QCOMPARE(done.slurmJobs, std::vector<std::string>{"999999"});
        // Said at once: Slurm's own commands would retry for a minute.
        QVERIFY2(done.scancelProblem.find("SLURM_CONF names") != std::string::npos, done.scancelProblem.c_str());
        // Nothing of this machine is left to stop.
        QVERIFY(!cancelSweep(folder).localRunnerStopped);
        // Not a sweep: refused, naming sweep.json.
        try {
            cancelSweep(SweepFolder(dir("not-a-sweep")));
            QFAIL("a folder without sweep.json was cancelled");
        } catch (const std::exception& e) {
            QVERIFY2(std::string(e.what()).find("sweep.json") != std::string::npos, e.what());
        }
    }

    void aSecondRunOfATaskIsRefusedByItsLock() {
        const SweepFolder folder(dir("lock"));
        folder.createPlan(smallPlan());
        QVERIFY(!taskLockHolder(folder, 0));
        int ready[2], release[2];
        QVERIFY(::pipe(ready) == 0 && ::pipe(release) == 0);
        const pid_t child = ::fork();
        if (child == 0) {  // another process holding task 0
            TaskLock lock(folder, 0);
            char c = 1;
            (void)!::write(ready[1], &c, 1);
            (void)!::read(release[0], &c, 1);
            ::_exit(0);
        }
        char c = 0;
        QCOMPARE(::read(ready[0], &c, 1), ssize_t(1));
        QCOMPARE(taskLockHolder(folder, 0).value_or(-1), int(child));
        try {
            TaskLock second(folder, 0);
            QFAIL("a second lock of a running task was granted");
        } catch (const RunError& e) {
            QVERIFY2(std::string(e.what()).find("already running") != std::string::npos, e.what());
        }
        TaskLock other(folder, 1);  // other tasks are not affected
        (void)!::write(release[1], &c, 1);
        int status = 0;
        ::waitpid(child, &status, 0);
        QVERIFY(!taskLockHolder(folder, 0));  // released when its holder ended
        TaskLock after(folder, 0);
    }

    void statesComeFromTheFoldersAndTheQueue() {
        const SweepFolder folder(dir("states"));
        const SweepPlan plan = smallPlan();  // 4 tasks, budget 40
        folder.createPlan(plan);
        Submission s;
        s.backend = SweepBackend::Slurm;
        s.jobId = "77";
        s.taskIds = {0, 1, 2};
        folder.addSubmission(s);
        writeTaskRun(folder, plan, plan.tasks[0], 40, TaskState::Done);
        writeTaskRun(folder, plan, plan.tasks[1], 30, TaskState::Preempted);
        writeTaskRun(folder, plan, plan.tasks[2], 20, TaskState::Running);  // no lock held, not in the queue: it died
        const std::vector<QueueEntry> queue;
        auto st = sweepStatus(folder, plan, queue);
        QCOMPARE(st[0].state, TaskState::Done);
        QCOMPARE(st[0].rounds, 3);
        QCOMPARE(st[0].labels, int64_t(40));
        QCOMPARE(st[0].slurmJob, std::string("77"));
        QCOMPARE(st[0].arrayIndex, 0);
        QCOMPARE(st[1].state, TaskState::Preempted);
        QCOMPARE(st[2].state, TaskState::Failed);
        QVERIFY(st[2].reason.find("without recording why") != std::string::npos);
        QCOMPARE(st[3].state, TaskState::Missing);
        QVERIFY(st[3].log.find("task-3.log") != std::string::npos);

        // What squeue says wins for a task it still holds (a requeued one is pending).
        const std::vector<QueueEntry> queued{{"77", 1, "PENDING"}, {"77", 2, "RUNNING"}, {"12", 3, "RUNNING"}};
        st = sweepStatus(folder, plan, queued);
        QCOMPARE(st[1].state, TaskState::Pending);
        QCOMPARE(st[2].state, TaskState::Running);
        QCOMPARE(st[3].state, TaskState::Missing);  // another job's element 3 is not this sweep's
        // Without a queue to ask, a submitted task may still be waiting.
        st = sweepStatus(folder, plan, std::nullopt);
        QCOMPARE(st[2].state, TaskState::Running);

        // A damaged folder: that task failed, with the file named; the others unaffected.
        writeText(folder.taskDir(1) + "/curve.csv", "strategy,repeat,labels,test_accuracy,ece\nrandom,1,20,7.5,0.1\n");
        st = sweepStatus(folder, plan, queue);
        QCOMPARE(st[1].state, TaskState::Failed);
        QVERIFY2(st[1].reason.find("curve.csv") != std::string::npos, st[1].reason.c_str());
        QCOMPARE(st[0].state, TaskState::Done);
        // A task folder holding another task's run is refused too.
        fs::remove_all(folder.taskDir(3));
        fs::copy(folder.taskDir(0), folder.taskDir(3), fs::copy_options::recursive);
        st = sweepStatus(folder, plan, queue);
        QCOMPARE(st[3].state, TaskState::Failed);
        QVERIFY2(st[3].reason.find("another") != std::string::npos, st[3].reason.c_str());
    }

    void mergeGroupsByVariedSettingsAndSaysWhatIsMissing() {
        const SweepFolder folder(dir("merge"));
        const SweepPlan plan = smallPlan({10, 20});  // 8 tasks: acquire 10 then 20
        folder.createPlan(plan);
        for (const SweepTask& t : plan.tasks) {
            if (t.id != 6) writeTaskRun(folder, plan, t, 40, TaskState::Done);
        }
        writeTaskRun(folder, plan, plan.tasks[6], 20, TaskState::Preempted);
        const SweepMerge merge = collectSweep(folder, plan);
        QCOMPARE(merge.groups.size(), size_t(2));
        QCOMPARE(merge.groups[1].settings.at("acquire"), std::string("20"));
        QCOMPARE(merge.unfinished, std::vector<int>{6});
        // acquire 10: 20, 30, 40 per task; acquire 20: 20, 40.
        QCOMPARE(merge.groups[0].rows.size(), size_t(4 * 3));
        QCOMPARE(merge.groups[1].rows.size(), size_t(3 * 2 + 1));
        QCOMPARE(merge.groups[0].summary.size(), size_t(2));
        QCOMPARE(merge.groups[0].summary[0].strategy, Strategy::Random);
        QCOMPARE(merge.groups[0].summary[0].repeatsWithRounds, 2);
        // Task 1 (random, repeat 2) is 0.01 above task 0 at every round.
        QCOMPARE(*merge.groups[0].summary[0].finalAccuracySpread.least, 0.54);
        QCOMPARE(*merge.groups[0].summary[0].finalAccuracySpread.most, 0.55);
        folder.writeMerge(plan, merge.groups, merge.unfinished);
        const std::string curve = readText(folder.curvePath());
        QVERIFY2(curve.rfind("acquire,strategy,repeat,labels,test_accuracy,ece,kappa\n10,random,0,20,0.5200,0.1000,\n", 0) == 0,
                 curve.c_str());
        QVERIFY(curve.find("\n20,entropy,0,20,") != std::string::npos);
        const std::string summary = readText(folder.summaryPath());
        QVERIFY(summary.find("\"unfinished_tasks\": [\n    6\n  ]") != std::string::npos);
        QVERIFY(summary.find("\"labels_to_90_spread\"") != std::string::npos);
    }

    void withoutVariedSettingsTheMergeIsAnAlCurve() {
        const SweepFolder folder(dir("plain"));
        const SweepPlan plan = smallPlan();
        folder.createPlan(plan);
        for (const SweepTask& t : plan.tasks) writeTaskRun(folder, plan, t, 40, TaskState::Done);
        const SweepMerge merge = collectSweep(folder, plan);
        QVERIFY(merge.unfinished.empty());
        folder.writeMerge(plan, merge.groups, merge.unfinished);
        // The same rows through the `al` writer: byte for byte the same file.
        const ActiveLearningRunFolder al(dir("plain-al"));
        fs::create_directories(al.dir());
        al.writeCurve(merge.groups[0].rows);
        QCOMPARE(readText(folder.curvePath()), readText(al.curvePath()));
        QVERIFY(readText(folder.summaryPath()).find("\"strategies\"") != std::string::npos);
    }

    void theBatchScriptRunsEachTaskUnderExec() {
        const SweepFolder folder(dir("script"));
        const SweepPlan plan = smallPlan();
        folder.createPlan(plan);
        SlurmSubmitOptions o;
        o.maxParallel = 2;
        o.time = "1:00:00";
        o.requeue = true;
        o.partition = "short";
        o.sbatchArgs = {"--nice=5"};
        const std::string script = sbatchScript(folder, plan, o, "/opt/alx/alx-cli");
        const std::string abs = fs::absolute(folder.dir()).lexically_normal().string();
        for (const std::string& line :
             {std::string("#SBATCH --array=0-3%2\n"), "#SBATCH --output=" + abs + "/logs/task-%a.log\n",
              std::string("#SBATCH --open-mode=append\n"), std::string("#SBATCH --signal=B:TERM@120\n"),
              std::string("#SBATCH --requeue\n"), std::string("#SBATCH --partition=short\n"),
              std::string("#SBATCH --nice=5\n"), std::string("#SBATCH --cpus-per-task=1\n"),
              std::string("export ALX_SWEEP_REQUEUE=1\n"),
              "exec /opt/alx/alx-cli sweep run-task " + abs + " \"$SLURM_ARRAY_TASK_ID\"\n"}) {
            QVERIFY2(script.find(line) != std::string::npos, line.c_str());
        }
        o.requeue = false;
        o.time.clear();
        const std::string plain = sbatchScript(folder, plan, o, "/opt/alx/alx-cli");
        QVERIFY(plain.find("--no-requeue") != std::string::npos);
        QVERIFY(plain.find("--signal") == std::string::npos);
        QVERIFY(plain.find("ALX_SWEEP_REQUEUE") == std::string::npos);
        QVERIFY_THROWS_EXCEPTION(InputError, sbatchScript(SweepFolder(dir("with space")), plan, o, "/x/alx-cli"));
    }
};

QTEST_GUILESS_MAIN(TestSweep)
#include "test_sweep.moc"
