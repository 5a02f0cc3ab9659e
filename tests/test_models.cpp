// Each model's output shapes, the registry and presets, and saving and
// loading weights (including a file made for another model).
#include <torch/torch.h>

#include "alx/util/errors.h"
#include "alx/models/model_registry.h"
#include "alx/storage/weights_file.h"
#include "kernels/pooling.h"

#include <QTemporaryDir>
#include <QtTest>

using namespace alx;

// MNIST's images and classes, for the models these tests build.
static const ImageShape kMnistShape{1, 28, 28};
static const ModelInput kMnistInput{kMnistShape, 10};

class TestModels : public QObject {
    Q_OBJECT

private slots:
    void outputShapes_data() {
        QTest::addColumn<QString>("name");
        QTest::addColumn<qlonglong>("embeddingDim");
        QTest::newRow("net") << "net" << 84LL;
        QTest::newRow("simplecnn") << "simplecnn" << 512LL;
        QTest::newRow("resnet18") << "resnet18" << 512LL;
        QTest::newRow("lenet5") << "lenet5" << 84LL;
        QTest::newRow("gal") << "gal" << 128LL;
    }
    void outputShapes() {
        QFETCH(QString, name);
        QFETCH(qlonglong, embeddingDim);
        torch::manual_seed(0);
        auto model = makeModel(name.toStdString(), kMnistInput);
        QCOMPARE(model->embeddingDim(), int64_t(embeddingDim));
        model->eval();
        torch::NoGradGuard noGrad;
        for (int64_t batch : {1, 3}) {
            const auto out = model->forward(torch::randn({batch, 1, 28, 28}));
            QCOMPARE(out.logits.sizes().vec(), (std::vector<int64_t>{batch, 10}));
            QCOMPARE(out.embedding.sizes().vec(), (std::vector<int64_t>{batch, int64_t(embeddingDim)}));
            QVERIFY(torch::isfinite(out.logits).all().item<bool>());
        }
        // The catalogue names the layer and its width, and knows which models have dropout.
        const ModelInfo& info = modelInfo(name.toStdString());
        QVERIFY2(QString::fromStdString(info.embedding).contains(QString("(%1)").arg(embeddingDim)), info.embedding.c_str());
        QCOMPARE(info.hasDropoutHead, model->hasDropoutHead());
    }

    // Every model takes C, H, W and K from the data: colour and grey, square
    // and not, small and large, 2 to 1,000 classes. Smaller than a model
    // takes is refused, naming the smallest it takes.
    void anyImageShapeAndClassCount_data() { outputShapes_data(); }
    void anyImageShapeAndClassCount() {
        QFETCH(QString, name);
        QFETCH(qlonglong, embeddingDim);
        torch::manual_seed(3);
        torch::NoGradGuard noGrad;
        for (const ModelInput& input : {ModelInput{{3, 32, 32}, 3}, ModelInput{{1, 64, 48}, 26},
                                        ModelInput{{3, 17, 23}, 2}, ModelInput{{1, 28, 28}, 1000}}) {
            auto model = makeModel(name.toStdString(), input);
            model->eval();
            const auto x = torch::randn({2, input.image.channels, input.image.height, input.image.width});
            const auto out = model->forward(x);
            const QString what = QString("%1 on %2, %3 classes").arg(name, QString::fromStdString(input.image.text())).arg(input.classes);
            QVERIFY2(out.logits.sizes().vec() == (std::vector<int64_t>{2, input.classes}), qPrintable(what));
            QVERIFY2(out.embedding.size(1) == embeddingDim, qPrintable(what));
            QVERIFY2(torch::isfinite(out.logits).all().item<bool>(), qPrintable(what));
        }
        for (const ImageShape& tooSmall : {ImageShape{1, 3, 3}, ImageShape{3, 28, 3}}) {
            try {
                makeModel(name.toStdString(), {tooSmall, 10});
                QFAIL(qPrintable(QString("%1 took %2 images").arg(name, QString::fromStdString(tooSmall.text()))));
            } catch (const InputError& e) {
                QVERIFY2(QString(e.what()).contains("at least"), e.what());
            }
        }
        QVERIFY_THROWS_EXCEPTION(InputError, makeModel(name.toStdString(), {{2, 28, 28}, 10}));  // two channels
        QVERIFY_THROWS_EXCEPTION(InputError, makeModel(name.toStdString(), {{1, 28, 28}, 1}));   // one class
    }

    // At inference the first convolution takes another code path on the
    // CPU (applyInputConv): it must give what the default path gives.
    void inferencePathMatchesTheDefault_data() { outputShapes_data(); }
    void inferencePathMatchesTheDefault() {
        QFETCH(QString, name);
        torch::manual_seed(1);
        auto model = makeModel(name.toStdString(), kMnistInput);
        model->eval();
        const auto images = torch::randn({5, 1, 28, 28});
        const auto reference = model->forward(images).logits.detach();  // grad mode on: the default path
        torch::Tensor fast;
        {
            c10::InferenceMode inference;
            fast = model->forward(images).logits.clone();
        }
        QCOMPARE(fast.sizes().vec(), reference.sizes().vec());
        QVERIFY2(torch::allclose(fast, reference, 1e-4, 1e-5),
                 qPrintable(QString("largest difference %1").arg((fast - reference).abs().max().item<double>())));
    }

    // The inference path of 2x2 pooling against LibTorch's kernels: the
    // maximum exactly, ties included (small integers tie often); the
    // average to rounding; odd sizes and training take LibTorch's own.
    void poolingMatchesLibTorch() {
        torch::manual_seed(2);
        for (const auto& shape : std::vector<std::vector<int64_t>>{{3, 4, 8, 6}, {2, 5, 7, 9}, {1, 1, 2, 2}}) {
            const auto x = torch::randint(-3, 4, shape).to(torch::kFloat32) + 0.25 * torch::randn(shape).round();
            const auto maxReference = torch::max_pool2d(x, 2, 2), avgReference = torch::avg_pool2d(x, 2, 2);
            c10::InferenceMode inference;
            const auto maxFast = maxPool2x2(x), avgFast = avgPool2x2(x);
            QCOMPARE(maxFast.sizes().vec(), maxReference.sizes().vec());
            QVERIFY(torch::equal(maxFast, maxReference));
            QCOMPARE(avgFast.sizes().vec(), avgReference.sizes().vec());
            QVERIFY(torch::allclose(avgFast, avgReference, 1e-6, 1e-6));
        }
        // NaN propagates as in LibTorch's max pooling.
        auto x = torch::zeros({1, 1, 4, 4});
        x[0][0][1][1] = std::numeric_limits<float>::quiet_NaN();
        c10::InferenceMode inference;
        const auto pooled = maxPool2x2(x);
        QVERIFY(std::isnan(pooled[0][0][0][0].item<float>()));
        QCOMPARE(torch::isnan(pooled).sum().item<int64_t>(), int64_t(1));
    }

    // In training, max pooling's gradient must reach the element LibTorch's
    // picks (the window's first maximum in row-major order), ties included.
    void maxPoolingGradientMatchesLibTorch() {
        torch::manual_seed(5);
        // Small maps take LibTorch's kernel, large ones (>= 65,536 values) ours.
        for (const auto& shape : std::vector<std::vector<int64_t>>{{2, 3, 6, 8}, {4, 6, 24, 24}, {1, 2, 5, 4},
                                                                   {4, 8, 64, 48}, {3, 32, 28, 28}}) {
            // Few distinct values: many windows hold two, three or four equal maxima.
            const auto values = torch::randint(0, 3, shape).to(torch::kFloat32);
            const auto upstream = torch::randn(torch::max_pool2d(values, 2, 2).sizes());
            auto ours = values.clone().requires_grad_(true), theirs = values.clone().requires_grad_(true);
            const auto oursOut = maxPool2x2(ours), theirsOut = torch::max_pool2d(theirs, 2, 2);
            QVERIFY(torch::equal(oursOut, theirsOut));
            (oursOut * upstream).sum().backward();
            (theirsOut * upstream).sum().backward();
            QVERIFY2(torch::equal(ours.grad(), theirs.grad()),
                     qPrintable(QString("gradients differ at %1 places").arg(ours.grad().ne(theirs.grad()).sum().item<int64_t>())));
        }
    }

    // The explicit backward pass (no autograd graph) against autograd's, for
    // both poolings, at batch 4 and at batch 40 (where conv1's maps take our
    // max-pooling path), on images with many zero pixels so that pooling
    // windows tie, as on MNIST's blank borders.
    void explicitGradientsMatchAutograd_data() {
        QTest::addColumn<QString>("name");
        QTest::addColumn<int>("batch");
        QTest::addColumn<int>("channels");
        for (const char* name : {"net", "lenet5"}) {
            for (int batch : {4, 40}) {
                QTest::newRow(qPrintable(QString("%1/%2").arg(name).arg(batch))) << name << batch << 1;
            }
            QTest::newRow(qPrintable(QString("%1/RGB").arg(name))) << name << 8 << 3;
        }
    }
    void explicitGradientsMatchAutograd() {
        QFETCH(QString, name);
        QFETCH(int, batch);
        QFETCH(int, channels);
        torch::manual_seed(11);
        const ModelInput input = channels == 1 ? kMnistInput : ModelInput{{channels, 36, 32}, 10};
        auto model = makeModel(name.toStdString(), input);
        QVERIFY(model->hasExplicitGradients());
        const auto images = torch::relu(torch::randn({batch, channels, input.image.height, input.image.width}));
        const auto labels = torch::randint(0, 10, {batch}, torch::kInt64);
        const auto parameters = model->parameters();
        for (auto p : parameters) p.mutable_grad() = torch::full_like(p, 7.0);  // stale values to be overwritten

        const auto explicitLoss = model->lossWithGradients(images, labels);
        std::vector<torch::Tensor> explicitGradients;
        for (const auto& p : parameters) explicitGradients.push_back(p.grad().clone());

        for (auto p : parameters) p.mutable_grad().zero_();
        const auto loss = torch::nn::functional::cross_entropy(model->forward(images).logits, labels);
        loss.backward();
        QVERIFY(torch::allclose(explicitLoss, loss.detach(), 1e-6, 1e-7));
        const auto names = model->named_parameters().keys();
        for (size_t i = 0; i < parameters.size(); ++i) {
            const auto& reference = parameters[i].grad();
            QVERIFY2(reference.abs().max().item<double>() > 0, names[i].c_str());  // the test compares something
            QVERIFY2(torch::allclose(explicitGradients[i], reference, 1e-5, 1e-7),
                     qPrintable(QString("%1: largest difference %2").arg(QString::fromStdString(names[i]))
                                    .arg((explicitGradients[i] - reference).abs().max().item<double>())));
        }
    }

    void presetsAreTheNotebooks() {
        const ModelInfo& net = modelInfo("net");
        QCOMPARE(net.preset.optimiser, OptimiserKind::Sgd);
        QCOMPARE(net.preset.learningRate, 1e-3);
        QCOMPARE(net.preset.momentum, 0.9);
        QCOMPARE(net.preset.batchSize, int64_t(4));
        QCOMPARE(net.preset.epochs, 10);
        for (const char* name : {"simplecnn", "resnet18", "lenet5"}) {
            const ModelInfo& info = modelInfo(name);
            QCOMPARE(info.preset.optimiser, OptimiserKind::Adam);
            QCOMPARE(info.preset.learningRate, 1e-3);
            QCOMPARE(info.preset.batchSize, int64_t(32));
            QCOMPARE(info.preset.epochs, 10);
        }
        QCOMPARE(modelCatalogue().size(), size_t(5));  // the four of the notebook and gal
    }

    void unknownModelIsAnInputError() {
        try {
            makeModel("vgg", kMnistInput);
            QFAIL("unknown model accepted");
        } catch (const InputError& e) {
            QVERIFY2(QString(e.what()).contains("lenet5"), e.what());  // lists the known names
        }
    }

    void lenetUsesAveragePoolingNetMaxPooling() {
        // Same layer shapes and weights, different pooling: outputs must differ.
        torch::manual_seed(1);
        auto net = makeModel("net", kMnistInput);
        auto lenet = makeModel("lenet5", kMnistInput);
        auto source = net->named_parameters();
        torch::NoGradGuard noGrad;
        for (auto& item : lenet->named_parameters()) item.value().copy_(source[item.key()]);
        const auto x = torch::randn({2, 1, 28, 28});
        QVERIFY(!torch::allclose(net->forward(x).logits, lenet->forward(x).logits));
    }

    void weightsRoundTrip() {
        QTemporaryDir dir;
        const std::string path = (dir.path() + "/model.pt").toStdString();
        torch::manual_seed(2);
        auto a = makeModel("lenet5", kMnistInput);
        saveWeights(*a, path, {"lenet5", kMnistInput});
        QCOMPARE(readWeightsInfo(path).model, std::string("lenet5"));
        QCOMPARE(readWeightsInfo(path).input.classes, int64_t(10));
        torch::manual_seed(99);
        auto b = makeModel("lenet5", kMnistInput);
        const auto x = torch::randn({2, 1, 28, 28});
        a->eval();
        b->eval();
        QVERIFY(!torch::allclose(a->forward(x).logits, b->forward(x).logits));
        loadWeights(*b, path, {"lenet5", kMnistInput});
        QVERIFY(torch::allclose(a->forward(x).logits, b->forward(x).logits));

        // ResNet-18's batch-norm running statistics travel too.
        auto r = makeModel("resnet18", kMnistInput);
        saveWeights(*r, path, {"resnet18", kMnistInput});
        auto r2 = makeModel("resnet18", kMnistInput);
        loadWeights(*r2, path, {"resnet18", kMnistInput});
    }

    void weightsOfAnotherModelAreRefused() {
        QTemporaryDir dir;
        const std::string path = (dir.path() + "/model.pt").toStdString();
        saveWeights(*makeModel("simplecnn", kMnistInput), path, {"simplecnn", kMnistInput});
        auto net = makeModel("net", kMnistInput);
        QVERIFY_THROWS_EXCEPTION(InputError, loadWeights(*net, path, {"net", kMnistInput}));

        // net and lenet5 have the same tensor names and shapes: the record tells them apart.
        saveWeights(*makeModel("net", kMnistInput), path, {"net", kMnistInput});
        auto lenet = makeModel("lenet5", kMnistInput);
        try {
            loadWeights(*lenet, path, {"lenet5", kMnistInput});
            QFAIL("net's weights were loaded into lenet5");
        } catch (const InputError& e) {
            const QString why = e.what();
            QVERIFY2(why.contains("model.pt") && why.contains("'net'") && why.contains("'lenet5'"), e.what());
        }
        QVERIFY_THROWS_EXCEPTION(InputError, loadWeights(*net, path, {"net", {kMnistShape, 7}}));  // another class count

        // A file written before the record existed is checked by its tensors alone.
        const std::string legacy = (dir.path() + "/legacy.pt").toStdString();
        torch::serialize::OutputArchive archive;
        makeModel("net", kMnistInput)->save(archive);
        archive.save_to(legacy);
        QVERIFY(readWeightsInfo(legacy).model.empty());
        loadWeights(*lenet, legacy, {"lenet5", kMnistInput});
        QVERIFY_THROWS_EXCEPTION(InputError, loadWeights(*makeModel("simplecnn", kMnistInput), legacy, {"simplecnn", kMnistInput}));

        const std::string garbage = (dir.path() + "/garbage.pt").toStdString();
        QFile file(QString::fromStdString(garbage));
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("not a weights file");
        file.close();
        try {
            loadWeights(*lenet, garbage, {"lenet5", kMnistInput});
            QFAIL("garbage accepted as weights");
        } catch (const InputError& e) {
            QVERIFY2(QString(e.what()).contains("garbage.pt"), e.what());
        }
    }
};

QTEST_GUILESS_MAIN(TestModels)
#include "test_models.moc"
