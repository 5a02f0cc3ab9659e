#include "alx/storage/sweep_locks.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "alx/util/errors.h"
#include "file_helpers.h"

namespace fs = std::filesystem;

namespace alx {


namespace {

// The whole file, for writing.
struct flock wholeFileWriteLock() {
    struct flock lock {};
    lock.l_type = F_WRLCK;
    lock.l_whence = SEEK_SET;
    return lock;
}

int openLockFile(const std::string& path, const std::string& whose) {
    const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) throw RunError(fileError(path, "cannot open " + whose + " lock: " + std::strerror(errno)));
    return fd;
}

}  // namespace

std::optional<int> taskLockHolder(const SweepFolder& folder, int task) {
    const int fd = ::open(folder.lockPath(task).c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return std::nullopt;  // never run
    struct flock probe = wholeFileWriteLock();
    std::optional<int> holder;
    if (::fcntl(fd, F_GETLK, &probe) == 0 && probe.l_type != F_UNLCK) holder = int(probe.l_pid);
    ::close(fd);
    return holder;
}

TaskLock::TaskLock(const SweepFolder& folder, int task) {
    fs::create_directories(folder.taskDir(task));
    const std::string path = folder.lockPath(task);
    fd_ = openLockFile(path, "the task's");
    struct flock lock = wholeFileWriteLock();
    if (::fcntl(fd_, F_SETLK, &lock) != 0) {
        const int error = errno;
        struct flock probe = wholeFileWriteLock();
        const bool known = ::fcntl(fd_, F_GETLK, &probe) == 0 && probe.l_type != F_UNLCK;
        ::close(fd_);
        fd_ = -1;
        if (error == EACCES || error == EAGAIN) {
            throw RunError(fileError(path, "task " + std::to_string(task) + " is already running" +
                                               (known && probe.l_pid > 0 ? " (process " + std::to_string(probe.l_pid) + ")" : "") +
                                               "; two runs of one task at once are refused"));
        }
        throw RunError(fileError(path, std::string("cannot lock: ") + std::strerror(error)));
    }
}

TaskLock::~TaskLock() {
    if (fd_ >= 0) ::close(fd_);  // closing releases the lock
}

MergeLock::MergeLock(const SweepFolder& folder) {
    const std::string path = folder.mergeLockPath();
    fd_ = openLockFile(path, "the merge's");
    struct flock lock = wholeFileWriteLock();
    while (::fcntl(fd_, F_SETLKW, &lock) != 0) {
        if (errno == EINTR) continue;
        const int error = errno;
        ::close(fd_);
        fd_ = -1;
        throw RunError(fileError(path, std::string("cannot lock: ") + std::strerror(error)));
    }
}

MergeLock::~MergeLock() {
    if (fd_ >= 0) ::close(fd_);
}

}  // namespace alx
