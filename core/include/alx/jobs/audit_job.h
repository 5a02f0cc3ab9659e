#pragma once
// The label audit (`alx-cli audit`, the app's Suspect labels page): which
// given labels are probably wrong, by confident learning over out-of-sample
// probabilities.
//  - Test split: the probabilities of a finished run (--run; the test
//    images were not trained on), or of a model trained here on the
//    training split (--model).
//  - Training split: stratified K-fold cross-validation. Each fold trains
//    the model (its preset, or `epochs`) on the other folds and predicts its
//    own images, so every training image is predicted exactly once by a
//    model that did not see it. Each finished fold is kept in
//    outDir/folds/, and a stopped audit resumes with the folds it finished.
// Writes outDir/label_issues.csv, label_quality.json and
// probabilities.npy (the audited probabilities, out of sample).
#include <cstdint>
#include <functional>
#include <string>

#include "alx/audit/confident_learning.h"
#include "alx/jobs/job.h"
#include "alx/training/trainer.h"

namespace alx {

struct AuditJobRequest {
    std::string runDir;       // audit this run (its model and dataset; its probabilities for the test split)
    std::string model;        // or train this model (when runDir is empty)
    std::string split = "test";  // "test" or "train"
    int folds = 5;            // training split
    int epochs = 0;           // per fold (or for --model on the test split); 0 = the model's preset
    DatasetRequest data;
    std::string device = "auto";
    int threads = 0;
    uint64_t seed = 0;
    FlaggedRanking ranking = FlaggedRanking::SelfConfidence;
    std::string outDir;
};

struct AuditJobCallbacks {
    std::function<bool()> shouldStop;
    std::function<void(const DatasetReport&)> onDataset;
    std::function<void(const std::string& stage)> onStage;
    // A fold starts (0-based) or was found finished in outDir.
    std::function<void(int fold, int folds, int64_t trainImages, int64_t heldOut, bool resumed)> onFold;
    std::function<void(int fold, const EpochReport&)> onEpoch;
};

struct AuditJobResult {
    JobOutcome outcome = JobOutcome::Finished;
    std::string message;
    LabelAudit audit;
    int foldsResumed = 0;
    std::string issuesPath, qualityPath;
};

// InputError (with the request field) for a request that cannot run, and
// for a damaged run folder or a folds folder of other settings (the file
// named).
AuditJobResult runAuditJob(const AuditJobRequest& request, const AuditJobCallbacks& callbacks = {});

}  // namespace alx
