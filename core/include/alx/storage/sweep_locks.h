#pragma once
// The locks of a sweep folder: a task's (tasks/ID/lock), so that two runs of
// one task never write its folder at once, and the merge's (merge.lock), so
// that tasks ending together merge one after another. fcntl record locks,
// not flock(): they also hold across NFS, where sweeps usually live, and the
// kernel releases them when the process dies, however it dies.
#include <optional>

#include "alx/storage/sweep_folder.h"

namespace alx {

// Whether a process holds task `task`'s lock, and which (its pid; 0 when
// another machine's). Asks without taking the lock.
std::optional<int> taskLockHolder(const SweepFolder& folder, int task);

// A task's lock, held while the object lives (and released by the kernel
// when the process dies, however it dies). Throws RunError naming the holder
// when another process holds it.
class TaskLock {
public:
    TaskLock(const SweepFolder& folder, int task);
    ~TaskLock();
    TaskLock(const TaskLock&) = delete;
    TaskLock& operator=(const TaskLock&) = delete;

private:
    int fd_ = -1;
};

// The merge's lock (DIR/merge.lock), waited for: merges happen one at a time.
class MergeLock {
public:
    explicit MergeLock(const SweepFolder& folder);
    ~MergeLock();
    MergeLock(const MergeLock&) = delete;
    MergeLock& operator=(const MergeLock&) = delete;

private:
    int fd_ = -1;
};

}  // namespace alx
