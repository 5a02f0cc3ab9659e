#pragma once
// A label audit's folder (alx-cli audit --out DIR), written and read here only:
//   label_issues.csv, label_quality.json   the audit (label_audit_files.h)
//   probabilities.npy   float32 [N, C]: the probabilities it audited
//   folds/plan.json     what the folds of a training-split audit were computed with
//   folds/fold_<f>.npy  float32 [held out, C]: fold f's out-of-sample probabilities,
//                       kept as each fold finishes, so that a stopped audit resumes;
//                       fold_<f>_<m>.npy those of ensemble member m > 0 (another seed or model),
//                       fold_<f>[_<m>]_neighbours.npy the held-out images' neighbours' label
//                       shares (float32 [held out, C]) when the audit uses neighbour evidence
#include <cstdint>
#include <optional>
#include <string>

#include <torch/types.h>

#include "alx/storage/label_audit_files.h"

namespace alx {

// What the folds were computed with; a resumed audit must match it.
struct FoldPlan {
    std::string model, dataset;
    int folds = 0;
    int epochsPerFold = 0;
    uint64_t seed = 0;
    int64_t images = 0;
    int seeds = 1;       // members per model
    int neighbours = 0;  // k of the neighbour evidence, 0 = none
};

class AuditFolder {
public:
    explicit AuditFolder(std::string dir);
    const std::string& dir() const { return dir_; }
    std::string issuesPath() const;
    std::string qualityPath() const;
    std::string foldsDir() const;

    // Writes label_issues.csv, label_quality.json and probabilities.npy.
    void writeAudit(const LabelAudit& audit, const std::vector<int64_t>& givenLabels, const LabelAuditSettings& settings,
                    const torch::Tensor& probabilities, const AuditEvidence& evidence = {}) const;

    // Records the plan of the folds, or checks that the folds already there
    // were computed with it: InputError (field "out_dir") naming plan.json otherwise.
    void startFolds(const FoldPlan& plan) const;
    // Fold f's probabilities of member m when kept, checked to be `rows` x
    // `classes`, finite and in [0, 1]; with `neighbourShares` its
    // neighbours' label shares instead.
    std::optional<torch::Tensor> readFold(int fold, int member, int64_t rows, int64_t classes,
                                          bool neighbourShares = false) const;
    void writeFold(int fold, int member, const torch::Tensor& values, bool neighbourShares = false) const;

private:
    std::string foldPath(int fold, int member, bool neighbourShares) const;
    std::string dir_;
};

}  // namespace alx
