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
//  - An ensemble (audit_evidence.h): several runs (their probabilities on
//    the test split; their models, each cross-validated, on the training
//    split), and/or `seeds` models trained per fold (or here), averaged
//    before confident learning. Runs of other datasets, image counts or
//    labels are refused, naming the run.
//  - Neighbour evidence (`neighbours` = k > 0): the given labels of each
//    image's k nearest training images in a member's embedding (a run's
//    train_neighbours.npy; for cross-validation, the fold's own training
//    images in the fold model's embedding).
// Writes outDir/label_issues.csv, label_quality.json and
// probabilities.npy (the audited probabilities, out of sample).
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "alx/audit/audit_evidence.h"
#include "alx/audit/confident_learning.h"
#include "alx/jobs/job.h"
#include "alx/storage/run_folder.h"
#include "alx/training/trainer.h"

namespace alx {

struct AuditJobRequest {
    std::vector<std::string> runDirs;  // audit these runs together (their models and dataset; their probabilities for the test split)
    std::string model;        // or train this model (when runDirs is empty)
    std::string split = "test";  // "test" or "train"
    int folds = 5;            // training split
    int seeds = 1;            // models per fold (or trained here for the test split), seeds seed, seed + 1, ...
    int neighbours = 0;       // k of the neighbour evidence; 0 = none
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
    // A fold of one member (0-based) starts or was found finished in outDir.
    std::function<void(int fold, int folds, int member, int members, int64_t trainImages, int64_t heldOut, bool resumed)> onFold;
    std::function<void(int fold, const EpochReport&)> onEpoch;
};

struct AuditJobResult {
    JobOutcome outcome = JobOutcome::Finished;
    std::string message;
    LabelAudit audit;
    AuditEvidence evidence;
    int foldsResumed = 0;
    DatasetRequest data;  // the data audited, as resolved (a run's dataset, folder and first N training images)
    std::string issuesPath, qualityPath;
};

// InputError (with the request field) for a request that cannot run, and
// for a damaged run folder or a folds folder of other settings (the file
// named).
AuditJobResult runAuditJob(const AuditJobRequest& request, const AuditJobCallbacks& callbacks = {});

// The runs' test probabilities audited together (no neighbour evidence),
// as `alx-cli audit --run A --run B` and the app's Suspect labels page on a
// selection of runs do: InputError naming the run that differs in dataset,
// image count, classes or labels. `dirs` name the runs in the messages.
EnsembleAudit auditRunsTogether(const std::vector<SavedRun>& runs, const std::vector<std::string>& dirs,
                                const ConfidentLearningOptions& options = {});

// The same checks alone.
void requireSameTestImages(const std::vector<SavedRun>& runs, const std::vector<std::string>& dirs);

}  // namespace alx
