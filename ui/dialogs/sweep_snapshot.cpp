#include "dialogs/sweep_snapshot.h"

#include <QFileInfo>
#include <QObject>

#include <type_traits>

#include "alx/storage/active_learning_run.h"
#include "alx/sweeps/slurm_backend.h"
#include "text.h"

namespace alx::ui {

SweepSnapshot readSweepSnapshot(const std::string& dir, const QueueReading& recent) {
    SweepSnapshot s;
    s.dir = dir;
    const SweepFolder folder(dir);
    const QString root = q(dir);
    // The folders first: a sweep.json that appears later is seen too.
    for (const QString& path : {root, root + "/tasks"}) {
        if (QFileInfo(path).isDir()) s.watchPaths << path;
    }
    try {
        s.plan = folder.readPlan();
    } catch (const std::exception& e) {
        s.planError = e.what();
        return s;
    }
    const SweepPlan& plan = *s.plan;
    try {
        s.submissions = folder.readSubmissions();
    } catch (const std::exception& e) {
        s.statusError = e.what();
    }
    s.slurmSubmitted = submittedToSlurm(s.submissions);
    if (s.slurmSubmitted) {
        s.queue = recent;
        if (!s.queue.asked) {
            s.queue.asked = true;
            s.queue.entries = slurmQueue(&s.queue.problem);
        }
    }
    if (s.statusError.empty()) {
        try {
            s.statuses = sweepStatus(folder, plan, s.queue.entries);
        } catch (const std::exception& e) {
            s.statusError = e.what();
        }
    }
    if (!s.statusError.empty()) {
        // The tasks are still listed; their state cannot be told.
        s.statuses.clear();
        for (const SweepTask& task : plan.tasks) {
            TaskStatus st;
            st.task = task;
            st.state = TaskState::Unknown;
            st.reason = s.statusError;
            st.log = folder.logPath(task.id);
            s.statuses.push_back(st);
        }
    }
    try {
        s.merge = collectSweep(folder, plan);
    } catch (const std::exception& e) {
        s.mergeError = e.what();
    }
    // Each task's folder, and the two files a task rewrites (atomically,
    // which the folder's watch sees; in place, which only the file's does).
    for (const SweepTask& task : plan.tasks) {
        const QString taskDir = q(folder.taskDir(task.id));
        if (!QFileInfo(taskDir).isDir()) continue;
        s.watchPaths << taskDir;
        const ActiveLearningRunFolder run(folder.taskDir(task.id));
        for (const std::string& file : {folder.taskRecordPath(task.id), run.curvePath()}) {
            if (QFileInfo(q(file)).isFile()) s.watchPaths << q(file);
        }
    }
    return s;
}

QString groupTitle(const SweepGroup& group) {
    QStringList parts;
    for (const auto& [name, value] : group.settings) parts << q(name).replace('_', ' ') + " " + q(value);
    return parts.isEmpty() ? QObject::tr("every task") : parts.join(", ");
}

QString sharedSettingsText(const SweepPlan& plan) {
    const ActiveLearningSettings& b = plan.base;
    const auto list = [](const auto& values) {
        QStringList out;
        for (const auto& v : values) {
            if constexpr (std::is_same_v<std::decay_t<decltype(v)>, std::string>) {
                out << q(v);
            } else {
                out << QString::number(v);
            }
        }
        return out.join("/");
    };
    const SweepAxes& a = plan.axes;
    QStringList pools;
    for (int64_t p : a.poolSubsets) pools << (p == 0 ? QObject::tr("all") : QString::number(p));
    QString text = QObject::tr("%1 on %2; %3 initial labels + %4 per round up to %5; %6 scored per round; "
                               "at most %7 steps per round; %8 MC passes; %9 repeats, seed %10")
                       .arg(list(a.models), list(a.datasets), list(a.initials), list(a.acquires))
                       .arg(b.loop.budget)
                       .arg(pools.join("/"), list(a.maxSteps))
                       .arg(b.loop.mcSamples)
                       .arg(b.repeats)
                       .arg(qulonglong(b.seed));
    if (b.data.trainImages > 0 || b.data.testImages > 0) {
        text += QObject::tr("; first %1 training and %2 test images")
                    .arg(b.data.trainImages > 0 ? QString::number(b.data.trainImages) : QObject::tr("all"))
                    .arg(b.data.testImages > 0 ? QString::number(b.data.testImages) : QObject::tr("all"));
    }
    return text;
}

QString labelsCell(const std::optional<double>& median, const Spread& spread) {
    const auto one = [](const std::optional<double>& v) { return v ? decimal(*v, 0) : QObject::tr("not reached"); };
    if (!spread.least) return one(median);
    return QString("%1 [%2 – %3]").arg(one(median), one(spread.least), one(spread.most));
}

QString accuracyCell(const std::optional<double>& median, const Spread& spread) {
    if (!median) return "–";
    const auto one = [](const std::optional<double>& v) { return v ? decimal(100 * *v, 2) : QString("–"); };
    if (!spread.least) return one(median) + " %";
    return QString("%1 % [%2 – %3 %]").arg(one(median), one(spread.least), one(spread.most));
}

}  // namespace alx::ui
