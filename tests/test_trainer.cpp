// The trainer on a small learnable dataset: it learns, it is reproducible
// from its seed, it stops when asked, it catches a NaN loss, and the
// evaluator's accuracy and confusion matrix agree with each other.
#include <torch/torch.h>

#include "alx/data/dataset_loader.h"
#include "alx/scoring/evaluator.h"
#include "alx/training/flat_optimiser.h"
#include "alx/models/model_registry.h"
#include "alx/storage/weights_file.h"
#include "alx/training/trainer.h"
#include "training/split_gradients.h"
#include "synthetic_sets.h"
#include "test_support.h"

#include <QFileInfo>
#include <QScopeGuard>
#include <QTemporaryDir>
#include <QtTest>

using namespace alx;

// MNIST's images and classes, for the models these tests build.
static const ImageShape kMnistShape{1, 28, 28};
static const ModelInput kMnistInput{kMnistShape, 10};

class TestTrainer : public QObject {
    Q_OBJECT

    TensorSet train_, test_;

    TrainConfig quickConfig(int epochs = 3) const {
        TrainConfig config;
        config.optimiser = OptimiserKind::Adam;
        config.learningRate = 1e-3;
        config.batchSize = 32;
        config.epochs = epochs;
        config.seed = 7;
        config.lossReadInterval = 4;
        return config;
    }

    std::vector<double> lossesOf(const TrainResult& result) const {
        std::vector<double> losses;
        for (const auto& e : result.epochs) losses.push_back(e.meanLoss);
        return losses;
    }

private slots:
    void initTestCase() {
        std::tie(train_, test_) = alx::test::syntheticSets(600, 200);
    }

    void learnsAndReportsEveryEpoch() {
        torch::manual_seed(0);
        auto model = makeModel("lenet5", kMnistInput);
        int epochCalls = 0, batchCalls = 0;
        TrainCallbacks callbacks;
        callbacks.onEpoch = [&](const EpochReport& e) {
            ++epochCalls;
            QCOMPARE(e.epoch, epochCalls);
            QVERIFY(e.seconds > 0);
        };
        callbacks.onBatch = [&](const BatchReport& b) {
            ++batchCalls;
            QCOMPARE(b.batches, int64_t(19));  // ceil(600 / 32)
            QVERIFY(std::isfinite(b.recentLoss));
        };
        const TrainResult result = trainModel(*model, train_, {}, quickConfig(3), callbacks);
        QCOMPARE(result.outcome, TrainOutcome::Finished);
        QCOMPARE(epochCalls, 3);
        QCOMPARE(batchCalls, 3 * 5);  // every 4 batches and at each epoch's end: 4,8,12,16,19
        const auto losses = lossesOf(result);
        QVERIFY2(losses.back() < losses.front() * 0.5, "the loss did not fall");

        const Evaluation eval = evaluateModel(*model, test_, 64);
        QVERIFY2(eval.accuracy > 0.9, qPrintable(QString::number(eval.accuracy)));
        QCOMPARE(eval.probabilities.sizes().vec(), (std::vector<int64_t>{200, 10}));
        QCOMPARE(eval.embeddings.sizes().vec(), (std::vector<int64_t>{200, 84}));
        QVERIFY(torch::allclose(eval.probabilities.sum(1), torch::ones({200})));
        QCOMPARE(eval.confusion.sum().item<int64_t>(), int64_t(200));
        QCOMPARE(eval.confusion.diagonal().sum().item<double>() / 200.0, eval.accuracy);
        // Row = true label: row sums are the label counts.
        QVERIFY(torch::equal(eval.confusion.sum(1), torch::bincount(test_.labels, {}, 10)));
    }

    void sameSeedSameLosses() {
        auto run = [&](uint64_t seed) {
            torch::manual_seed(0);
            auto model = makeModel("lenet5", kMnistInput);
            auto config = quickConfig(2);
            config.seed = seed;
            return lossesOf(trainModel(*model, train_, {}, config));
        };
        QCOMPARE(run(7), run(7));
        QVERIFY(run(7) != run(8));  // the seed drives the shuffling
    }

    // Training with explicit gradients lands where autograd's training does
    // (net with SGD at batch 4, lenet5 with Adam at batch 32), on one thread
    // and on two, where lenet5's batches are split across them
    // (SplitGradients; net's batch of 4 is too small to split).
    void explicitGradientsTrainLikeAutograd_data() {
        QTest::addColumn<QString>("name");
        QTest::addColumn<int>("threads");
        for (const char* name : {"net", "lenet5"}) {
            QTest::addRow("%s, 1 thread", name) << name << 1;
            QTest::addRow("%s, 2 threads", name) << name << 2;
        }
    }
    void explicitGradientsTrainLikeAutograd() {
        QFETCH(QString, name);
        QFETCH(int, threads);
        const int previousThreads = torch::get_num_threads();
        torch::set_num_threads(threads);
        const auto restore = qScopeGuard([previousThreads] { torch::set_num_threads(previousThreads); });
        const ModelInfo& info = modelInfo(name.toStdString());
        auto train = [&](bool explicitGradients) {
            torch::manual_seed(0);
            auto model = makeModel(name.toStdString(), kMnistInput);
            auto config = quickConfig(2);
            config.optimiser = info.preset.optimiser;
            config.learningRate = info.preset.learningRate;
            config.momentum = info.preset.momentum;
            config.batchSize = info.preset.batchSize;
            config.explicitGradients = explicitGradients;
            const auto losses = lossesOf(trainModel(*model, train_, {}, config));
            return std::make_pair(losses, torch::nn::utils::parameters_to_vector(model->parameters()).detach());
        };
        const auto [explicitLosses, explicitWeights] = train(true);
        const auto [autogradLosses, autogradWeights] = train(false);
        QCOMPARE(explicitLosses.size(), size_t(2));
        for (size_t e = 0; e < explicitLosses.size(); ++e) {
            QVERIFY2(std::abs(explicitLosses[e] - autogradLosses[e]) < 1e-5 * autogradLosses[e],
                     qPrintable(QString("epoch %1: %2 against %3").arg(e + 1).arg(explicitLosses[e]).arg(autogradLosses[e])));
        }
        // Split, a step's gradients differ from the whole batch's in their
        // last bits (splitGradientsAreTheWholeBatchs bounds that per step);
        // Adam divides each gradient by its own running size, so a weight
        // whose gradient hovers near zero can take a different step of up to
        // the learning rate (1e-3) from such a difference.
        const double tolerance = threads > 1 && info.preset.optimiser == OptimiserKind::Adam ? 1e-3 : 1e-6;
        QVERIFY2(torch::allclose(explicitWeights, autogradWeights, 1e-4, tolerance),
                 qPrintable(QString("largest weight difference %1")
                                .arg((explicitWeights - autogradWeights).abs().max().item<double>())));
    }

    // A batch split into slices, one per thread, gives the whole batch's
    // loss and gradients: even and uneven slices, more threads than cores,
    // and a batch too small to split (slices of at least kSmallestSlice).
    void splitGradientsAreTheWholeBatchs_data() {
        QTest::addColumn<QString>("name");
        QTest::addColumn<int>("batch");
        QTest::addColumn<int>("threads");
        QTest::addRow("lenet5, 32 in 2") << "lenet5" << 32 << 2;
        QTest::addRow("lenet5, 25 in 3") << "lenet5" << 25 << 3;
        QTest::addRow("net, 16 in 2") << "net" << 16 << 2;
        QTest::addRow("net, 4 whole") << "net" << 4 << 2;
    }
    void splitGradientsAreTheWholeBatchs() {
        QFETCH(QString, name);
        QFETCH(int, batch);
        QFETCH(int, threads);
        torch::manual_seed(3);
        auto model = makeModel(name.toStdString(), kMnistInput);
        FlatOptimiser optimiser(model->parameters(), {});
        const torch::Tensor images = train_.images.slice(0, 0, batch), labels = train_.labels.slice(0, 0, batch);
        const torch::Tensor wholeLoss = model->lossWithGradients(images, labels);
        const torch::Tensor whole = optimiser.flatGradients().clone();
        optimiser.flatGradients().fill_(std::nan(""));  // every gradient must be written again
        QCOMPARE(SplitGradients::slicesFor(batch, threads), std::min(threads, std::max(1, batch / 8)));
        SplitGradients split(*model, optimiser.flatGradients(), threads);
        const torch::Tensor splitLoss = split.lossWithGradients(images, labels);
        QVERIFY2(std::abs(splitLoss.item<double>() - wholeLoss.item<double>()) < 1e-6,
                 qPrintable(QString("%1 against %2").arg(splitLoss.item<double>()).arg(wholeLoss.item<double>())));
        QVERIFY2(torch::allclose(optimiser.flatGradients(), whole, 1e-4, 1e-6),
                 qPrintable(QString("largest difference %1").arg((optimiser.flatGradients() - whole).abs().max().item<double>())));
        QVERIFY(whole.abs().sum().item<double>() > 0);
    }

    void stopsBetweenBatchesAndKeepsFinishedEpochs() {
        auto model = makeModel("lenet5", kMnistInput);
        int batches = 0;
        TrainCallbacks callbacks;
        callbacks.onBatch = [&](const BatchReport&) { ++batches; };
        // Stop in the middle of the second epoch.
        callbacks.shouldStop = [&] { return batches >= 7; };
        const TrainResult result = trainModel(*model, train_, {}, quickConfig(5), callbacks);
        QCOMPARE(result.outcome, TrainOutcome::Cancelled);
        QCOMPARE(result.epochs.size(), size_t(1));
        QVERIFY(QString::fromStdString(result.message).contains("epoch 2"));
    }

    void nanLossStopsTrainingWithAMessage() {
        auto model = makeModel("lenet5", kMnistInput);
        // A NaN weight makes every loss NaN from the first batch on.
        {
            torch::NoGradGuard noGrad;
            model->named_parameters()["fc3.bias"].fill_(std::numeric_limits<float>::quiet_NaN());
        }
        const TrainResult result = trainModel(*model, train_, {}, quickConfig(2));
        QCOMPARE(result.outcome, TrainOutcome::Diverged);
        QVERIFY(result.epochs.empty());
        QVERIFY2(QString::fromStdString(result.message).contains("NaN"), result.message.c_str());
    }

    void divergesWithAHugeLearningRate() {
        torch::manual_seed(0);
        auto model = makeModel("net", kMnistInput);
        TrainConfig config = quickConfig(3);
        config.optimiser = OptimiserKind::Sgd;
        config.learningRate = 1e8;
        const TrainResult result = trainModel(*model, train_, {}, config);
        QCOMPARE(result.outcome, TrainOutcome::Diverged);
        QVERIFY(QString::fromStdString(result.message).contains("may be too high"));
    }

    void flatOptimiserMatchesLibTorchs_data() {
        QTest::addColumn<int>("kind");
        QTest::addColumn<bool>("flat");
        QTest::addColumn<bool>("capturable");  // Adam's step count on the device, as for a CUDA graph
        QTest::newRow("sgd momentum, flat") << int(OptimiserKind::Sgd) << true << false;
        QTest::newRow("adam, flat") << int(OptimiserKind::Adam) << true << false;
        QTest::newRow("adam, flat, capturable") << int(OptimiserKind::Adam) << true << true;
        QTest::newRow("sgd momentum, per parameter") << int(OptimiserKind::Sgd) << false << false;
        QTest::newRow("adam, per parameter") << int(OptimiserKind::Adam) << false << false;
        QTest::newRow("adam, per parameter, capturable") << int(OptimiserKind::Adam) << false << true;
    }
    void flatOptimiserMatchesLibTorchs() {
        QFETCH(int, kind);
        QFETCH(bool, flat);
        QFETCH(bool, capturable);
        torch::manual_seed(5);
        auto ours = makeModel("lenet5", kMnistInput);
        torch::manual_seed(5);
        auto reference = makeModel("lenet5", kMnistInput);
        FlatOptimiser::Options options;
        options.kind = OptimiserKind(kind);
        options.learningRate = 0.01;
        options.flatLimit = flat ? 4'000'000 : 0;
        options.capturable = capturable;
        FlatOptimiser optimiser(ours->parameters(), options);
        QCOMPARE(optimiser.isFlat(), flat);
        std::unique_ptr<torch::optim::Optimizer> libtorch;
        if (options.kind == OptimiserKind::Sgd) {
            libtorch = std::make_unique<torch::optim::SGD>(reference->parameters(), torch::optim::SGDOptions(0.01).momentum(0.9));
        } else {
            libtorch = std::make_unique<torch::optim::Adam>(reference->parameters(), torch::optim::AdamOptions(0.01));
        }
        for (int step = 0; step < 6; ++step) {
            const auto x = train_.images.slice(0, step * 16, step * 16 + 16);
            const auto y = train_.labels.slice(0, step * 16, step * 16 + 16);
            optimiser.zeroGrad();
            torch::nn::functional::cross_entropy(ours->forward(x).logits, y).backward();
            optimiser.step();
            libtorch->zero_grad();
            torch::nn::functional::cross_entropy(reference->forward(x).logits, y).backward();
            libtorch->step();
        }
        auto theirs = reference->named_parameters();
        for (const auto& p : ours->named_parameters()) {
            QVERIFY2(torch::allclose(p.value(), theirs[p.key()], 1e-5, 1e-6), p.key().c_str());
        }
        // Saved weights hold the parameters alone, not the flat buffer each time.
        QTemporaryDir dir;
        const std::string path = (dir.path() + "/m.pt").toStdString();
        saveWeights(*ours, path, {"lenet5", kMnistInput});
        QVERIFY(QFileInfo(QString::fromStdString(path)).size() < 4 * 44426 * 2);  // LeNet-5 has 44,426 parameters
    }

    void validationSplitIsSeededAndDisjoint() {
        const auto [train, val] = splitValidation(100, 10, 3);
        QCOMPARE(train.size(0), int64_t(90));
        QCOMPARE(val.size(0), int64_t(10));
        QVERIFY(torch::equal(std::get<0>(torch::cat({train, val}).sort()), torch::arange(100)));
        QVERIFY(torch::equal(val, splitValidation(100, 10, 3).second));
        QVERIFY(!torch::equal(val, splitValidation(100, 10, 4).second));

        auto model = makeModel("lenet5", kMnistInput);
        std::vector<double> accuracies;
        TrainCallbacks callbacks;
        callbacks.onEpoch = [&](const EpochReport& e) { accuracies.push_back(e.validationAccuracy.value_or(-1)); };
        const TensorSet validation{train_.images.slice(0, 0, 50), train_.labels.slice(0, 0, 50)};
        trainModel(*model, train_, validation, quickConfig(2), callbacks);
        QCOMPARE(accuracies.size(), size_t(2));
        QVERIFY(accuracies[0] >= 0 && accuracies[1] <= 1);
    }
};

QTEST_GUILESS_MAIN(TestTrainer)
#include "test_trainer.moc"
