// The six scores on small inputs whose values were worked out by hand
// (the definitions in docs/scores.md and docs/notebook.md), and the neighbour search against brute force.
#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <utility>

#include "alx/audit/audit_evidence.h"
#include "alx/util/errors.h"
#include "alx/scoring/neighbours.h"
#include "alx/scoring/scores.h"

#include <QtTest>

using namespace alx;

namespace {

void compareValues(const torch::Tensor& actual, const std::vector<double>& expected, double tolerance = 1e-5) {
    QCOMPARE(actual.size(0), int64_t(expected.size()));
    const auto values = actual.to(torch::kFloat64).contiguous();
    for (size_t i = 0; i < expected.size(); ++i) {
        const double a = values[int64_t(i)].item<double>();
        QVERIFY2(std::abs(a - expected[i]) <= tolerance,
                 qPrintable(QString("row %1: got %2, expected %3").arg(i).arg(a, 0, 'g', 10).arg(expected[i], 0, 'g', 10)));
    }
}

// Four 2-D feature vectors with no ties among their cosine similarities:
// u0 = (1,0), u1 = (0.6,0.8), u2 = (0,1) (given as (0,5): the scores must
// normalise), u3 = (-1,0.1)/|.|. With m = 2 the neighbours are
// 0 -> {1 (0.6), 2 (0)}, 1 -> {2 (0.8), 0 (0.6)}, 2 -> {1 (0.8), 3 (0.0995037)},
// 3 -> {2 (0.0995037), 1 (-0.5174193)}.
torch::Tensor handFeatures() { return torch::tensor({1.0f, 0.0f, 0.6f, 0.8f, 0.0f, 5.0f, -1.0f, 0.1f}).view({4, 2}); }

}  // namespace

class TestScores : public QObject {
    Q_OBJECT

private slots:
    void neighbourDisagreementMatchesBruteForce() {
        // 60 images among 150 training images in 6 dimensions, 4 classes, k = 7:
        // the share of each image's 7 most cosine-similar training images whose
        // label differs from its own, counted directly against the engine's
        // search and shares.
        torch::manual_seed(4);
        const int64_t n = 60, r = 150, d = 6, k = 7, classes = 4;
        const auto queries = torch::randn({n, d}, torch::kFloat64), reference = torch::randn({r, d}, torch::kFloat64);
        const auto referenceLabels = torch::randint(classes, {r}, torch::kInt64), given = torch::randint(classes, {n}, torch::kInt64);
        const Neighbours near = nearestNeighboursIn(queries.to(torch::kFloat32), reference.to(torch::kFloat32), k);
        const auto indices = near.indices.to(torch::kInt64).contiguous();
        const std::vector<int64_t> refLabels(referenceLabels.data_ptr<int64_t>(), referenceLabels.data_ptr<int64_t>() + r);
        const std::vector<int64_t> givenLabels(given.data_ptr<int64_t>(), given.data_ptr<int64_t>() + n);
        const std::vector<float> shares = neighbourLabelShares(
            std::vector<int64_t>(indices.data_ptr<int64_t>(), indices.data_ptr<int64_t>() + n * k), n, k, refLabels, classes);
        const std::vector<float> disagreement = neighbourDisagreement(shares, givenLabels, classes);
        const auto q = queries.accessor<double, 2>(), v = reference.accessor<double, 2>();
        for (int64_t i = 0; i < n; ++i) {
            std::vector<std::pair<double, int64_t>> byCosine;
            for (int64_t j = 0; j < r; ++j) {
                double dot = 0, qq = 0, vv = 0;
                for (int64_t c = 0; c < d; ++c) {
                    dot += q[i][c] * v[j][c];
                    qq += q[i][c] * q[i][c];
                    vv += v[j][c] * v[j][c];
                }
                byCosine.push_back({-dot / std::sqrt(qq * vv), j});
            }
            std::sort(byCosine.begin(), byCosine.end());
            int differing = 0;
            for (int64_t m = 0; m < k; ++m) differing += refLabels[size_t(byCosine[size_t(m)].second)] != givenLabels[size_t(i)];
            QVERIFY2(std::abs(disagreement[size_t(i)] - float(differing) / float(k)) < 1e-6,
                     qPrintable(QString("image %1: %2 vs %3 of %4").arg(i).arg(disagreement[size_t(i)]).arg(differing).arg(k)));
        }
    }

    void leastConfidenceEntropyMargin() {
        // Three classes: a confident, a split and a certain prediction.
        const auto p = torch::tensor({0.7f, 0.2f, 0.1f, 0.5f, 0.5f, 0.0f, 1.0f, 0.0f, 0.0f}).view({3, 3});
        compareValues(leastConfidence(p), {0.3, 0.5, 0.0});
        // -(0.7 ln 0.7 + 0.2 ln 0.2 + 0.1 ln 0.1); ln 2 (0 ln 0 = 0); 0.
        compareValues(entropy(p), {0.8018185525, 0.6931471806, 0.0});
        // p(top1) - p(top2), not the notebook's 1 - (max - min).
        compareValues(margin(p), {0.5, 0.0, 1.0});
        QVERIFY(!torch::isnan(entropy(p)).any().item<bool>());
    }

    void neighbourScoresByHand() {
        const Neighbours nb = nearestNeighbours(handFeatures(), 2);
        const auto indices = nb.indices.contiguous();
        const std::vector<std::vector<int64_t>> expected = {{1, 2}, {2, 0}, {1, 3}, {2, 1}};
        for (int64_t i = 0; i < 4; ++i) {
            for (int64_t j = 0; j < 2; ++j) QCOMPARE(indices[i][j].item<int64_t>(), expected[size_t(i)][size_t(j)]);
        }
        // Means of u.u_j over the two neighbours.
        compareValues(meanCosineSimilarity(nb), {0.3, 0.7, 0.44975186, -0.20895781});
        // Means of sqrt(2 - 2 u.u_j): e.g. row 0 is (sqrt(0.8) + sqrt(2)) / 2.
        compareValues(meanL2Distance(nb), {1.15432038, 0.76344136, 0.98723309, 1.54204474});
    }

    void klDivergenceByHand() {
        const Neighbours nb = nearestNeighbours(handFeatures(), 2);
        const auto p = torch::tensor({0.9f, 0.1f, 0.5f, 0.5f, 0.2f, 0.8f, 1.0f, 0.0f}).view({4, 2});
        // Row 0: q = (0.35, 0.65), KL = 0.35 ln(0.35/0.9) + 0.65 ln(0.65/0.1).
        // Row 3: p = (1, 0), so ln max(0, 1e-10) enters: 0.35 ln 0.35 + 0.65 ln(0.65/1e-10).
        compareValues(klToNeighbours(p, nb), {0.88610985, 0.00500837, 0.70052918, 14.3193565}, 2e-5);
    }

    void computeScoresFillsAllSix() {
        const auto p = torch::tensor({0.9f, 0.1f, 0.5f, 0.5f, 0.2f, 0.8f, 1.0f, 0.0f}).view({4, 2});
        const ScoreTable table = computeScores(p, handFeatures(), 2);
        compareValues(table[ScoreKind::LeastConfidence], {0.1, 0.5, 0.2, 0.0});
        compareValues(table[ScoreKind::Margin], {0.8, 0.0, 0.6, 1.0});
        compareValues(table[ScoreKind::CosineSimilarity], {0.3, 0.7, 0.44975186, -0.20895781});
        compareValues(table[ScoreKind::KlDivergence], {0.88610985, 0.00500837, 0.70052918, 14.3193565}, 2e-5);
        QCOMPARE(QString::fromStdString(scoreKey(ScoreKind::L2Distance)), QString("l2_distance"));
        QVERIFY(!highIsUncertain(ScoreKind::Margin));
        QVERIFY(highIsUncertain(ScoreKind::KlDivergence));
    }

    void neighboursMatchBruteForce() {
        torch::manual_seed(3);
        const int64_t n = 300, m = 5;
        const auto f = torch::randn({n, 16});
        // Chunks of 64 rows: several blocks and a short last one.
        const Neighbours nb = nearestNeighbours(f, m, 64);
        QCOMPARE(nb.indices.sizes().vec(), (std::vector<int64_t>{n, m}));

        const auto u = f.to(torch::kFloat64);
        for (int64_t i = 0; i < n; ++i) {
            std::vector<std::pair<double, int64_t>> all;
            for (int64_t j = 0; j < n; ++j) {
                if (j == i) continue;
                const double cos = (u[i] * u[j]).sum().item<double>() /
                                   (u[i].norm().item<double>() * u[j].norm().item<double>());
                all.push_back({cos, j});
            }
            std::partial_sort(all.begin(), all.begin() + m, all.end(), std::greater<>());
            for (int64_t k = 0; k < m; ++k) {
                QVERIFY(std::abs(nb.similarity[i][k].item<double>() - all[size_t(k)].first) < 1e-5);
                QCOMPARE(nb.indices[i][k].item<int64_t>(), all[size_t(k)].second);
            }
        }
    }

    void selfIsNeverANeighbour() {
        // Identical vectors: every other row ties with the row itself at 1.
        const auto f = torch::ones({6, 3});
        const Neighbours nb = nearestNeighbours(f, 5);
        for (int64_t i = 0; i < 6; ++i) {
            for (int64_t k = 0; k < 5; ++k) QVERIFY(nb.indices[i][k].item<int64_t>() != i);
        }
        // Zero vectors normalise to zero, not NaN.
        QVERIFY(!torch::isnan(nearestNeighbours(torch::zeros({4, 3}), 2).similarity).any().item<bool>());
    }

    void rejectsImpossibleNeighbourCounts() {
        QVERIFY_THROWS_EXCEPTION(InputError, nearestNeighbours(torch::ones({4, 2}), 4));
        QVERIFY_THROWS_EXCEPTION(InputError, nearestNeighbours(torch::ones({4, 2}), 0));
    }
};

QTEST_GUILESS_MAIN(TestScores)
#include "test_scores.moc"
