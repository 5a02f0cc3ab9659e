#pragma once
// Everything the sweep view shows of a sweep folder, read in one go off the
// GUI thread: the folder may sit on a network file system, every task's
// curve is read and validated, and asking Slurm's queue runs squeue. Each
// part is read on its own, so that one damaged file leaves the rest shown.
#include <QString>
#include <QStringList>

#include <optional>
#include <string>
#include <vector>

#include "alx/sweeps/sweep_progress.h"

namespace alx::ui {

// Slurm's queue as squeue last told it (or why it could not).
struct QueueReading {
    bool asked = false;
    std::optional<std::vector<QueueEntry>> entries;
    std::string problem;
};

struct SweepSnapshot {
    std::string dir;
    std::optional<SweepPlan> plan;  // absent when sweep.json cannot be read (planError says why)
    std::string planError;
    std::vector<Submission> submissions;
    std::vector<TaskStatus> statuses;  // one per task, in plan order (state Unknown when statusError is set)
    std::string statusError;
    SweepMerge merge;
    std::string mergeError;
    bool slurmSubmitted = false;  // then Slurm's queue was asked (queue.problem: why it could not be; the
    QueueReading queue;           // states are then judged from the folder)
    QStringList watchPaths;       // the sweep's folders and task files that exist now
};

// `queue`: a recent reading of Slurm's queue to use instead of asking again.
SweepSnapshot readSweepSnapshot(const std::string& dir, const QueueReading& queue = {});

// "model gal, initial 20": a group's values of the varied settings.
QString groupTitle(const SweepGroup& group);

// The settings every task shares, in one line.
QString sharedSettingsText(const SweepPlan& plan);

// "1234 [1100 – 1400]", "96.10 % [95.80 – 96.30 %]", "not reached".
QString labelsCell(const std::optional<double>& median, const Spread& spread);
QString accuracyCell(const std::optional<double>& median, const Spread& spread);

}  // namespace alx::ui
