#include "alx/sweeps/local_backend.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <filesystem>
#include <map>
#include <thread>

#include "alx/util/errors.h"
#include "alx/util/process.h"
#include "alx/util/timing.h"

namespace alx {

int localThreadsPerTask(const SweepPlan& plan, int jobs) {
    if (plan.base.threads > 0) return plan.base.threads;
    const int cores = int(std::max(1u, std::thread::hardware_concurrency()));
    return std::max(1, cores / std::max(1, jobs));
}

LocalSweepResult runSweepLocally(const SweepFolder& folder, const SweepPlan& plan, const std::vector<int>& ids, int jobs,
                                 const std::string& cli, const LocalSweepCallbacks& callbacks) {
    if (jobs < 1) throw InputError("the local backend needs at least one job at a time", "jobs");
    for (int id : ids) {
        if (id < 0 || id >= int(plan.tasks.size())) throw InputError("the sweep has no task " + std::to_string(id), "task");
    }
    std::filesystem::create_directories(folder.logsDir());
    Submission s;
    s.backend = SweepBackend::Local;
    s.jobId = std::to_string(::getpid());
    s.host = hostName();
    s.taskIds = ids;
    s.submitted = utcNowIso();
    s.localJobs = jobs;
    folder.addSubmission(s);

    const std::string threads = std::to_string(localThreadsPerTask(plan, jobs));
    const std::string dir = std::filesystem::absolute(folder.dir()).lexically_normal().string();
    LocalSweepResult result;
    std::map<int, int> running;  // pid -> task
    size_t next = 0;
    bool signalled = false;
    while (next < ids.size() || !running.empty()) {
        const bool stop = callbacks.shouldStop && callbacks.shouldStop();
        if (stop && !signalled) {
            // The tasks keep their finished rounds and mark themselves preempted.
            for (const auto& [pid, task] : running) ::kill(pid, SIGTERM);
            signalled = true;
            result.stopped = true;
        }
        while (!stop && next < ids.size() && int(running.size()) < jobs) {
            const int task = ids[next++];
            const int pid = startProcess({cli, "sweep", "run-task", dir, std::to_string(task), "--threads", threads},
                                         folder.logPath(task));
            running[pid] = task;
            if (callbacks.onTaskStart) callbacks.onTaskStart(task, pid);
        }
        if (stop) {
            result.notStarted = int(ids.size() - next);
            next = ids.size();
        }
        int status = 0;
        const pid_t ended = ::waitpid(-1, &status, WNOHANG);
        if (ended > 0 && running.count(ended)) {
            const int task = running[ended];
            running.erase(ended);
            const int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
            (code == 0 ? result.succeeded : result.failed) += 1;
            if (callbacks.onTaskEnd) callbacks.onTaskEnd(task, code);
            continue;
        }
        if (ended < 0 && errno == ECHILD) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return result;
}

}  // namespace alx
