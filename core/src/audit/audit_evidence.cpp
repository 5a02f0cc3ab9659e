#include "alx/audit/audit_evidence.h"

#include <algorithm>

#include "alx/util/errors.h"
#include "audit/probability_table_checks.h"

namespace alx {

using audit_detail::argmaxOf;

std::vector<float> averageProbabilities(const std::vector<std::vector<float>>& tables, int64_t images, int64_t classes) {
    if (tables.empty()) throw InputError("no probability tables to average", "probabilities");
    const size_t size = size_t(images * classes);
    std::vector<double> sum(size, 0.0);
    for (size_t t = 0; t < tables.size(); ++t) {
        if (tables[t].size() != size) {
            throw InputError("probability table " + std::to_string(t + 1) + " holds " + std::to_string(tables[t].size()) +
                                 " values, not " + std::to_string(images) + " x " + std::to_string(classes),
                             "probabilities");
        }
        for (size_t e = 0; e < size; ++e) sum[e] += tables[t][e];
    }
    std::vector<float> mean(size);
    for (size_t e = 0; e < size; ++e) mean[e] = float(sum[e] / double(tables.size()));
    return mean;
}

std::vector<float> neighbourLabelShares(const std::vector<int64_t>& neighbours, int64_t images, int64_t perImage,
                                        const std::vector<int64_t>& referenceLabels, int64_t classes) {
    if (perImage < 1 || int64_t(neighbours.size()) != images * perImage) {
        throw InputError("expected " + std::to_string(perImage) + " neighbours for each of " + std::to_string(images) +
                             " images, got " + std::to_string(neighbours.size()) + " indices",
                         "neighbours");
    }
    const int64_t references = int64_t(referenceLabels.size());
    // Counts first, then one division: a share is then exactly 1 when all agree.
    std::vector<float> shares(size_t(images * classes), 0.0f);
    for (int64_t i = 0; i < images; ++i) {
        for (int64_t m = 0; m < perImage; ++m) {
            const int64_t r = neighbours[size_t(i * perImage + m)];
            if (r < 0 || r >= references) {
                throw InputError("neighbour " + std::to_string(r) + " of image " + std::to_string(i) + " is outside the " +
                                     std::to_string(references) + " reference images",
                                 "neighbours");
            }
            const int64_t label = referenceLabels[size_t(r)];
            if (label < 0 || label >= classes) {
                throw InputError("reference image " + std::to_string(r) + " has label " + std::to_string(label) +
                                     ", outside 0.." + std::to_string(classes - 1),
                                 "neighbours");
            }
            shares[size_t(i * classes + label)] += 1.0f;
        }
    }
    for (float& share : shares) share /= float(perImage);
    return shares;
}

std::vector<float> neighbourDisagreement(const std::vector<float>& shares, const std::vector<int64_t>& given,
                                         int64_t classes) {
    std::vector<float> out(given.size());
    for (size_t i = 0; i < given.size(); ++i) out[i] = std::max(0.0f, 1.0f - shares[i * size_t(classes) + size_t(given[i])]);
    return out;
}

std::vector<float> mixNeighbourEvidence(const std::vector<float>& probabilities, const std::vector<float>& shares,
                                        double weight) {
    if (probabilities.size() != shares.size()) {
        throw InputError("the neighbours' label shares do not match the probabilities", "neighbours");
    }
    std::vector<float> mixed(probabilities.size());
    for (size_t e = 0; e < mixed.size(); ++e) {
        mixed[e] = float((1.0 - weight) * double(probabilities[e]) + weight * double(shares[e]));
    }
    return mixed;
}

std::vector<float> memberVotes(const std::vector<std::vector<float>>& tables, const std::vector<int64_t>& suggested,
                               int64_t classes) {
    std::vector<float> votes(suggested.size(), 0.0f);
    if (tables.empty()) return votes;
    const float one = 1.0f / float(tables.size());
    for (const auto& table : tables) {
        for (size_t i = 0; i < suggested.size(); ++i) {
            if (argmaxOf(table.data() + i * size_t(classes), classes) == suggested[i]) votes[i] += one;
        }
    }
    return votes;
}

AuditReliability assessReliability(const LabelAudit& audit, const std::vector<float>& probabilities,
                                   const std::vector<int64_t>& given, int members) {
    AuditReliability r;
    r.members = members;
    r.flagged = audit.flaggedCount;
    for (int64_t i = 0; i < audit.images; ++i) {
        if (argmaxOf(probabilities.data() + i * audit.classes, audit.classes) != given[size_t(i)]) ++r.disagreements;
    }
    const double n = double(std::max<int64_t>(1, audit.images));
    r.accuracy = 1.0 - double(r.disagreements) / n;
    r.errorRate = double(std::max<int64_t>(0, r.disagreements - r.flagged)) / n;
    r.weak = r.errorRate > kWeakErrorRate;
    if (r.weak && members == 1) {
        r.advice = "The network is often wrong, so its own mistakes fill the list: audit an ensemble "
                   "(several runs together, or --seeds 3) or train longer.";
    } else if (r.weak) {
        r.advice = "Even the ensemble is often wrong, so its own mistakes fill the list: train longer or "
                   "a stronger model.";
    } else if (members == 1) {
        r.advice = "One network's view: an ensemble (several runs together, or --seeds 3) puts more of the real "
                   "label errors at the top.";
    }
    return r;
}

EnsembleAudit auditEnsemble(const std::vector<std::vector<float>>& tables,
                            const std::vector<std::vector<float>>& neighbourShares, int neighbours,
                            const std::vector<int64_t>& given, int64_t classes, const ConfidentLearningOptions& options) {
    const int64_t n = int64_t(given.size());
    EnsembleAudit out;
    out.probabilities = averageProbabilities(tables, n, classes);
    out.evidence.members = int(tables.size());
    if (!neighbourShares.empty()) {
        const std::vector<float> shares = averageProbabilities(neighbourShares, n, classes);
        out.evidence.neighbours = neighbours;
        out.evidence.neighbourDisagreement = neighbourDisagreement(shares, given, classes);
        out.probabilities = mixNeighbourEvidence(out.probabilities, shares);
    }
    out.audit = auditLabels(out.probabilities.data(), given.data(), n, classes, options);
    if (tables.size() > 1) out.evidence.votes = memberVotes(tables, out.audit.suggested, classes);
    out.evidence.reliability = assessReliability(out.audit, out.probabilities, given, out.evidence.members);
    return out;
}

}  // namespace alx
