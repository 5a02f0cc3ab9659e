#include "dialogs/sweep_dialog.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QProcess>
#include <QPushButton>
#include <QSpinBox>
#include <QThread>
#include <QVBoxLayout>

#include <chrono>
#include <thread>

#include "alx/storage/sweep_folder.h"
#include "alx/sweeps/slurm_backend.h"
#include "alx/sweeps/sweep_setup.h"
#include "alx/util/errors.h"
#include "alx/util/process.h"
#include "text.h"

namespace alx::ui {
namespace {

// The local runner records its submission as it starts; until then the
// sweep would show every task as never submitted. Waits for that record, or
// for the runner's end (it refused: its own words say why).
void awaitLocalRunner(const SweepFolder& folder, qint64 pid, const QString& log) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (std::chrono::steady_clock::now() < deadline) {
        if (!folder.readSubmissions().empty()) return;
        if (!processAlive(int(pid))) {
            if (!folder.readSubmissions().empty()) return;
            QFile file(log);
            const QString said = file.open(QIODevice::ReadOnly) ? QString::fromUtf8(file.readAll()).trimmed() : QString();
            throw RunError("the local runner (alx-cli sweep submit) ended at once" +
                           (said.isEmpty() ? std::string() : ": " + s(said.section('\n', -3))));
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
}

}  // namespace

SweepSettings sweepSettingsFor(const ActiveLearningJobRequest& request, const SweepLaunch& launch) {
    if (request.settings.personLabels) {
        throw InputError("a sweep runs without a person to label: uncheck \"I label the acquired images myself\"", "human");
    }
    SweepSettings settings{request.settings, {}};
    settings.base.threads = launch.threads;
    settings.axes.strategies = request.settings.strategies;
    return settings;
}

QString launchSweep(const ActiveLearningJobRequest& request, const SweepLaunch& launch) {
    if (launch.dir.trimmed().isEmpty()) throw InputError("choose a folder for the sweep", "out_dir");
    if (!QFileInfo(launch.cli).isExecutable()) {
        throw RunError("the sweep's tasks run alx-cli, which is not at " + s(launch.cli) + " (it is installed beside alx)");
    }
    const SweepSettings settings = sweepSettingsFor(request, launch);
    const SweepFolder folder(s(QFileInfo(launch.dir).absoluteFilePath()));
    // Not being listed in the runs folder leaves the sweep itself whole: not an error.
    const SweepPlan plan = createSweep(folder.dir(), settings.base, settings.axes, s(launch.runsDir));
    std::vector<int> ids;
    for (const SweepTask& task : plan.tasks) ids.push_back(task.id);
    if (launch.backend == SweepBackend::Slurm) {
        SlurmSubmitOptions options;
        options.partition = s(launch.partition.trimmed());
        options.time = s(launch.timeLimit.trimmed());
        options.maxParallel = launch.parallel;
        const Submission submitted = submitToSlurm(folder, plan, ids, options, s(launch.cli));
        return QObject::tr("Submitted %1 tasks to Slurm as array job %2").arg(ids.size()).arg(QString::fromStdString(submitted.jobId));
    }
    // Detached, so that the sweep goes on when the app closes; its output
    // (and any refusal) goes to a log of its own beside the tasks' logs.
    const QString log = q(folder.localRunnerLogPath());
    QProcess runner;
    runner.setProgram(launch.cli);
    runner.setArguments({"sweep", "submit", q(folder.dir()), "--backend", q(backendName(SweepBackend::Local)), "--jobs",
                         QString::number(std::max(1, launch.parallel))});
    runner.setWorkingDirectory(QString::fromStdString(folder.dir()));
    runner.setStandardInputFile(QProcess::nullDevice());
    runner.setStandardOutputFile(log, QIODevice::Append);
    runner.setStandardErrorFile(log, QIODevice::Append);
    qint64 pid = 0;
    if (!runner.startDetached(&pid)) throw RunError("cannot start " + s(launch.cli) + ": " + s(runner.errorString()));
    awaitLocalRunner(folder, pid, log);
    return QObject::tr("Running %1 tasks here, %2 at a time (alx-cli process %3; it goes on if ALX closes)")
        .arg(ids.size())
        .arg(std::max(1, launch.parallel))
        .arg(pid);
}

SweepDialog::SweepDialog(const QString& folder, const ActiveLearningJobRequest& request, bool slurm, QWidget* parent) : QDialog(parent) {
    setWindowTitle(tr("Run as a sweep"));
    auto* layout = new QVBoxLayout(this);
    auto* intro = new QLabel(tr("%1 tasks (%2 strategies × %3 repeats), each run by alx-cli in a folder of its own; the "
                                "sweep goes on when ALX closes, and File › Open shows it again.")
                                 .arg(request.settings.strategies.size() * size_t(std::max(1, request.settings.repeats)))
                                 .arg(request.settings.strategies.size())
                                 .arg(request.settings.repeats),
                             this);
    intro->setWordWrap(true);
    layout->addWidget(intro);
    auto* form = new QFormLayout;
    layout->addLayout(form);

    auto* folderRow = new QHBoxLayout;
    folder_ = new QLineEdit(folder, this);
    folder_->setMinimumWidth(420);
    auto* browse = new QPushButton(tr("Browse…"), this);
    folderRow->addWidget(folder_, 1);
    folderRow->addWidget(browse);
    form->addRow(tr("Sweep folder:"), folderRow);
    connect(browse, &QPushButton::clicked, this, [this] {
        const QString dir = QFileDialog::getExistingDirectory(this, tr("Folder for the sweep (new or empty)"), folder_->text());
        if (!dir.isEmpty()) folder_->setText(dir);
    });

    backend_ = new QComboBox(this);
    if (slurm) backend_->addItem(tr("Slurm (an array job, sbatch)"), q(backendName(SweepBackend::Slurm)));
    backend_->addItem(tr("This computer (local processes)"), q(backendName(SweepBackend::Local)));
    form->addRow(tr("Run on:"), backend_);
    parallel_ = new QSpinBox(this);
    parallel_->setRange(0, 10000);
    parallelLabel_ = new QLabel(this);
    form->addRow(parallelLabel_, parallel_);
    threads_ = new QSpinBox(this);
    threads_->setRange(0, 256);
    threads_->setSpecialValueText(tr("automatic"));
    threads_->setToolTip(tr("Automatic: Slurm's CPUs per task (1), or this computer's cores shared among the tasks"));
    form->addRow(tr("Threads per task:"), threads_);
    partition_ = new QLineEdit(this);
    partition_->setPlaceholderText(tr("the cluster's default"));
    form->addRow(tr("Slurm partition:"), partition_);
    time_ = new QLineEdit(this);
    time_->setPlaceholderText(tr("the partition's default; e.g. 2:00:00 or 1-00:00"));
    time_->setToolTip(tr("Per task, as sbatch --time takes it. A task stopped by it keeps its finished rounds."));
    form->addRow(tr("Time limit per task:"), time_);

    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    buttons->button(QDialogButtonBox::Ok)->setText(tr("Create and submit"));
    layout->addWidget(buttons);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(backend_, &QComboBox::currentIndexChanged, this, &SweepDialog::backendChanged);
    backendChanged();
}

void SweepDialog::backendChanged() {
    const bool slurm = parseBackend(s(backend_->currentData().toString())) == SweepBackend::Slurm;
    partition_->setEnabled(slurm);
    time_->setEnabled(slurm);
    if (slurm) {
        parallelLabel_->setText(tr("Tasks at once (at most):"));
        parallel_->setMinimum(0);
        parallel_->setSpecialValueText(tr("no limit"));
        parallel_->setValue(0);
    } else {
        parallelLabel_->setText(tr("Tasks at once (processes):"));
        parallel_->setSpecialValueText(QString());
        parallel_->setMinimum(1);
        parallel_->setValue(std::max(1, QThread::idealThreadCount()));
    }
}

SweepLaunch SweepDialog::launch() const {
    SweepLaunch l;
    l.dir = folder_->text().trimmed();
    l.backend = parseBackend(s(backend_->currentData().toString()));
    l.parallel = parallel_->value();
    l.threads = threads_->value();
    if (l.backend == SweepBackend::Slurm) {
        l.partition = partition_->text().trimmed();
        l.timeLimit = time_->text().trimmed();
    }
    return l;
}

}  // namespace alx::ui
