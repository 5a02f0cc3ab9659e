#pragma once
// Running another program (sbatch, squeue, scancel, scontrol, alx-cli itself)
// without a shell, so that no argument is ever re-parsed.
#include <string>
#include <vector>

namespace alx {

struct ProcessResult {
    int exitCode = -1;  // 128 + N when killed by signal N
    std::string out, err;
};

// Runs argv[0] (looked up on PATH) with its output captured. Throws RunError
// when it cannot be started at all.
ProcessResult runProcess(const std::vector<std::string>& argv);

// Starts argv[0] with stdout and stderr appended to `logPath`, and returns
// its process id at once (the caller waits for it).
int startProcess(const std::vector<std::string>& argv, const std::string& logPath);

// The full path of `program` on PATH, or empty.
std::string findOnPath(const std::string& program);

// This program's own executable, as an absolute path.
std::string thisExecutable();

// Whether process `pid` exists on this machine.
bool processAlive(int pid);

std::string hostName();

}  // namespace alx
