#pragma once
// The files of a label audit (alx-cli audit, the app's Suspect labels page):
//  - label_issues.csv: `rank,index,given,suggested,p_given,p_suggested,flagged,score,
//    neighbour_disagreement,votes`, one row per image of the audited split, in
//    the audit's order (the flagged first, then the rest, each by its score,
//    lowest first); the last two empty when the audit had no neighbour
//    evidence or a single member (audit_evidence.h). A file of the first
//    eight columns alone (written before they existed) is still read;
//  - label_quality.json: the method and its settings, the thresholds, the
//    confident joint, its calibrated form, the joint and noise matrices, the
//    flagged images and the suspects per class.
// Written atomically like every file of a run; read back strictly.
#include <cstdint>
#include <string>
#include <vector>

#include "alx/audit/audit_evidence.h"
#include "alx/audit/confident_learning.h"

namespace alx {

// Where a run folder keeps the audit of its training images that the app
// ran (an audit folder, audit_folder.h): <run>/training_audit.
std::string trainingAuditDir(const std::string& runDir);

// What the audit looked at and how: recorded in label_quality.json.
struct LabelAuditSettings {
    std::string split = "test";          // "test" or "train"
    std::string source;                  // "run" (its probabilities) or "cross_validation"
    std::string runDir;                  // the run audited, when any
    std::string model, dataset;
    int folds = 0;                       // cross-validation only
    int seeds = 1;                       // models trained per fold (or here, for the test split)
    std::vector<std::string> members;    // what was averaged: a run folder, or "model seed S" per member
    int epochs = 0;                      // per fold; cross-validation only
    uint64_t seed = 0;
    std::string ranking = "self_confidence";  // or "normalized_margin": the flagged images' order
    int64_t minKeptPerClass = 1;
    std::vector<std::string> classNames;
};

// One row of label_issues.csv.
struct LabelIssueRow {
    int64_t rank = 0, index = 0, given = 0, suggested = 0;
    double pGiven = 0, pSuggested = 0;
    bool flagged = false;
    double score = 0;
    double neighbourDisagreement = -1;  // -1: not computed
    double votes = -1;                  // -1: a single member
};

void writeLabelIssues(const std::string& path, const LabelAudit& audit, const std::vector<int64_t>& givenLabels,
                      const AuditEvidence& evidence = {});
void writeLabelQuality(const std::string& path, const LabelAudit& audit, const LabelAuditSettings& settings,
                       const AuditEvidence& evidence = {});

// Reads label_issues.csv strictly: InputError naming the file and the line
// for a damaged one (wrong header, a field that is not a number, a value out
// of range, ranks not 1..N in order, an index twice).
std::vector<LabelIssueRow> readLabelIssues(const std::string& path);

}  // namespace alx
