#pragma once
// A sweep folder (alx-cli sweep create, or Run as a sweep): per strategy the
// median learning curve inside the band of its repeats, for one group of the
// varied settings at a time (or all of them); the labels each strategy needs
// for 90 % and 95 % and its final accuracy, medians with their spread; and
// every task's state. It follows the folder while the sweep runs: a change
// to it is read at most once a second, off the GUI thread.
#include <QElapsedTimer>
#include <QFutureWatcher>
#include <QTimer>
#include <QWidget>

#include "dialogs/sweep_snapshot.h"

class QComboBox;
class QFileSystemWatcher;
class QLabel;
class QSplitter;
class QTableWidget;

namespace alx::ui {

class LearningCurvePlot;

class SweepView : public QWidget {
    Q_OBJECT
public:
    // Columns of the task table before the varied settings, and after them (offset by their count).
    enum LeadingColumn { kTask, kStrategy, kRepeat, kLeading };
    enum TrailingColumn { kState, kRounds, kLabels, kAccuracy, kSlurmJob, kReason, kTrailing };

    explicit SweepView(const QString& dir, QWidget* parent = nullptr);
    ~SweepView() override;

    QString dir() const { return dir_; }
    const SweepSnapshot& snapshot() const { return snapshot_; }
    LearningCurvePlot* curvePlot() const { return plot_; }
    QTableWidget* summaryTable() const { return summary_; }
    QTableWidget* taskTable() const { return tasks_; }
    QLabel* problemsLabel() const { return problems_; }
    QComboBox* groupSelector() const { return groups_; }
    // The task table's column for a trailing column.
    int column(TrailingColumn c) const { return kLeading + variedCount_ + c; }
    int readCount() const { return reads_; }
    QStringList watchedPaths() const;

Q_SIGNALS:
    // After each read of the folder has been shown.
    void refreshed();

public Q_SLOTS:
    // Reads the folder again: now when the last read began a second ago or
    // more, else when that second is up; during a read, once it ends.
    void scheduleRefresh();

protected:
    void closeEvent(QCloseEvent* event) override;

private:
    QSplitter* makeTables();
    void readNow();
    void showSnapshot(SweepSnapshot snapshot);
    void setUpColumns(const SweepPlan& plan);
    void showTasks();
    void showGroup();
    void stopFollowing();

    QString dir_;
    SweepSnapshot snapshot_;
    QLabel *title_, *counts_, *shared_, *problems_;
    QWidget* groupRow_;
    QComboBox* groups_;
    LearningCurvePlot* plot_;
    QTableWidget *summary_, *tasks_;
    QFileSystemWatcher* watcher_;
    QTimer throttle_, poll_;
    QElapsedTimer lastRead_, queueAge_;
    QFutureWatcher<SweepSnapshot> reader_;
    bool again_ = false, following_ = true, columnsSet_ = false;
    int variedCount_ = 0;
    int reads_ = 0;
};

}  // namespace alx::ui
