#pragma once
// What the label audit adds to one network's probabilities before and after
// confident learning (confident_learning.h):
//  - an ensemble: the mean of several out-of-sample probability tables of
//    the same images (runs of other models or seeds, or seeds per fold),
//    the cheapest way to make the probabilities both more accurate and
//    better calibrated (Lakshminarayanan et al. 2017), which is what
//    confident learning's thresholds rest on;
//  - neighbour evidence: the labels of each image's k nearest training
//    images in a network's embedding. The share that disagree with its
//    given label is reported per image; the k-NN label distribution is a
//    second classifier (Bahri, Jiang and Gupta, "Deep k-NN for Noisy
//    Labels", ICML 2020: a k-NN on a network's late layer resists label
//    noise better than its softmax), mixed into the probabilities with
//    weight kNeighbourWeight before confident learning, an equal-weight
//    ensemble of the two;
//  - votes: per image, the share of the ensemble's members whose own most
//    probable class is the audit's suggested one;
//  - reliability: how far the list can be trusted for this run.
// Standard library only, like confident_learning.h.
#include <cstdint>
#include <string>
#include <vector>

#include "alx/audit/confident_learning.h"

namespace alx {

inline constexpr double kNeighbourWeight = 0.5;  // p' = (1 - w) p + w q, q the neighbours' label shares
// The network's own mistakes, as a share of the images, above which they
// outnumber the label errors of any curated dataset and fill the list.
inline constexpr double kWeakErrorRate = 0.03;

// The mean of `tables` (each n * k floats, row-major) entry by entry.
// InputError (field "probabilities") when there is none or their sizes differ.
std::vector<float> averageProbabilities(const std::vector<std::vector<float>>& tables, int64_t images, int64_t classes);

// q[i][c]: the share of image i's m neighbours (`neighbours`, n * m indices
// into `referenceLabels`) labelled c. InputError (field "neighbours") for an
// index outside the reference set or a label outside 0..k-1.
std::vector<float> neighbourLabelShares(const std::vector<int64_t>& neighbours, int64_t images, int64_t perImage,
                                        const std::vector<int64_t>& referenceLabels, int64_t classes);

// 1 - q[i][given_i]: the share of image i's neighbours labelled otherwise.
std::vector<float> neighbourDisagreement(const std::vector<float>& shares, const std::vector<int64_t>& given,
                                         int64_t classes);

// (1 - weight) p + weight q, entry by entry (both n * k).
std::vector<float> mixNeighbourEvidence(const std::vector<float>& probabilities, const std::vector<float>& shares,
                                        double weight = kNeighbourWeight);

// Per image, the share of the members (`tables`) whose argmax (lowest index
// on ties) is `suggested`.
std::vector<float> memberVotes(const std::vector<std::vector<float>>& tables, const std::vector<int64_t>& suggested,
                               int64_t classes);

struct AuditReliability {
    int members = 1;                 // probability tables averaged
    double accuracy = 0;             // share of images whose most probable class is the given label
    int64_t disagreements = 0;       // images whose most probable class is another
    int64_t flagged = 0;
    // (disagreements - flagged) / images: the disagreements the audit does
    // not put down to the labels, the network's own mistakes at the least.
    // Agreement alone would also count the label errors the list is for.
    double errorRate = 0;
    bool weak = false;   // errorRate above kWeakErrorRate
    std::string advice;  // one sentence for a person; empty when not weak and already an ensemble
};

AuditReliability assessReliability(const LabelAudit& audit, const std::vector<float>& probabilities,
                                   const std::vector<int64_t>& given, int members);

// What label_issues.csv and label_quality.json carry beside the audit.
struct AuditEvidence {
    int members = 1;
    int neighbours = 0;                        // k; 0 = no neighbour evidence
    std::vector<float> neighbourDisagreement;  // [n] when neighbours > 0, else empty
    std::vector<float> votes;                  // [n] when members > 1, else empty
    AuditReliability reliability;
};

// The whole audit of an ensemble: the members' tables averaged, the
// neighbours' label shares (one table per member that has them, averaged;
// none for no neighbour evidence) mixed in with kNeighbourWeight, confident
// learning over the result, then the votes and the reliability.
struct EnsembleAudit {
    LabelAudit audit;
    AuditEvidence evidence;
    std::vector<float> probabilities;  // n * k: what confident learning audited
};

EnsembleAudit auditEnsemble(const std::vector<std::vector<float>>& tables,
                            const std::vector<std::vector<float>>& neighbourShares, int neighbours,
                            const std::vector<int64_t>& given, int64_t classes,
                            const ConfidentLearningOptions& options = {});

}  // namespace alx
