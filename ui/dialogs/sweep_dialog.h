#pragma once
// Run as a sweep: the Active learning page's settings become a sweep folder
// (one task per strategy and repeat) that alx-cli runs, on a Slurm cluster
// or as local processes that outlive the app; the dialog asks where and how.
#include <QDialog>
#include <QString>

#include "alx/active_learning/sweep_plan.h"
#include "alx/storage/sweep_folder.h"
#include "worker/run_data.h"

class QComboBox;
class QLabel;
class QLineEdit;
class QSpinBox;

namespace alx::ui {

struct SweepLaunch {
    QString dir;
    SweepBackend backend = SweepBackend::Local;
    int parallel = 2;           // tasks at once: local processes, or Slurm array elements (0: no limit)
    int threads = 0;            // per task; 0: Slurm's CPUs per task, or the local cores shared out
    QString partition, timeLimit;  // Slurm's, as sbatch takes them; empty: the cluster's defaults
    QString cli;                // the alx-cli the tasks run
    QString runsDir;            // the runs folder that lists the sweep; empty: the default one
};

// The sweep the page's request describes: its strategies x repeats, the rest shared.
struct SweepSettings {
    ActiveLearningSettings base;
    SweepAxes axes;
};
SweepSettings sweepSettingsFor(const ActiveLearningJobRequest& request, const SweepLaunch& launch);

// Writes the sweep folder and submits every task; returns what was done, in
// words. Throws InputError or RunError (a refused setting or folder, sbatch's
// complaint, an alx-cli that cannot be started). Slow: sbatch is a process.
QString launchSweep(const ActiveLearningJobRequest& request, const SweepLaunch& launch);

class SweepDialog : public QDialog {
    Q_OBJECT
public:
    SweepDialog(const QString& folder, const ActiveLearningJobRequest& request, bool slurm, QWidget* parent = nullptr);
    // The choices (without the cli).
    SweepLaunch launch() const;
    QComboBox* backendBox() const { return backend_; }
    QLineEdit* partitionField() const { return partition_; }

private:
    void backendChanged();

    QLineEdit *folder_, *partition_, *time_;
    QComboBox* backend_;
    QSpinBox *parallel_, *threads_;
    QLabel* parallelLabel_;
};

}  // namespace alx::ui
