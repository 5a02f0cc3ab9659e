// PCA and t-SNE: PCA against an SVD; t-SNE's affinities, its exact
// gradient against finite differences of the KL divergence, Barnes-Hut's
// forces against the exact ones, separated blobs staying separated, and
// the same seed giving the same map.
#include <torch/torch.h>

#include "alx/maps/pca.h"
#include "alx/maps/tsne.h"
#include "maps/fft_repulsion.h"
#include "alx/scoring/neighbours.h"
#include "alx/util/errors.h"

#include <QtTest>

using namespace alx;

namespace {

// `blobs` Gaussian clusters of `each` points in `dims` dimensions, centres far apart.
torch::Tensor blobs(int64_t blobs, int64_t each, int64_t dims, uint64_t seed, torch::Tensor* labels = nullptr) {
    torch::manual_seed(seed);
    const auto centres = torch::randn({blobs, dims}) * 10;
    std::vector<torch::Tensor> parts;
    for (int64_t b = 0; b < blobs; ++b) parts.push_back(centres[b] + torch::randn({each, dims}));
    if (labels) *labels = torch::arange(blobs, torch::kInt64).repeat_interleave(each);
    return torch::cat(parts);
}

// Affinities of five blobs, a random map of them and the exact gradient there:
// what the approximate repulsions are checked against.
struct ForceCase {
    Affinities p;
    torch::Tensor y, exact;
};
ForceCase forceCase() {
    const Affinities p = tsneAffinities(blobs(5, 100, 10, 5), 30);
    torch::manual_seed(6);
    const auto y = torch::randn({500, 2}, torch::kFloat64) * 5;
    return {p, y, tsneGradientExact(p, y)};
}

}  // namespace

class TestMaps : public QObject {
    Q_OBJECT

private slots:
    void pcaMatchesAnSvd() {
        torch::manual_seed(1);
        const auto x = torch::randn({200, 6}) * torch::tensor({5.0f, 3.0f, 2.0f, 1.0f, 0.5f, 0.1f});
        const Pca pca = fitPca(x, 3);
        const auto centred = (x - x.mean(0)).to(torch::kFloat64);
        const auto [u, s, vt] = torch::linalg::svd(centred, false, {});
        for (int64_t c = 0; c < 3; ++c) {
            const double cosine = torch::dot(pca.components[c].to(torch::kFloat64), vt[c]).item<double>();
            QVERIFY2(std::abs(std::abs(cosine) - 1) < 1e-5, qPrintable(QString::number(cosine)));
            const double variance = (s[c] * s[c]).item<double>() / 199.0;
            QVERIFY(std::abs(pca.variance[c].item<double>() - variance) < 1e-3 * variance);
        }
        // The projection is the centred data times the components.
        QVERIFY(torch::allclose(projectPca(pca, x), torch::mm(x - pca.mean, pca.components.t()), 1e-4, 1e-4));
        QCOMPARE(pcaMap(x).sizes().vec(), (std::vector<int64_t>{200, 2}));
    }

    void affinitiesAreSymmetricAndSumToOne() {
        const auto x = blobs(3, 40, 8, 2);
        const Affinities p = tsneAffinities(x, 10);
        QCOMPARE(p.size(), int64_t(120));
        double total = 0;
        for (double v : p.value) total += v;
        QVERIFY(std::abs(total - 1) < 1e-9);
        // p_ij = p_ji for every stored pair.
        auto at = [&](int64_t i, int64_t j) {
            for (int64_t k = p.rowStart[size_t(i)]; k < p.rowStart[size_t(i + 1)]; ++k) {
                if (p.column[size_t(k)] == j) return p.value[size_t(k)];
            }
            return 0.0;
        };
        for (int64_t i = 0; i < 120; i += 7) {
            for (int64_t k = p.rowStart[size_t(i)]; k < p.rowStart[size_t(i + 1)]; ++k) {
                QCOMPARE(at(p.column[size_t(k)], i), p.value[size_t(k)]);
                QVERIFY(p.column[size_t(k)] != i);
            }
        }
        QVERIFY_THROWS_EXCEPTION(InputError, tsneAffinities(x, 0));
    }

    void exactGradientMatchesFiniteDifferences() {
        const auto x = blobs(2, 10, 5, 3);
        const Affinities p = tsneAffinities(x, 5);
        torch::manual_seed(4);
        auto y = torch::randn({20, 2}, torch::kFloat64);
        const auto gradient = tsneGradientExact(p, y);
        const double h = 1e-6;
        for (int64_t i = 0; i < 20; i += 3) {
            for (int64_t d = 0; d < 2; ++d) {
                auto plus = y.clone(), minus = y.clone();
                plus[i][d] += h;
                minus[i][d] -= h;
                const double numeric = (tsneKlDivergenceExact(p, plus) - tsneKlDivergenceExact(p, minus)) / (2 * h);
                const double analytic = gradient[i][d].item<double>();
                QVERIFY2(std::abs(numeric - analytic) < 1e-6 + 1e-4 * std::abs(analytic),
                         qPrintable(QString("%1 vs %2").arg(numeric).arg(analytic)));
            }
        }
    }

    void barnesHutForcesAreCloseToTheExactOnes() {
        const ForceCase known = forceCase();
        const Affinities& p = known.p;
        const torch::Tensor &y = known.y, &exact = known.exact;
        // theta = 0 opens every cell: the same sums, in another order.
        QVERIFY(torch::allclose(tsneGradientBarnesHut(p, y, 0.0), exact, 1e-9, 1e-12));
        // theta = 0.5, the default: the whole gradient within 5 % (relative
        // norm), and closer as theta shrinks.
        auto error = [&](double theta) {
            return ((tsneGradientBarnesHut(p, y, theta) - exact).norm() / exact.norm()).item<double>();
        };
        const double coarse = error(0.5), fine = error(0.2);
        QVERIFY2(coarse < 0.05, qPrintable(QString::number(coarse)));
        QVERIFY2(fine < coarse / 2, qPrintable(QString("%1 vs %2").arg(fine).arg(coarse)));
        QVERIFY(fine > 0);  // an approximation, not the exact sum again
    }

    void barnesHutCountsPointsAtTheSamePlace() {
        // Two points copied onto others, and twelve within 1e-10 of one
        // place (closer than the tree's deepest cell, so one leaf of more
        // points than a leaf holds): each still counts on its own.
        const ForceCase known = forceCase();
        auto y = known.y.clone();
        y[3].copy_(y[1]);
        y[4].copy_(y[2]);
        for (int64_t i = 0; i < 12; ++i) {
            y[10 + i][0] = 1.5 + 1e-10 * double(i);
            y[10 + i][1] = -2.0;
        }
        const auto exact = tsneGradientExact(known.p, y);
        QVERIFY(torch::allclose(tsneGradientBarnesHut(known.p, y, 0.0), exact, 1e-9, 1e-12));
        const double error = ((tsneGradientBarnesHut(known.p, y, 0.5) - exact).norm() / exact.norm()).item<double>();
        QVERIFY2(error < 0.05, qPrintable(QString::number(error)));
    }

    void interpolatedForcesAreCloseToTheExactOnes() {
        const ForceCase known = forceCase();
        const Affinities& p = known.p;
        const torch::Tensor &y = known.y, &exact = known.exact;
        const double error = ((tsneGradientInterpolated(p, y) - exact).norm() / exact.norm()).item<double>();
        QVERIFY2(error < 0.01, qPrintable(QString::number(error)));
        QVERIFY(error > 0);  // an approximation, not the exact sum

        // The repulsion and Z directly, against the sums written out, and
        // closer on a finer grid.
        const auto yc = y.contiguous();
        const int64_t n = y.size(0);
        const auto d2 = (yc.unsqueeze(1) - yc.unsqueeze(0)).pow(2).sum(2);
        auto w = 1.0 / (1.0 + d2);
        w.fill_diagonal_(0.0);
        const double z = w.sum().item<double>();
        const auto w2 = w * w;
        const auto forces = w2.sum(1, true) * yc - torch::mm(w2, yc);
        auto relativeError = [&](const InterpolationGrid& grid, double* zError) {
            auto r = torch::empty({n, 2}, torch::kFloat64);
            const double zi = fftRepulsion(yc.data_ptr<double>(), n, r.data_ptr<double>(), grid);
            *zError = std::abs(zi - z) / z;
            return ((r - forces).norm() / forces.norm()).item<double>();
        };
        double zCoarse = 0, zFine = 0;
        InterpolationGrid coarse;
        InterpolationGrid fine;
        fine.maxBoxWidth = 0.25;
        fine.minBoxes = 200;
        const double coarseError = relativeError(coarse, &zCoarse), fineError = relativeError(fine, &zFine);
        QVERIFY2(coarseError < 0.01 && zCoarse < 1e-3, qPrintable(QString("%1 %2").arg(coarseError).arg(zCoarse)));
        QVERIFY2(fineError < coarseError / 4 && zFine < zCoarse,
                 qPrintable(QString("%1 vs %2, %3 vs %4").arg(fineError).arg(coarseError).arg(zFine).arg(zCoarse)));
    }

    void fftSizesHaveOnlySmallPrimeFactors() {
        QCOMPARE(smoothFftSize(1), int64_t(1));
        QCOMPARE(smoothFftSize(7), int64_t(8));
        QCOMPARE(smoothFftSize(49), int64_t(50));
        QCOMPARE(smoothFftSize(121), int64_t(125));
        QCOMPARE(smoothFftSize(241), int64_t(243));
    }

    void separatedBlobsStaySeparatedAndTheSeedFixesTheMap_data() {
        QTest::addColumn<int>("repulsion");
        QTest::newRow("barnes-hut") << int(TsneRepulsion::BarnesHut);
        QTest::newRow("grid") << int(TsneRepulsion::Grid);
    }
    void separatedBlobsStaySeparatedAndTheSeedFixesTheMap() {
        QFETCH(int, repulsion);
        torch::Tensor labels;
        const auto x = blobs(5, 60, 20, 7, &labels);
        TsneConfig config;
        config.repulsion = TsneRepulsion(repulsion);
        config.perplexity = 20;
        config.iterations = 400;
        int progressCalls = 0;
        TsneCallbacks callbacks;
        callbacks.onProgress = [&](const TsneProgress& p) {
            ++progressCalls;
            QCOMPARE(p.map.sizes().vec(), (std::vector<int64_t>{300, 2}));
        };
        const auto map = tsneMap(x, config, callbacks);
        QCOMPARE(progressCalls, 400 / 25);
        QVERIFY(torch::isfinite(map).all().item<bool>());
        // Every point is nearer its own blob's centre on the map than any other blob's.
        std::vector<torch::Tensor> centres;
        for (int64_t b = 0; b < 5; ++b) centres.push_back(map.index({labels == b}).mean(0));
        const auto c = torch::stack(centres);
        const auto nearest = torch::cdist(map, c).argmin(1);
        QCOMPARE(nearest.eq(labels).sum().item<int64_t>(), int64_t(300));

        QVERIFY(torch::equal(map, tsneMap(x, config)));  // deterministic
        config.pcaInit = false;
        config.seed = 1;
        const auto seeded = tsneMap(x, config);
        QVERIFY(torch::equal(seeded, tsneMap(x, config)));
        config.seed = 2;
        QVERIFY(!torch::equal(seeded, tsneMap(x, config)));
    }

    void trainingSetNeighboursMatchBruteForce() {
        torch::manual_seed(9);
        const auto queries = torch::randn({50, 8}), reference = torch::randn({200, 8});
        const Neighbours found = nearestNeighboursIn(queries, reference, 5, 16);  // several blocks
        const auto u = queries / queries.norm(2, 1, true), v = reference / reference.norm(2, 1, true);
        const auto similarity = torch::mm(u, v.t());
        const auto expected = std::get<1>(similarity.sort(1, /*descending=*/true)).slice(1, 0, 5);
        QVERIFY(torch::equal(found.indices, expected));
        QVERIFY(torch::allclose(found.similarity, similarity.gather(1, expected), 1e-5, 1e-6));
        QVERIFY_THROWS_EXCEPTION(InputError, nearestNeighboursIn(queries, reference, 201));
    }

    void stopEndsTheMap() {
        const auto x = blobs(2, 30, 4, 8);
        int iterations = 0;
        TsneCallbacks callbacks;
        callbacks.progressEvery = 1;
        callbacks.onProgress = [&](const TsneProgress& p) { iterations = p.iteration; };
        callbacks.shouldStop = [&] { return iterations >= 10; };
        QVERIFY_THROWS_EXCEPTION(Cancelled, tsneMap(x, TsneConfig{}, callbacks));
        QCOMPARE(iterations, 10);
    }
};

QTEST_GUILESS_MAIN(TestMaps)
#include "test_maps.moc"
