// The run reader on good and damaged folders: a folder is validated whole,
// and every kind of damage to every file is refused with an InputError that
// names the file, before anything is used.
#include <torch/torch.h>

#include <nlohmann/json.hpp>

#include "alx/active_learning/semi_supervised_settings.h"
#include "alx/jobs/audit_job.h"
#include "alx/storage/active_learning_run.h"
#include "alx/util/files.h"
#include "alx/storage/label_audit_files.h"
#include "alx/storage/label_review.h"
#include "alx/storage/npy.h"
#include "alx/storage/run_folder.h"
#include "alx/storage/weights_file.h"
#include "alx/models/model_registry.h"
#include "alx/util/errors.h"

#include <cmath>
#include <functional>

#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

using namespace alx;

// MNIST's images and classes, for the models these tests build.
static const ImageShape kMnistShape{1, 28, 28};
static const ModelInput kMnistInput{kMnistShape, 10};

namespace {

QByteArray readAll(const QString& path) {
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

void writeAll(const QString& path, const QByteArray& bytes) {
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
    f.write(bytes);
}

void replaceIn(const QString& path, const QByteArray& from, const QByteArray& to) {
    QByteArray bytes = readAll(path);
    QVERIFY2(bytes.contains(from), from.constData());
    bytes.replace(from, to);
    writeAll(path, bytes);
}

// A consistent 6-image, 3-class run with 2 neighbours per image, written by the writer.
void writeGoodRun(const QString& dir, bool withWeights = true) {
    Evaluation e;
    e.probabilities = torch::tensor({0.7f, 0.2f, 0.1f, 0.1f, 0.8f, 0.1f, 0.3f, 0.3f, 0.4f,
                                     0.0f, 0.0f, 1.0f, 0.5f, 0.25f, 0.25f, 0.2f, 0.6f, 0.2f}).view({6, 3});
    e.embeddings = torch::randn({6, 4});
    e.predicted = e.probabilities.argmax(1);
    e.labels = torch::tensor({0, 1, 0, 2, 1, 1}, torch::kInt64);
    e.confusion = torch::zeros({9}, torch::kInt64)
                      .index_add_(0, e.labels * 3 + e.predicted, torch::ones({6}, torch::kInt64))
                      .view({3, 3});
    e.accuracy = e.labels.eq(e.predicted).to(torch::kFloat64).mean().item<double>();
    ScoreTable s;
    for (int k = 0; k < kScoreCount; ++k) s.values[k] = torch::full({6}, 0.5f + float(k));
    s.neighbours.indices = torch::tensor({1, 2, 0, 2, 3, 1, 2, 0, 5, 0, 4, 1}, torch::kInt64).view({6, 2});
    s.neighbours.similarity = torch::zeros({6, 2});
    RunSummary summary;
    summary.model = "lenet5";
    summary.dataset = "mnist";
    summary.device = "cpu";
    summary.classNames = {"zero", "one", "two"};
    summary.epochs = {{1, 2, 0.5, 1.0, {}}, {2, 2, 0.25, 1.0, {}}};
    ensureWritableDirectory(dir.toStdString());
    RunFolder(dir.toStdString()).writeEvaluation(summary, e, s);
    if (withWeights) saveWeights(*makeModel("lenet5", {kMnistShape, 3}), (dir + "/model.pt").toStdString(), {"lenet5", {kMnistShape, 3}});
}

using Damage = std::function<void(const QString& dir)>;

}  // namespace

Q_DECLARE_METATYPE(Damage)

class TestRunReader : public QObject {
    Q_OBJECT

private slots:
    // label_review.csv: what the app writes reads back; a damaged file is
    // refused naming the line; --exclude and --relabel read reviews and
    // plain CSVs alike.
    void labelReviewsRoundTripAndDamageIsNamed() {
        QTemporaryDir dir;
        const std::string path = (dir.path() + "/label_review.csv").toStdString();
        writeLabelReview(path, {{7, ReviewVerdict::Mislabelled, 3}, {2, ReviewVerdict::Fine, std::nullopt},
                                {5, ReviewVerdict::Ambiguous, std::nullopt}, {7, ReviewVerdict::Mislabelled, 4}});
        const auto back = readLabelReview(path, 10);
        QCOMPARE(back.size(), size_t(3));  // image 7 once: the later mark
        QCOMPARE(back[0].index, int64_t(2));
        QCOMPARE(back[2].index, int64_t(7));
        QCOMPARE(back[2].label.value_or(-1), int64_t(4));
        QVERIFY(back[1].verdict == ReviewVerdict::Ambiguous);
        const LabelEdits exclude = readLabelEdits(path, false, 10);
        QCOMPARE(exclude.exclude, (std::vector<int64_t>{5, 7}));
        const LabelEdits relabel = readLabelEdits(path, true, 10);
        QCOMPARE(relabel.relabel.size(), size_t(1));
        QCOMPARE(relabel.relabel[0].second, int64_t(4));

        const std::vector<std::pair<std::string, std::string>> damaged = {
            {"index,verdict,label\n3,wrong,\n", "line 2"},
            {"index,verdict,label\n3,fine,\nx,fine,\n", "line 3"},
            {"index,verdict,label\n3,mislabelled,12\n", "line 2"},
            {"index,verdict,label\n3,fine,\n3,ambiguous,\n", "line 3"},
            {"index,verdict,label\n-1,fine,\n", "line 2"},
            {"index,verdict,label\n3,fine\n", "line 2"},
            {"index;verdict\n", "not an ALX label review"},
        };
        for (const auto& [text, mentions] : damaged) {
            writeFileAtomically(path, text);
            try {
                readLabelReview(path, 10);
                QFAIL(("accepted: " + text).c_str());
            } catch (const InputError& e) {
                QVERIFY2(std::string(e.what()).find(mentions) != std::string::npos && std::string(e.what()).find(path) != std::string::npos, e.what());
            }
        }
        // A plain CSV: a header line is skipped; relabel needs a label on every row.
        const std::string plain = (dir.path() + "/plain.csv").toStdString();
        writeFileAtomically(plain, "index,label\n4,1\n9,0\n");
        QCOMPARE(readLabelEdits(plain, true, 10).relabel.size(), size_t(2));
        QCOMPARE(readLabelEdits(plain, false, 10).exclude, (std::vector<int64_t>{4, 9}));
        writeFileAtomically(plain, "4\n9,x\n");
        QVERIFY_THROWS_EXCEPTION(InputError, readLabelEdits(plain, true, 10));
        QCOMPARE(readLabelEdits(plain, false, 10).exclude, (std::vector<int64_t>{4, 9}));
    }

    void labelIssuesReadBackStrictly() {
        QTemporaryDir dir;
        const std::string path = (dir.path() + "/label_issues.csv").toStdString();
        const std::vector<float> p = {0.9f, 0.1f, 0.2f, 0.8f, 0.7f, 0.3f, 0.1f, 0.9f, 0.4f, 0.6f, 0.95f, 0.05f};
        const std::vector<int64_t> labels = {0, 1, 1, 1, 0, 0};
        const LabelAudit audit = auditLabels(p, labels, 2);
        writeLabelIssues(path, audit, labels);
        const auto rows = readLabelIssues(path);
        QCOMPARE(rows.size(), size_t(6));
        for (size_t i = 0; i < rows.size(); ++i) {
            QCOMPARE(rows[i].rank, int64_t(i + 1));
            QCOMPARE(rows[i].index, audit.order[i]);
            QCOMPARE(rows[i].flagged, audit.flagged[size_t(audit.order[i])] == 1);
        }
        for (const auto& r : rows) QVERIFY(r.neighbourDisagreement == -1 && r.votes == -1);  // no evidence: empty columns
        // With the evidence columns: each row carries its image's values.
        AuditEvidence evidence;
        evidence.neighbours = 4;
        evidence.members = 2;
        evidence.neighbourDisagreement = {0.25f, 0, 1, 0.5f, 0.75f, 0};
        evidence.votes = {1, 0.5f, 0, 1, 1, 0.5f};
        writeLabelIssues(path, audit, labels, evidence);
        for (const auto& r : readLabelIssues(path)) {
            QCOMPARE(r.neighbourDisagreement, double(evidence.neighbourDisagreement[size_t(r.index)]));
            QCOMPARE(r.votes, double(evidence.votes[size_t(r.index)]));
        }
        // A file of the first eight columns (written before the evidence existed) still reads.
        writeFileAtomically(path, "rank,index,given,suggested,p_given,p_suggested,flagged,score\n1,0,0,0,0.9,0.9,0,0.9\n");
        QCOMPARE(readLabelIssues(path).size(), size_t(1));
        writeFileAtomically(path, "rank,index,given,suggested,p_given,p_suggested,flagged,score\n1,0,0,0,0.9,0.9,0,0.9\n3,1,1,1,0.8,0.8,0,0.8\n");
        QVERIFY_THROWS_EXCEPTION(InputError, readLabelIssues(path));
        writeFileAtomically(path, "rank,index,given,suggested,p_given,p_suggested,flagged,score,neighbour_disagreement,votes\n"
                                  "1,0,0,0,0.9,0.9,0,0.9,1.5,\n");
        QVERIFY_THROWS_EXCEPTION(InputError, readLabelIssues(path));
    }

    void runsAuditedTogetherAverageOrAreRefused() {
        const auto run = [](const std::vector<float>& p, const std::vector<int64_t>& labels) {
            SavedRun r;
            r.summary.dataset = "mnist";
            r.summary.trainImages = 100;
            r.labels = torch::tensor(labels);
            r.probabilities = torch::tensor(p).reshape({int64_t(labels.size()), 2});
            return r;
        };
        const std::vector<int64_t> labels{0, 1, 1};
        const SavedRun a = run({0.9f, 0.1f, 0.4f, 0.6f, 0.8f, 0.2f}, labels);
        const SavedRun b = run({0.7f, 0.3f, 0.2f, 0.8f, 0.6f, 0.4f}, labels);
        const EnsembleAudit together = auditRunsTogether({a, b}, {"A", "B"});
        const std::vector<float> expected{0.8f, 0.2f, 0.3f, 0.7f, 0.7f, 0.3f};
        for (size_t e = 0; e < expected.size(); ++e) QVERIFY(std::abs(together.probabilities[e] - expected[e]) < 1e-6);
        QCOMPARE(together.evidence.members, 2);
        QCOMPARE(together.evidence.votes.size(), size_t(3));
        // Refused, naming the run: another dataset, training set, image count, class count or labels.
        const auto refusedNaming = [&](SavedRun other, const char* what) {
            try {
                auditRunsTogether({a, other}, {"runA", "runB"});
                QFAIL(qPrintable(QString("not refused: ") + what));
            } catch (const InputError& e) {
                QVERIFY2(QString(e.what()).contains("runB") && QString(e.what()).contains(what), e.what());
            }
        };
        SavedRun other = b;
        other.summary.dataset = "fashion-mnist";
        refusedNaming(other, "dataset");
        other = b;
        other.summary.trainImages = 50;
        refusedNaming(other, "training images");
        refusedNaming(run({0.9f, 0.1f, 0.4f, 0.6f}, {0, 1}), "number of test images");
        other = b;
        other.probabilities = torch::full({3, 3}, 1.0f / 3);
        refusedNaming(other, "number of classes");
        refusedNaming(run({0.7f, 0.3f, 0.2f, 0.8f, 0.6f, 0.4f}, {0, 1, 0}), "labels");
    }

    void aGoodRunReadsBack() {
        QTemporaryDir tmp;
        writeGoodRun(tmp.path());
        const SavedRun run = RunFolder(tmp.path().toStdString()).read();
        QCOMPARE(run.summary.format, kRunFormat);
        QCOMPARE(run.size(), int64_t(6));
        QCOMPARE(run.probabilities.size(1), int64_t(3));
        QCOMPARE(run.summary.classNames.size(), size_t(3));
        QCOMPARE(run.summary.epochs.size(), size_t(2));
        QVERIFY(run.hasWeights);
        QCOMPARE(run.neighbours.indices[5][0].item<int64_t>(), int64_t(4));
        QCOMPARE(detectRunKind(tmp.path().toStdString()), RunKind::Training);
    }

    // A near-certain prediction's entropy can be a subnormal float (the
    // writer printed 3.10501115e-40 in a real SimpleCNN run): still a run.
    void subnormalScoresReadBack() {
        QTemporaryDir tmp;
        writeGoodRun(tmp.path());
        const QString csv = tmp.path() + "/per_sample.csv";
        QByteArray bytes = readAll(csv);
        const QList<QByteArray> lines = bytes.split('\n');
        QList<QByteArray> fields = lines[1].split(',');
        fields[4] = "3.10501115e-40";  // entropy of image 0
        bytes.replace(lines[1], fields.join(','));
        writeAll(csv, bytes);
        const SavedRun run = RunFolder(tmp.path().toStdString()).read();
        const float entropy = run.scores[1][0].item<float>();
        QVERIFY2(entropy > 3.1e-40f && entropy < 3.11e-40f, qPrintable(QString::number(double(entropy))));
        // Out of float's range is still refused.
        fields[4] = "1e39";
        writeAll(csv, readAll(csv).replace(bytes.split('\n')[1], fields.join(',')));
        QVERIFY_THROWS_EXCEPTION(InputError, RunFolder(tmp.path().toStdString()).read());
    }

    void damagedRunsAreRefusedNamingTheFile_data() {
        QTest::addColumn<QString>("file");
        QTest::addColumn<Damage>("damage");
        auto remove = [](const char* name) { return Damage([=](const QString& d) { QFile::remove(d + "/" + name); }); };
        auto truncate = [](const char* name, int keep) {
            return Damage([=](const QString& d) { writeAll(d + "/" + name, readAll(d + "/" + name).left(keep)); });
        };
        auto replace = [](const char* name, QByteArray from, QByteArray to) {
            return Damage([=](const QString& d) { replaceIn(d + "/" + name, from, to); });
        };
        auto npy = [](const char* name, torch::Tensor t) {
            return Damage([=](const QString& d) { writeNpy((d + "/" + name).toStdString(), t); });
        };
        for (const char* name : {"summary.json", "per_sample.csv", "probabilities.npy", "embeddings.npy"}) {
            QTest::newRow(qPrintable(QString("%1 missing").arg(name))) << QString(name) << remove(name);
            QTest::newRow(qPrintable(QString("%1 truncated").arg(name))) << QString(name) << truncate(name, 70);
            QTest::newRow(qPrintable(QString("%1 empty").arg(name))) << QString(name) << truncate(name, 0);
        }
        QTest::newRow("model.pt truncated") << "model.pt" << truncate("model.pt", 100);
        QTest::newRow("model.pt of another model") << "model.pt" << Damage([](const QString& d) {
            saveWeights(*makeModel("net", {kMnistShape, 3}), (d + "/model.pt").toStdString(), {"net", {kMnistShape, 3}});
        });
        // summary.json
        QTest::newRow("unknown format version") << "summary.json" << replace("summary.json", "\"format\": 1", "\"format\": 99");
        QTest::newRow("no alx_version") << "summary.json" << replace("summary.json", "\"alx_version\"", "\"writer\"");
        QTest::newRow("accuracy out of range") << "summary.json" << replace("summary.json", "\"test_accuracy\": 0.", "\"test_accuracy\": 7.");
        QTest::newRow("accuracy not the CSV's") << "summary.json" << replace("summary.json", "\"test_accuracy\": 0.", "\"test_accuracy\": 0.0");
        QTest::newRow("NaN loss") << "summary.json" << replace("summary.json", "0.25", "NaN");
        QTest::newRow("unknown model") << "summary.json" << replace("summary.json", "\"lenet5\"", "\"vgg16\"");
        QTest::newRow("confusion not square") << "summary.json" << replace("summary.json", "\"confusion_matrix\": [", "\"confusion_matrix\": [[1],");
        QTest::newRow("class names of another count") << "summary.json" << replace("summary.json", "\"two\"", "\"two\", \"three\"");
        QTest::newRow("model of wrong type") << "summary.json" << replace("summary.json", "\"model\": \"lenet5\"", "\"model\": 5");
        // .npy files
        QTest::newRow("probabilities NaN") << "probabilities.npy" << npy("probabilities.npy", torch::full({6, 3}, NAN));
        QTest::newRow("probabilities not summing to 1") << "probabilities.npy" << npy("probabilities.npy", torch::full({6, 3}, 0.5f));
        QTest::newRow("probabilities wrong rows") << "probabilities.npy" << npy("probabilities.npy", torch::full({5, 3}, 1.0f / 3));
        QTest::newRow("probabilities wrong classes") << "probabilities.npy" << npy("probabilities.npy", torch::full({6, 4}, 0.25f));
        QTest::newRow("probabilities wrong dtype") << "probabilities.npy" << replace("probabilities.npy", "'<f4'", "'<u2'");
        QTest::newRow("probabilities huge shape") << "probabilities.npy"
                                                  << replace("probabilities.npy", "'shape': (6, 3), }", "'shape': (4000000000, 4000000000)");
        QTest::newRow("probabilities 1-D") << "probabilities.npy" << replace("probabilities.npy", "(6, 3)", "(18,)  ");
        QTest::newRow("embeddings infinite") << "embeddings.npy" << npy("embeddings.npy", torch::full({6, 4}, INFINITY));
        QTest::newRow("embeddings wrong rows") << "embeddings.npy" << npy("embeddings.npy", torch::ones({7, 4}));
        // per_sample.csv
        QTest::newRow("csv wrong header") << "per_sample.csv" << replace("per_sample.csv", "index,label", "idx,label");
        QTest::newRow("csv missing column") << "per_sample.csv" << replace("per_sample.csv", "\n0,0,0,", "\n0,0,");
        QTest::newRow("csv extra row") << "per_sample.csv" << Damage([](const QString& d) {
            QByteArray bytes = readAll(d + "/per_sample.csv");
            writeAll(d + "/per_sample.csv", bytes + bytes.mid(bytes.lastIndexOf('\n', bytes.size() - 2) + 1).replace("5,", "6,"));
        });
        QTest::newRow("csv label out of range") << "per_sample.csv" << replace("per_sample.csv", "\n3,2,2,", "\n3,9,2,");
        QTest::newRow("csv score not a number") << "per_sample.csv" << replace("per_sample.csv", ",0.5,", ",x,");
        QTest::newRow("csv neighbour out of range") << "per_sample.csv" << replace("per_sample.csv", ",4 1\n", ",40 1\n");
        QTest::newRow("csv neighbour is itself") << "per_sample.csv" << replace("per_sample.csv", ",4 1\n", ",5 1\n");
        // maps and training-set neighbours
        QTest::newRow("map with other rows") << "map_tsne_test.npy" << npy("map_tsne_test.npy", torch::zeros({5, 2}));
        QTest::newRow("map with NaN") << "map_pca_test.npy" << npy("map_pca_test.npy", torch::full({6, 2}, NAN));
        QTest::newRow("map with three columns") << "map_tsne_all.npy" << npy("map_tsne_all.npy", torch::zeros({9, 3}));
        QTest::newRow("map of an unknown method") << "map_umap_test.npy" << npy("map_umap_test.npy", torch::zeros({6, 2}));
        QTest::newRow("training neighbours without similarities") << "train_neighbour_similarities.npy"
                                                                  << npy("train_neighbours.npy", torch::zeros({6, 2}, torch::kInt64));
        QTest::newRow("training neighbours as floats") << "train_neighbours.npy" << Damage([](const QString& d) {
            writeNpy((d + "/train_neighbours.npy").toStdString(), torch::zeros({6, 2}));
            writeNpy((d + "/train_neighbour_similarities.npy").toStdString(), torch::zeros({6, 2}));
        });
        QTest::newRow("training neighbour similarity above 1") << "train_neighbour_similarities.npy" << Damage([](const QString& d) {
            writeNpy((d + "/train_neighbours.npy").toStdString(), torch::zeros({6, 2}, torch::kInt64));
            writeNpy((d + "/train_neighbour_similarities.npy").toStdString(), torch::full({6, 2}, 3.0f));
        });
        QTest::newRow("training embeddings of another width") << "train_embeddings.npy"
                                                              << npy("train_embeddings.npy", torch::zeros({10, 5}));
        QTest::newRow("csv predictions disagree with the matrix") << "summary.json" << replace("per_sample.csv", "\n0,0,0,", "\n0,0,1,");
    }

    void damagedRunsAreRefusedNamingTheFile() {
        QFETCH(QString, file);
        QFETCH(Damage, damage);
        QTemporaryDir tmp;
        writeGoodRun(tmp.path());
        RunFolder(tmp.path().toStdString()).read();  // whole before the damage
        damage(tmp.path());
        try {
            RunFolder(tmp.path().toStdString()).read();
            QFAIL("a damaged run was read");
        } catch (const InputError& e) {
            QVERIFY2(QString(e.what()).contains(file), e.what());
            QVERIFY2(!QString(e.what()).contains('\n'), e.what());
        }
    }

    void mapsAndTrainingNeighboursReadBack() {
        QTemporaryDir tmp;
        writeGoodRun(tmp.path());
        const auto map = torch::randn({6, 2});
        writeNpy((tmp.path() + "/map_tsne_test.npy").toStdString(), map);
        writeNpy((tmp.path() + "/train_neighbours.npy").toStdString(), torch::tensor({{4, 1}, {0, 2}, {3, 3}, {1, 0}, {2, 2}, {5, 4}}));
        writeNpy((tmp.path() + "/train_neighbour_similarities.npy").toStdString(), torch::full({6, 2}, 0.5f));
        const SavedRun run = RunFolder(tmp.path().toStdString()).read();
        QVERIFY(torch::equal(run.maps.at("map_tsne_test.npy"), map));
        QCOMPARE(run.trainNeighbours.indices[0][0].item<int64_t>(), int64_t(4));
        QCOMPARE(run.trainNeighbours.similarity.size(1), int64_t(2));
    }

    void aRunWithoutWeightsStillOpens() {
        QTemporaryDir tmp;
        writeGoodRun(tmp.path(), false);
        QVERIFY(!RunFolder(tmp.path().toStdString()).read().hasWeights);
    }

    void activeLearningFoldersAreValidatedWhole() {
        QTemporaryDir tmp;
        const ActiveLearningRunFolder folder(tmp.path().toStdString());
        ActiveLearningSettings settings;
        settings.loop.budget = 40;
        settings.repeats = 1;
        folder.writeSettings(settings);
        folder.writeCurve({{Strategy::Entropy, 0, 20, 0.5}, {Strategy::Entropy, 0, 30, 0.6}});
        RepeatState state;
        for (int64_t i = 0; i < 30; ++i) state.labelled.push_back(i * 3);
        folder.writeState(Strategy::Entropy, 0, state);
        QCOMPARE(folder.validate().size(), size_t(2));
        QCOMPARE(detectRunKind(tmp.path().toStdString()), RunKind::ActiveLearning);

        auto refused = [&](const QString& file) {
            try {
                folder.validate();
                return false;
            } catch (const InputError& e) {
                return QString(e.what()).contains(file);
            }
        };
        const QString curve = tmp.path() + "/curve.csv", settingsFile = tmp.path() + "/settings.json";
        const QString stateFile = tmp.path() + "/state/entropy-0.json";
        const QByteArray goodCurve = readAll(curve), goodSettings = readAll(settingsFile), goodState = readAll(stateFile);
        const std::vector<std::pair<QString, QByteArray>> damages = {
            {curve, "strategy,repeat,labels\n"},
            {curve, goodCurve + "entropy,0,50,0.7\n"},         // beyond the budget
            {curve, goodCurve + "entropy,0,40,NaN\n"},
            {curve, goodCurve + "entropy,0,40,0.7,extra\n"},
            {curve, goodCurve + "vgg,0,40,0.7\n"},             // unknown strategy
            {curve, goodCurve + "entropy,3,40,0.7\n"},         // repeat beyond the run's
            {curve, goodCurve + "entropy,0,40,0.7\n"},         // more labels than the state accounts for
            {settingsFile, goodSettings.left(20)},
            {settingsFile, QByteArray(goodSettings).replace("\"budget\": 40", "\"budget\": -4")},
            {stateFile, "{\"labelled\": [1, 1]}"},
            {stateFile, "{\"labelled\": [1, 2], \"labels\": [3]}"},
            {stateFile, "[]"},
        };
        for (const auto& [file, bytes] : damages) {
            writeAll(file, bytes);
            QVERIFY2(refused(QFileInfo(file).fileName()), bytes.constData());
            writeAll(curve, goodCurve);
            writeAll(settingsFile, goodSettings);
            writeAll(stateFile, goodState);
        }
        QCOMPARE(folder.validate().size(), size_t(2));
    }

    // A semi-supervised run records how its rounds learn: the same settings
    // resume; a folder whose rounds learnt otherwise (an earlier build's
    // training steps) is refused, naming its settings.json, unless a person
    // labels it.
    void semiSupervisedRunsRecordTheirMethod() {
        QTemporaryDir tmp;
        const ActiveLearningRunFolder folder(tmp.path().toStdString());
        ActiveLearningSettings settings;
        settings.loop.semiSupervised = true;
        folder.writeSettings(settings);
        const QString settingsFile = tmp.path() + "/settings.json";
        const nlohmann::json written = nlohmann::json::parse(readAll(settingsFile).toStdString());
        const SemiSupervisedSettings defaults;
        QCOMPARE(written.at("semi_supervised_method").at("last_pass_steps").get<int64_t>(), defaults.lastPassSteps);
        QCOMPARE(written.at("semi_supervised_method").at("spreading_power").get<double>(), defaults.spreading.power);
        QCOMPARE(written.at("semi_supervised_method").at("pixel_shift").get<int64_t>(), defaults.pixelShift);
        folder.requireSameSettings(settings);
        // A run whose pixel graph forgave no move (the plain one) is another method.
        nlohmann::json plainGraph = written;
        plainGraph["semi_supervised_method"]["pixel_shift"] = 0;
        writeAll(settingsFile, QByteArray::fromStdString(plainGraph.dump(2)));
        QVERIFY_THROWS_EXCEPTION(InputError, folder.requireSameSettings(settings));
        writeAll(settingsFile, QByteArray::fromStdString(written.dump(2)));
        nlohmann::json earlier = written;
        earlier["semi_supervised_method"]["last_pass_steps"] = 400;
        writeAll(settingsFile, QByteArray::fromStdString(earlier.dump(2)));
        try {
            folder.requireSameSettings(settings);
            QFAIL("a run whose rounds trained 400 steps was resumed with other steps");
        } catch (const InputError& e) {
            QVERIFY2(QString(e.what()).contains("settings.json") && QString(e.what()).contains("other settings"), e.what());
        }
        earlier.erase("semi_supervised_method");  // a run from before the method was recorded
        writeAll(settingsFile, QByteArray::fromStdString(earlier.dump(2)));
        QVERIFY_THROWS_EXCEPTION(InputError, folder.requireSameSettings(settings));
        // A person's labelling goes on under this build's method; other settings still must match.
        settings.personLabels = true;
        earlier["labeller"] = "person";
        writeAll(settingsFile, QByteArray::fromStdString(earlier.dump(2)));
        folder.requireSameSettings(settings);
        earlier["budget"] = 500;
        writeAll(settingsFile, QByteArray::fromStdString(earlier.dump(2)));
        QVERIFY_THROWS_EXCEPTION(InputError, folder.requireSameSettings(settings));
        settings.personLabels = false;
        settings.loop.semiSupervised = false;  // a supervised run records no method
        folder.writeSettings(settings);
        QVERIFY(!nlohmann::json::parse(readAll(settingsFile).toStdString()).contains("semi_supervised_method"));
    }
};

QTEST_GUILESS_MAIN(TestRunReader)
#include "test_run_reader.moc"
