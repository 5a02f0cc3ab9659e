// Choosing without labels and labelling a pile: k-means, typicality and the
// typical cold start on points whose answer is worked out by hand, the
// relaxed fold deal, and the pile's loop with a scripted person (classes
// named as they come, skipped and unusable images, every answer handed out
// at once, a stop mid-batch resumed without asking an image twice).
#include <torch/torch.h>

#include "alx/active_learning/pile_loop.h"
#include "alx/active_learning/typical.h"
#include "alx/audit/stratified_folds.h"
#include "alx/data/dataset_loader.h"
#include "alx/util/errors.h"

#include <QtTest>

#include <algorithm>
#include <set>

using namespace alx;

namespace {

// A 5 x 5 grid of points, 0.1 apart, centred on (x, y): its centre is its most typical point.
torch::Tensor grid(float x, float y) {
    std::vector<float> v;
    for (int i = -2; i <= 2; ++i) {
        for (int j = -2; j <= 2; ++j) {
            v.push_back(x + 0.1f * float(i));
            v.push_back(y + 0.1f * float(j));
        }
    }
    return torch::tensor(v).view({25, 2});
}

constexpr int64_t kCentre = 12;  // row of a grid's centre

// A pile of three kinds of 28 x 28 images (a bright square in one of three
// places, with noise), `perClass` of each, in class order; its kind is its label.
struct Pile {
    torch::Tensor images;  // normalised
    std::vector<std::string> truth;
};

Pile makePile(int64_t perClass, uint64_t seed) {
    torch::manual_seed(seed);
    auto images = (torch::rand({3 * perClass, 1, 28, 28}) * 60).to(torch::kUInt8);
    Pile pile;
    const char* names[] = {"circle", "square", "star"};
    for (int64_t i = 0; i < 3 * perClass; ++i) {
        const int64_t c = i / perClass;
        images[i][0].slice(0, 2 + 8 * c, 10 + 8 * c).slice(1, 2 + 8 * c, 10 + 8 * c).fill_(250);
        pile.truth.push_back(names[c]);
    }
    pile.images = normaliseImages(images, torch::kCPU);
    return pile;
}

ActiveLearningConfig pileConfig() {
    ActiveLearningConfig c;
    c.model = "lenet5";
    c.initial = 3;
    c.acquire = 4;
    c.budget = 15;
    c.poolSubset = 0;
    c.mcSamples = 3;
    c.maxStepsPerRound = 15;
    c.coldStart = ColdStart::Typical;
    return c;
}

// Answers each pending image with its true kind, except those listed as skipped or unusable.
PileAnswer truthful(const Pile& pile, const PileQuery& q, const PileState& s, const std::set<int64_t>& skip = {},
                    const std::set<int64_t>& unusable = {}) {
    for (size_t row : q.rows) {
        const PileLabel& l = s.labels[row];
        if (l.status != LabelStatus::Pending) continue;
        if (skip.count(l.image)) return {int64_t(row), LabelStatus::Skipped, {}};
        if (unusable.count(l.image)) return {int64_t(row), LabelStatus::Unusable, {}};
        return {int64_t(row), LabelStatus::Labelled, pile.truth[size_t(l.image)]};
    }
    return {};
}

}  // namespace

class TestColdStart : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void typicalityByHand() {
        // 0, 1, 2, 3 and 100 on a line, 2 neighbours each: 0 -> (1 + 2) / 2, 1 -> (1 + 1) / 2,
        // 2 -> (1 + 1) / 2, 3 -> (1 + 2) / 2, 100 -> (97 + 98) / 2; typicality is the inverse.
        const auto t = typicality(torch::tensor({0.f, 1.f, 2.f, 3.f, 100.f}).view({5, 1}), 2);
        const float expected[] = {1 / 1.5f, 1.f, 1.f, 1 / 1.5f, 1 / 97.5f};
        for (int i = 0; i < 5; ++i) QVERIFY2(std::abs(t[i].item<float>() - expected[i]) < 1e-5, qPrintable(QString::number(i)));
        QCOMPARE(typicality(torch::zeros({1, 3})).item<float>(), 1.f);  // alone: 1
    }

    void kMeansFindsSeparatedGroups() {
        const auto x = torch::cat({grid(0, 0), grid(10, 0), grid(0, 10)});
        const Clustering c = kMeans(x, 3, 7);
        std::set<int64_t> clusters;
        for (int g = 0; g < 3; ++g) {
            const auto a = c.assignment.slice(0, 25 * g, 25 * (g + 1));
            QVERIFY(a.eq(a[0]).all().item<bool>());  // a grid is one cluster
            clusters.insert(a[0].item<int64_t>());
        }
        QCOMPARE(clusters.size(), size_t(3));  // and each its own
        QVERIFY_THROWS_EXCEPTION(InputError, kMeans(x, 76, 7));
    }

    void typicalImagesCoverTheGroupsByTheirCentres() {
        // Grids of 25, 25 and 25 points and a far outlier: three picks are the three centres,
        // never the outlier; with the first grid's centre chosen before, the other two.
        const auto x = torch::cat({grid(0, 0), grid(10, 0), grid(0, 10), torch::tensor({60.f, 60.f}).view({1, 2})});
        for (uint64_t seed : {0, 1, 2, 3}) {
            auto picks = typicalImages(x, 4, {}, seed);
            QCOMPARE(picks.size(), size_t(4));
            std::set<int64_t> first(picks.begin(), picks.begin() + 3);
            QCOMPARE(first, (std::set<int64_t>{kCentre, 25 + kCentre, 50 + kCentre}));
            picks = typicalImages(x, 2, {kCentre}, seed);
            QCOMPARE(std::set<int64_t>(picks.begin(), picks.end()), (std::set<int64_t>{25 + kCentre, 50 + kCentre}));
        }
        QCOMPARE(typicalImages(x, 100, {}, 0).size(), size_t(76));  // no more than there are
        QVERIFY(typicalImages(x, 3, {}, 5) == typicalImages(x, 3, {}, 5));  // seeded
    }

    void foldsDealtEvenWithSmallClasses() {
        const std::vector<int64_t> labels = {0, 0, 0, 0, 1, 2};  // classes of 1 refuse stratified folds
        QVERIFY_THROWS_EXCEPTION(InputError, stratifiedFolds(labels, 3, 0));
        const auto folds = dealtFolds(labels, 3, 0);
        std::vector<int> sizes(3, 0);
        for (int f : folds) ++sizes[size_t(f)];
        QCOMPARE(sizes, (std::vector<int>{2, 2, 2}));
        QVERIFY_THROWS_EXCEPTION(InputError, dealtFolds(labels, 7, 0));
    }

    void coldStartFeaturesShrinkLargeImages() {
        const auto f = coldStartFeatures(torch::rand({60, 3, 64, 48}));
        QCOMPARE(f.size(0), int64_t(60));
        QCOMPARE(f.size(1), int64_t(50));  // 3 x 24 x 24 pixels, projected on 50 components
    }

    void pileLabelledByAPerson() {
        const Pile pile = makePile(20, 1);
        PileState state;
        int changes = 0, rounds = 0;
        std::vector<std::vector<int64_t>> asked;  // images per round, as first shown
        PileCallbacks cb;
        const std::set<int64_t> skip = {0, 21}, unusable = {41};
        cb.nextAnswer = [&](const PileQuery& q, const PileState& s) {
            if (asked.size() <= size_t(q.round)) {
                asked.emplace_back();
                for (size_t row : q.rows) asked.back().push_back(s.labels[row].image);
            }
            return truthful(pile, q, s, skip, unusable);
        };
        cb.onChange = [&](const PileState&) { ++changes; };
        cb.onRound = [&](const ActiveLearningRound& r, const PileState& s) {
            ++rounds;
            QCOMPARE(r.labels, s.labelled());
            QVERIFY(r.testAccuracy >= 0 && r.testAccuracy <= 1);  // cross-validated: there is no test set
        };
        QVERIFY(labelPile(Strategy::Entropy, pileConfig(), {pile.images, {}, {}}, 3, state, cb));
        QCOMPARE(state.labelled(), int64_t(15));
        // The cold start's three images are one of each kind, chosen without a label.
        std::set<std::string> kinds;
        for (int64_t image : asked[0]) kinds.insert(pile.truth[size_t(image)]);
        QCOMPARE(kinds.size(), size_t(3));
        // Classes named in the order first given; no image shown twice; each answer handed out.
        QCOMPARE(state.classNames.size(), size_t(3));
        QCOMPARE(state.classNames[0], pile.truth[size_t(state.labels[0].image)]);
        std::set<int64_t> shown;
        int64_t skipped = 0, notUsable = 0;
        for (const PileLabel& l : state.labels) {
            QVERIFY(shown.insert(l.image).second);
            QVERIFY(l.status != LabelStatus::Pending);
            skipped += l.status == LabelStatus::Skipped;
            notUsable += l.status == LabelStatus::Unusable;
            if (l.status == LabelStatus::Labelled) QCOMPARE(l.className, pile.truth[size_t(l.image)]);
        }
        QCOMPARE(skipped + notUsable, int64_t(state.labels.size()) - 15);
        QCOMPARE(changes, int(state.labels.size()) + int(asked.size()) * 2);  // an answer and a done each, and a batch chosen per round
        QVERIFY(rounds >= 3);
    }

    // With semi-supervised rounds a pile's model learns from every image of
    // the pile too (the method is tested in test_semi_supervised); here the
    // wiring: the dataset's own labelled images come first in the pool, the
    // person's labels after them, so a label put on the wrong image would
    // show on the test set. The same seed labels and measures the same.
    void semiSupervisedPileLearnsFromThePool() {
        Pile pile = makePile(20, 5);
        const Pile known = makePile(1, 6), test = makePile(10, 7);
        // In a shuffled order, so that a label one place off is another kind's.
        const auto order = torch::randperm(60, torch::TensorOptions(torch::kInt64));
        pile.images = pile.images.index_select(0, order);
        std::vector<std::string> shuffled;
        for (int64_t i = 0; i < 60; ++i) shuffled.push_back(pile.truth[size_t(order[i].item<int64_t>())]);
        pile.truth = shuffled;
        const std::vector<std::string> names = {"circle", "square", "star"};
        auto labelsOf = [&](const Pile& p) {
            std::vector<int64_t> labels;
            for (const std::string& t : p.truth) labels.push_back(std::find(names.begin(), names.end(), t) - names.begin());
            return torch::tensor(labels, torch::kInt64);
        };
        const PileData data{pile.images, {known.images, labelsOf(known)}, {test.images, labelsOf(test)}};
        ActiveLearningConfig config = pileConfig();
        config.semiSupervised = true;
        config.budget = 6;
        auto label = [&](PileState& state, std::vector<double>& accuracy) {
            state.classNames = names;  // the folder's classes, as the job gives them
            PileCallbacks cb;
            cb.nextAnswer = [&](const PileQuery& q, const PileState& s) { return truthful(pile, q, s); };
            cb.onRound = [&](const ActiveLearningRound& r, const PileState&) { accuracy.push_back(r.testAccuracy); };
            return labelPile(Strategy::Margin, config, data, 8, state, cb);
        };
        PileState first, second;
        std::vector<double> accuracy, again;
        QVERIFY(label(first, accuracy));
        QVERIFY(label(second, again));
        QCOMPARE(first.labelled(), int64_t(6));
        QCOMPARE(accuracy.size(), size_t(2));
        for (double a : accuracy) QCOMPARE(a, 1.0);
        QCOMPARE(again, accuracy);
        for (size_t i = 0; i < first.labels.size(); ++i) QCOMPARE(second.labels[i].image, first.labels[i].image);
    }

    void stoppedMidBatchResumesWithoutAskingTwice() {
        const Pile pile = makePile(20, 2);
        const PileData data{pile.images, {}, {}};
        PileState state;
        int answers = 0;
        PileCallbacks cb;
        cb.nextAnswer = [&](const PileQuery& q, const PileState& s) {
            if (answers == 5) throw Cancelled();  // the window closes after five answers: three, done, one of the next
            ++answers;
            return truthful(pile, q, s);
        };
        QVERIFY(!labelPile(Strategy::Margin, pileConfig(), data, 4, state, cb));
        QCOMPARE(state.labelled(), int64_t(4));
        const int64_t pending = std::count_if(state.labels.begin(), state.labels.end(),
                                              [](const PileLabel& l) { return l.status == LabelStatus::Pending; });
        QCOMPARE(pending, int64_t(3));
        const std::vector<PileLabel> before = state.labels;
        std::vector<int64_t> resumedAsk;
        cb.nextAnswer = [&](const PileQuery& q, const PileState& s) {
            if (resumedAsk.empty()) {
                for (size_t row : q.rows) resumedAsk.push_back(s.labels[row].image);
            }
            return truthful(pile, q, s);
        };
        QVERIFY(labelPile(Strategy::Margin, pileConfig(), data, 4, state, cb));
        // The batch asked first is the one stopped in, its answer kept.
        QCOMPARE(resumedAsk.size(), size_t(4));
        for (size_t i = 0; i < before.size(); ++i) {
            QCOMPARE(state.labels[i].image, before[i].image);
            if (before[i].status != LabelStatus::Pending) QCOMPARE(state.labels[i].className, before[i].className);
        }
        QCOMPARE(state.labelled(), int64_t(15));
    }

    void badAnswersRefused() {
        const Pile pile = makePile(5, 3);
        PileState state;
        PileCallbacks cb;
        cb.nextAnswer = [](const PileQuery&, const PileState&) { return PileAnswer{99, LabelStatus::Labelled, "x"}; };
        QVERIFY_THROWS_EXCEPTION(InputError, labelPile(Strategy::Random, pileConfig(), {pile.images, {}, {}}, 0, state, cb));
        cb.nextAnswer = [](const PileQuery& q, const PileState&) { return PileAnswer{int64_t(q.rows[0]), LabelStatus::Labelled, ""}; };
        state = {};
        QVERIFY_THROWS_EXCEPTION(InputError, labelPile(Strategy::Random, pileConfig(), {pile.images, {}, {}}, 0, state, cb));
    }
};

QTEST_GUILESS_MAIN(TestColdStart)
#include "test_cold_start.moc"
