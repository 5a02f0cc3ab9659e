#include "cli_sweep.h"

#include <csignal>

#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>
#include <algorithm>
#include <chrono>

#include "alx/data/dataset_catalog.h"
#include "alx/jobs/sweep_task_job.h"
#include "alx/sweeps/local_backend.h"
#include "alx/sweeps/slurm_backend.h"
#include "alx/sweeps/sweep_setup.h"
#include "alx/sweeps/sweep_progress.h"
#include "alx/util/errors.h"
#include "alx/util/process.h"
#include "alx/util/timing.h"

namespace alx::cli {
namespace {

std::string percent(const std::optional<double>& v) {
    if (!v) return "-";
    char text[32];
    std::snprintf(text, sizeof text, "%.2f%%", 100 * *v);
    return text;
}

std::string labelsText(const std::optional<double>& v) {
    if (!v) return "not reached";
    char text[32];
    std::snprintf(text, sizeof text, "%.0f", *v);
    return text;
}

std::string spreadText(const Spread& s, bool asPercent) {
    const auto one = [&](const std::optional<double>& v) { return asPercent ? percent(v) : labelsText(v); };
    if (!s.least) return "";
    return " [" + one(s.least) + " - " + one(s.most) + "]";
}

// A column padded to `width`.
std::string cell(const std::string& text, size_t width) {
    return text.size() >= width ? text + " " : text + std::string(width - text.size(), ' ');
}

}  // namespace

int createSweep(SweepCreateOptions options) {
    std::string listingProblem;
    const SweepPlan plan = createSweep(options.dir, options.base, options.axes, options.runsDir, &listingProblem);
    const SweepFolder folder(options.dir);
    if (!listingProblem.empty()) std::cerr << "alx-cli: the sweep is not listed in the runs folder: " << listingProblem << std::endl;
    const auto varied = variedSettings(plan);
    std::string variedText;
    for (const auto& name : varied) variedText += (variedText.empty() ? "" : ", ") + name;
    const auto count = [](size_t n, const char* one, const char* many) { return std::to_string(n) + " " + (n == 1 ? one : many); };
    std::printf("Wrote %s: %s (%s x %s%s%s)\n", folder.planPath().c_str(), count(plan.tasks.size(), "task", "tasks").c_str(),
                count(plan.axes.strategies.size(), "strategy", "strategies").c_str(),
                count(size_t(plan.base.repeats), "repeat", "repeats").c_str(), varied.empty() ? "" : ", varied: ",
                variedText.c_str());
    std::printf("Submit it with: alx-cli sweep submit %s\n", options.dir.c_str());
    return kOk;
}

namespace {

// The tasks a submission takes: all of them, once; or those not done, queued or running.
std::vector<int> tasksToSubmit(const SweepFolder& folder, const SweepPlan& plan, bool onlyUnfinished) {
    if (onlyUnfinished) return tasksToResubmit(folder, plan);
    if (!folder.readSubmissions().empty()) {
        throw InputError(fileError(folder.submissionsPath(), "this sweep was already submitted; use sweep resubmit for the tasks not done"));
    }
    std::vector<int> ids;
    for (const SweepTask& t : plan.tasks) ids.push_back(t.id);
    return ids;
}

int runLocally(const SweepFolder& folder, const SweepPlan& plan, const std::vector<int>& ids, int jobs, const std::string& cli) {
    if (jobs == 0) jobs = defaultLocalJobs(plan);
    jobs = std::min(jobs, int(ids.size()));
    const int threads = localThreadsPerTask(plan, jobs);
    std::printf("Running %zu task%s of %s here, %d at a time (%d thread%s each); logs in %s\n", ids.size(),
                ids.size() == 1 ? "" : "s", folder.dir().c_str(), jobs, threads, threads == 1 ? "" : "s",
                folder.logsDir().c_str());
    std::fflush(stdout);
    LocalSweepCallbacks callbacks;
    callbacks.shouldStop = stopRequested;
    callbacks.onTaskStart = [&](int task, int pid) {
        const SweepTask& t = plan.tasks[size_t(task)];
        std::printf("task %d (%s, repeat %d) started, process %d\n", task, strategyName(t.strategy).c_str(), t.repeat + 1, pid);
        std::fflush(stdout);
    };
    callbacks.onTaskEnd = [&](int task, int code) {
        std::printf("task %d %s\n", task, code == 0 ? "done" : ("ended with exit code " + std::to_string(code)).c_str());
        std::fflush(stdout);
    };
    const LocalSweepResult r = runSweepLocally(folder, plan, ids, jobs, cli, callbacks);
    std::printf("%d tasks done, %d failed or stopped, %d not started\n", r.succeeded, r.failed, r.notStarted);
    if (r.stopped) {
        std::cerr << "alx-cli: stopped; finished rounds are kept (continue with: alx-cli sweep resubmit " << folder.dir()
                  << ")" << std::endl;
        return kInterrupted;
    }
    return r.failed == 0 ? kOk : kRunFailed;
}

}  // namespace

int submitSweep(const SubmitChoice& options, bool onlyUnfinished) {
    const SweepFolder folder(options.dir);
    const SweepPlan plan = folder.readPlan();
    const std::vector<int> ids = tasksToSubmit(folder, plan, onlyUnfinished);
    if (ids.empty()) {
        std::printf("Nothing to resubmit: every task of %s is done, queued or running\n", options.dir.c_str());
        return kOk;
    }
    std::optional<SweepBackend> backend;
    if (!options.backend.empty()) backend = parseBackend(options.backend);
    SlurmSubmitOptions slurm = options.slurm;
    int jobs = options.jobs;
    const auto submissions = folder.readSubmissions();
    if (!backend && onlyUnfinished && !submissions.empty()) {  // as the sweep was last submitted
        backend = submissions.back().backend;
        if (backend == SweepBackend::Slurm) slurm = submissions.back().slurm;
        if (backend == SweepBackend::Local && jobs == 0) jobs = submissions.back().localJobs;
    }
    const std::string cli = thisExecutable();
    if (backend.value_or(defaultBackend()) == SweepBackend::Local) return runLocally(folder, plan, ids, jobs, cli);
    const Submission s = submitToSlurm(folder, plan, ids, slurm, cli);
    std::printf("Submitted %zu task%s of %s as Slurm array job %s (--array=%s%s); logs in %s\n", ids.size(),
                ids.size() == 1 ? "" : "s", options.dir.c_str(), s.jobId.c_str(), arrayRanges(ids).c_str(),
                slurm.maxParallel > 0 ? ("%" + std::to_string(slurm.maxParallel)).c_str() : "", folder.logsDir().c_str());
    std::printf("Watch it with: alx-cli sweep status %s\n", options.dir.c_str());
    return kOk;
}

int runSweepTaskCommand(const SweepTaskOptions& options) {
    // Slurm sends SIGTERM before a time limit or a preemption: stop like Ctrl-C.
    std::signal(SIGTERM, [](int) { interruptRequested.store(true); });
    SweepTaskRequest request;
    request.sweepDir = options.dir;
    request.taskId = options.task;
    request.threads = options.threads;
    if (request.threads == 0) {
        if (const char* cpus = std::getenv("SLURM_CPUS_PER_TASK")) request.threads = std::atoi(cpus);
    }
    request.slurmJob = slurmTaskFromEnvironment();
    SweepTaskCallbacks callbacks;
    callbacks.shouldStop = stopRequested;
    callbacks.onStart = [&](const SweepTask& t, int threads, int kept) {
        std::printf("task %d: %s, repeat %d, %s on %s, %d thread%s; %s\n", t.id, strategyName(t.strategy).c_str(), t.repeat + 1,
                    t.model.c_str(), t.dataset.c_str(), threads, threads == 1 ? "" : "s",
                    kept > 0 ? ("resuming after " + std::to_string(kept) + " rounds kept").c_str() : "starting");
        std::fflush(stdout);
    };
    callbacks.job.onRound = [&](const ActiveLearningRoundReport& r) {
        std::printf("task %d round %d: %lld labels, test accuracy %.2f%% (%.1f s)\n", options.task, r.round.round,
                    static_cast<long long>(r.round.labels), 100 * r.round.testAccuracy, r.round.seconds);
        std::fflush(stdout);
    };
    const SweepTaskResult result = runSweepTask(request, callbacks);
    if (!result.mergeProblem.empty()) std::printf("task %d: the sweep's merge is not up to date: %s\n", options.task, result.mergeProblem.c_str());
    if (result.outcome == SweepTaskOutcome::Preempted) {
        std::printf("task %d: stopped with %d rounds kept; the round in progress was abandoned\n", options.task,
                    result.roundsKept);
        const char* requeue = std::getenv("ALX_SWEEP_REQUEUE");
        if (requeue && std::string(requeue) == "1") std::printf("task %d: %s\n", options.task, requeueThisSlurmTask().c_str());
        std::fflush(stdout);
        return kInterrupted;
    }
    std::printf("task %d: done, %d rounds\n", options.task, result.roundsKept);
    return kOk;
}

namespace {

std::string statusJson(const std::vector<TaskStatus>& statuses, const std::vector<std::string>& varied) {
    nlohmann::json out = nlohmann::json::array();
    for (const TaskStatus& s : statuses) {
        nlohmann::json j = {{"task", s.task.id},     {"strategy", strategyName(s.task.strategy)}, {"repeat", s.task.repeat},
                            {"state", taskStateName(s.state)}, {"reason", s.reason},       {"rounds", s.rounds},
                            {"labels", s.labels},    {"slurm_job", s.slurmJob},            {"array_index", s.arrayIndex},
                            {"log", s.log}};
        j["last_accuracy"] = s.lastAccuracy ? nlohmann::json(*s.lastAccuracy) : nlohmann::json(nullptr);
        for (const auto& name : varied) j[name] = settingValue(s.task, name);
        out.push_back(j);
    }
    return out.dump(1);
}

// A line per task (and its reason when it failed, stopped or was requeued), then the counts.
void printStatusTable(const std::vector<TaskStatus>& statuses, const std::vector<std::string>& varied) {
    std::string header = cell("task", 6) + cell("strategy", 18) + cell("repeat", 8);
    // A varied setting's column as wide as its name needs (semi_supervised).
    const auto width = [](const std::string& name) { return std::max<size_t>(12, name.size() + 2); };
    for (const auto& name : varied) header += cell(name, width(name));
    header += cell("state", 11) + cell("rounds", 8) + cell("accuracy", 10) + cell("slurm job", 14) + "log";
    std::cout << header << "\n";
    std::map<TaskState, int> counts;
    for (const TaskStatus& s : statuses) {
        std::string line = cell(std::to_string(s.task.id), 6) + cell(strategyName(s.task.strategy), 18) +
                           cell(std::to_string(s.task.repeat + 1), 8);
        for (const auto& name : varied) line += cell(settingValue(s.task, name), width(name));
        line += cell(taskStateName(s.state), 11) + cell(std::to_string(s.rounds), 8) + cell(percent(s.lastAccuracy), 10) +
                cell(s.slurmJob.empty() ? "-" : s.slurmJob + "_" + std::to_string(s.arrayIndex), 14) + s.log;
        std::cout << line << "\n";
        // Why a task failed or stopped; a pending one's reason only when it was requeued (--json has them all).
        const bool worthALine = s.state == TaskState::Failed || s.state == TaskState::Preempted || s.reason.rfind("requeued", 0) == 0;
        if (!s.reason.empty() && worthALine) std::cout << "      " << taskStateName(s.state) << ": " << s.reason << "\n";
        counts[s.state] += 1;
    }
    std::cout << statuses.size() << " tasks:";
    for (TaskState state : kAllTaskStates) {
        if (counts[state]) std::cout << " " << counts[state] << " " << taskStateName(state);
    }
}

}  // namespace

int printSweepStatus(const SweepDirOptions& options) {
    const SweepFolder folder(options.dir);
    const SweepPlan plan = folder.readPlan();
    std::string why;
    const bool toSlurm = submittedToSlurm(folder.readSubmissions());
    const auto queue = toSlurm ? slurmQueue(&why) : std::nullopt;
    const std::vector<TaskStatus> statuses = sweepStatus(folder, plan, queue);
    if (options.json) {
        std::cout << statusJson(statuses, variedSettings(plan)) << std::endl;
        return kOk;
    }
    printStatusTable(statuses, variedSettings(plan));
    std::cout << (queue || !toSlurm ? "" : " (Slurm's queue unread: " + why + ")") << std::endl;
    return kOk;
}

int cancelSweep(const SweepDirOptions& options) {
    const SweepCancellation done = cancelSweep(SweepFolder(options.dir));
    if (done.slurmJobs.empty() && !done.localRunnerStopped) {
        std::printf("Nothing to cancel in %s\n", options.dir.c_str());
        return kOk;
    }
    if (!done.slurmJobs.empty()) {
        std::string list;
        for (const auto& id : done.slurmJobs) list += (list.empty() ? "" : ", ") + id;
        std::printf("Cancelled Slurm job%s %s%s\n", done.slurmJobs.size() > 1 ? "s" : "", list.c_str(),
                    done.scancelProblem.empty() ? "" : (" (scancel: " + done.scancelProblem + ")").c_str());
    }
    if (done.localRunnerStopped) std::printf("Stopped the local runner; running tasks keep their finished rounds\n");
    return kOk;
}

int mergeSweep(const SweepDirOptions& options) {
    const auto start = std::chrono::steady_clock::now();
    const SweepFolder folder(options.dir);
    const SweepPlan plan = folder.readPlan();
    const SweepMerge merge = mergeSweep(folder, plan);
    for (const SweepGroup& g : merge.groups) {
        if (!g.settings.empty()) {
            std::string title;
            for (const auto& [name, value] : g.settings) title += (title.empty() ? "" : ", ") + name + " " + value;
            std::cout << "\n" << title << "\n";
        }
        std::cout << cell("strategy", 18) << cell("labels to 90%", 32) << cell("labels to 95%", 32)
                  << cell("final accuracy", 28) << "repeats\n";
        for (const StrategySummary& s : g.summary) {
            std::cout << cell(strategyName(s.strategy), 18) << cell(labelsText(s.labelsTo90) + spreadText(s.labelsTo90Spread, false), 32)
                      << cell(labelsText(s.labelsTo95) + spreadText(s.labelsTo95Spread, false), 32)
                      << cell(percent(s.finalAccuracy) + spreadText(s.finalAccuracySpread, true), 28)
                      << s.repeatsWithRounds << "/" << plan.base.repeats << "\n";
        }
    }
    std::cout << "Medians over repeats, [least - most] in brackets.\n";
    for (const auto& [id, why] : merge.unreadable) std::cout << "task " << id << " cannot be read: " << why << "\n";
    if (!merge.unfinished.empty()) {
        std::cout << merge.unfinished.size() << " of " << plan.tasks.size()
                  << " tasks are not finished; merged what is there. Missing: tasks " << arrayRanges(merge.unfinished)
                  << "\n";
    }
    std::printf("Wrote %s and %s (%.0f ms)\n", folder.curvePath().c_str(), folder.summaryPath().c_str(),
                1000 * secondsSince(start));
    return kOk;
}

}  // namespace alx::cli
