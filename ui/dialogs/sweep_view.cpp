#include "dialogs/sweep_view.h"

#include <QCloseEvent>
#include <QComboBox>
#include <QDateTime>
#include <QDesktopServices>
#include <QFileSystemWatcher>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPixmap>
#include <QSplitter>
#include <QTableWidget>
#include <QUrl>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

#include <algorithm>
#include <map>

#include "plots/learning_curve_plot.h"
#include "text.h"

namespace alx::ui {
namespace {

// A changed folder is read at most this often.
constexpr int kMinReadIntervalMs = 1000;
// While tasks are queued or running, the folder is read this often even
// when nothing in it changes: Slurm's queue is not in the folder, and a
// killed task's lock is released by the kernel without a trace in it.
constexpr int kPollMs = 5000;
// Slurm's queue is asked at most this often (squeue loads the controller,
// which every user of the cluster shares); reads between reuse its answer.
constexpr int kQueueMs = 5000;

QColor stateColour(TaskState state) {
    switch (state) {
        case TaskState::Done: return {198, 239, 206};
        case TaskState::Running: return {189, 215, 238};
        case TaskState::Pending: return {230, 230, 230};
        case TaskState::Preempted: return {255, 221, 170};
        case TaskState::Failed: return {255, 180, 180};
        case TaskState::Missing: return {255, 242, 175};
        case TaskState::Unknown: break;
    }
    return {255, 255, 255};
}

QTableWidgetItem* cell(QTableWidget* table, int row, int column) {
    QTableWidgetItem* item = table->item(row, column);
    if (!item) {
        item = new QTableWidgetItem;
        item->setFlags(item->flags() & ~Qt::ItemIsEditable);
        table->setItem(row, column, item);
    }
    return item;
}

void setCell(QTableWidget* table, int row, int column, const QString& text, const QString& tip = {}) {
    QTableWidgetItem* item = cell(table, row, column);
    if (item->text() != text) item->setText(text);
    if (item->toolTip() != tip) item->setToolTip(tip);
}

QIcon swatch(const QColor& colour) {
    QPixmap square(12, 12);
    square.fill(colour);
    return QIcon(square);
}

}  // namespace

SweepView::SweepView(const QString& dir, QWidget* parent) : QWidget(parent), dir_(dir) {
    auto* layout = new QVBoxLayout(this);
    title_ = new QLabel(this);
    title_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    title_->setText(tr("<b>Sweep</b> %1").arg(dir.toHtmlEscaped()));
    layout->addWidget(title_);
    shared_ = new QLabel(this);
    shared_->setWordWrap(true);
    layout->addWidget(shared_);
    counts_ = new QLabel(tr("Reading the folder…"), this);
    layout->addWidget(counts_);
    problems_ = new QLabel(this);
    problems_->setWordWrap(true);
    problems_->setStyleSheet("color: rgb(190, 30, 30);");
    problems_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    problems_->setVisible(false);
    layout->addWidget(problems_);

    groupRow_ = new QWidget(this);
    auto* groupLayout = new QHBoxLayout(groupRow_);
    groupLayout->setContentsMargins(0, 0, 0, 0);
    groupLayout->addWidget(new QLabel(tr("Settings:"), groupRow_));
    groups_ = new QComboBox(groupRow_);
    groups_->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    groupLayout->addWidget(groups_);
    groupLayout->addStretch();
    groupRow_->setVisible(false);  // only when the sweep varies a setting
    layout->addWidget(groupRow_);

    layout->addWidget(makeTables(), 1);

    connect(groups_, &QComboBox::currentIndexChanged, this, &SweepView::showGroup);
    connect(tasks_, &QTableWidget::cellDoubleClicked, this, [this](int row, int) {
        if (row < int(snapshot_.statuses.size())) {
            QDesktopServices::openUrl(QUrl::fromLocalFile(q(snapshot_.statuses[size_t(row)].log)));
        }
    });

    watcher_ = new QFileSystemWatcher(this);
    connect(watcher_, &QFileSystemWatcher::directoryChanged, this, &SweepView::scheduleRefresh);
    connect(watcher_, &QFileSystemWatcher::fileChanged, this, &SweepView::scheduleRefresh);
    throttle_.setSingleShot(true);
    connect(&throttle_, &QTimer::timeout, this, &SweepView::readNow);
    poll_.setInterval(kPollMs);
    connect(&poll_, &QTimer::timeout, this, &SweepView::scheduleRefresh);
    connect(&reader_, &QFutureWatcher<SweepSnapshot>::finished, this, [this] {
        if (!following_) return;
        showSnapshot(reader_.result());
        if (again_) {
            again_ = false;
            scheduleRefresh();
        }
    });
    readNow();
}

// The curves with their summary right under them, as tall as its rows; the tasks below.
QSplitter* SweepView::makeTables() {
    auto* split = new QSplitter(Qt::Vertical, this);
    // The table sits right under the curves it summarises, as tall as its rows.
    auto* curves = new QWidget(split);
    auto* curvesLayout = new QVBoxLayout(curves);
    curvesLayout->setContentsMargins(0, 0, 0, 0);
    plot_ = new LearningCurvePlot(curves);
    plot_->setMedianLine(true);
    plot_->setTargets({0.90, 0.95});
    plot_->setFitToData(true);
    plot_->setToolTip(tr("Line: the median over the repeats; band: from the least to the most"));
    curvesLayout->addWidget(plot_, 1);
    summary_ = new QTableWidget(0, 5, curves);
    summary_->setHorizontalHeaderLabels({tr("strategy"), tr("labels to 90 %"), tr("labels to 95 %"), tr("final accuracy"), tr("repeats")});
    summary_->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
    summary_->verticalHeader()->setVisible(false);
    summary_->setEditTriggers(QAbstractItemView::NoEditTriggers);
    summary_->verticalHeader()->setDefaultSectionSize(fontMetrics().height() + 8);
    summary_->setToolTip(tr("Medians over the repeats, [least – most] over them; a repeat that never gets there counts "
                            "as more than any other"));
    curvesLayout->addWidget(summary_);
    split->addWidget(curves);
    tasks_ = new QTableWidget(0, 0, split);
    tasks_->verticalHeader()->setVisible(false);
    tasks_->verticalHeader()->setDefaultSectionSize(fontMetrics().height() + 8);
    tasks_->setEditTriggers(QAbstractItemView::NoEditTriggers);
    tasks_->setSelectionBehavior(QAbstractItemView::SelectRows);
    tasks_->setToolTip(tr("Double-click a task for its log"));
    split->addWidget(tasks_);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 2);
    split->setSizes({600, 400});
    return split;
}

SweepView::~SweepView() { stopFollowing(); }

QStringList SweepView::watchedPaths() const { return watcher_->directories() + watcher_->files(); }

void SweepView::closeEvent(QCloseEvent* event) {
    stopFollowing();
    QWidget::closeEvent(event);
}

void SweepView::stopFollowing() {
    following_ = false;
    throttle_.stop();
    poll_.stop();
    const QStringList watched = watchedPaths();
    if (!watched.isEmpty()) watcher_->removePaths(watched);
    // A read in flight holds nothing of this view; its result is dropped.
}

void SweepView::scheduleRefresh() {
    if (!following_) return;
    if (reader_.isRunning()) {
        again_ = true;
        return;
    }
    if (throttle_.isActive()) return;
    const qint64 since = lastRead_.isValid() ? lastRead_.elapsed() : kMinReadIntervalMs;
    throttle_.start(int(std::max<qint64>(0, kMinReadIntervalMs - since)));
}

void SweepView::readNow() {
    if (!following_) return;
    if (reader_.isRunning()) {
        again_ = true;
        return;
    }
    lastRead_.restart();
    ++reads_;
    QueueReading queue;
    if (snapshot_.queue.asked && queueAge_.isValid() && queueAge_.elapsed() < kQueueMs) {
        queue = snapshot_.queue;
    } else {
        queueAge_.restart();
    }
    reader_.setFuture(QtConcurrent::run([dir = dir_.toStdString(), queue] { return readSweepSnapshot(dir, queue); }));
}

void SweepView::showSnapshot(SweepSnapshot s) {
    snapshot_ = std::move(s);
    // New task folders (and files replaced since) are watched as they appear.
    const QStringList watched = watchedPaths();
    QStringList add;
    for (const QString& path : snapshot_.watchPaths) {
        if (!watched.contains(path)) add << path;
    }
    if (!add.isEmpty()) watcher_->addPaths(add);

    std::map<TaskState, int> counts;  // tasks per state
    for (const TaskStatus& st : snapshot_.statuses) ++counts[st.state];
    const bool active = counts[TaskState::Pending] > 0 || counts[TaskState::Running] > 0;

    QStringList problems;
    if (!snapshot_.planError.empty()) problems << tr("Cannot read the sweep: %1").arg(q(snapshot_.planError));
    if (!snapshot_.statusError.empty()) problems << tr("Cannot tell the tasks' states: %1").arg(q(snapshot_.statusError));
    if (!snapshot_.mergeError.empty()) problems << tr("Cannot merge the curves: %1").arg(q(snapshot_.mergeError));
    // Once every task is done by its own folder, the queue has nothing left to tell.
    const bool allDone = !snapshot_.statuses.empty() && size_t(counts[TaskState::Done]) == snapshot_.statuses.size();
    if (snapshot_.queue.asked && !snapshot_.queue.entries && !allDone) {
        problems << tr("Slurm's queue could not be asked (%1); states are judged from the folder").arg(q(snapshot_.queue.problem));
    }
    for (const auto& [id, why] : snapshot_.merge.unreadable) problems << tr("Task %1 left out: %2").arg(id).arg(q(why));
    problems_->setText(problems.join("\n"));
    problems_->setVisible(!problems.isEmpty());

    if (snapshot_.plan) {
        if (!columnsSet_) setUpColumns(*snapshot_.plan);
        shared_->setText(sharedSettingsText(*snapshot_.plan));
        QStringList parts;
        for (TaskState state : kAllTaskStates) {
            if (counts[state]) parts << QString("%1 %2").arg(counts[state]).arg(q(taskStateName(state)));
        }
        QString submitted = tr("Not submitted yet");
        if (!snapshot_.submissions.empty()) {
            const Submission& last = snapshot_.submissions.back();
            submitted = last.backend == SweepBackend::Slurm
                            ? tr("Slurm array job %1").arg(q(last.jobId))
                            : tr("Run locally by process %1 on %2, %3 at a time").arg(q(last.jobId), q(last.host)).arg(last.localJobs);
            if (snapshot_.submissions.size() > 1) submitted += tr(" (submission %1)").arg(snapshot_.submissions.size());
        }
        counts_->setText(tr("%1 tasks: %2. %3. Read %4.")
                             .arg(snapshot_.plan->tasks.size())
                             .arg(parts.join(", "), submitted, QTime::currentTime().toString("HH:mm:ss")));
        if (active && !poll_.isActive()) poll_.start();
        if (!active) poll_.stop();
        showTasks();
        showGroup();
    } else {
        counts_->setText(tr("Read %1.").arg(QTime::currentTime().toString("HH:mm:ss")));
        poll_.start();  // a sweep.json being written may appear without a change the watch sees
    }
    Q_EMIT refreshed();
}

void SweepView::setUpColumns(const SweepPlan& plan) {
    columnsSet_ = true;
    const std::vector<std::string> varied = variedSettings(plan);
    variedCount_ = int(varied.size());
    QStringList headers = {tr("task"), tr("strategy"), tr("repeat")};
    for (const std::string& name : varied) headers << q(name).replace('_', ' ');
    headers << tr("state") << tr("rounds") << tr("labels") << tr("last accuracy") << tr("Slurm job") << tr("reason / log");
    tasks_->setColumnCount(int(headers.size()));
    tasks_->setHorizontalHeaderLabels(headers);
    tasks_->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    tasks_->horizontalHeader()->setStretchLastSection(true);

    const QSignalBlocker block(groups_);
    groups_->clear();
    if (!varied.empty()) {
        // The groups in plan order, as collectSweep makes them.
        std::vector<std::map<std::string, std::string>> seen;
        for (const SweepTask& task : plan.tasks) {
            SweepGroup g;
            for (const std::string& name : varied) g.settings[name] = settingValue(task, name);
            if (std::find(seen.begin(), seen.end(), g.settings) != seen.end()) continue;
            seen.push_back(g.settings);
            groups_->addItem(groupTitle(g), int(seen.size()) - 1);
        }
        groups_->addItem(tr("all of them, a curve per strategy and setting"), -1);
    }
    groupRow_->setVisible(!varied.empty());
}

void SweepView::showTasks() {
    const std::vector<TaskStatus>& statuses = snapshot_.statuses;
    const std::vector<std::string> varied = variedSettings(*snapshot_.plan);
    tasks_->setRowCount(int(statuses.size()));
    for (int row = 0; row < int(statuses.size()); ++row) {
        const TaskStatus& st = statuses[size_t(row)];
        setCell(tasks_, row, kTask, QString::number(st.task.id));
        setCell(tasks_, row, kStrategy, q(strategyName(st.task.strategy)));
        setCell(tasks_, row, kRepeat, QString::number(st.task.repeat + 1));
        for (int v = 0; v < int(varied.size()); ++v) setCell(tasks_, row, kLeading + v, q(settingValue(st.task, varied[size_t(v)])));
        setCell(tasks_, row, column(kState), q(taskStateName(st.state)), q(st.reason));
        cell(tasks_, row, column(kState))->setBackground(stateColour(st.state));
        setCell(tasks_, row, column(kRounds), QString::number(st.rounds));
        setCell(tasks_, row, column(kLabels), st.rounds ? QString::number(st.labels) : QString());
        setCell(tasks_, row, column(kAccuracy), st.lastAccuracy ? decimal(100 * *st.lastAccuracy, 2) + " %" : QString());
        setCell(tasks_, row, column(kSlurmJob), st.slurmJob.empty() ? QString() : q(st.slurmJob) + "_" + QString::number(st.arrayIndex));
        // The reason when there is one (the log says more), else where the log is.
        QString log = q(st.log);
        if (log.startsWith(dir_ + "/")) log = log.mid(dir_.size() + 1);
        setCell(tasks_, row, column(kReason), st.reason.empty() ? log : q(st.reason),
                (st.reason.empty() ? QString() : q(st.reason) + "\n") + tr("Log: %1").arg(q(st.log)));
    }
}

void SweepView::showGroup() {
    if (!snapshot_.plan) return;
    const std::vector<SweepGroup>& groups = snapshot_.merge.groups;
    const int chosen = groups_->count() ? groups_->currentData().toInt() : 0;
    const std::vector<Strategy>& strategies = snapshot_.plan->axes.strategies;
    LearningCurvePlot::Curves curves;
    std::vector<std::string> order;
    std::vector<std::pair<QString, const StrategySummary*>> rows;
    std::vector<int> done;  // per row: its repeats that have finished
    const std::vector<std::string> varied = variedSettings(*snapshot_.plan);
    for (int g = 0; g < int(groups.size()); ++g) {
        if (chosen >= 0 && g != chosen) continue;
        const SweepGroup& group = groups[size_t(g)];
        std::map<Strategy, int> doneBy;
        for (const TaskStatus& st : snapshot_.statuses) {
            std::map<std::string, std::string> key;
            for (const std::string& v : varied) key[v] = settingValue(st.task, v);
            if (key == group.settings && st.state == TaskState::Done) ++doneBy[st.task.strategy];
        }
        // Every group's curves on one plot need the group in their names.
        const auto name = [&](Strategy strategy) {
            return chosen >= 0 ? strategyName(strategy) : strategyName(strategy) + " (" + s(groupTitle(group)) + ")";
        };
        for (Strategy strategy : strategies) order.push_back(name(strategy));
        for (const CurveRow& row : group.rows) curves[name(row.strategy)][row.repeat][row.labels] = row.accuracy;
        for (const StrategySummary& s : group.summary) {
            rows.push_back({q(name(s.strategy)), &s});
            done.push_back(doneBy[s.strategy]);
        }
    }
    plot_->setSeriesOrder(order);
    plot_->setCurves(std::move(curves));

    summary_->setRowCount(int(rows.size()));
    for (int r = 0; r < int(rows.size()); ++r) {
        const StrategySummary& s = *rows[size_t(r)].second;
        const auto place = std::find(order.begin(), order.end(), rows[size_t(r)].first.toStdString()) - order.begin();
        setCell(summary_, r, 0, rows[size_t(r)].first, q(strategyDescription(s.strategy)));
        cell(summary_, r, 0)->setIcon(swatch(LearningCurvePlot::seriesColour(int(place))));
        // "not reached" would claim more than a strategy with no round yet can say.
        const bool started = s.repeatsWithRounds > 0;
        setCell(summary_, r, 1, started ? labelsCell(s.labelsTo90, s.labelsTo90Spread) : "–");
        setCell(summary_, r, 2, started ? labelsCell(s.labelsTo95, s.labelsTo95Spread) : "–");
        setCell(summary_, r, 3, accuracyCell(s.finalAccuracy, s.finalAccuracySpread));
        setCell(summary_, r, 4, tr("%1 of %2 (%3 done)").arg(s.repeatsWithRounds).arg(snapshot_.plan->base.repeats).arg(done[size_t(r)]),
                tr("Repeats with at least one round, of those planned; and how many have reached the budget"));
    }
    // As tall as its rows (up to ten), so that the curves and the tasks share the rest.
    const int shown = std::clamp(summary_->rowCount(), 1, 10);
    summary_->setFixedHeight(summary_->horizontalHeader()->sizeHint().height() + shown * summary_->verticalHeader()->defaultSectionSize() +
                             2 * summary_->frameWidth());
}

}  // namespace alx::ui
