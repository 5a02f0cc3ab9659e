// The TorchScript bridge both ways: small modules scripted here with
// LibTorch go through alx-cli eval, train, al and audit, and every kind of
// file that is not one is refused naming it; ALX's five models written out
// as TorchScript give the outputs they give in ALX; and, with Debian's
// python3-torch, modules scripted in Python give in ALX the probabilities,
// embeddings and scores PyTorch and NumPy give, and an exported LeNet-5
// gives in Python what it gave in ALX.
#include <torch/script.h>
#include <torch/torch.h>

#include "alx/models/model_registry.h"
#include "alx/models/scripted_model.h"
#include "alx/storage/weights_file.h"
#include "alx/util/files.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include "test_support.h"

using namespace alx;
using namespace alx::test;

namespace {

// A classifier of 28 x 28 grey images scripted here: flatten, 32 ReLU units
// (the embedding), dropout, `classes` logits; `inputs` pixels per image;
// `result` the forward's return expression over l (logits) and e.
void writeScripted(const std::string& path, const std::string& result = "l, e", int64_t inputs = 784,
                   int64_t classes = 10) {
    torch::manual_seed(1);
    torch::jit::Module m("__torch__.test.Small");
    m.register_attribute("training", c10::BoolType::get(), false);
    m.register_parameter("w1", (torch::randn({32, inputs}) * 0.05).set_requires_grad(true), false);
    m.register_parameter("b1", torch::zeros({32}).set_requires_grad(true), false);
    m.register_parameter("w2", (torch::randn({classes, 32}) * 0.1).set_requires_grad(true), false);
    m.register_parameter("b2", torch::zeros({classes}).set_requires_grad(true), false);
    m.define("def forward(self, x):\n"
             "    e = torch.relu(torch.linear(torch.flatten(x, 1), self.w1, self.b1))\n"
             "    l = torch.linear(torch.dropout(e, 0.2, self.training), self.w2, self.b2)\n"
             "    return " + result + "\n");
    m.save(path);
}

QString sha256Of(const QString& path) {
    QFile f(path);
    f.open(QIODevice::ReadOnly);
    return QCryptographicHash::hash(f.readAll(), QCryptographicHash::Sha256).toHex();
}

bool pythonTorchPresent() { return QProcess::execute("/usr/bin/python3", {"-c", "import torch, numpy"}) == 0; }

QString script() { return QString(ALX_SOURCE_DIR) + "/scripts/torchscript-models.py"; }

}  // namespace

class TestTorchScript : public QObject {
    Q_OBJECT

private:
    QTemporaryDir tmp_;
    QString data_, model_;

    QString path(const QString& name) const { return tmp_.filePath(name); }
    QStringList dataArgs() const { return {"--data-dir", data_, "--no-verify"}; }

    // alx-cli refuses `args` with exit 2 and one line that names `file` and says `words`.
    void expectRefusal(const QStringList& args, const QString& file, const QString& words) {
        const CliResult r = runCli(args);
        QCOMPARE(r.exitCode, 2);
        const QString err = r.err.trimmed();
        QVERIFY2(!err.contains('\n'), qPrintable(err));
        QVERIFY2(err.contains(file), qPrintable(err));
        QVERIFY2(err.contains(words), qPrintable(err));
    }

private slots:
    void initTestCase() {
        QVERIFY(tmp_.isValid());
        data_ = path("data");
        writeSyntheticDataset(data_.toStdString(), 600, 200);
        model_ = path("small.pt");
        writeScripted(model_.toStdString());
    }

    // eval scores the module as it is; train trains it and keeps it as
    // TorchScript; the runs record the file's SHA-256 and contract, are
    // listed and compared; al (with BALD: the module has dropout) and audit
    // take it too.
    void goesThroughEvalTrainActiveLearningAndAudit() {
        const QString eval = path("eval"), train = path("train");
        CliResult r = runCli(QStringList{"eval", "--model", model_, "--out", eval} + dataArgs());
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QJsonObject summary = readJson(eval + "/summary.json");
        QCOMPARE(summary["kind"].toString(), QString("evaluation"));
        QCOMPARE(summary["torchscript"].toObject()["sha256"].toString(), sha256Of(model_));
        QCOMPARE(summary["torchscript"].toObject()["embedding"].toString(), QString("tuple"));
        const double untrained = summary["test_accuracy"].toDouble();

        r = runCli(QStringList{"train", "--model", model_, "--epochs", "3", "--out", train} + dataArgs());
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        summary = readJson(train + "/summary.json");
        QVERIFY2(summary["test_accuracy"].toDouble() > 0.9, qPrintable(QString::number(summary["test_accuracy"].toDouble())));
        QVERIFY(summary["test_accuracy"].toDouble() > untrained);
        QVERIFY(QFile::exists(train + "/torchscript.pt"));
        QVERIFY(!QFile::exists(train + "/model.pt"));
        // The kept module is the trained one: evaluated again, it gives the run's accuracy.
        r = runCli(QStringList{"eval", "--model", train + "/torchscript.pt", "--out", path("again")} + dataArgs());
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QCOMPARE(readJson(path("again") + "/summary.json")["test_accuracy"].toDouble(), summary["test_accuracy"].toDouble());

        r = runCli({"compare", eval, train, "--out", path("compare")});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        r = runCli({"runs", "list", "--json"});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QVERIFY2(r.out.contains("small.pt"), qPrintable(r.out));

        r = runCli(QStringList{"al", "--model", model_, "--strategy", "bald,entropy", "--initial", "20", "--acquire", "20",
                               "--budget", "60", "--max-steps", "30", "--repeats", "1", "--out", path("al")} + dataArgs());
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QFile curve(path("al") + "/curve.csv");
        QVERIFY(curve.open(QIODevice::ReadOnly));
        QCOMPARE(QString(curve.readAll()).trimmed().split('\n').size(), 1 + 2 * 3);

        // The run records the file's SHA-256: a resume after the file changed is refused.
        QCOMPARE(readJson(path("al") + "/settings.json")["model_sha256"].toString(), sha256Of(model_));
        const QString changed = path("changed.pt");
        QVERIFY(QFile::copy(model_, changed));
        r = runCli(QStringList{"al", "--model", changed, "--strategy", "entropy", "--initial", "20", "--acquire", "20",
                               "--budget", "40", "--max-steps", "30", "--repeats", "1", "--out", path("al-changed")} + dataArgs());
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        const QStringList resume = QStringList{"al", "--model", changed, "--strategy", "entropy", "--initial", "20",
                                               "--acquire", "20", "--budget", "40", "--max-steps", "30", "--repeats", "1",
                                               "--resume", "--out", path("al-changed")} + dataArgs();
        r = runCli(resume);  // the same file: nothing left to do
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        writeScripted(changed.toStdString(), "l, e * 2");
        r = runCli(resume);
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains("other settings"), qPrintable(r.err));

        r = runCli(QStringList{"al", "--model", model_, "--reinit", "--strategy", "margin", "--initial", "20", "--acquire",
                               "20", "--budget", "40", "--max-steps", "30", "--repeats", "1", "--out", path("al-reinit")} + dataArgs());
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));

        r = runCli(QStringList{"audit", "--model", model_, "--split", "train", "--folds", "2", "--epochs", "1", "--out",
                               path("audit")} + dataArgs());
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QVERIFY(QFile::exists(path("audit") + "/label_issues.csv"));
        r = runCli({"audit", "--run", train, "--out", path("audit-test"), "--data-dir", data_});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));

        // --reinit draws the parameters afresh: another untrained accuracy than the file's.
        r = runCli(QStringList{"train", "--model", model_, "--reinit", "--epochs", "1", "--out", path("reinit")} + dataArgs());
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QCOMPARE(readJson(path("reinit") + "/summary.json")["torchscript"].toObject()["reinitialised"].toBool(), true);
    }

    // Each kind of file that is not a usable TorchScript model: exit 2 and
    // one line naming the file and what it is.
    void refusesWhatIsNotAModel() {
        const auto refuse = [&](const QString& file, const QString& words) {
            expectRefusal(QStringList{"eval", "--model", file, "--out", path("refused")} + dataArgs(), file, words);
            QVERIFY(!QFile::exists(path("refused") + "/summary.json"));
        };
        const QString random = path("random.pt");
        std::string bytes(4096, '\0');
        for (size_t i = 0; i < bytes.size(); ++i) bytes[i] = char((i * 2654435761u) >> 13);
        writeFileAtomically(random.toStdString(), bytes);
        refuse(random, "not a TorchScript file");

        const QString zip = path("other.pt");
        QCOMPARE(QProcess::execute("python3", {"-c", "import zipfile,sys; zipfile.ZipFile(sys.argv[1],'w').writestr('a.txt','x')", zip}), 0);
        refuse(zip, "not one PyTorch wrote");

        const QString pickled = path("state_dict.pt");
        c10::impl::GenericDict dict(c10::StringType::get(), c10::TensorType::get());
        dict.insert("fc.weight", torch::zeros({10, 784}));
        const std::vector<char> pickle = torch::pickle_save(c10::IValue(dict));
        writeFileAtomically(pickled.toStdString(), std::string(pickle.begin(), pickle.end()));
        refuse(pickled, "written by torch.save");

        const QString weights = path("model.pt");
        const ModelInput input({1, 28, 28}, 10);
        saveWeights(*makeModel("lenet5", input), weights.toStdString(), {"lenet5", input});
        refuse(weights, "ALX's own weights for model 'lenet5'");
        expectRefusal(QStringList{"eval", "--model", "lenet5", "--weights", model_, "--out", path("refused")} + dataArgs(),
                      model_, "a TorchScript model, not ALX's weights");

        const QString shape = path("shape.pt");
        writeScripted(shape.toStdString(), "l, e", 1024);
        refuse(shape, "forward fails on a float batch [4, 1, 28, 28]");
        const QString classes = path("classes.pt");
        writeScripted(classes.toStdString(), "l", 784, 3);
        refuse(classes, "logits for 3 classes; the dataset has 10");
        const QString embedding = path("embedding.pt");
        writeScripted(embedding.toStdString(), "l, torch.flatten(e)");
        refuse(embedding, "its first dimension is not the batch's");
        const QString nan = path("nan.pt");
        writeScripted(nan.toStdString(), "l * float('nan')");
        refuse(nan, "NaN or infinite values");

        expectRefusal(QStringList{"eval", "--model", model_, "--weights", weights, "--out", path("refused")} + dataArgs(),
                      "--weights", "carries its own weights");
        expectRefusal(QStringList{"train", "--model", "lenet5", "--reinit", "--out", path("refused")} + dataArgs(),
                      "--reinit", "for TorchScript models");
        QVERIFY(QDir().mkpath(path("empty")));
        expectRefusal(QStringList{"export", "--run", path("empty"), "--out", path("x.pt")}, path("empty"), "not an ALX run");
    }

    // ALX's models written out as TorchScript and loaded back give the
    // logits and embeddings they give in ALX, in evaluation mode, and keep
    // the contract (forward, embed; dropout found in gal alone).
    void exportsEveryModelFaithfully() {
        for (const std::string name : {"net", "simplecnn", "resnet18", "lenet5", "gal"}) {
            torch::manual_seed(3);
            const ModelInput input({1, 28, 28}, 10);
            ClassifierPtr model = makeModel(name, input);
            model->eval();
            const std::string file = path(QString::fromStdString(name) + "-export.pt").toStdString();
            writeFileAtomically(file, torchScriptBytes(*model, input, {"0", "1", "2", "3", "4", "5", "6", "7", "8", "9"}));
            ClassifierPtr loaded = loadScriptedModel(file, input);
            loaded->eval();
            QCOMPARE(scriptContractOf(*loaded)->embedding, std::string(kEmbeddingFromMethod));
            QCOMPARE(scriptContractOf(*loaded)->stochastic, name == "gal");
            const auto images = torch::rand({6, 1, 28, 28}) * 2 - 1;  // ALX's normalised pixels
            torch::NoGradGuard noGrad;
            const ModelOutput a = model->forward(images), b = loaded->forward(images);
            QVERIFY2(torch::allclose(a.logits, b.logits, 1e-5, 1e-5), name.c_str());
            QVERIFY2(torch::allclose(a.embedding, b.embedding, 1e-5, 1e-5), name.c_str());
            const auto module = torch::jit::load(file);
            QCOMPARE(module.attr("class_names").toListRef().size(), size_t(10));
        }
    }

    // Modules scripted in Python: ALX's probabilities and embeddings on the
    // first 2,000 MNIST test images equal PyTorch's to 1e-4, its six scores a
    // NumPy recomputation; a LeNet-5 trained and exported here gives in
    // Python the run's probabilities to 1e-5.
    void agreesWithPyTorch() {
        QVERIFY2(pythonTorchPresent(), "python3-torch is missing, so the PyTorch cross-check cannot run: install it "
                                       "(scripts/install-deps.sh does)");
        std::string why;
        const QString mnist = QString::fromStdString(mnistDirectory(why));
        QVERIFY2(!mnist.isEmpty(), why.c_str());
        const QString models = path("python");
        QProcess make;
        make.start("/usr/bin/python3", {script(), "make", models});
        QVERIFY(make.waitForFinished(120000));
        QVERIFY2(make.exitCode() == 0, make.readAllStandardError().constData());
        const auto check = [&](const QString& run, const QString& model, const QString& tolerance) {
            QProcess p;
            p.start("/usr/bin/python3", {script(), "check", run, model, mnist, tolerance});
            QVERIFY(p.waitForFinished(300000));
            const QByteArray said = p.readAllStandardOutput() + p.readAllStandardError();
            QVERIFY2(p.exitCode() == 0, said.constData());
            qInfo("%s: %s", qPrintable(QFileInfo(model).fileName()), said.trimmed().constData());
        };
        for (const QString kind : {"tuple", "embed", "logits"}) {
            const QString run = path("py-" + kind), model = models + "/" + kind + ".pt";
            const CliResult r = runCli({"eval", "--model", model, "--test-images", "2000", "--data-dir", mnist, "--out", run});
            QVERIFY2(r.exitCode == 0, qPrintable(r.err));
            QCOMPARE(readJson(run + "/summary.json")["torchscript"].toObject()["embedding"].toString(), kind);
            check(run, model, "1e-4");
        }
        // A module trained here keeps working where the run's model is needed again (a map of the training images).
        const QString trained = path("py-trained");
        CliResult trainedRun = runCli({"train", "--model", models + "/embed.pt", "--epochs", "1", "--train-images", "2000",
                                       "--data-dir", mnist, "--out", trained});
        QVERIFY2(trainedRun.exitCode == 0, qPrintable(trainedRun.err));
        trainedRun = runCli({"map", "--run", trained, "--method", "pca", "--split", "train", "--data-dir", mnist});
        QVERIFY2(trainedRun.exitCode == 0, qPrintable(trainedRun.err));
        QVERIFY(QFile::exists(trained + "/map_pca_train.npy"));

        const QString refused = models + "/refuse-state-dict.pt";
        expectRefusal({"eval", "--model", refused, "--data-dir", mnist, "--out", path("py-refused")}, refused, "torch.save");

        const QString run = path("lenet5"), exported = path("lenet5-mnist.pt");
        CliResult r = runCli({"train", "--model", "lenet5", "--epochs", "1", "--train-images", "5000", "--test-images", "2000",
                               "--data-dir", mnist, "--out", run});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        r = runCli({"export", "--run", run, "--out", exported});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        check(run, exported, "1e-5");
    }
};

QTEST_GUILESS_MAIN(TestTorchScript)
#include "test_torchscript.moc"
