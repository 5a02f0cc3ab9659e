// The label audits the Suspect labels page asks for: runs audited together,
// and a run's training images by cross-validation.
// LibTorch before Qt: Qt's `slots` macro breaks LibTorch headers that follow it.
#include <torch/types.h>

#include "alx/jobs/audit_job.h"
#include "alx/jobs/job.h"
#include "alx/storage/label_audit_files.h"
#include "alx/storage/run_folder.h"
#include "alx/util/errors.h"

#include "text.h"
#include "worker/job_worker.h"

namespace alx::ui {

void JobWorker::auditRunsTogether(const QStringList& dirs, const QString& dataDir) {
    try {
        std::vector<std::string> paths;
        for (const QString& dir : dirs) paths.push_back(dir.toStdString());
        const std::vector<SavedRun> runs = readRuns(paths, [this] { return stopRequested(); });  // each validated whole
        auto view = std::make_shared<AuditView>();
        EnsembleAudit together = alx::auditRunsTogether(runs, paths);  // refuses runs of other images
        view->audit = std::move(together.audit);
        view->evidence = std::move(together.evidence);
        view->members = paths;
        openRun(dirs.first(), dataDir);  // the first run's images and neighbours, for the page to draw
        Q_EMIT auditReady(view);
    } catch (const Cancelled&) {
        Q_EMIT stopped(tr("Audit stopped."));
    } catch (const std::exception& e) {
        Q_EMIT failed(tr("Cannot audit the runs together"), q(e.what()));
    }
}

void JobWorker::auditTrainingImages(const QString& runDir, int seeds, int neighbours, const QString& dataDir) {
    try {
        AuditJobRequest request;
        request.runDirs = {runDir.toStdString()};
        request.split = "train";
        request.folds = 5;
        request.epochs = 2;
        request.seeds = seeds;
        request.neighbours = neighbours;
        request.data.dataDir = dataDir.toStdString();
        request.outDir = trainingAuditDir(request.runDirs.front());
        AuditJobCallbacks callbacks;
        callbacks.shouldStop = [this] { return stopRequested(); };
        callbacks.onFold = [this](int fold, int folds, int member, int members, int64_t, int64_t, bool resumed) {
            Q_EMIT auditProgress(tr("Model %1 of %2, fold %3 of %4%5")
                                     .arg(member + 1)
                                     .arg(members)
                                     .arg(fold + 1)
                                     .arg(folds)
                                     .arg(resumed ? tr(": kept from before") : tr(": training")));
        };
        const AuditJobResult result = runAuditJob(request, callbacks);
        if (result.outcome == JobOutcome::Cancelled) {
            Q_EMIT stopped(q(result.message));
            return;
        }
        // The training images, to draw: the data the audit loaded.
        const LoadedDataset loaded = loadJobData(result.data, [this] { return stopRequested(); }, {});
        auto view = std::make_shared<AuditView>();
        view->audit = result.audit;
        view->evidence = result.evidence;
        view->members = {runDir.toStdString()};
        view->split = "train";
        view->dir = request.outDir;
        view->images = imageStack(loaded.train.images);
        const auto labels = loaded.train.labels.to(torch::kInt32).contiguous();
        view->labels.assign(labels.data_ptr<int32_t>(), labels.data_ptr<int32_t>() + labels.numel());
        Q_EMIT auditReady(view);
    } catch (const Cancelled&) {
        Q_EMIT stopped(tr("Audit stopped; the finished folds are kept."));
    } catch (const std::exception& e) {
        Q_EMIT failed(tr("Cannot audit the training images"), q(e.what()));
    }
}

}  // namespace alx::ui
