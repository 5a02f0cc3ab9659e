#pragma once
// The members of a label audit's ensemble (audit_job.cpp): each a table of
// out-of-sample probabilities of the audited images and, with neighbour
// evidence, a table of its neighbours' label shares.
#include <string>
#include <vector>

#include <torch/types.h>

#include "alx/jobs/audit_job.h"

namespace alx::audit_detail {

struct AuditMembers {
    std::vector<std::vector<float>> probabilities;    // one n * k table per member
    std::vector<std::vector<float>> neighbourShares;  // one n * k table per member; empty without neighbour evidence
    std::vector<std::string> names;                   // a run folder, or "<model> seed <s>"
    std::vector<int64_t> given;                       // the audited images' given labels (n)
    int64_t classes = 0;                              // k
};

// A float tensor's values, row-major, on the CPU.
std::vector<float> floatValues(const torch::Tensor& t);

// The seed of member `s` of a model: the request's seed, then the next ones.
inline uint64_t memberSeed(uint64_t seed, int s) { return seed + uint64_t(s); }

// The training split's out-of-sample probabilities by stratified K-fold
// cross-validation, for each of `models` x request.seeds (member m = model
// index * seeds + s), each (fold, member) kept in the audit's folder as it
// finishes and taken from there when an audit resumes.
AuditMembers crossValidatedMembers(const AuditJobRequest& request, const std::vector<std::string>& models,
                                   const LoadedDataset& data, const torch::Device& device,
                                   const AuditJobCallbacks& callbacks, int& foldsResumed);

}  // namespace alx::audit_detail
