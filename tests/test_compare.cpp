// Comparing runs: McNemar's exact test against hand computations, and the
// comparison's counts against a direct computation from the runs' files.
#include <torch/torch.h>

#include <QtTest>

#include <cmath>
#include <set>

#include "alx/compare/mcnemar.h"
#include "alx/compare/run_comparison.h"
#include "alx/util/errors.h"

using namespace alx;

namespace {

// A run of `n` test images with seeded random predictions and scores.
SavedRun syntheticRun(const torch::Tensor& labels, double accuracy, uint64_t seed) {
    torch::manual_seed(seed);
    const int64_t n = labels.size(0);
    SavedRun run;
    run.summary.model = "lenet5";
    run.summary.dataset = "mnist";
    run.labels = labels;
    const auto wrong = torch::rand({n}) > accuracy;
    run.predicted = torch::where(wrong, (labels + torch::randint(1, 10, {n})) % 10, labels);
    run.probabilities = torch::softmax(torch::randn({n, 10}) + 4 * torch::one_hot(run.predicted, 10), 1).to(torch::kFloat32);
    run.summary.testAccuracy = run.predicted.eq(labels).to(torch::kFloat64).mean().item<double>();
    for (auto& s : run.scores) s = torch::rand({n});
    return run;
}

}  // namespace

class TestCompare : public QObject {
    Q_OBJECT
private slots:
    void mcnemarByHand() {
        QCOMPARE(mcnemarExactP(0, 0), 1.0);
        QCOMPARE(mcnemarExactP(1, 0), 1.0);                 // 2 * 1/2
        QVERIFY(std::abs(mcnemarExactP(10, 0) - 2.0 / 1024) < 1e-15);  // 2 * (1/2)^10
        QVERIFY(std::abs(mcnemarExactP(0, 10) - 2.0 / 1024) < 1e-15);
        // b = 5, c = 10: 2 * (1 + 15 + 105 + 455 + 1365 + 3003) / 2^15.
        QVERIFY(std::abs(mcnemarExactP(5, 10) - 2.0 * 4944 / 32768) < 1e-12);
        QCOMPARE(mcnemarExactP(7, 7), 1.0);  // 2 * P(X <= 7 of 14) > 1, capped
        // Large counts: near the normal approximation with continuity correction (p ~ 0.271).
        const double p = mcnemarExactP(4000, 4100);
        QVERIFY2(std::abs(p - 0.271) < 0.01, qPrintable(QString::number(p)));
        QVERIFY(mcnemarExactP(100, 200) < 1e-7);
    }

    void comparisonCountsMatchADirectComputation() {
        torch::manual_seed(1);
        const auto labels = torch::randint(0, 10, {2000}, torch::kInt64);
        const std::vector<SavedRun> runs = {syntheticRun(labels, 0.95, 2), syntheticRun(labels, 0.90, 3),
                                            syntheticRun(labels, 0.97, 4)};
        const RunComparison c = compareRuns({"a", "b", "c"}, runs, ScoreKind::Entropy, 50);
        QCOMPARE(c.pairs.size(), size_t(3));
        std::set<int64_t> anyDiffer;
        for (const RunPair& p : c.pairs) {
            const auto& x = runs[size_t(p.first)];
            const auto& y = runs[size_t(p.second)];
            const auto xr = x.predicted.eq(labels), yr = y.predicted.eq(labels);
            QCOMPARE(p.disagreements, x.predicted.ne(y.predicted).sum().item<int64_t>());
            QCOMPARE(p.onlyFirstRight, (xr & ~yr).sum().item<int64_t>());
            QCOMPARE(p.onlySecondRight, (yr & ~xr).sum().item<int64_t>());
            QCOMPARE(p.mcnemarP, mcnemarExactP(p.onlyFirstRight, p.onlySecondRight));
            // Jaccard of the 50 highest entropies (high = uncertain).
            const auto topX = std::get<1>(x.scores[1].topk(50));
            const auto topY = std::get<1>(y.scores[1].topk(50));
            std::set<int64_t> sx, sy;
            for (int64_t i = 0; i < 50; ++i) {
                sx.insert(topX[i].item<int64_t>());
                sy.insert(topY[i].item<int64_t>());
            }
            int64_t both = 0;
            for (int64_t i : sx) both += sy.count(i);
            QCOMPARE(p.uncertainJaccard, double(both) / double(100 - both));
            for (int64_t i = 0; i < 2000; ++i) {
                if (x.predicted[i].item<int64_t>() != y.predicted[i].item<int64_t>()) anyDiffer.insert(i);
            }
        }
        QCOMPARE(c.disagreementImages, std::vector<int64_t>(anyDiffer.begin(), anyDiffer.end()));
        // Margin: low is uncertain, so its top set is the lowest values.
        const RunComparison m = compareRuns({"a", "b"}, {runs[0], runs[1]}, ScoreKind::Margin, 10);
        const auto lowest = std::get<1>(runs[0].scores[2].topk(10, 0, /*largest=*/false));
        std::set<int64_t> expected;
        for (int64_t i = 0; i < 10; ++i) expected.insert(lowest[i].item<int64_t>());
        QCOMPARE(std::set<int64_t>(m.topUncertain[0].begin(), m.topUncertain[0].end()), expected);
    }

    void runsOfOtherTestImagesAreRefused() {
        const auto labels = torch::randint(0, 10, {100}, torch::kInt64);
        const auto other = (labels + 1) % 10;
        QVERIFY_THROWS_EXCEPTION(InputError, compareRuns({"a", "b"}, {syntheticRun(labels, 0.9, 1), syntheticRun(other, 0.9, 2)},
                                                         ScoreKind::Entropy, 10));
        QVERIFY_THROWS_EXCEPTION(InputError, compareRuns({"a"}, {syntheticRun(labels, 0.9, 1)}, ScoreKind::Entropy, 10));
    }
};

QTEST_APPLESS_MAIN(TestCompare)
#include "test_compare.moc"
