// Active learning: each strategy's choice on inputs where the right answer
// is known, and the loop's bookkeeping (no image twice, disjoint sets,
// budget, rounds in order, resume, a human labeller).
#include <torch/torch.h>

#include "alx/active_learning/acquisition.h"
#include "alx/active_learning/learning_curve.h"
#include "alx/active_learning/loop.h"
#include "alx/active_learning/stopping.h"
#include "alx/data/dataset_loader.h"
#include "alx/models/model_registry.h"
#include "alx/util/errors.h"
#include "resumed_rounds.h"
#include "synthetic_sets.h"
#include "test_support.h"

#include <QtTest>

#include <cmath>
#include <random>
#include <set>

using namespace alx;

namespace {

// A stand-in classifier whose outputs are a table: the image's first pixel
// holds its row number. Its head "drops out" by alternating, for the rows
// marked unstable, between two confident but different predictions.
class TableModel : public Classifier {
public:
    TableModel(torch::Tensor probabilities, torch::Tensor embeddings, std::vector<bool> unstable)
        : Classifier("table"), p_(std::move(probabilities)), e_(std::move(embeddings)), unstable_(std::move(unstable)) {}

    ModelOutput forward(const torch::Tensor& images) override { return head(trunk(images)); }
    torch::Tensor trunk(const torch::Tensor& images) override { return images.flatten(1).select(1, 0).round().to(torch::kInt64); }
    ModelOutput head(const torch::Tensor& rows) override {
        auto p = p_.index_select(0, rows).clone();
        if (is_training()) {
            ++calls_;
            for (int64_t i = 0; i < rows.size(0); ++i) {
                if (unstable_[size_t(rows[i].item<int64_t>())]) {
                    p[i] = torch::zeros({p_.size(1)});
                    p[i][calls_ % 2] = 1.0;
                }
            }
        }
        return {p.clamp_min(1e-12).log(), e_.index_select(0, rows)};
    }
    bool hasDropoutHead() const override { return true; }
    int64_t embeddingDim() const override { return e_.size(1); }

private:
    torch::Tensor p_, e_;
    std::vector<bool> unstable_;
    int calls_ = 0;
};

torch::Tensor rowsAsImages(int64_t n) {
    auto images = torch::zeros({n, 1, 28, 28});
    for (int64_t i = 0; i < n; ++i) images[i][0][0][0] = float(i);
    return images;
}

// A loop on the synthetic pool that runs in seconds: 20 initial labels, 10
// a round, 100 candidates scored, 20 training steps, up to `budget` labels.
std::vector<torch::Tensor> parametersOf(Classifier& model) {
    std::vector<torch::Tensor> out;
    for (const auto& p : model.parameters()) out.push_back(p.detach().clone());
    return out;
}

double largestDifference(const std::vector<torch::Tensor>& a, const std::vector<torch::Tensor>& b) {
    double largest = 0;
    for (size_t i = 0; i < a.size(); ++i) largest = std::max(largest, (a[i] - b[i]).abs().max().item<double>());
    return largest;
}

ActiveLearningConfig smallLoop(int64_t budget) {
    ActiveLearningConfig config;
    config.classes = 10;
    config.initial = 20;
    config.acquire = 10;
    config.budget = budget;
    config.poolSubset = 100;
    config.maxStepsPerRound = 20;
    return config;
}

std::vector<int64_t> chosen(Strategy s, TableModel& model, int64_t count, const torch::Tensor& labelled = {}) {
    AcquisitionInput in;
    in.model = &model;
    in.candidateImages = rowsAsImages(5);
    in.labelledImages = labelled.defined() ? labelled : torch::zeros({0, 1, 28, 28});
    in.count = count;
    in.mcSamples = 4;
    in.neighbours = 2;
    const auto picks = acquire(s, in).chosen;
    std::vector<int64_t> out;
    for (int64_t i = 0; i < picks.size(0); ++i) out.push_back(picks[i].item<int64_t>());
    return out;
}

}  // namespace

class TestActiveLearning : public QObject {
    Q_OBJECT

    // Five candidates, three classes:
    // 0 certain; 1 split between two classes (low margin, mid entropy);
    // 2 spread over all three (highest entropy, lowest max p);
    // 3 certain but unstable under dropout; 4 certain, far away in feature space.
    std::unique_ptr<TableModel> model_;
    TensorSet pool_, test_;

private slots:
    void initTestCase() {
        const auto p = torch::tensor({0.98f, 0.01f, 0.01f,  //
                                      0.52f, 0.47f, 0.01f,  //
                                      0.34f, 0.33f, 0.33f,  //
                                      0.97f, 0.02f, 0.01f,  //
                                      0.96f, 0.02f, 0.02f})
                           .view({5, 3});
        const auto e = torch::tensor({1.0f, 0.0f, 1.0f, 0.1f, 1.0f, 0.2f, 1.0f, 0.3f, 0.0f, 5.0f}).view({5, 2});
        model_ = std::make_unique<TableModel>(p, e, std::vector<bool>{false, false, false, true, false});

        std::tie(pool_, test_) = alx::test::syntheticSets(500, 200);
    }

    void names() {
        for (Strategy s : allStrategies()) {
            QCOMPARE(parseStrategy(strategyName(s)), s);
            QVERIFY(!strategyDescription(s).empty());
        }
        QVERIFY_THROWS_EXCEPTION(InputError, parseStrategy("badge"));
        QCOMPARE(allStrategies().size(), size_t(9));
    }

    void uncertaintyStrategiesPickTheKnownImages() {
        QCOMPARE(chosen(Strategy::LeastConfidence, *model_, 1), std::vector<int64_t>{2});
        QCOMPARE(chosen(Strategy::Entropy, *model_, 2), (std::vector<int64_t>{2, 1}));
        QCOMPARE(chosen(Strategy::Margin, *model_, 1), std::vector<int64_t>{2});  // 0.34 - 0.33
        QCOMPARE(chosen(Strategy::Margin, *model_, 2), (std::vector<int64_t>{2, 1}));
    }

    void monteCarloStrategiesPickTheUnstableImage() {
        QCOMPARE(chosen(Strategy::Bald, *model_, 1), std::vector<int64_t>{3});
        QCOMPARE(chosen(Strategy::VariationRatios, *model_, 1), std::vector<int64_t>{3});
        // By hand: a row voting 1,0,1,0 over four passes has mean (0.5, 0.5):
        // BALD = ln 2 - 0, variation ratio = 1 - 2/4.
        const auto mc = torch::tensor({1.0f, 0.0f, 0.0f, 1.0f, 1.0f, 0.0f, 0.0f, 1.0f}).view({4, 1, 2});
        QVERIFY(std::abs(baldScores(mc)[0].item<float>() - std::log(2.0f)) < 1e-6);
        QVERIFY(std::abs(variationRatios(mc)[0].item<float>() - 0.5f) < 1e-6);
        const auto steady = torch::tensor({0.7f, 0.3f, 0.7f, 0.3f}).view({2, 1, 2});
        QVERIFY(std::abs(baldScores(steady)[0].item<float>()) < 1e-6);
        QCOMPARE(variationRatios(steady)[0].item<float>(), 0.0f);
    }

    void coresetSpreadsOverTheEmbedding() {
        // Points on a line at 0, 1, 2 and 10, a centre at 0: first 10 (distance 10),
        // then 2 (2 from its nearest centre, against 1 for the point at 1).
        const auto points = torch::tensor({0.0f, 1.0f, 2.0f, 10.0f}).view({4, 1});
        const auto picks = kCenterGreedy(points, torch::zeros({1, 1}), 2);
        QCOMPARE(picks[0].item<int64_t>(), int64_t(3));
        QCOMPARE(picks[1].item<int64_t>(), int64_t(2));
        // With the table model: image 4 is far from everything labelled (image 0).
        QCOMPARE(chosen(Strategy::Coreset, *model_, 1, rowsAsImages(1)), std::vector<int64_t>{4});
    }

    void klNeighboursPicksTheImageUnlikeItsNeighbours() {
        // Two clusters by angle: images 0, 1, 2 at 0, 5 and 12 degrees, images 3
        // and 4 at 80 and 88. Image 2 predicts class 1 while its neighbours (1 and
        // 0) are sure of class 0: KL(q || p) = 0.975 ln(0.975/0.01) + ... = 4.40,
        // against at most 1.62 for the others (worked out by hand).
        auto angle = [](float degrees) {
            const float r = degrees * float(M_PI) / 180.0f;
            return std::vector<float>{std::cos(r), std::sin(r)};
        };
        std::vector<float> e;
        for (float a : {0.0f, 5.0f, 12.0f, 80.0f, 88.0f}) {
            const auto v = angle(a);
            e.insert(e.end(), v.begin(), v.end());
        }
        const auto p = torch::tensor({0.98f, 0.01f, 0.01f, 0.97f, 0.02f, 0.01f, 0.01f, 0.98f, 0.01f,  //
                                      0.01f, 0.01f, 0.98f, 0.02f, 0.01f, 0.97f})
                           .view({5, 3});
        TableModel clusters(p, torch::tensor(e).view({5, 2}), std::vector<bool>(5, false));
        QCOMPARE(chosen(Strategy::KlNeighbours, clusters, 1), std::vector<int64_t>{2});
    }

    void hybridTakesUncertainButSpreadImages() {
        // Shortlist = top 10 x 1 by entropy = all five; k-center from labelled image 0 picks the farthest: 4.
        QCOMPARE(chosen(Strategy::EntropyCoreset, *model_, 1, rowsAsImages(1)), std::vector<int64_t>{4});
        const auto two = chosen(Strategy::Random, *model_, 3);
        QCOMPARE(std::set<int64_t>(two.begin(), two.end()).size(), size_t(3));
    }

    void loopBookkeeping() {
        ActiveLearningConfig config = smallLoop(55);
        config.mcSamples = 3;
        config.warmSteps = 0;  // every round from scratch: a resumed repeat retrains its last round's model
        std::vector<ActiveLearningRound> seen;
        ActiveLearningCallbacks callbacks;
        callbacks.onRound = [&](const ActiveLearningRound& r) { seen.push_back(r); };
        const auto result = runActiveLearning(Strategy::Bald, config, pool_, test_, 11, callbacks);
        QVERIFY(!result.cancelled);
        // 20, 30, 40, 50, then the last 5 to reach the budget exactly.
        std::vector<int64_t> labels;
        for (const auto& r : seen) labels.push_back(r.labels);
        QCOMPARE(labels, (std::vector<int64_t>{20, 30, 40, 50, 55}));
        QCOMPARE(result.labelled.size(), size_t(55));
        QCOMPARE(std::set<int64_t>(result.labelled.begin(), result.labelled.end()).size(), size_t(55));  // none twice
        // The initial set is balanced: two of each class.
        std::vector<int> perClass(10, 0);
        for (size_t i = 0; i < 20; ++i) ++perClass[size_t(pool_.labels[result.labelled[i]].item<int64_t>())];
        QCOMPARE(perClass, std::vector<int>(10, 2));
        // Each round's acquisitions are exactly what was appended, in order.
        size_t at = 20;
        for (size_t r = 1; r < seen.size(); ++r) {
            for (int64_t a : seen[r].acquired) QCOMPARE(result.labelled[at++], a);
            QCOMPARE(seen[r].acquiredScores.size(), seen[r].acquired.size());
            QCOMPARE(seen[r].round, int(r));
        }
        for (const auto& r : seen) QVERIFY(r.testAccuracy >= 0 && r.testAccuracy <= 1);
        // Kappa from the second round on: the first has no round before it.
        QVERIFY(!seen[0].kappa);
        for (size_t r = 1; r < seen.size(); ++r) QVERIFY(seen[r].kappa && *seen[r].kappa >= -1 && *seen[r].kappa <= 1);

        // Resuming after round 2 reproduces the rest of the uninterrupted run.
        std::vector<int64_t> resumeFrom(result.labelled.begin(), result.labelled.begin() + 40);
        std::vector<ActiveLearningRound> resumed;
        callbacks.onRound = [&](const ActiveLearningRound& r) { resumed.push_back(r); };
        const auto continued = runActiveLearning(Strategy::Bald, config, pool_, test_, 11, callbacks, resumeFrom);
        // The first resumed round's kappa compares with the retrained round 2, as the uninterrupted run's did.
        alx::test::compareWithUninterrupted(resumed, seen, 3);
        QCOMPARE(continued.labelled, result.labelled);
    }

    // A warm-started round continues from the last round's model for at
    // most warmSteps steps; resumed with that model (as the job saves it),
    // a repeat goes on exactly as the uninterrupted one.
    void warmStartContinuesAndResumesExactly() {
        ActiveLearningConfig config = smallLoop(50);
        config.warmSteps = 1;
        std::vector<std::vector<torch::Tensor>> models;
        std::vector<int64_t> modelLabels;
        std::vector<ActiveLearningRound> seen;
        ActiveLearningCallbacks callbacks;
        callbacks.onRoundModel = [&](Classifier& model, int64_t labels) {
            models.push_back(parametersOf(model));
            modelLabels.push_back(labels);
        };
        callbacks.onRound = [&](const ActiveLearningRound& r) { seen.push_back(r); };
        const auto result = runActiveLearning(Strategy::Entropy, config, pool_, test_, 5, callbacks);
        QCOMPARE(modelLabels, (std::vector<int64_t>{20, 30, 40, 50}));
        // One Adam step moves no parameter by more than the learning rate
        // (its first step is lr * g / (|g| + eps)); a new model would differ everywhere.
        for (size_t r = 1; r < models.size(); ++r) {
            const double moved = largestDifference(models[r], models[r - 1]);
            QVERIFY2(moved > 0 && moved <= config.learningRate * 1.001, qPrintable(QString::number(moved)));
        }
        ActiveLearningConfig scratch = smallLoop(30);
        scratch.warmSteps = 0;
        std::vector<std::vector<torch::Tensor>> fresh;
        ActiveLearningCallbacks none;
        none.onRoundModel = [&](Classifier& model, int64_t) { fresh.push_back(parametersOf(model)); };
        runActiveLearning(Strategy::Entropy, scratch, pool_, test_, 5, none);
        QVERIFY(fresh.empty());  // nothing continues from a model trained from scratch

        // Resumed after the round of 30 labels with that round's model.
        ClassifierPtr saved = makeModel(config.model, {shapeOf(pool_.images), config.classes});
        {
            torch::NoGradGuard noGrad;
            auto parameters = saved->parameters();
            for (size_t i = 0; i < parameters.size(); ++i) parameters[i].copy_(models[1][i]);
        }
        std::vector<ActiveLearningRound> resumed;
        callbacks.onRound = [&](const ActiveLearningRound& r) { resumed.push_back(r); };
        const std::vector<int64_t> resumeFrom(result.labelled.begin(), result.labelled.begin() + 30);
        const auto continued =
            runActiveLearning(Strategy::Entropy, config, pool_, test_, 5, callbacks, resumeFrom, {}, {}, {}, saved);
        alx::test::compareWithUninterrupted(resumed, seen, 2);
        QCOMPARE(continued.labelled, result.labelled);
    }

    // Cohen's kappa on a case worked by hand, at its extremes, and against
    // the confusion-matrix form of the same statistic on random labellings.
    void kappaAgreesWithItsDefinition() {
        // Observed agreement 4/6; chance (1/3)(2/6) + (1/3)(3/6) + (1/3)(1/6) = 1/3; (2/3 - 1/3) / (2/3) = 0.5.
        QCOMPARE(cohensKappa({0, 0, 1, 1, 2, 2}, {0, 1, 1, 1, 2, 0}, 3), 0.5);
        QCOMPARE(cohensKappa({0, 1, 2, 2}, {0, 1, 2, 2}, 3), 1.0);
        QCOMPARE(cohensKappa({0, 1}, {1, 0}, 2), -1.0);
        QCOMPARE(cohensKappa({4, 4, 4}, {4, 4, 4}, 5), 1.0);  // one class on both sides: full agreement
        QCOMPARE(cohensKappa({4, 4, 4}, {4, 4, 1}, 5), 0.0);  // agreement 2/3 is what chance gives
        QVERIFY_THROWS_EXCEPTION(InputError, cohensKappa({0, 1}, {0}, 2));
        QVERIFY_THROWS_EXCEPTION(InputError, cohensKappa({}, {}, 2));
        QVERIFY_THROWS_EXCEPTION(InputError, cohensKappa({0, 2}, {0, 1}, 2));
        std::mt19937 random(7);
        for (int trial = 0; trial < 20; ++trial) {
            const int64_t classes = 2 + trial % 9, n = 50 + 37 * trial;
            std::vector<int64_t> a(static_cast<size_t>(n)), b(static_cast<size_t>(n));
            std::vector<std::vector<double>> confusion(size_t(classes), std::vector<double>(size_t(classes), 0));
            for (int64_t i = 0; i < n; ++i) {
                a[size_t(i)] = int64_t(random() % uint64_t(classes));
                // Agree about two times in three, else any class.
                b[size_t(i)] = random() % 3 ? a[size_t(i)] : int64_t(random() % uint64_t(classes));
                confusion[size_t(a[size_t(i)])][size_t(b[size_t(i)])] += 1;
            }
            double diagonal = 0, chance = 0;
            for (int64_t c = 0; c < classes; ++c) {
                double row = 0, column = 0;
                for (int64_t d = 0; d < classes; ++d) {
                    row += confusion[size_t(c)][size_t(d)];
                    column += confusion[size_t(d)][size_t(c)];
                }
                diagonal += confusion[size_t(c)][size_t(c)];
                chance += row * column;
            }
            const double expected = (double(n) * diagonal - chance) / (double(n) * double(n) - chance);
            QVERIFY2(std::abs(cohensKappa(a, b, classes) - expected) < 1e-12, qPrintable(QString::number(trial)));
        }
    }

    // The rule stops where kappa has been at the threshold three rounds in a
    // row; the summary gives the median stop over repeats.
    void stoppingRuleAndItsSummary() {
        using K = std::optional<double>;
        QCOMPARE(stopPosition({K(), K(0.995), K(0.98), K(0.991), K(0.99), K(0.999), K(0.999)}, 0.99), std::optional<size_t>(5));
        QCOMPARE(stopPosition({K(), K(0.995), K(0.995), K(), K(0.995)}, 0.99), std::optional<size_t>());
        QCOMPARE(stopPosition({K(), K(0.8), K(0.85), K(0.9)}, 0.8), std::optional<size_t>(3));
        // Three repeats of entropy: one stops at 50 labels, one at 60, one never.
        const Strategy e = Strategy::Entropy;
        std::vector<CurveRow> rows;
        const std::vector<std::vector<double>> kappas = {{0.5, 0.995, 0.999, 0.991, 0.2, 0.993},
                                                         {0.995, 0.9, 0.999, 0.999, 0.999, 0.999},
                                                         {0.5, 0.5, 0.5, 0.5, 0.5, 0.5}};
        for (int repeat = 0; repeat < 3; ++repeat) {
            rows.push_back({e, repeat, 10, 0.3, 0.1, std::nullopt});
            for (int round = 0; round < 6; ++round) {
                rows.push_back({e, repeat, 20 + 10 * round, 0.5 + 0.01 * round + 0.1 * repeat, 0.1, kappas[size_t(repeat)][size_t(round)]});
            }
        }
        const auto stops = stopRows(rows, e, 3, 0.99);
        QCOMPARE(stops.size(), size_t(3));
        QCOMPARE(stops[0]->labels, int64_t(50));  // 0.995, 0.999, 0.991 at 30, 40, 50 labels
        QCOMPARE(stops[1]->labels, int64_t(60));  // 0.999 at 40, 50, 60
        QVERIFY(!stops[2]);
        const StrategySummary s = summariseCurve(rows, {e}, 3, 0.99)[0];
        QCOMPARE(*s.labelsAtStop, 60.0);  // the median of 50, 60 and never
        QCOMPARE(*s.labelsAtStopSpread.least, 50.0);
        QVERIFY(!s.labelsAtStopSpread.most);
        QVERIFY(std::abs(*s.accuracyAtStop - (0.5 + 0.03 + 0.5 + 0.04 + 0.1) / 2) < 1e-12);  // the two that stopped
        // At a lower threshold the third repeat stops too, at its third kappa.
        QCOMPARE(summariseCurve(rows, {e}, 3, 0.5)[0].labelsAtStop, std::optional<double>(40));
    }

    // --stop-at-kappa ends a repeat where the rule holds, and a resumed
    // repeat that had stopped there has nothing left to do.
    void stopsWhenPredictionsSettle() {
        ActiveLearningConfig config = smallLoop(150);
        config.stopAtKappa = 0.5;
        std::vector<ActiveLearningRound> seen;
        ActiveLearningCallbacks callbacks;
        callbacks.onRound = [&](const ActiveLearningRound& r) { seen.push_back(r); };
        const auto result = runActiveLearning(Strategy::Entropy, config, pool_, test_, 5, callbacks);
        std::vector<std::optional<double>> kappas;
        for (const auto& r : seen) kappas.push_back(r.kappa);
        QVERIFY2(result.stoppedByKappa, "the models never agreed at kappa 0.5: the test proves nothing");
        QCOMPARE(stopPosition(kappas, 0.5), std::optional<size_t>(seen.size() - 1));
        QVERIFY(seen.back().labels < config.budget);
        QCOMPARE(int64_t(result.labelled.size()), seen.back().labels);
        std::vector<ActiveLearningRound> more;
        callbacks.onRound = [&](const ActiveLearningRound& r) { more.push_back(r); };
        const auto again = runActiveLearning(Strategy::Entropy, config, pool_, test_, 5, callbacks, result.labelled,
                                             result.labels, {}, kappas);
        QVERIFY(again.stoppedByKappa);
        QVERIFY(more.empty());
        QCOMPARE(again.labelled, result.labelled);
        QCOMPARE(loopOptionsText(config), std::string("cold start balanced, stop at kappa 0.500"));
        config.semiSupervised = true;
        config.coldStart = ColdStart::Typical;
        QCOMPARE(loopOptionsText(config), std::string("cold start typical, semi-supervised, stop at kappa 0.500"));
        config.semiSupervised = false;
        config.stopAtKappa = 0;
        config.warmSteps = 0;
        QCOMPARE(loopOptionsText(config), std::string("cold start typical, from scratch each round"));
        config.warmSteps = 25;
        QCOMPARE(loopOptionsText(config), std::string("cold start typical, warm start 25 steps"));
        // A sweep's values named instead of the config's: warm starts still
        // said, for its supervised tasks; a semi-supervised one starts afresh.
        QCOMPARE(loopOptionsText(config, {ColdStart::Random}, {true, false}),
                 std::string("cold start random, semi-supervised yes,no, warm start 25 steps"));
        QCOMPARE(loopOptionsText(config, {}, {true}), std::string("cold start typical, semi-supervised"));
        QCOMPARE(parseYesNo("Yes", "f"), true);
        QCOMPARE(parseYesNo("off", "f"), false);
        try {
            parseYesNo("maybe", "semi_supervised");
            QFAIL("'maybe' read as yes or no");
        } catch (const InputError& e) {
            QCOMPARE(e.field(), std::string("semi_supervised"));
            QVERIFY2(std::string(e.what()).find("'maybe'") != std::string::npos, e.what());
        }
        config.warmSteps = -1;
        QVERIFY_THROWS_EXCEPTION(InputError, runActiveLearning(Strategy::Entropy, config, pool_, test_, 5));
        config.warmSteps = 50;
        config.stopAtKappa = 1.5;
        QVERIFY_THROWS_EXCEPTION(InputError, runActiveLearning(Strategy::Entropy, config, pool_, test_, 5));
    }

    void stopsBetweenRoundsAndHonoursAHumanLabeller() {
        ActiveLearningConfig config;
        config.classes = 10;
        config.budget = 40;
        config.poolSubset = 50;
        config.maxStepsPerRound = 10;
        int rounds = 0;
        std::vector<ActiveLearningRound> seen;
        ActiveLearningCallbacks callbacks;
        callbacks.onRound = [&](const ActiveLearningRound& r) {
            ++rounds;
            seen.push_back(r);
        };
        callbacks.shouldStop = [&] { return rounds >= 2; };
        std::vector<std::vector<int64_t>> asked;
        callbacks.labeller = [&](const std::vector<int64_t>& images) {
            asked.push_back(images);
            return std::vector<int64_t>(images.size(), 7);  // the person says 7 to everything
        };
        const auto result = runActiveLearning(Strategy::Entropy, config, pool_, test_, 3, callbacks);
        QVERIFY(result.cancelled);
        QCOMPARE(rounds, 2);
        QCOMPARE(asked.size(), size_t(2));  // asked after rounds 0 and 1
        QCOMPARE(asked[0].size(), size_t(10));

        // The person's labels are the ones trained with, not the dataset's.
        QCOMPARE(seen[1].acquired, asked[0]);
        QCOMPARE(seen[1].acquiredLabels, std::vector<int64_t>(10, 7));
        int trulySeven = 0;
        for (int64_t i : asked[0]) trulySeven += pool_.labels[i].item<int64_t>() == 7;
        QVERIFY2(trulySeven < 10, "the test needs images that are not all sevens");
        QCOMPARE(result.labelled.size(), size_t(40));
        QCOMPARE(result.labels.size(), size_t(40));
        for (size_t j = 0; j < 20; ++j) QCOMPARE(result.labels[j], pool_.labels[result.labelled[j]].item<int64_t>());
        for (size_t j = 20; j < 40; ++j) QCOMPARE(result.labels[j], int64_t(7));

        // Resumed with those labels, the next round still trains with them and
        // reports them back; without a labeller, new images get the dataset's.
        config.budget = 50;
        ActiveLearningCallbacks resume;
        const auto continued =
            runActiveLearning(Strategy::Entropy, config, pool_, test_, 3, resume, result.labelled, result.labels);
        QCOMPARE(continued.labelled.size(), size_t(50));
        for (size_t j = 20; j < 40; ++j) QCOMPARE(continued.labels[j], int64_t(7));
        for (size_t j = 40; j < 50; ++j) QCOMPARE(continued.labels[j], pool_.labels[continued.labelled[j]].item<int64_t>());
    }

    void modelsWithoutDropoutRefuseMonteCarloStrategies() {
        ActiveLearningConfig config;
        config.classes = 10;
        config.model = "lenet5";
        QVERIFY_THROWS_EXCEPTION(InputError, runActiveLearning(Strategy::Bald, config, pool_, test_, 0));
        QVERIFY_THROWS_EXCEPTION(InputError, initialLabelledSet(pool_.labels, 15, 10, 0));  // not balanced
    }
};

QTEST_GUILESS_MAIN(TestActiveLearning)
#include "test_active_learning.moc"
