// Label audits in the main window: the Runs page's "Audit labels together"
// and the Suspect labels page's training audit go to the worker; what comes
// back is listed on the Suspect labels page; a review of training images
// trains a new run in one step.
#include <QStatusBar>
#include <QTabWidget>

#include "pages/runs_page.h"
#include "pages/suspect_labels_page.h"
#include "pages/training_panel.h"
#include "window/main_window.h"
#include "worker/job_worker.h"

namespace alx::ui {

void MainWindow::connectAudits() {
    connect(runsPage_, &RunsPage::auditRequested, this, [this](const QStringList& paths) {
        if (busy_ || !worker_) return;
        setBusy(true, tr("Auditing the labels of %1 runs together…").arg(paths.size()));
        worker_->clearStop();
        Q_EMIT auditRunsRequested(paths, panel_->dataDirectory());
    });
    connect(this, &MainWindow::auditRunsRequested, worker_, &JobWorker::auditRunsTogether);
    connect(suspectPage_, &SuspectLabelsPage::trainingAuditRequested, this, [this](int seeds, int neighbours) {
        if (busy_ || !worker_ || suspectPage_->runDir().isEmpty()) return;
        setBusy(true, tr("Auditing the training images: %1 models a fold…").arg(seeds));
        worker_->clearStop();
        Q_EMIT trainingAuditRequested(suspectPage_->runDir(), seeds, neighbours, panel_->dataDirectory());
    });
    connect(this, &MainWindow::trainingAuditRequested, worker_, &JobWorker::auditTrainingImages);
    connect(worker_, &JobWorker::auditProgress, this, [this](const QString& text) { statusBar()->showMessage(text); });
    connect(worker_, &JobWorker::auditReady, this, [this](const AuditViewPtr& audit) {
        setBusy(false);
        suspectPage_->setAudit(audit);
        tabs_->setCurrentWidget(suspectPage_);
        Q_EMIT auditShown();
    });
    connect(suspectPage_, &SuspectLabelsPage::trainOnReviewRequested, this, [this](const QString& review) {
        if (!results_) return;
        // The audited run's model and dataset, the panel's other settings.
        panel_->selectModel(QString::fromStdString(results_->summary.model));
        panel_->selectDataset(QString::fromStdString(results_->summary.dataset));
        TrainJobRequest request = panel_->trainRequest();
        request.excludeFile = request.relabelFile = review.toStdString();
        startTrainingWith(request);
    });
}

}  // namespace alx::ui
