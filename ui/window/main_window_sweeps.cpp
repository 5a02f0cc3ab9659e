// Sweeps in the main window: File > Open on a sweep folder shows it in a
// window of its own (several may be open, each following its folder), and
// the Active learning page's Run as a sweep writes and submits one.
#include <QCoreApplication>
#include <QDateTime>
#include <QFileInfo>
#include <QMessageBox>
#include <QStatusBar>
#include <QtConcurrent/QtConcurrentRun>

#include "pages/active_learning_page.h"
#include "alx/storage/sweep_folder.h"
#include "alx/sweeps/slurm_backend.h"
#include "window/main_window.h"
#include "text.h"
#include "dialogs/sweep_dialog.h"
#include "dialogs/sweep_view.h"
#include "pages/training_panel.h"

namespace alx::ui {
namespace {

struct LaunchOutcome {
    bool ok = false;
    bool written = false;  // the folder holds the new sweep, submitted or not
    QString text;
};

}  // namespace

SweepView* MainWindow::sweepView() const { return lastSweepView_.data(); }

void MainWindow::connectSweeps() {
    connect(alPage_, &ActiveLearningPage::sweepRequested, this, &MainWindow::askForSweep);
}

bool MainWindow::openSweep(const QString& dir) {
    if (!SweepFolder(dir.toStdString()).holdsSweep()) return false;
    const QString path = QFileInfo(dir).absoluteFilePath();
    // One window per sweep: opening it again brings that one forward.
    for (SweepView* open : findChildren<SweepView*>(QString(), Qt::FindDirectChildrenOnly)) {
        if (open->dir() == path) {
            open->raise();
            open->activateWindow();
            lastSweepView_ = open;
            Q_EMIT sweepOpened(path);
            return true;
        }
    }
    auto* view = new SweepView(path, this);
    view->setWindowFlag(Qt::Window);
    view->setAttribute(Qt::WA_DeleteOnClose);  // and so it stops following the folder
    view->setWindowTitle(tr("Sweep %1").arg(QFileInfo(path).fileName()));
    view->resize(1180, 900);
    view->show();
    lastSweepView_ = view;
    statusBar()->showMessage(tr("Opened the sweep in %1; its window follows the folder while it runs.").arg(path), 10000);
    Q_EMIT sweepOpened(path);
    return true;
}

ActiveLearningJobRequest MainWindow::sweepRequest() const {
    ActiveLearningJobRequest request = alPage_->request();
    panel_->fillActiveLearningRequest(request, false);
    return request;
}

void MainWindow::askForSweep() {
    const ActiveLearningJobRequest request = sweepRequest();
    const auto refuse = [this](const QString& message) {
        statusBar()->showMessage(message, 15000);
        warn(tr("Run as a sweep"), message);
    };
    // The tasks run the alx-cli installed with this alx, on whichever node takes them.
    const QString cli = QCoreApplication::applicationDirPath() + "/alx-cli";
    if (!QFileInfo(cli).isExecutable()) {
        return refuse(tr("A sweep's tasks are run by alx-cli, which is not beside this alx (looked for %1).").arg(cli));
    }
    if (request.settings.personLabels) return refuse(tr("A sweep runs without a person to label: uncheck \"I label the acquired images myself\"."));
    if (request.settings.strategies.empty()) return refuse(tr("Choose at least one strategy."));
    const QString folder = runsFolder() + "/" + QDateTime::currentDateTime().toString("yyyyMMdd-HHmmss") + "-sweep-" +
                           q(request.settings.loop.model) + "-" + q(request.settings.data.spec.name);
    SweepDialog dialog(folder, request, slurmAvailable(), this);
    if (dialog.exec() != QDialog::Accepted) return;
    SweepLaunch launch = dialog.launch();
    launch.cli = cli;
    runSweep(launch);
}

void MainWindow::runSweep(const SweepLaunch& given) {
    const ActiveLearningJobRequest request = sweepRequest();
    SweepLaunch launch = given;
    launch.dir = QFileInfo(launch.dir).absoluteFilePath();
    if (launch.runsDir.isEmpty()) launch.runsDir = runsFolder();
    statusBar()->showMessage(tr("Writing the sweep into %1 and submitting it…").arg(launch.dir));
    // sbatch, and the local runner's first words, take a while: not on this
    // thread. (A launch refused at once may report before run() returns.)
    QtConcurrent::run([request, launch] {
        LaunchOutcome out;
        const SweepFolder folder(launch.dir.toStdString());
        const bool existed = folder.holdsSweep();
        try {
            out.text = launchSweep(request, launch);
            out.ok = out.written = true;
        } catch (const std::exception& e) {
            out.text = QString::fromStdString(e.what());
            out.written = !existed && folder.holdsSweep();
        }
        return out;
    }).then(this, [this, launch](const LaunchOutcome& out) {
        if (out.ok) {
            statusBar()->showMessage(out.text, 15000);
            openSweep(launch.dir);
            return;
        }
        QString message = tr("The sweep was not submitted: %1").arg(out.text);
        if (out.written) message += tr("\nIts folder is written; submit it with: alx-cli sweep submit %1").arg(launch.dir);
        statusBar()->showMessage(message, 15000);
        if (out.written) openSweep(launch.dir);
        warn(tr("Run as a sweep"), message);
        Q_EMIT runFailed(message);
    });
}

}  // namespace alx::ui
