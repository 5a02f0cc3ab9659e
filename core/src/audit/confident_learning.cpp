#include "alx/audit/confident_learning.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <utility>

#include "audit/probability_table_checks.h"

namespace alx {

namespace {

using audit_detail::argmaxOf;

std::vector<double> confidentThresholds(const float* probabilities, const int64_t* labels, int64_t images,
                                        int64_t classes, const std::vector<int64_t>& labelCounts) {
    std::vector<double> sums(size_t(classes), 0.0);
    for (int64_t i = 0; i < images; ++i) sums[size_t(labels[i])] += probabilities[i * classes + labels[i]];
    std::vector<double> thresholds(static_cast<size_t>(classes));
    for (int64_t j = 0; j < classes; ++j) {
        const int64_t count = labelCounts[size_t(j)];
        thresholds[size_t(j)] =
            count == 0 ? kThresholdOfAbsentClass : std::max(sums[size_t(j)] / double(count), kMinimumThreshold);
    }
    return thresholds;
}

// The class an image is confidently counted for (the largest p among the
// classes that reach their threshold, lowest index on ties), or -1.
int64_t confidentClass(const float* row, const std::vector<double>& thresholds) {
    int64_t best = -1;
    for (int64_t j = 0; j < int64_t(thresholds.size()); ++j) {
        if (double(row[j]) >= thresholds[size_t(j)] - kThresholdTolerance && (best < 0 || row[j] > row[best])) {
            best = j;
        }
    }
    return best;
}

std::vector<int64_t> calibrate(const std::vector<int64_t>& confidentJoint, const std::vector<int64_t>& labelCounts,
                               int64_t classes) {
    std::vector<int64_t> calibrated(confidentJoint.size());
    std::vector<double> row(static_cast<size_t>(classes));
    for (int64_t i = 0; i < classes; ++i) {
        // The raised diagonal keeps the row sum >= 1 and, for a class whose
        // images were all counted elsewhere or nowhere, states "no evidence of
        // noise" rather than dividing by zero.
        double rowSum = 0.0;
        for (int64_t j = 0; j < classes; ++j) {
            int64_t count = confidentJoint[size_t(i * classes + j)];
            if (j == i) count = std::max<int64_t>(count, 1);
            row[size_t(j)] = double(count);
            rowSum += double(count);
        }
        // Divide, then multiply, in this order: the reference script does the
        // same, so halves that the rounding sees are the same in both.
        for (int64_t j = 0; j < classes; ++j) row[size_t(j)] = row[size_t(j)] / rowSum * double(labelCounts[size_t(i)]);
        const std::vector<int64_t> rounded = roundPreservingSum(row);
        std::copy(rounded.begin(), rounded.end(), calibrated.begin() + i * classes);
    }
    return calibrated;
}

// A conditional distribution from the calibrated joint: each cell divided by
// its column's sum (byColumn) or its row's, an empty column or row becoming
// the identity's.
std::vector<double> conditionalOf(const std::vector<int64_t>& joint, int64_t classes, bool byColumn) {
    std::vector<double> out(joint.size(), 0.0);
    const auto cell = [&](int64_t line, int64_t k) { return size_t(byColumn ? k * classes + line : line * classes + k); };
    for (int64_t line = 0; line < classes; ++line) {
        int64_t total = 0;
        for (int64_t k = 0; k < classes; ++k) total += joint[cell(line, k)];
        for (int64_t k = 0; k < classes; ++k) {
            out[cell(line, k)] = total == 0 ? (k == line ? 1.0 : 0.0) : double(joint[cell(line, k)]) / double(total);
        }
    }
    return out;
}

// P(given label i | true label j): each column of the joint.
std::vector<double> noiseMatrixOf(const std::vector<int64_t>& joint, int64_t classes) {
    return conditionalOf(joint, classes, true);
}

// P(true label j | given label i): each row of the joint.
std::vector<double> inverseNoiseMatrixOf(const std::vector<int64_t>& joint, int64_t classes) {
    return conditionalOf(joint, classes, false);
}

// How many images pruning takes from each off-diagonal cell, keeping at
// least `minKept` on the diagonal of each row (see the header, step 4).
std::vector<int64_t> pruneCountsOf(const std::vector<int64_t>& calibrated, int64_t classes, int64_t minKept) {
    std::vector<int64_t> prune(calibrated.size(), 0);
    for (int64_t i = 0; i < classes; ++i) {
        const int64_t* row = calibrated.data() + i * classes;
        const int64_t diagonal = row[i];
        const int64_t shortfall = std::max(diagonal, minKept) - diagonal;
        const int64_t nonZero = std::count_if(row, row + classes, [](int64_t c) { return c != 0; });
        const double share = double(shortfall) / double(std::max<int64_t>(nonZero - 1, 1));
        for (int64_t j = 0; j < classes; ++j) {
            if (j == i) continue;
            // Truncation, as cleanlab's astype(int); the value is >= 0.
            prune[size_t(i * classes + j)] = int64_t(std::max(double(row[j]) - share, 0.0));
        }
    }
    return prune;
}

// Orders image indices by a score ascending, ties by index.
void sortByScore(std::vector<int64_t>& indices, const std::vector<double>& score) {
    std::sort(indices.begin(), indices.end(), [&](int64_t a, int64_t b) {
        const double sa = score[size_t(a)], sb = score[size_t(b)];
        return sa != sb ? sa < sb : a < b;
    });
}

std::vector<double> scoreFor(const LabelAudit& audit, FlaggedRanking flaggedRanking) {
    std::vector<double> score(size_t(audit.images));
    for (int64_t i = 0; i < audit.images; ++i) {
        const bool byMargin = audit.flagged[size_t(i)] && flaggedRanking == FlaggedRanking::NormalizedMargin;
        score[size_t(i)] = byMargin ? audit.normalizedMargin[size_t(i)] : double(audit.pGiven[size_t(i)]);
    }
    return score;
}

std::vector<int64_t> orderBy(const LabelAudit& audit, const std::vector<double>& score) {
    std::vector<int64_t> flaggedImages, others;
    flaggedImages.reserve(size_t(audit.flaggedCount));
    others.reserve(size_t(audit.images - audit.flaggedCount));
    for (int64_t i = 0; i < audit.images; ++i) (audit.flagged[size_t(i)] ? flaggedImages : others).push_back(i);
    sortByScore(flaggedImages, score);
    sortByScore(others, score);
    flaggedImages.insert(flaggedImages.end(), others.begin(), others.end());
    return flaggedImages;
}

}  // namespace

std::vector<int64_t> roundPreservingSum(const std::vector<double>& values) {
    const size_t count = values.size();
    std::vector<int64_t> rounded(count);
    double total = 0.0;
    int64_t roundedTotal = 0;
    for (size_t j = 0; j < count; ++j) {
        // nearbyint rounds halves to even under the default rounding mode, as numpy's round.
        rounded[j] = int64_t(std::nearbyint(values[j]));
        total += values[j];
        roundedTotal += rounded[j];
    }
    const int64_t target = int64_t(std::nearbyint(total));
    std::vector<size_t> byResidual(count);
    while (roundedTotal != target && count > 0) {
        const int64_t step = target > roundedTotal ? 1 : -1;
        std::iota(byResidual.begin(), byResidual.end(), size_t(0));
        // Up: the largest residual first, ties the highest index; down: the
        // smallest first, ties the lowest index (numpy's stable argsort, reversed for up).
        std::stable_sort(byResidual.begin(), byResidual.end(), [&](size_t a, size_t b) {
            return values[a] - double(rounded[a]) < values[b] - double(rounded[b]);
        });
        if (step > 0) std::reverse(byResidual.begin(), byResidual.end());
        const size_t changes = std::min<size_t>(size_t(std::llabs(target - roundedTotal)), count);
        for (size_t c = 0; c < changes; ++c) {
            rounded[byResidual[c]] += step;
            roundedTotal += step;
        }
    }
    return rounded;
}

namespace {

// One pass over the table: the confident joint and every per-image value.
void countAndMeasure(const float* probabilities, const int64_t* labels, LabelAudit& audit) {
    const int64_t images = audit.images, classes = audit.classes;
    const size_t n = size_t(images), k = size_t(classes);
    audit.confidentJoint.assign(k * k, 0);
    audit.suggested.resize(n);
    audit.pGiven.resize(n);
    audit.pSuggested.resize(n);
    audit.normalizedMargin.resize(n);
    for (int64_t i = 0; i < images; ++i) {
        const float* row = probabilities + i * classes;
        const int64_t given = labels[i];
        const int64_t counted = confidentClass(row, audit.thresholds);
        if (counted >= 0) ++audit.confidentJoint[size_t(given * classes + counted)];
        const int64_t top = argmaxOf(row, classes);
        float otherMax = 0.0f;
        for (int64_t j = 0; j < classes; ++j) {
            if (j != given) otherMax = std::max(otherMax, row[j]);
        }
        audit.suggested[size_t(i)] = top;
        audit.pGiven[size_t(i)] = row[given];
        audit.pSuggested[size_t(i)] = row[top];
        audit.normalizedMargin[size_t(i)] = (double(row[given]) - double(otherMax) + 1.0) / 2.0;
    }
}

// Prune by noise rate, one given class at a time: of the images given class
// `given`, the pruneCounts[given][other] with the largest margin of p(other)
// over p(given) are flagged.
void pruneByNoiseRate(const float* probabilities, const int64_t* labels, int64_t minKeptPerClass, LabelAudit& audit) {
    const int64_t images = audit.images, classes = audit.classes;
    std::vector<std::vector<int64_t>> imagesOf(static_cast<size_t>(classes));
    for (size_t c = 0; c < size_t(classes); ++c) imagesOf[c].reserve(size_t(audit.labelCounts[c]));
    for (int64_t i = 0; i < images; ++i) imagesOf[size_t(labels[i])].push_back(i);
    audit.flagged.assign(size_t(images), 0);
    std::vector<std::pair<double, int64_t>> margins;
    for (int64_t given = 0; given < classes; ++given) {
        const auto& members = imagesOf[size_t(given)];
        if (int64_t(members.size()) <= minKeptPerClass) continue;
        for (int64_t other = 0; other < classes; ++other) {
            const int64_t take =
                std::min<int64_t>(audit.pruneCounts[size_t(given * classes + other)], int64_t(members.size()));
            if (other == given || take <= 0) continue;
            margins.clear();
            for (const int64_t i : members) {
                const float* row = probabilities + i * classes;
                margins.emplace_back(double(row[other]) - double(row[given]), i);
            }
            // The `take` largest margins, ties to the lower index; nth_element keeps this linear.
            const auto larger = [](const std::pair<double, int64_t>& a, const std::pair<double, int64_t>& b) {
                return a.first != b.first ? a.first > b.first : a.second < b.second;
            };
            std::nth_element(margins.begin(), margins.begin() + (take - 1), margins.end(), larger);
            for (int64_t t = 0; t < take; ++t) audit.flagged[size_t(margins[size_t(t)].second)] = 1;
        }
    }
    // The model agrees with the label: not a suspect, whatever the counts said.
    for (int64_t i = 0; i < images; ++i) {
        if (audit.suggested[size_t(i)] == labels[i]) audit.flagged[size_t(i)] = 0;
    }
}

}  // namespace

LabelAudit auditLabels(const float* probabilities, const int64_t* labels, int64_t images, int64_t classes,
                       const ConfidentLearningOptions& options) {
    audit_detail::requireShape(images, classes, "label audit");
    audit_detail::requireLabels(labels, images, classes);
    audit_detail::requireProbabilities(probabilities, images, classes);
    if (options.minKeptPerClass < 0) throw InputError("label audit: minimum kept per class must be >= 0");

    LabelAudit audit;
    audit.images = images;
    audit.classes = classes;
    const size_t k = size_t(classes);
    audit.labelCounts.assign(k, 0);
    for (int64_t i = 0; i < images; ++i) ++audit.labelCounts[size_t(labels[i])];
    audit.thresholds = confidentThresholds(probabilities, labels, images, classes, audit.labelCounts);
    countAndMeasure(probabilities, labels, audit);

    audit.calibratedJoint = calibrate(audit.confidentJoint, audit.labelCounts, classes);
    audit.joint.resize(k * k);
    for (size_t e = 0; e < k * k; ++e) audit.joint[e] = double(audit.calibratedJoint[e]) / double(images);
    audit.noiseMatrix = noiseMatrixOf(audit.calibratedJoint, classes);
    audit.inverseNoiseMatrix = inverseNoiseMatrixOf(audit.calibratedJoint, classes);
    audit.pruneCounts = pruneCountsOf(audit.calibratedJoint, classes, options.minKeptPerClass);
    pruneByNoiseRate(probabilities, labels, options.minKeptPerClass, audit);

    audit.suspectsPerClass.assign(k, 0);
    for (int64_t i = 0; i < images; ++i) {
        if (audit.flagged[size_t(i)]) {
            ++audit.suspectsPerClass[size_t(labels[i])];
            ++audit.flaggedCount;
        }
    }
    audit.score = scoreFor(audit, options.flaggedRanking);
    audit.order = orderBy(audit, audit.score);
    return audit;
}

LabelAudit auditLabels(const std::vector<float>& probabilities, const std::vector<int64_t>& labels, int64_t classes,
                       const ConfidentLearningOptions& options) {
    if (classes < 1 || probabilities.size() != labels.size() * size_t(classes)) {
        throw InputError("label audit: " + std::to_string(probabilities.size()) + " probabilities for " +
                             std::to_string(labels.size()) + " labels and " + std::to_string(classes) + " classes",
                         "probabilities");
    }
    return auditLabels(probabilities.data(), labels.data(), int64_t(labels.size()), classes, options);
}

std::vector<int64_t> auditOrder(const LabelAudit& audit, FlaggedRanking flaggedRanking) {
    return orderBy(audit, scoreFor(audit, flaggedRanking));
}

}  // namespace alx
