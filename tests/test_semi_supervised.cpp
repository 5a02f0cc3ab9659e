// Learning from the unlabelled pool: label spreading against its closed
// form and a case worked by hand, the pseudo-labels' weights by hand, the
// weighted training, a round that learns classes from one label each, and
// the loop with it resumed mid-run; the cold start that never reads a label.
#include <torch/torch.h>

#include "alx/active_learning/label_spreading.h"
#include "alx/active_learning/loop.h"
#include "alx/active_learning/semi_supervised.h"
#include "alx/data/dataset_loader.h"
#include "alx/models/model_registry.h"
#include "alx/util/errors.h"
#include "resumed_rounds.h"
#include "synthetic_sets.h"
#include "test_support.h"

#include <QtTest>

#include <cmath>

using namespace alx;

namespace {

Neighbours graphOf(std::vector<std::vector<int64_t>> indices, std::vector<std::vector<float>> similarity) {
    const int64_t n = int64_t(indices.size()), m = int64_t(indices[0].size());
    Neighbours g{torch::empty({n, m}, torch::kInt64), torch::empty({n, m})};
    for (int64_t i = 0; i < n; ++i) {
        for (int64_t j = 0; j < m; ++j) {
            g.indices[i][j] = indices[size_t(i)][size_t(j)];
            g.similarity[i][j] = similarity[size_t(i)][size_t(j)];
        }
    }
    return g;
}

double accuracyOf(Classifier& model, const TensorSet& set) {
    torch::NoGradGuard noGrad;
    model.eval();
    return model.forward(set.images).logits.argmax(1).eq(set.labels).to(torch::kFloat64).mean().item<double>();
}

}  // namespace

class TestSemiSupervised : public QObject {
    Q_OBJECT
    TensorSet pool_, test_;

private slots:
    void initTestCase() {
        std::tie(pool_, test_) = alx::test::syntheticSets(400, 200);
    }

    // A chain 0 - 1 - 2 (each row's one neighbour: 0->1, 1->2, 2->1) with
    // 0 labelled 0 and 2 labelled 1; a fourth image whose only edge has a
    // negative similarity, so nothing reaches it. W = A + A^T: W01 = 1,
    // W12 = 2; degrees 1, 3, 2; S10 = 1/sqrt(3), S12 = 2/sqrt(6). One step
    // with alpha 1/2 from F = Y gives image 1 the shares
    // (1/sqrt(3), 2/sqrt(6)) / their sum = (sqrt(2) - 1, 2 - sqrt(2)).
    void spreadingByHand() {
        const Neighbours g = graphOf({{1}, {2}, {1}, {0}}, {{1}, {1}, {1}, {-0.5f}});
        SpreadingSettings one;
        one.alpha = 0.5;
        one.iterations = 1;
        one.power = 1;
        const torch::Tensor shares = spreadLabels(g, {0, 2}, {0, 1}, 2, one);
        QCOMPARE(shares.size(0), int64_t(4));
        QVERIFY(std::abs(shares[1][0].item<double>() - (std::sqrt(2.0) - 1)) < 1e-6);
        QVERIFY(std::abs(shares[1][1].item<double>() - (2 - std::sqrt(2.0))) < 1e-6);
        // Image 0 keeps its own label (its one neighbour, 1, had none yet); 3 is uniform.
        QVERIFY(std::abs(shares[0][0].item<double>() - 1) < 1e-6);
        QVERIFY(std::abs(shares[2][1].item<double>() - 1) < 1e-6);
        QVERIFY(std::abs(shares[3][0].item<double>() - 0.5) < 1e-6);
        QVERIFY_THROWS_EXCEPTION(InputError, spreadLabels(g, {0, 2}, {0, 2}, 2, one));  // label out of range
        QVERIFY_THROWS_EXCEPTION(InputError, spreadLabels(g, {4}, {0}, 2, one));         // image out of range
        QVERIFY_THROWS_EXCEPTION(InputError, spreadLabels(g, {0, 1}, {0}, 2, one));      // counts differ
    }

    // Iterated long enough, the spreading reaches its fixed point
    // F* = (1 - alpha) (I - alpha S)^-1 Y, computed here densely in double
    // precision from the same random graph.
    void spreadingReachesTheClosedForm() {
        torch::manual_seed(3);
        const int64_t n = 30, m = 4, classes = 3;
        Neighbours g{torch::randint(0, n, {n, m}, torch::kInt64), torch::rand({n, m}) * 1.2 - 0.2};
        for (int64_t i = 0; i < n; ++i) {
            for (int64_t j = 0; j < m; ++j) {
                if (g.indices[i][j].item<int64_t>() == i) g.indices[i][j] = (i + 1) % n;  // no self edge
            }
        }
        const std::vector<int64_t> labelled{2, 11, 19, 25}, labels{0, 1, 2, 1};
        SpreadingSettings s;
        s.alpha = 0.9;
        s.iterations = 400;
        s.power = 2;
        const torch::Tensor shares = spreadLabels(g, labelled, labels, classes, s);

        auto w = torch::zeros({n, n}, torch::kFloat64);
        for (int64_t i = 0; i < n; ++i) {
            for (int64_t j = 0; j < m; ++j) {
                const double a = std::pow(std::max(0.0, double(g.similarity[i][j].item<float>())), s.power);
                const int64_t k = g.indices[i][j].item<int64_t>();
                w[i][k] += a;
                w[k][i] += a;
            }
        }
        const auto d = w.sum(1);
        const auto inv = torch::where(d > 0, d.rsqrt(), torch::zeros_like(d));
        const auto S = inv.unsqueeze(1) * w * inv.unsqueeze(0);
        auto y = torch::zeros({n, classes}, torch::kFloat64);
        for (size_t j = 0; j < labelled.size(); ++j) y[labelled[j]][labels[j]] = 1;
        const auto f = (1 - s.alpha) * torch::linalg_solve(torch::eye(n, torch::kFloat64) - s.alpha * S, y);
        const auto sums = f.sum(1, true);
        const auto expected = torch::where(sums > 0, f / sums, torch::full_like(f, 1.0 / double(classes)));
        QVERIFY2(torch::allclose(shares.to(torch::kFloat64), expected, 1e-4, 1e-5),
                 qPrintable(QString::number((shares.to(torch::kFloat64) - expected).abs().max().item<double>())));
    }

    // Weights 1 - H / log C, the labelled image's given label, then each
    // class's total weight made equal (worked out below from the definition).
    void pseudoLabelsByHand() {
        const torch::Tensor shares = torch::tensor({1.0f, 0.0f, 0.5f, 0.5f, 0.8f, 0.2f}).view({3, 2});
        const PseudoLabels p = pseudoLabelsFrom(shares, {1}, {1});
        QCOMPARE(p.targets[0].item<int64_t>(), int64_t(0));
        QCOMPARE(p.targets[1].item<int64_t>(), int64_t(1));  // the given label, though the shares tie
        QCOMPARE(p.targets[2].item<int64_t>(), int64_t(0));
        const double w2 = 1 + (0.8 * std::log(0.8) + 0.2 * std::log(0.2)) / std::log(2.0);  // 0.2781
        const double class0 = 1 + w2, class1 = 1, mean = (class0 + class1) / 2;
        QVERIFY(std::abs(p.weights[0].item<double>() - mean / class0) < 1e-5);
        QVERIFY(std::abs(p.weights[1].item<double>() - mean / class1) < 1e-5);
        QVERIFY(std::abs(p.weights[2].item<double>() - w2 * mean / class0) < 1e-5);
        // A uniform row weighs nothing.
        const PseudoLabels u = pseudoLabelsFrom(torch::full({2, 4}, 0.25f), {0}, {3});
        QCOMPARE(u.weights[1].item<float>(), 0.0f);
    }

    // Images with weight 0 do not count: half the pool has wrong targets of
    // weight 0, and the model still learns the right classes. The same seed
    // trains the same parameters.
    void weightedTrainingIgnoresWeightlessTargets() {
        const int64_t n = pool_.size();
        torch::Tensor targets = pool_.labels.clone(), weights = torch::ones({n});
        for (int64_t i = 0; i < n; i += 2) {
            targets[i] = (pool_.labels[i].item<int64_t>() + 1) % 10;
            weights[i] = 0;
        }
        SemiSupervisedSettings s;
        s.steps = 100;
        s.batchSize = 32;
        auto train = [&](uint64_t seed) {
            torch::manual_seed(1);
            ClassifierPtr model = makeModel("lenet5", {shapeOf(pool_.images), 10});
            const TrainResult r = trainOnWeightedTargets(*model, pool_.images, targets, weights, s, seed);
            if (r.outcome != TrainOutcome::Finished || r.epochs.size() != 1) throw std::runtime_error("training did not finish");
            return model;
        };
        ClassifierPtr model = train(7);
        QVERIFY2(accuracyOf(*model, test_) > 0.95, qPrintable(QString::number(accuracyOf(*model, test_))));
        ClassifierPtr again = train(7);
        for (size_t i = 0; i < model->parameters().size(); ++i) QVERIFY(model->parameters()[i].equal(again->parameters()[i]));
        int calls = 0;
        torch::manual_seed(1);
        ClassifierPtr stopped = makeModel("lenet5", {shapeOf(pool_.images), 10});
        const TrainResult r = trainOnWeightedTargets(*stopped, pool_.images, targets, weights, s, 7, [&] { return ++calls > 3; });
        QVERIFY(r.outcome == TrainOutcome::Cancelled);
    }

    // One label for each of the ten classes: the supervised model knows ten
    // images; the semi-supervised one spreads them over the pool's graph
    // and learns every class.
    void oneLabelPerClassReachesThePool() {
        std::vector<int64_t> labelled, labels;
        for (int64_t c = 0; c < 10; ++c) {
            const int64_t i = pool_.labels.eq(c).nonzero()[0][0].item<int64_t>();
            labelled.push_back(i);
            labels.push_back(c);
        }
        const Neighbours graph = pixelGraph(pool_.images, 10, 1);
        SemiSupervisedRound round;
        round.model = "lenet5";
        round.classes = 10;
        round.images = pool_.images;
        round.graph = &graph;
        round.labelled = labelled;
        round.labels = labels;
        round.seed = 5;
        SemiSupervisedSettings s;
        s.passes = 2;  // the second spreading over the first network's graph, too
        s.steps = s.lastPassSteps = 50;
        s.batchSize = 32;
        const SemiSupervisedResult r = trainSemiSupervised(round, s);
        QVERIFY(r.training.outcome == TrainOutcome::Finished);
        QVERIFY2(accuracyOf(*r.model, test_) > 0.95, qPrintable(QString::number(accuracyOf(*r.model, test_))));
        const SemiSupervisedResult again = trainSemiSupervised(round, s);
        QCOMPARE(accuracyOf(*again.model, test_), accuracyOf(*r.model, test_));
    }

    // The typical cold start reads no label: a pool whose labels are all
    // hidden (-1) gets the same first images as the same pool with them.
    void coldStartNeverReadsALabel() {
        const TensorSet hidden{pool_.images, torch::full_like(pool_.labels, -1)};
        for (ColdStart start : {ColdStart::Typical, ColdStart::Random}) {
            QCOMPARE(firstLabelledSet(start, hidden, 10, 10, 4), firstLabelledSet(start, pool_, 10, 10, 4));
        }
        const TensorSet none{pool_.images, torch::Tensor()};
        QCOMPARE(firstLabelledSet(ColdStart::Typical, none, 10, 10, 4), firstLabelledSet(ColdStart::Typical, pool_, 10, 10, 4));
    }

    // The loop with --semi-supervised: a typical cold start of 10, rounds of
    // 10; resumed after its second round it repeats the uninterrupted
    // run's remaining rounds exactly.
    void loopLearnsFromThePoolAndResumes() {
        ActiveLearningConfig config;
        config.model = "lenet5";
        config.classes = 10;
        config.initial = 10;
        config.acquire = 10;
        config.budget = 40;
        config.poolSubset = 100;
        config.coldStart = ColdStart::Typical;
        config.semiSupervised = true;
        std::vector<ActiveLearningRound> seen;
        ActiveLearningCallbacks callbacks;
        callbacks.onRound = [&](const ActiveLearningRound& r) { seen.push_back(r); };
        const auto result = runActiveLearning(Strategy::Margin, config, pool_, test_, 3, callbacks);
        QCOMPARE(seen.size(), size_t(4));
        QCOMPARE(seen.back().labels, int64_t(40));
        std::vector<ActiveLearningRound> resumed;
        callbacks.onRound = [&](const ActiveLearningRound& r) { resumed.push_back(r); };
        const std::vector<int64_t> firstTwo(result.labelled.begin(), result.labelled.begin() + 20);
        const auto continued = runActiveLearning(Strategy::Margin, config, pool_, test_, 3, callbacks, firstTwo, {}, {},
                                                 {seen[0].kappa, seen[1].kappa});
        alx::test::compareWithUninterrupted(resumed, seen, 2);
        QCOMPARE(continued.labelled, result.labelled);
        // The semi-supervised rounds learnt the synthetic classes from 10 labels.
        QVERIFY2(seen[0].testAccuracy > 0.9, qPrintable(QString::number(seen[0].testAccuracy)));
    }
};

QTEST_GUILESS_MAIN(TestSemiSupervised)
#include "test_semi_supervised.moc"
