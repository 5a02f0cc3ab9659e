// The label audit (confident learning), the calibration measures,
// temperature scaling and the stratified folds: small tables worked out by
// hand in the comments, synthetic data with a known answer, and the inputs
// they must refuse. tests/audit_reference.py is an independent NumPy
// implementation of the audit for larger tables.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "alx/audit/audit_evidence.h"
#include "alx/audit/calibration.h"
#include "alx/audit/confident_learning.h"
#include "alx/audit/stratified_folds.h"
#include "alx/util/errors.h"

#include <QElapsedTimer>
#include <QtTest>

using namespace alx;

namespace {

template <typename T>
std::string text(const std::vector<T>& values) {
    std::ostringstream out;
    out << "[";
    for (size_t e = 0; e < values.size(); ++e) out << (e ? ", " : "") << +values[e];
    out << "]";
    return out.str();
}

template <typename T, typename U>
void expectEqual(const std::vector<T>& actual, const std::vector<U>& expected, const char* what) {
    const std::vector<T> wanted(expected.begin(), expected.end());
    QVERIFY2(actual == wanted, qPrintable(QString("%1: got %2, expected %3")
                                              .arg(what, QString::fromStdString(text(actual)),
                                                   QString::fromStdString(text(wanted)))));
}

void expectNear(const std::vector<double>& actual, const std::vector<double>& expected, const char* what,
                double tolerance = 1e-9) {
    QCOMPARE(actual.size(), expected.size());
    for (size_t e = 0; e < expected.size(); ++e) {
        QVERIFY2(std::abs(actual[e] - expected[e]) <= tolerance,
                 qPrintable(QString("%1[%2]: got %3, expected %4")
                                .arg(what)
                                .arg(e)
                                .arg(actual[e], 0, 'g', 12)
                                .arg(expected[e], 0, 'g', 12)));
    }
}

void expectNear(double actual, double expected, const char* what, double tolerance = 1e-9) {
    QVERIFY2(std::abs(actual - expected) <= tolerance,
             qPrintable(QString("%1: got %2, expected %3")
                            .arg(what)
                            .arg(actual, 0, 'g', 12)
                            .arg(expected, 0, 'g', 12)));
}

std::vector<int64_t> flaggedIndices(const LabelAudit& audit) {
    std::vector<int64_t> indices;
    for (int64_t i = 0; i < audit.images; ++i) {
        if (audit.flagged[size_t(i)]) indices.push_back(i);
    }
    return indices;
}

// The main hand-made table: 10 images, 4 classes, class 3 given to no image.
// All values are sums of powers of two, so every mean and comparison below
// is exact in binary.
//
//  image  p0     p1     p2     p3  given
//  0      .75    .25    0      0   0
//  1      .5     .5     0      0   0
//  2      .25    .75    0      0   0
//  3      .5     .25    .25    0   0
//  4      .125   .875   0      0   1
//  5      .625   .375   0      0   1
//  6      .25    .5     .25    0   1
//  7      .375   .25    .375   0   2
//  8      .5     .25    .25    0   2
//  9      .5     0      .5     0   2
const std::vector<float> kHandTable = {
    0.75f,  0.25f,  0.0f,   0.0f,  //
    0.5f,   0.5f,   0.0f,   0.0f,  //
    0.25f,  0.75f,  0.0f,   0.0f,  //
    0.5f,   0.25f,  0.25f,  0.0f,  //
    0.125f, 0.875f, 0.0f,   0.0f,  //
    0.625f, 0.375f, 0.0f,   0.0f,  //
    0.25f,  0.5f,   0.25f,  0.0f,  //
    0.375f, 0.25f,  0.375f, 0.0f,  //
    0.5f,   0.25f,  0.25f,  0.0f,  //
    0.5f,   0.0f,   0.5f,   0.0f,
};
const std::vector<int64_t> kHandLabels = {0, 0, 0, 0, 1, 1, 1, 2, 2, 2};

// A simulated out-of-sample model: logits N(0, 1) plus `signal` on the true
// class, softmax; then `flips` labels moved to another class at random.
struct NoisyDataset {
    std::vector<float> probabilities;
    std::vector<int64_t> truth, given;
};

NoisyDataset simulateNoisyLabels(int64_t images, int64_t classes, int64_t flips, double signal, uint64_t seed) {
    std::mt19937_64 generator(seed);
    std::normal_distribution<double> normal;
    NoisyDataset data;
    data.probabilities.resize(size_t(images * classes));
    data.truth.resize(size_t(images));
    std::vector<double> z(static_cast<size_t>(classes));
    for (int64_t i = 0; i < images; ++i) {
        data.truth[size_t(i)] = i % classes;
        double top = -std::numeric_limits<double>::infinity();
        for (int64_t j = 0; j < classes; ++j) {
            z[size_t(j)] = normal(generator) + (j == data.truth[size_t(i)] ? signal : 0.0);
            top = std::max(top, z[size_t(j)]);
        }
        double sum = 0.0;
        for (int64_t j = 0; j < classes; ++j) sum += std::exp(z[size_t(j)] - top);
        for (int64_t j = 0; j < classes; ++j) {
            data.probabilities[size_t(i * classes + j)] = float(std::exp(z[size_t(j)] - top) / sum);
        }
    }
    data.given = data.truth;
    std::vector<int64_t> shuffled(static_cast<size_t>(images));
    for (int64_t i = 0; i < images; ++i) shuffled[size_t(i)] = i;
    std::shuffle(shuffled.begin(), shuffled.end(), generator);
    for (int64_t f = 0; f < flips; ++f) {
        const int64_t i = shuffled[size_t(f)];
        data.given[size_t(i)] = (data.truth[size_t(i)] + 1 + int64_t(generator() % uint64_t(classes - 1))) % classes;
    }
    return data;
}

}  // namespace

class TestAudit : public QObject {
    Q_OBJECT

private slots:
    // ---- confident learning -------------------------------------------------

    void thresholdsAndConfidentJoint() {
        const LabelAudit audit = auditLabels(kHandTable, kHandLabels, 4);
        expectEqual(audit.labelCounts, std::vector<int64_t>{4, 3, 3, 0}, "label counts");
        // t0 = (.75 + .5 + .25 + .5) / 4 = .5; t1 = (.875 + .375 + .5) / 3 = .58333;
        // t2 = (.375 + .25 + .5) / 3 = .375; class 3 has no image: 2, above every p.
        expectNear(audit.thresholds, {0.5, 1.75 / 3.0, 0.375, kThresholdOfAbsentClass}, "thresholds");
        // Row 0: images 0, 1, 3 reach only t0 -> (0,0); image 2 reaches only t1 -> (0,1).
        //   Image 1 has p1 = .5 < t1, so its tie p0 = p1 does not matter.
        // Row 1: image 4 -> (1,1); image 5 reaches t0 only (.625 >= .5) -> (1,0);
        //   image 6 reaches no threshold (.25 < .5, .5 < .583, .25 < .375): not counted.
        // Row 2: image 7 has p2 = .375 = t2 exactly (reaching counts) and p0 = .375 < t0 -> (2,2);
        //   image 8 reaches t0 only -> (2,0); image 9 reaches t0 and t2 with p0 = p2 = .5:
        //   the tie goes to the lower index -> (2,0).
        // Column 3: no image is confidently of class 3 (a class with no confident image).
        expectEqual(audit.confidentJoint,
                    std::vector<int64_t>{3, 1, 0, 0,  //
                                         1, 1, 0, 0,  //
                                         2, 0, 1, 0,  //
                                         0, 0, 0, 0},
                    "confident joint");
    }

    void calibratedJointAndNoiseMatrices() {
        const LabelAudit audit = auditLabels(kHandTable, kHandLabels, 4);
        // Diagonal raised to >= 1: only row 3 changes, to (0,0,0,1).
        // Row 0: sum 4 = 4 images: (3,1,0,0) unchanged.
        // Row 1: (1,1) sums to 2 for 3 images -> (1.5, 1.5); halves round to even (2, 2),
        //   one too many: the smaller residual (-.5, -.5: a tie, lower index first) goes down -> (1, 2).
        // Row 2: sum 3 = 3 images: (2,0,1,0). Row 3: 0 images -> all 0.
        expectEqual(audit.calibratedJoint,
                    std::vector<int64_t>{3, 1, 0, 0,  //
                                         1, 2, 0, 0,  //
                                         2, 0, 1, 0,  //
                                         0, 0, 0, 0},
                    "calibrated joint");
        std::vector<double> expectedJoint;
        for (const int64_t c : audit.calibratedJoint) expectedJoint.push_back(double(c) / 10.0);
        expectNear(audit.joint, expectedJoint, "joint Q");
        // P(given = i | true = j): columns (3,1,2,0)/6, (1,2,0,0)/3, (0,0,1,0)/1; column 3 is empty -> identity.
        expectNear(audit.noiseMatrix,
                   {3.0 / 6, 1.0 / 3, 0, 0,  //
                    1.0 / 6, 2.0 / 3, 0, 0,  //
                    2.0 / 6, 0, 1, 0,        //
                    0, 0, 0, 1},
                   "noise matrix");
        // P(true = j | given = i): rows over their sums 4, 3, 3; row 3 (no images) -> identity.
        expectNear(audit.inverseNoiseMatrix,
                   {0.75, 0.25, 0, 0,        //
                    1.0 / 3, 2.0 / 3, 0, 0,  //
                    2.0 / 3, 0, 1.0 / 3, 0,  //
                    0, 0, 0, 1},
                   "inverse noise matrix");
        QCOMPARE(audit.at(audit.calibratedJoint, 1, 1), int64_t(2));
    }

    void pruneByNoiseRate() {
        const LabelAudit audit = auditLabels(kHandTable, kHandLabels, 4);
        // m_ij = the calibrated off-diagonal counts (every diagonal is >= 1).
        expectEqual(audit.pruneCounts,
                    std::vector<int64_t>{0, 1, 0, 0,  //
                                         1, 0, 0, 0,  //
                                         2, 0, 0, 0,  //
                                         0, 0, 0, 0},
                    "prune counts");
        // (0,1), 1 image: p1 - p0 over images 0..3 = -.5, 0, .5, -.25 -> image 2.
        // (1,0), 1 image: p0 - p1 over 4..6 = -.75, .25, -.25 -> image 5.
        // (2,0), 2 images: p0 - p2 over 7..9 = 0, .25, 0 -> image 8, then the tie 7 / 9 -> 7.
        // No flagged image has its given label as argmax (7: p0 = p2, argmax 0).
        expectEqual(flaggedIndices(audit), std::vector<int64_t>{2, 5, 7, 8}, "flagged");
        expectEqual(audit.suspectsPerClass, std::vector<int64_t>{1, 1, 2, 0}, "suspects per class");
        QCOMPARE(audit.flaggedCount, int64_t(4));
    }

    void perImageValuesAndOrder() {
        const LabelAudit audit = auditLabels(kHandTable, kHandLabels, 4);
        // argmax, lowest index on ties (images 1, 7, 9 tie).
        expectEqual(audit.suggested, std::vector<int64_t>{0, 0, 1, 0, 1, 0, 1, 0, 0, 0}, "suggested");
        expectEqual(audit.pGiven, std::vector<float>{.75f, .5f, .25f, .5f, .875f, .375f, .5f, .375f, .25f, .5f},
                    "p given");
        expectEqual(audit.pSuggested, std::vector<float>{.75f, .5f, .75f, .5f, .875f, .625f, .5f, .375f, .5f, .5f},
                    "p suggested");
        // (p_given - max other + 1) / 2, e.g. image 2: (.25 - .75 + 1) / 2 = .25; image 1: (.5 - .5 + 1) / 2 = .5.
        expectNear(audit.normalizedMargin, {0.75, 0.5, 0.25, 0.625, 0.875, 0.375, 0.625, 0.5, 0.375, 0.5},
                   "normalised margin");
        // Flagged by p_given: 2 (.25), 8 (.25), 5 (.375), 7 (.375), ties by index; then the
        // rest: 1, 3, 6, 9 (.5), 0 (.75), 4 (.875).
        expectEqual(audit.order, std::vector<int64_t>{2, 8, 5, 7, 1, 3, 6, 9, 0, 4}, "order");
        expectNear(audit.score, {0.75, 0.5, 0.25, 0.5, 0.875, 0.375, 0.5, 0.375, 0.25, 0.5}, "score");

        // By normalised margin the flagged read 2 (.25), 5 (.375), 8 (.375), 7 (.5).
        const std::vector<int64_t> byMargin = {2, 5, 8, 7, 1, 3, 6, 9, 0, 4};
        expectEqual(auditOrder(audit, FlaggedRanking::NormalizedMargin), byMargin, "order by margin");
        ConfidentLearningOptions options;
        options.flaggedRanking = FlaggedRanking::NormalizedMargin;
        const LabelAudit marginAudit = auditLabels(kHandTable, kHandLabels, 4, options);
        expectEqual(marginAudit.order, byMargin, "order by margin (option)");
        expectNear(marginAudit.score[7], 0.5, "score of flagged image 7 by margin");
        expectNear(marginAudit.score[1], 0.5, "score of unflagged image 1 (self-confidence)");
    }

    void minimumKeptPerClass() {
        // minKept 2: row 2 of the calibrated joint, (2, 0, 1, 0), has a diagonal 1 < 2.
        // The shortfall 1 is shared by the row's non-zero entries less one (2 - 1 = 1 share):
        // m_20 = 2 - 1 = 1, so only image 8 (the largest p0 - p2) is flagged there.
        // Rows 0 and 1 have diagonals 3 and 2: unchanged.
        ConfidentLearningOptions options;
        options.minKeptPerClass = 2;
        LabelAudit audit = auditLabels(kHandTable, kHandLabels, 4, options);
        QCOMPARE(audit.at(audit.pruneCounts, 2, 0), int64_t(1));
        expectEqual(flaggedIndices(audit), std::vector<int64_t>{2, 5, 8}, "flagged, min kept 2");
        // minKept 3: classes 1 and 2 have 3 images, not more than 3: nothing is pruned from them.
        options.minKeptPerClass = 3;
        audit = auditLabels(kHandTable, kHandLabels, 4, options);
        expectEqual(flaggedIndices(audit), std::vector<int64_t>{2}, "flagged, min kept 3");
    }

    void keepingImagesSharesTheShortfall() {
        //  image  p                given
        //  0      (.75, .25, 0)    0
        //  1      (.25, .75, 0)    0
        //  2      (.125, .875, 0)  0
        //  3      (0, 1, 0)        0
        //  4      (0, 1, 0)        1
        //  5      (.5, .5, 0)      1
        //  6      (0, 0, 1)        2
        // t = ((.75 + .25 + .125 + 0) / 4, (1 + .5) / 2, 1) = (.28125, .75, 1).
        // Row 0: image 0 -> (0,0); 1, 2, 3 reach only t1 -> (0,1): (1, 3, 0), 4 images, unchanged
        // by calibration. Row 1: 4 -> (1,1), 5 reaches t0 only -> (1,0): (1, 1, 0). Row 2: (0, 0, 1).
        // Default (keep 1): m_01 = 3 -> images 1, 2, 3; m_10 = 1 -> image 5 (p0 - p1 = 0 > -1),
        // whose argmax is 0 (the tie to the lower index), not its label: flagged.
        const std::vector<float> p = {.75f, .25f, 0, .25f, .75f, 0, .125f, .875f, 0, 0, 1,
                                      0,    0,    1, 0,    .5f,  .5f, 0,     0,     0, 1};
        const std::vector<int64_t> labels = {0, 0, 0, 0, 1, 1, 2};
        LabelAudit audit = auditLabels(p, labels, 3);
        expectEqual(audit.calibratedJoint, std::vector<int64_t>{1, 3, 0, 1, 1, 0, 0, 0, 1}, "calibrated joint");
        expectEqual(flaggedIndices(audit), std::vector<int64_t>{1, 2, 3, 5}, "flagged, keep 1");
        // Keep 3: row 0's diagonal 1 is 2 short; the row has 2 non-zero entries, less one:
        // one share of 2, so m_01 = 3 - 2 = 1 -> image 3 (p1 - p0 = 1). Class 1 has only 2 images.
        ConfidentLearningOptions options;
        options.minKeptPerClass = 3;
        audit = auditLabels(p, labels, 3, options);
        QCOMPARE(audit.at(audit.pruneCounts, 0, 1), int64_t(1));
        expectEqual(flaggedIndices(audit), std::vector<int64_t>{3}, "flagged, keep 3");
        // Keep 2: 1 short, m_01 = 2 -> images 3 and 2.
        options.minKeptPerClass = 2;
        audit = auditLabels(p, labels, 3, options);
        expectEqual(flaggedIndices(audit), std::vector<int64_t>{2, 3}, "flagged, keep 2");
    }

    void aClassWithNoImagesIsNeverConfident() {
        // Class 2 is given to no image, so its threshold is 2: image 1, certain it is a 2,
        // is counted nowhere (a threshold of 1 would count it in (0,2)), row 0 calibrates to
        // (2, 0, 0) and nothing is pruned from it. It is not flagged, but it is suggested
        // class 2 and ranks first among the rest by its self-confidence 0.
        const std::vector<float> p = {1, 0, 0, 0, 0, 1, 0, 1, 0, 0, 1, 0};
        const std::vector<int64_t> labels = {0, 0, 1, 1};
        const LabelAudit audit = auditLabels(p, labels, 3);
        expectNear(audit.thresholds, {0.5, 1.0, kThresholdOfAbsentClass}, "thresholds");
        expectEqual(audit.confidentJoint, std::vector<int64_t>{1, 0, 0, 0, 2, 0, 0, 0, 0}, "confident joint");
        expectEqual(audit.calibratedJoint, std::vector<int64_t>{2, 0, 0, 0, 2, 0, 0, 0, 0}, "calibrated joint");
        QCOMPARE(audit.flaggedCount, int64_t(0));
        QCOMPARE(audit.suggested[1], int64_t(2));
        QCOMPARE(audit.order.front(), int64_t(1));
    }

    void classesNoLargerThanTheMinimumAreUntouched() {
        // Class 0: image 0 (1,0,0), 1 (0,1,0), 2-4 (0,0,1); class 1: image 5 (0,1,0); class 2:
        // image 6 (0,0,1). t = (.2, 1, 1); row 0 of the joint, calibrated: (1, 1, 3).
        const std::vector<float> p = {1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 1, 0, 0, 1, 0, 1, 0, 0, 0, 1};
        const std::vector<int64_t> labels = {0, 0, 0, 0, 0, 1, 2};
        ConfidentLearningOptions options;
        expectEqual(flaggedIndices(auditLabels(p, labels, 3, options)), std::vector<int64_t>{1, 2, 3, 4}, "keep 1");
        // Keep 4: 3 short, shared over 3 - 1 = 2 entries: m_01 = 1 - 1.5 -> 0, m_02 = 3 - 1.5 = 1.5
        // -> 1 (truncated): image 2, the lowest index of the three tied margins.
        options.minKeptPerClass = 4;
        LabelAudit audit = auditLabels(p, labels, 3, options);
        expectEqual(audit.pruneCounts, std::vector<int64_t>{0, 0, 1, 0, 0, 0, 0, 0, 0}, "prune counts, keep 4");
        expectEqual(flaggedIndices(audit), std::vector<int64_t>{2}, "keep 4");
        // Keep 5: class 0 has only 5 images; it is left alone (the counts alone would still
        // prune one: 4 short in shares of 2, m_02 = 3 - 2 = 1).
        options.minKeptPerClass = 5;
        audit = auditLabels(p, labels, 3, options);
        QCOMPARE(audit.at(audit.pruneCounts, 0, 2), int64_t(1));
        QCOMPARE(audit.flaggedCount, int64_t(0));
    }

    void argmaxVetoAndUncountedImages() {
        //  image  p0        p1        given
        //  0      .875      .125      0
        //  1      .53125    .46875    0
        //  2      .53125    .46875    0
        //  3      .25       .75       0
        //  4      .125      .875      1
        //  5      .375      .625      1
        // t0 = (.875 + .53125 + .53125 + .25) / 4 = .546875, t1 = (.875 + .625) / 2 = .75.
        // Counted: 0 -> (0,0); 1, 2 reach no threshold; 3 -> (0,1) (p1 = t1); 4 -> (1,1); 5 none.
        // C = ((1,1),(0,1)). Row 0 scaled to its 4 images: (2, 2); row 1 to 2: (0, 2).
        // Prune (0,1), 2 images by p1 - p0 = -.75, -.0625, -.0625, .5: image 3, then 1 (tie with 2).
        // Image 1's argmax is its given label 0: the veto unflags it. Flagged: {3}.
        const std::vector<float> p = {.875f, .125f, .53125f, .46875f, .53125f, .46875f,
                                      .25f,  .75f,  .125f,   .875f,   .375f,   .625f};
        const std::vector<int64_t> labels = {0, 0, 0, 0, 1, 1};
        const LabelAudit audit = auditLabels(p, labels, 2);
        expectNear(audit.thresholds, {0.546875, 0.75}, "thresholds");
        expectEqual(audit.confidentJoint, std::vector<int64_t>{1, 1, 0, 1}, "confident joint");
        expectEqual(audit.calibratedJoint, std::vector<int64_t>{2, 2, 0, 2}, "calibrated joint");
        expectEqual(audit.pruneCounts, std::vector<int64_t>{0, 2, 0, 0}, "prune counts");
        expectEqual(flaggedIndices(audit), std::vector<int64_t>{3}, "flagged");
        // Noise: column 0 (2, 0) -> (1, 0); column 1 (2, 2) -> (.5, .5).
        expectNear(audit.noiseMatrix, {1, 0.5, 0, 0.5}, "noise matrix");
    }

    void confidentClassIsTheArgmaxAmongConfidentClasses() {
        // Image 3 (given 1) has p = (.5, .3125, .1875): class 0 is its largest but misses
        // t0 = 1; classes 1 (t1 = (.3125 + .25) / 2 = .28125) and 2 (t2 = .125) both reach
        // theirs. Counted for class 1, the larger of the two (the paper's rule; cleanlab
        // would count the overall argmax 0). Image 4 (given 1, p2 = .75 >= t2) -> (1,2);
        // image 5 (given 2) reaches t1 and t2 -> class 1.
        const std::vector<float> p = {1, 0, 0, 1, 0, 0, 1, 0, 0, .5f, .3125f, .1875f, 0, .25f, .75f, 0, .875f, .125f};
        const std::vector<int64_t> labels = {0, 0, 0, 1, 1, 2};
        const LabelAudit audit = auditLabels(p, labels, 3);
        expectNear(audit.thresholds, {1.0, 0.28125, 0.125}, "thresholds");
        expectEqual(audit.confidentJoint, std::vector<int64_t>{3, 0, 0, 0, 1, 1, 0, 1, 0}, "confident joint");
    }

    void thresholdsNeverBelowTheFloor() {
        // Class 1's images all give it p1 = 0: its threshold is clipped to 2e-6, so the
        // zero probabilities of class 1 elsewhere do not make every image "confident" for it.
        const std::vector<float> p = {1, 0, 1, 0, 1, 0, 1, 0};
        const std::vector<int64_t> labels = {0, 0, 1, 1};
        const LabelAudit audit = auditLabels(p, labels, 2);
        expectNear(audit.thresholds, {1.0, kMinimumThreshold}, "thresholds");
        // Images 2 and 3 (given 1) are confidently 0: (1,0) counts 2; none counts for class 1.
        expectEqual(audit.confidentJoint, std::vector<int64_t>{2, 0, 2, 0}, "confident joint");
    }

    void roundingPreservesRowTotals() {
        // Halves to even, then the total restored: see roundPreservingSum's comment.
        expectEqual(roundPreservingSum({1.5, 1.5, 0, 0}), std::vector<int64_t>{1, 2, 0, 0}, "1.5 1.5");
        // (0,0,0,0) is 2 short: the largest residuals go up, ties from the highest index.
        expectEqual(roundPreservingSum({.5, .5, .5, .5}), std::vector<int64_t>{0, 0, 1, 1}, "halves");
        // Halves to even matter: (2, 0) already has the total 2; rounding halves up would
        // give (2, 1) and then take one back from the lower index: (1, 1).
        expectEqual(roundPreservingSum({1.5, .5}), std::vector<int64_t>{2, 0}, "1.5 .5");
        expectEqual(roundPreservingSum({.4, .4, .2}), std::vector<int64_t>{0, 1, 0}, ".4 .4 .2");
        // (3, 2, 1) is one over: the smallest residual (2.6 - 3 = -.4) goes down.
        expectEqual(roundPreservingSum({2.6, 1.7, .7}), std::vector<int64_t>{2, 2, 1}, "2.6 1.7 .7");
        expectEqual(roundPreservingSum({}), std::vector<int64_t>{}, "empty");
    }

    void recoversSyntheticLabelFlips() {
        // 2,000 images, 10 classes, 100 labels (5%) flipped to a random other class; the
        // simulated model (signal 4) is ~98.5% accurate, so some correct labels are also
        // contradicted by the model. Pooled over four seeds, as here, ten blocks of seeds
        // (1-4, ..., 37-40) gave precision 0.925-0.964 and recall 0.805-0.850: confident
        // learning misses flips whose cell of the joint holds one or two images and was
        // counted low. The bounds sit about three spreads below the worst block (room for
        // another standard library's normal_distribution), while flagging at random
        // (precision ~0.05) or every image the model contradicts would fail them.
        int64_t truePositives = 0, flaggedTotal = 0, flipsTotal = 0;
        for (uint64_t seed = 1; seed <= 4; ++seed) {
            const NoisyDataset data = simulateNoisyLabels(2000, 10, 100, 4.0, seed);
            const LabelAudit audit = auditLabels(data.probabilities, data.given, 10);
            for (int64_t i = 0; i < 2000; ++i) {
                if (audit.flagged[size_t(i)] && data.given[size_t(i)] != data.truth[size_t(i)]) ++truePositives;
            }
            flaggedTotal += audit.flaggedCount;
            flipsTotal += 100;
            // Every flagged image is suggested its (likely) true class, not its given one.
            for (int64_t i = 0; i < 2000; ++i) {
                if (audit.flagged[size_t(i)]) QVERIFY(audit.suggested[size_t(i)] != data.given[size_t(i)]);
            }
        }
        const double precision = double(truePositives) / double(flaggedTotal);
        const double recall = double(truePositives) / double(flipsTotal);
        qInfo("synthetic 5%% flips: %lld flagged, precision %.3f, recall %.3f", (long long)flaggedTotal, precision,
              recall);
        QVERIFY2(precision >= 0.88, qPrintable(QString("precision %1").arg(precision)));
        QVERIFY2(recall >= 0.75, qPrintable(QString("recall %1").arg(recall)));
    }

    void auditsSixtyThousandImagesQuickly() {
        const NoisyDataset data = simulateNoisyLabels(60000, 10, 3000, 4.0, 11);
        QElapsedTimer timer;
        timer.start();
        const LabelAudit audit = auditLabels(data.probabilities, data.given, 10);
        const qint64 ms = timer.elapsed();
        qInfo("60,000 x 10 audit: %lld ms, %lld flagged", (long long)ms, (long long)audit.flaggedCount);
        QCOMPARE(int64_t(audit.order.size()), int64_t(60000));
        // The issue asks for under 1 s for a finished run's audit; it takes ~20 ms.
        QVERIFY2(ms < 1000, qPrintable(QString("%1 ms").arg(ms)));
        // The order is a permutation.
        std::vector<int64_t> sorted = audit.order;
        std::sort(sorted.begin(), sorted.end());
        for (int64_t i = 0; i < 60000; ++i) QCOMPARE(sorted[size_t(i)], i);
    }

    void ensembleAveragesAndVotesByHand() {
        // Two members, two images, three classes.
        const std::vector<float> a{0.6f, 0.3f, 0.1f, 0.2f, 0.2f, 0.6f};
        const std::vector<float> b{0.2f, 0.7f, 0.1f, 0.0f, 0.4f, 0.6f};
        const std::vector<float> mean = averageProbabilities({a, b}, 2, 3);
        const std::vector<double> expected{0.4, 0.5, 0.1, 0.1, 0.3, 0.6};
        expectNear(std::vector<double>(mean.begin(), mean.end()), expected, "mean", 1e-7);
        // Suggested 1 for image 0: a says 0, b says 1; suggested 2 for image 1: both say 2.
        const std::vector<float> votes = memberVotes({a, b}, {1, 2}, 3);
        expectNear(std::vector<double>(votes.begin(), votes.end()), {0.5, 1.0}, "votes", 1e-7);
        QVERIFY_THROWS_EXCEPTION(InputError, averageProbabilities({}, 2, 3));
        QVERIFY_THROWS_EXCEPTION(InputError, averageProbabilities({a, std::vector<float>(5, 0.2f)}, 2, 3));

        // The ensemble audit of one member without neighbours is the plain audit.
        const NoisyDataset data = simulateNoisyLabels(500, 5, 20, 4.0, 3);
        const EnsembleAudit one = auditEnsemble({data.probabilities}, {}, 0, data.given, 5);
        const LabelAudit plain = auditLabels(data.probabilities, data.given, 5);
        expectEqual(one.audit.order, plain.order, "order");
        QVERIFY(one.evidence.votes.empty() && one.evidence.neighbourDisagreement.empty());
        QCOMPARE(one.evidence.members, 1);
    }

    void neighbourEvidenceByHand() {
        // Five reference images labelled 0 0 1 2 1; three images with four neighbours each.
        const std::vector<int64_t> referenceLabels{0, 0, 1, 2, 1};
        const std::vector<int64_t> neighbours{0, 1, 2, 3, /**/ 2, 4, 2, 4, /**/ 3, 3, 3, 0};
        const std::vector<float> shares = neighbourLabelShares(neighbours, 3, 4, referenceLabels, 3);
        expectNear(std::vector<double>(shares.begin(), shares.end()),
                   {0.5, 0.25, 0.25, /**/ 0, 1, 0, /**/ 0.25, 0, 0.75}, "shares", 1e-7);
        // Ten neighbours that all agree give a share of exactly 1 (ten additions of 0.1f would overshoot it).
        QCOMPARE(neighbourLabelShares(std::vector<int64_t>(10, 0), 1, 10, referenceLabels, 3)[0], 1.0f);
        const std::vector<int64_t> given{0, 2, 2};
        const std::vector<float> disagreement = neighbourDisagreement(shares, given, 3);
        expectNear(std::vector<double>(disagreement.begin(), disagreement.end()), {0.5, 1.0, 0.25}, "disagreement", 1e-7);
        // Half the network's probabilities, half the neighbours' shares.
        const std::vector<float> p{0.8f, 0.1f, 0.1f, /**/ 0.1f, 0.1f, 0.8f, /**/ 0.0f, 0.5f, 0.5f};
        const std::vector<float> mixed = mixNeighbourEvidence(p, shares);
        expectNear(std::vector<double>(mixed.begin(), mixed.end()),
                   {0.65, 0.175, 0.175, /**/ 0.05, 0.55, 0.4, /**/ 0.125, 0.25, 0.625}, "mixed", 1e-7);
        // The whole ensemble audit records both per image.
        const EnsembleAudit audited = auditEnsemble({p}, {shares}, 4, given, 3);
        QCOMPARE(audited.evidence.neighbours, 4);
        expectNear(std::vector<double>(audited.probabilities.begin(), audited.probabilities.end()),
                   std::vector<double>(mixed.begin(), mixed.end()), "audited", 1e-7);
        QCOMPARE(audited.evidence.neighbourDisagreement.size(), size_t(3));
        // Refused: an index outside the reference, a reference label outside the classes, a count that does not fit.
        QVERIFY_THROWS_EXCEPTION(InputError, neighbourLabelShares({0, 5}, 1, 2, referenceLabels, 3));
        QVERIFY_THROWS_EXCEPTION(InputError, neighbourLabelShares({0, 3}, 1, 2, referenceLabels, 2));
        QVERIFY_THROWS_EXCEPTION(InputError, neighbourLabelShares({0, 1, 2}, 1, 2, referenceLabels, 3));
    }

    void reliabilityByHand() {
        // Four images, two classes; the network's most probable class is the
        // given label for images 0-2 and not for image 3.
        const std::vector<float> p{0.9f, 0.1f, 0.2f, 0.8f, 0.7f, 0.3f, 0.95f, 0.05f};
        const std::vector<int64_t> given{0, 1, 0, 1};
        const LabelAudit audit = auditLabels(p, given, 2);
        const AuditReliability r = assessReliability(audit, p, given, 1);
        QCOMPARE(r.disagreements, int64_t(1));
        expectNear(r.accuracy, 0.75, "accuracy");
        QCOMPARE(r.flagged, audit.flaggedCount);
        expectNear(r.errorRate, double(std::max<int64_t>(0, 1 - audit.flaggedCount)) / 4, "error rate");
        // A network often wrong on clean labels (signal 1: most of its mistakes
        // unconfident, so not flagged) is weak; an accurate one on labels with
        // 3 % flipped is not: the flips are flagged, not counted against it.
        const NoisyDataset poor = simulateNoisyLabels(2000, 4, 0, 1.0, 5);
        const AuditReliability w = assessReliability(auditLabels(poor.probabilities, poor.given, 4), poor.probabilities, poor.given, 1);
        QVERIFY2(w.weak && w.errorRate > kWeakErrorRate && !w.advice.empty(), qPrintable(QString::number(w.errorRate)));
        const NoisyDataset noisy = simulateNoisyLabels(2000, 4, 60, 6.0, 5);
        const LabelAudit strong = auditLabels(noisy.probabilities, noisy.given, 4);
        const AuditReliability s = assessReliability(strong, noisy.probabilities, noisy.given, 3);
        QVERIFY2(s.accuracy < 0.98 && !s.weak, qPrintable(QString("%1 %2").arg(s.accuracy).arg(s.errorRate)));
        QVERIFY(s.advice.empty());
        QVERIFY(!assessReliability(strong, noisy.probabilities, noisy.given, 1).advice.empty());  // one network: try an ensemble
    }

    void refusesBadTables() {
        const auto refuses = [](std::vector<float> p, std::vector<int64_t> labels, int64_t classes,
                                const std::string& field) {
            try {
                auditLabels(p, labels, classes);
            } catch (const InputError& error) {
                QCOMPARE(QString::fromStdString(error.field()), QString::fromStdString(field));
                return;
            }
            QFAIL("accepted");
        };
        const float nan = std::numeric_limits<float>::quiet_NaN();
        refuses({0.5f, 0.5f, nan, 1.0f}, {0, 1}, 2, "probabilities");          // NaN
        refuses({0.5f, 0.5f, 0.5f, 0.4f}, {0, 1}, 2, "probabilities");         // a row summing to 0.9
        refuses({1.5f, -0.5f, 0.5f, 0.5f}, {0, 1}, 2, "probabilities");        // outside [0, 1]
        refuses({0.5f, 0.5f, 0.5f, 0.5f}, {0, 2}, 2, "labels");                // label out of range
        refuses({0.5f, 0.5f, 0.5f, 0.5f}, {-1, 0}, 2, "labels");               // negative label
        refuses({1.0f, 1.0f}, {0, 0}, 1, "probabilities");                     // one class
        refuses({}, {}, 2, "probabilities");                                   // no images
        refuses({0.5f, 0.5f, 0.5f}, {0, 1}, 2, "probabilities");               // wrong size
        // Within 1e-3 of 1 is accepted (probabilities written with few digits).
        auditLabels(std::vector<float>{0.3333f, 0.3333f, 0.3333f, 0.5f, 0.25f, 0.25f}, {0, 1}, 3);
        // The same checks guard the calibration measures.
        QVERIFY_THROWS_EXCEPTION(InputError, measureCalibration(std::vector<float>{0.5f, 0.6f}, {0}, 2));
        QVERIFY_THROWS_EXCEPTION(InputError, measureCalibration(std::vector<float>{0.5f, 0.5f}, {2}, 2));
        QVERIFY_THROWS_EXCEPTION(InputError, measureCalibration(std::vector<float>{0.5f, 0.5f}, {0}, 2, 0));
    }

    // ---- calibration --------------------------------------------------------

    void calibrationMeasuresByHand() {
        //  image  p                 label  confidence  predicted  bin (B = 4)
        //  0      (.5, .25, .25)    0      .5          0 right    1: (.25, .5]
        //  1      (.75, .25, 0)     1      .75         0 wrong    2: (.5, .75]
        //  2      (.25, .125, .625) 2      .625        2 right    2
        //  3      (1, 0, 0)         0      1           0 right    3: (.75, 1]
        //  4      (0, 1, 0)         0      1           1 wrong    3
        // Bin 1: 1 image, confidence .5, accuracy 1, gap .5.
        // Bin 2: 2 images, confidence (.75 + .625) / 2 = .6875, accuracy .5, gap .1875.
        // Bin 3: 2 images, confidence 1, accuracy .5, gap .5.
        // ECE = (1 * .5 + 2 * .1875 + 2 * .5) / 5 = .375; MCE = .5; accuracy 3/5.
        // NLL = (ln 2 + ln 4 + ln 1.6 + 0 + -ln 1e-12) / 5 (image 4's p = 0 floored at 1e-12).
        // Brier = (.375 + 1.125 + .21875 + 0 + 2) / 5 = .74375, e.g. image 1: .75^2 + (.25 - 1)^2.
        const std::vector<float> p = {.5f, .25f, .25f, .75f, .25f, 0, .25f, .125f, .625f, 1, 0, 0, 0, 1, 0};
        const std::vector<int64_t> labels = {0, 1, 2, 0, 0};
        const CalibrationMeasures m = measureCalibration(p, labels, 3, 4);
        QCOMPARE(m.images, int64_t(5));
        QCOMPARE(int(m.bins.size()), 4);
        const std::vector<int64_t> counts = {m.bins[0].count, m.bins[1].count, m.bins[2].count, m.bins[3].count};
        expectEqual(counts, std::vector<int64_t>{0, 1, 2, 2}, "bin counts");
        expectNear(m.bins[2].meanConfidence, 0.6875, "bin 2 confidence");
        expectNear(m.bins[2].accuracy, 0.5, "bin 2 accuracy");
        expectNear(m.bins[1].lower, 0.25, "bin 1 lower");
        expectNear(m.bins[1].upper, 0.5, "bin 1 upper");
        expectNear(m.bins[0].accuracy, 0.0, "empty bin accuracy");
        expectNear(m.ece, 0.375, "ECE");
        expectNear(m.mce, 0.5, "MCE");
        expectNear(m.accuracy, 0.6, "accuracy");
        expectNear(m.nll, (std::log(2.0) + std::log(4.0) + std::log(1.6) - std::log(1e-12)) / 5.0, "NLL");
        expectNear(m.nll, 6.036093257370824, "NLL (value)");
        expectNear(m.brier, 0.74375, "Brier");

        // Default 15 bins: the confidences .5, .75, .625, 1, 1 land in bins ceil(15 c) - 1 =
        // 7, 11, 9, 14, 14; the measures that do not depend on the bins are unchanged.
        const CalibrationMeasures fifteen = measureCalibration(p, labels, 3);
        QCOMPARE(int(fifteen.bins.size()), kDefaultReliabilityBins);
        QCOMPARE(fifteen.bins[7].count, int64_t(1));
        QCOMPARE(fifteen.bins[9].count, int64_t(1));
        QCOMPARE(fifteen.bins[11].count, int64_t(1));
        QCOMPARE(fifteen.bins[14].count, int64_t(2));
        // Each bin but 14 holds one image: bin 7 (.5, right) gap .5, bin 9 (.625, right)
        // gap .375, bin 11 (.75, wrong) gap .75; bin 14 (1, 1; one right) gap .5.
        // ECE = (.5 + .375 + .75 + 2 * .5) / 5 = .525; MCE = .75.
        expectNear(fifteen.ece, 0.525, "ECE, 15 bins");
        expectNear(fifteen.mce, 0.75, "MCE, 15 bins");
        expectNear(fifteen.brier, m.brier, "Brier, 15 bins");
    }

    void predictionTiesGoToTheLowestIndex() {
        // p = (.5, .5) labelled 1: predicted 0, wrong; confidence .5.
        const CalibrationMeasures m = measureCalibration(std::vector<float>{.5f, .5f}, {1}, 2, 2);
        expectNear(m.accuracy, 0.0, "accuracy");
        QCOMPARE(m.bins[0].count, int64_t(1));  // .5 is in (0, .5]
        expectNear(m.ece, 0.5, "ECE");
    }

    void softmaxAndTemperatureByHand() {
        // Logits (0, ln 2, ln 4): softmax (1, 2, 4) / 7; at T = 2, (1, sqrt 2, 2) / (3 + sqrt 2).
        const std::vector<float> z = {0.0f, float(std::log(2.0)), float(std::log(4.0))};
        const std::vector<float> atOne = softmaxAtTemperature(z.data(), 1, 3, 1.0);
        const std::vector<float> atTwo = softmaxAtTemperature(z.data(), 1, 3, 2.0);
        const double s = 3.0 + std::sqrt(2.0);
        for (int j = 0; j < 3; ++j) {
            expectNear(atOne[size_t(j)], std::pow(2.0, j) / 7.0, "softmax T = 1", 1e-6);
            expectNear(atTwo[size_t(j)], std::pow(std::sqrt(2.0), j) / s, "softmax T = 2", 1e-6);
        }
        // The same from the probabilities: p^(1/T) renormalised.
        const std::vector<float> scaled = applyTemperature(atOne.data(), 1, 3, 2.0);
        for (int j = 0; j < 3; ++j) expectNear(scaled[size_t(j)], atTwo[size_t(j)], "applyTemperature", 1e-6);
        const std::vector<float> withZero = {0.75f, 0.25f, 0.0f};
        const std::vector<float> sharp = applyTemperature(withZero.data(), 1, 3, 0.5);
        // (.75^2, .25^2, 0) / (.5625 + .0625) = (.9, .1, 0).
        expectNear(sharp[0], 0.9, "sharpened", 1e-6);
        expectNear(sharp[1], 0.1, "sharpened", 1e-6);
        QCOMPARE(sharp[2], 0.0f);  // e^(2 (-103.3 - ln .75)) underflows float
        // Softened (T > 1), a stored 0 stands for the smallest float, as in
        // logitsFromProbabilities: tiny, positive, the same as softmax of those logits.
        const std::vector<float> soft = applyTemperature(withZero.data(), 1, 3, 2.0);
        QVERIFY(soft[2] > 0.0f && soft[2] < 1e-20f);
        const std::vector<float> zeroLogits = logitsFromProbabilities(withZero.data(), 1, 3);
        const std::vector<float> viaLogits = softmaxAtTemperature(zeroLogits.data(), 1, 3, 2.0);
        for (int j = 0; j < 3; ++j) expectNear(soft[size_t(j)], viaLogits[size_t(j)], "zero's stand-in", 1e-6);
        // NLL of logits (0, ln 3) at label 1: -ln(3/4); at T = 2: -ln(sqrt 3 / (1 + sqrt 3)).
        const std::vector<float> two = {0.0f, float(std::log(3.0))};
        const std::vector<int64_t> one = {1};
        expectNear(meanNllAtTemperature(two.data(), one.data(), 1, 2, 1.0), -std::log(0.75), "NLL T = 1", 1e-7);
        expectNear(meanNllAtTemperature(two.data(), one.data(), 1, 2, 2.0),
                   -std::log(std::sqrt(3.0) / (1.0 + std::sqrt(3.0))), "NLL T = 2", 1e-7);
        QVERIFY_THROWS_EXCEPTION(InputError, softmaxAtTemperature(z.data(), 1, 3, 0.0));
        QVERIFY_THROWS_EXCEPTION(InputError, applyTemperature(atOne.data(), 1, 3, -1.0));
    }

    void temperatureScalingRecoversAKnownTemperature() {
        // Logits z ~ 3 N(0, 1) over 10 classes; labels drawn from softmax(z / 2.5), so the
        // true temperature of z is 2.5. The maximum-likelihood T from 20,000 images is within
        // a few hundredths of it: seeds 1-8 gave 2.488-2.529 (a spread of about 0.015), so
        // the 3% bound is some five spreads wide, yet a fit off by a factor would fail it.
        const int64_t n = 20000, k = 10;
        const double trueTemperature = 2.5;
        std::mt19937_64 generator(5);
        std::normal_distribution<double> normal;
        std::uniform_real_distribution<double> uniform;
        std::vector<float> logits(size_t(n * k));
        std::vector<int64_t> labels(static_cast<size_t>(n));
        std::vector<double> weights(static_cast<size_t>(k));
        for (int64_t i = 0; i < n; ++i) {
            double sum = 0.0;
            for (int64_t j = 0; j < k; ++j) {
                logits[size_t(i * k + j)] = float(3.0 * normal(generator));
                sum += weights[size_t(j)] = std::exp(double(logits[size_t(i * k + j)]) / trueTemperature);
            }
            double u = uniform(generator) * sum;
            int64_t label = k - 1;
            for (int64_t j = 0; j < k; ++j) {
                if ((u -= weights[size_t(j)]) < 0.0) {
                    label = j;
                    break;
                }
            }
            labels[size_t(i)] = label;
        }
        const TemperatureFit fit = fitTemperature(logits, labels, k);
        qInfo("fitted T = %.5f (true %.2f) in %d iterations; NLL %.4f -> %.4f", fit.temperature, trueTemperature,
              fit.iterations, fit.nllBefore, fit.nllAfter);
        QVERIFY2(std::abs(fit.temperature / trueTemperature - 1.0) < 0.03,
                 qPrintable(QString::number(fit.temperature)));
        QVERIFY(!fit.atBound);
        QVERIFY(fit.nllAfter < fit.nllBefore);
        // A minimum: the NLL is higher on both sides (0.1% away).
        const double atFit = meanNllAtTemperature(logits.data(), labels.data(), n, k, fit.temperature);
        expectNear(atFit, fit.nllAfter, "NLL at the fit", 1e-12);
        QVERIFY(meanNllAtTemperature(logits.data(), labels.data(), n, k, fit.temperature * 1.001) > atFit);
        QVERIFY(meanNllAtTemperature(logits.data(), labels.data(), n, k, fit.temperature / 1.001) > atFit);
        // And the same minimum by another method: golden-section search on log T.
        double a = std::log(0.5), b = std::log(10.0);
        const double g = (std::sqrt(5.0) - 1.0) / 2.0;
        const auto nllAt = [&](double logT) {
            return meanNllAtTemperature(logits.data(), labels.data(), n, k, std::exp(logT));
        };
        double c = b - g * (b - a), d = a + g * (b - a), fc = nllAt(c), fd = nllAt(d);
        while (b - a > 1e-7) {
            if (fc < fd) {
                b = d, d = c, fd = fc, c = b - g * (b - a), fc = nllAt(c);
            } else {
                a = c, c = d, fc = fd, d = a + g * (b - a), fd = nllAt(d);
            }
        }
        expectNear(fit.temperature, std::exp((a + b) / 2.0), "T by golden section", 1e-5 * fit.temperature);

        // From the stored probabilities instead of the logits (log p = z - a constant per
        // row): the same T, and the calibration error falls after scaling.
        const std::vector<float> p = softmaxAtTemperature(logits.data(), n, k, 1.0);
        const std::vector<float> fromP = logitsFromProbabilities(p.data(), n, k);
        const TemperatureFit fitFromP = fitTemperature(fromP, labels, k);
        expectNear(fitFromP.temperature, fit.temperature, "T from probabilities", 1e-3 * fit.temperature);
        const std::vector<float> scaled = applyTemperature(p.data(), n, k, fitFromP.temperature);
        const double eceBefore = measureCalibration(p, labels, k).ece;
        const double eceAfter = measureCalibration(scaled, labels, k).ece;
        qInfo("ECE %.4f -> %.4f", eceBefore, eceAfter);
        QVERIFY(eceAfter < eceBefore / 3.0);
    }

    void temperatureFitAtItsBounds() {
        // Every row's logits equal: the softmax is uniform for every T -> T = 1.
        const std::vector<float> flat = {1, 1, 1, 2, 2, 2};
        const TemperatureFit same = fitTemperature(flat, {0, 2}, 3);
        QCOMPARE(same.temperature, 1.0);
        QVERIFY(!same.atBound);
        // Always right with a margin: the NLL keeps falling as T -> 0, the fit stops at the bound.
        const std::vector<float> separable = {5, 0, 0, 5};
        const TemperatureFit sharp = fitTemperature(separable, {0, 1}, 2);
        QCOMPARE(sharp.temperature, kMinimumTemperature);
        QVERIFY(sharp.atBound);
        // Always wrong: the softest allowed T is best.
        const TemperatureFit soft = fitTemperature(separable, {1, 0}, 2);
        QCOMPARE(soft.temperature, kMaximumTemperature);
        QVERIFY(soft.atBound);
        const float inf = std::numeric_limits<float>::infinity();
        QVERIFY_THROWS_EXCEPTION(InputError, fitTemperature(std::vector<float>{0, inf}, {0}, 2));
        QVERIFY_THROWS_EXCEPTION(InputError, fitTemperature(std::vector<float>{0, 1}, {3}, 2));
    }

    // ---- stratified folds ---------------------------------------------------

    void foldsAreStratifiedDisjointAndCovering() {
        // 106 images: 52 of class 0, 31 of class 1, 23 of class 4 (classes 2 and 3 have
        // none: labels need not be dense), shuffled so that the classes interleave.
        std::vector<int64_t> labels;
        for (int i = 0; i < 52; ++i) labels.push_back(0);
        for (int i = 0; i < 31; ++i) labels.push_back(1);
        for (int i = 0; i < 23; ++i) labels.push_back(4);
        std::mt19937_64 shuffler(1);
        std::shuffle(labels.begin(), labels.end(), shuffler);
        const int folds = 5;
        const std::vector<int> fold = stratifiedFolds(labels, folds, 42);
        QCOMPARE(fold.size(), labels.size());

        // Disjoint and covering: every image in exactly one held-out set.
        std::vector<std::vector<int64_t>> heldOut(folds);
        for (size_t i = 0; i < fold.size(); ++i) {
            QVERIFY(fold[i] >= 0 && fold[i] < folds);
            heldOut[size_t(fold[i])].push_back(int64_t(i));
        }
        std::set<int64_t> seen;
        size_t total = 0;
        for (const auto& set : heldOut) {
            total += set.size();
            seen.insert(set.begin(), set.end());
        }
        QCOMPARE(total, labels.size());
        QCOMPARE(seen.size(), labels.size());

        // Stratified: per class the fold sizes differ by at most one (52 -> 11,11,10,10,10;
        // 31 -> one 7, four 6; 23 -> three 5, two 4), and so do the fold totals (106 ->
        // 22,21,21,21,21), as the deal goes on from class to class (restarting at fold 0
        // for each class would give fold 0 three extra images).
        for (const int64_t c : {0, 1, 4}) {
            std::vector<int> perFold(folds, 0);
            for (size_t i = 0; i < labels.size(); ++i) {
                if (labels[i] == c) ++perFold[size_t(fold[i])];
            }
            const auto [low, high] = std::minmax_element(perFold.begin(), perFold.end());
            QVERIFY2(*high - *low <= 1,
                     qPrintable(QString("class %1: %2").arg(c).arg(QString::fromStdString(text(perFold)))));
        }
        std::vector<int> sizes(folds, 0);
        for (const int f : fold) ++sizes[size_t(f)];
        const auto [low, high] = std::minmax_element(sizes.begin(), sizes.end());
        QVERIFY(*high - *low <= 1);
    }

    void foldsAreDeterministicForASeed() {
        std::vector<int64_t> labels;
        for (int i = 0; i < 40; ++i) labels.push_back(i % 3);
        const std::vector<int> first = stratifiedFolds(labels, 4, 7);
        QVERIFY(first == stratifiedFolds(labels, 4, 7));
        QVERIFY(first != stratifiedFolds(labels, 4, 8));
        // Pinned: mt19937_64 and the shuffle are specified exactly, so this is the
        // assignment on every platform; a change here changes every audit's folds.
        const std::vector<int64_t> six = {0, 0, 0, 1, 1, 1};
        expectEqual(stratifiedFolds(six, 3, 7), std::vector<int>{2, 0, 1, 2, 0, 1}, "pinned");
    }

    void foldsRefuseImpossibleCounts() {
        const std::vector<int64_t> labels = {0, 0, 0, 1, 1, 1, 1};
        const auto refuses = [&](const std::vector<int64_t>& l, int folds, const std::string& field) {
            try {
                stratifiedFolds(l, folds, 1);
            } catch (const InputError& error) {
                QCOMPARE(QString::fromStdString(error.field()), QString::fromStdString(field));
                return;
            }
            QFAIL("accepted");
        };
        refuses(labels, 1, "folds");  // K = 1: nothing to train on
        refuses(labels, 0, "folds");
        refuses(labels, 4, "folds");  // class 0 has 3 images
        refuses({0, 0, -1}, 2, "labels");
        refuses({}, 2, "labels");
        QCOMPARE(stratifiedFolds(labels, 3, 1).size(), size_t(7));  // K = the smallest class: fine
    }
};

QTEST_GUILESS_MAIN(TestAudit)
#include "test_audit.moc"
