#include "alx/sweeps/slurm_backend.h"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <sstream>

#include "alx/util/files.h"
#include "alx/util/errors.h"
#include "alx/util/process.h"
#include "alx/util/timing.h"

namespace fs = std::filesystem;

namespace alx {
namespace {

std::string firstLine(const std::string& text) {
    std::string line = text.substr(0, text.find('\n'));
    return line;
}

std::string envOrEmpty(const char* name) {
    const char* value = std::getenv(name);
    return value ? value : "";
}

// Every Slurm command runs through here. Slurm's commands retry for a
// minute when SLURM_CONF names a file that is not there: that is refused at
// once instead (InputError: the setting is wrong, not the work).
ProcessResult runSlurm(const std::vector<std::string>& argv) {
    const std::string conf = envOrEmpty("SLURM_CONF");
    std::error_code ec;
    if (!conf.empty() && !fs::exists(conf, ec)) throw InputError("SLURM_CONF names " + conf + ", which does not exist");
    return runProcess(argv);
}

void refuseSpaces(const std::string& path) {
    // #SBATCH lines are split on white space and take no quotes.
    if (path.find_first_of(" \t\n\"'") != std::string::npos) {
        throw InputError(fileError(path, "a sweep submitted to Slurm needs a folder path without spaces or quotes"), "out_dir");
    }
}

}  // namespace

std::string arrayRanges(std::vector<int> ids) {
    std::sort(ids.begin(), ids.end());
    ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
    std::string out;
    for (size_t i = 0; i < ids.size();) {
        size_t j = i;
        while (j + 1 < ids.size() && ids[j + 1] == ids[j] + 1) ++j;
        if (!out.empty()) out += ",";
        out += std::to_string(ids[i]);
        if (j > i) out += "-" + std::to_string(ids[j]);
        i = j + 1;
    }
    return out;
}

bool slurmAvailable() { return !findOnPath("sbatch").empty(); }

std::string sbatchScript(const SweepFolder& folder, const SweepPlan& plan, const SlurmSubmitOptions& o,
                         const std::string& cli) {
    const std::string dir = fs::absolute(folder.dir()).lexically_normal().string();
    refuseSpaces(dir);
    const int cpus = o.cpusPerTask > 0 ? o.cpusPerTask : (plan.base.threads > 0 ? plan.base.threads : 1);
    std::ostringstream s;
    s << "#!/bin/bash\n"
      << "# Written by alx-cli sweep submit: one array element per task of " << SweepFolder(dir).planPath() << ".\n"
      << "# The --array here covers every task; a resubmission gives sbatch its own --array.\n"
      << "#SBATCH --job-name=alx-sweep-" << fs::path(dir).filename().string() << "\n"
      << "#SBATCH --array=0-" << plan.tasks.size() - 1 << (o.maxParallel > 0 ? "%" + std::to_string(o.maxParallel) : "") << "\n"
      << "#SBATCH --output=" << SweepFolder(dir).slurmLogPattern() << "\n"
      << "#SBATCH --open-mode=append\n"
      << "#SBATCH --chdir=" << dir << "\n"
      << "#SBATCH --cpus-per-task=" << cpus << "\n"
      << "#SBATCH --ntasks=1\n";
    if (!o.partition.empty()) s << "#SBATCH --partition=" << o.partition << "\n";
    if (!o.time.empty()) {
        s << "#SBATCH --time=" << o.time << "\n"
          // SIGTERM to the task two minutes before the limit: it keeps its finished rounds.
          << "#SBATCH --signal=B:TERM@120\n";
    }
    if (!o.mem.empty()) s << "#SBATCH --mem=" << o.mem << "\n";
    if (!o.gpus.empty()) s << "#SBATCH --gpus=" << o.gpus << "\n";
    if (!o.account.empty()) s << "#SBATCH --account=" << o.account << "\n";
    if (!o.qos.empty()) s << "#SBATCH --qos=" << o.qos << "\n";
    s << (o.requeue ? "#SBATCH --requeue\n" : "#SBATCH --no-requeue\n");
    for (const std::string& arg : o.sbatchArgs) s << "#SBATCH " << arg << "\n";
    s << "\n";
    if (o.requeue) s << "export ALX_SWEEP_REQUEUE=1\n";
    s << "echo \"== task $SLURM_ARRAY_TASK_ID: Slurm job ${SLURM_ARRAY_JOB_ID}_${SLURM_ARRAY_TASK_ID} on $(hostname), "
         "$(date -u +%Y-%m-%dT%H:%M:%SZ)\"\n"
      // exec: the task itself receives Slurm's signals, not a shell that would ignore them.
      << "exec " << cli << " sweep run-task " << dir << " \"$SLURM_ARRAY_TASK_ID\"\n";
    return s.str();
}

Submission submitToSlurm(const SweepFolder& folder, const SweepPlan& plan, const std::vector<int>& ids,
                         const SlurmSubmitOptions& options, const std::string& cli) {
    if (ids.empty()) throw InputError("no tasks to submit");
    refuseSpaces(cli);
    fs::create_directories(folder.logsDir());
    writeFileAtomically(folder.scriptPath(), sbatchScript(folder, plan, options, cli));
    const std::string array = arrayRanges(ids) + (options.maxParallel > 0 ? "%" + std::to_string(options.maxParallel) : "");
    const ProcessResult r = runSlurm({"sbatch", "--parsable", "--array=" + array, folder.scriptPath()});
    if (r.exitCode != 0) {
        throw RunError("sbatch refused the sweep (exit " + std::to_string(r.exitCode) + "): " + firstLine(r.err + r.out));
    }
    std::string jobId = firstLine(r.out);
    jobId = jobId.substr(0, jobId.find(';'));  // "<id>;<cluster>" on a federation
    if (jobId.empty() || !std::all_of(jobId.begin(), jobId.end(), ::isdigit)) {
        throw RunError("sbatch answered without a job id: " + firstLine(r.out + r.err));
    }
    Submission s;
    s.backend = SweepBackend::Slurm;
    s.jobId = jobId;
    s.host = hostName();
    s.taskIds = ids;
    std::sort(s.taskIds.begin(), s.taskIds.end());
    s.submitted = utcNowIso();
    s.slurm = options;
    folder.addSubmission(s);
    return s;
}

std::optional<std::vector<QueueEntry>> slurmQueue(std::string* why) {
    if (findOnPath("squeue").empty()) {
        if (why) *why = "squeue is not on PATH";
        return std::nullopt;
    }
    ProcessResult r;
    try {
        r = runSlurm({"squeue", "--me", "--noheader", "--array", "--format=%F|%K|%T|%r"});
    } catch (const std::exception& e) {
        if (why) *why = e.what();
        return std::nullopt;
    }
    if (r.exitCode != 0) {
        if (why) *why = "squeue failed: " + firstLine(r.err + r.out);
        return std::nullopt;
    }
    std::vector<QueueEntry> out;
    std::istringstream lines(r.out);
    std::string line;
    while (std::getline(lines, line)) {
        std::vector<std::string> fields;
        std::istringstream parts(line);
        std::string field;
        while (std::getline(parts, field, '|')) fields.push_back(field);
        if (fields.size() < 3) continue;
        const std::string& index = fields[1];
        if (index.empty() || !std::all_of(index.begin(), index.end(), ::isdigit)) continue;  // not an array element ("N/A")
        QueueEntry e;
        e.jobId = fields[0];
        e.index = std::atoi(index.c_str());
        e.state = fields[2];
        if (fields.size() > 3) e.reason = fields[3];
        out.push_back(e);
    }
    return out;
}

std::string cancelSlurmJobs(const std::vector<std::string>& jobIds) {
    if (jobIds.empty()) return "";
    std::vector<std::string> argv{"scancel"};
    argv.insert(argv.end(), jobIds.begin(), jobIds.end());
    try {
        const ProcessResult r = runSlurm(argv);
        if (r.exitCode == 0) return "";
        const std::string said = firstLine(r.err + r.out);
        return said.empty() ? "scancel ended with exit code " + std::to_string(r.exitCode) : said;
    } catch (const std::exception& e) {  // not installed here, or SLURM_CONF wrong
        return e.what();
    }
}

std::string slurmTaskFromEnvironment() {
    const std::string job = envOrEmpty("SLURM_ARRAY_JOB_ID"), index = envOrEmpty("SLURM_ARRAY_TASK_ID");
    if (job.empty() || index.empty()) return envOrEmpty("SLURM_JOB_ID");
    return job + "_" + index;
}

std::string requeueThisSlurmTask() {
    const std::string me = slurmTaskFromEnvironment();
    if (me.empty()) return "not running under Slurm: nothing to requeue";
    try {
        const ProcessResult r = runSlurm({"scontrol", "requeue", me});
        if (r.exitCode != 0) return "scontrol requeue " + me + " failed: " + firstLine(r.err + r.out);
    } catch (const std::exception& e) {  // the finished rounds are kept whatever happens here
        return "cannot requeue " + me + ": " + e.what();
    }
    return "requeued as Slurm job " + me;
}

}  // namespace alx
