// The engine end to end on the real MNIST: LeNet-5 with the notebook's
// preset, one epoch, must reach at least 97 % test accuracy, and the six
// scores over all 10,000 test images must be sane.
#include <torch/torch.h>

#include "alx/data/dataset_catalog.h"
#include "alx/data/dataset_loader.h"
#include "alx/util/device.h"
#include "alx/scoring/evaluator.h"
#include "alx/models/model_registry.h"
#include "alx/scoring/scores.h"
#include "alx/training/trainer.h"
#include "test_support.h"

#include <QtTest>

using namespace alx;

// MNIST's images and classes, for the models these tests build.
static const ImageShape kMnistShape{1, 28, 28};
static const ModelInput kMnistInput{kMnistShape, 10};

class TestMnistTraining : public QObject {
    Q_OBJECT

private slots:
    void lenet5OneEpochReaches97Percent() {
        std::string why;
        const std::string dir = alx::test::mnistDirectory(why);
        if (dir.empty()) QFAIL(why.c_str());

        configureThreads();
        const torch::Device device = resolveDevice("auto");
        const LoadedDataset data = loadDataset(datasetSpec("mnist"), dir);  // checksums verified
        QCOMPARE(data.train.size(), int64_t(60000));
        QCOMPARE(data.test.size(), int64_t(10000));
        // The first labels as published: 5 0 4 1 9 (train), 7 2 1 0 4 (test).
        QVERIFY(torch::equal(data.train.labels.slice(0, 0, 5), torch::tensor({5, 0, 4, 1, 9}, torch::kInt64)));
        QVERIFY(torch::equal(data.test.labels.slice(0, 0, 5), torch::tensor({7, 2, 1, 0, 4}, torch::kInt64)));

        const ModelInfo& info = modelInfo("lenet5");
        TrainConfig config;
        config.optimiser = info.preset.optimiser;
        config.learningRate = info.preset.learningRate;
        config.batchSize = info.preset.batchSize;
        config.epochs = 1;
        config.seed = 0;
        torch::manual_seed(0);
        auto model = makeModel("lenet5", kMnistInput);
        model->to(device);
        const TensorSet train{normaliseImages(data.train.images, device), data.train.labels.to(device)};
        const TrainResult result = trainModel(*model, train, {}, config);
        QCOMPARE(result.outcome, TrainOutcome::Finished);
        qInfo("epoch loss %.4f in %.1f s", result.epochs.at(0).meanLoss, result.seconds);

        const TensorSet test{normaliseImages(data.test.images, device), data.test.labels.to(device)};
        const Evaluation eval = evaluateModel(*model, test);
        qInfo("test accuracy %.2f %%", 100 * eval.accuracy);
        QVERIFY2(eval.accuracy >= 0.97, qPrintable(QString("accuracy %1 < 0.97").arg(eval.accuracy)));

        const ScoreTable scores = computeScores(eval.probabilities, eval.embeddings, 5);
        QCOMPARE(scores.neighbours.indices.sizes().vec(), (std::vector<int64_t>{10000, 5}));
        for (ScoreKind kind : kAllScores) {
            QVERIFY2(torch::isfinite(scores[kind]).all().item<bool>(), scoreKey(kind).c_str());
        }
        // Bounds each score must respect for 10 classes.
        QVERIFY(scores[ScoreKind::LeastConfidence].max().item<float>() <= 0.9f + 1e-6f);
        QVERIFY(scores[ScoreKind::Entropy].max().item<float>() <= std::log(10.0f) + 1e-4f);
        QVERIFY(scores[ScoreKind::Margin].min().item<float>() >= 0.0f);
        QVERIFY(scores[ScoreKind::KlDivergence].min().item<float>() >= -1e-5f);
        // A trained model's neighbours mostly share the image's label.
        const auto neighbourLabels = test.labels.index_select(0, scores.neighbours.indices.select(1, 0));
        const double agreement = neighbourLabels.eq(test.labels).to(torch::kFloat64).mean().item<double>();
        qInfo("nearest neighbour shares the label for %.1f %%", 100 * agreement);
        QVERIFY(agreement > 0.9);
    }
};

QTEST_GUILESS_MAIN(TestMnistTraining)
#include "test_mnist_training.moc"
