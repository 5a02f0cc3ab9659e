// RunFolder: reading a run back, strictly (writing: run_folder_writer.cpp).
#include "alx/storage/run_folder.h"

#include <torch/torch.h>

#include <cmath>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <sstream>

#include "alx/data/dataset_catalog.h"
#include "alx/scoring/neighbours.h"
#include "alx/storage/npy.h"
#include "alx/util/errors.h"
#include "alx/util/files.h"
#include "alx/util/numbers.h"
#include "file_helpers.h"
#include "file_names.h"

namespace fs = std::filesystem;

namespace alx {
namespace {

using namespace storage_detail;

bool allFinite(const torch::Tensor& t) { return t.numel() == 0 || torch::isfinite(t).all().item<bool>(); }

RunSummary readEvaluatedSummary(const std::string& path) {
    const auto bytes = readWholeFile(path);
    RunSummary summary = parseRunSummary(std::string(bytes.begin(), bytes.end()), path);
    if (!summary.evaluated) {
        refuse(path, "the run has no evaluation (status '" + summary.status + "'): nothing to open");
    }
    if (summary.confusion.empty()) refuse(path, "has no confusion_matrix");
    // Runs written before the names were recorded were all of a catalogued dataset.
    const DatasetSpec* spec = findDatasetSpec(summary.dataset);
    if (summary.classNames.empty() && spec) summary.classNames = spec->classNames;
    return summary;
}

torch::Tensor confusionTensor(const RunSummary& summary) {
    std::vector<int64_t> flat;
    for (const auto& row : summary.confusion) flat.insert(flat.end(), row.begin(), row.end());
    const auto c = int64_t(summary.confusion.size());
    return torch::tensor(flat, torch::kInt64).view({c, c});
}

int64_t integerIn(const std::string& text, const std::string& path, const std::string& where) {
    const auto v = parseInteger(text);
    if (!v) refuse(path, where + ": not a number");
    return *v;
}

// A score as written (nine digits): read as a double, then as the float it
// was, so that a value below float's normal range still reads.
float scoreIn(const std::string& text, const std::string& path, const std::string& where, int score) {
    const auto wide = parseNumber(text);
    if (!wide || !std::isfinite(*wide) || !std::isfinite(float(*wide))) {
        refuse(path, where + ": " + scoreKey(scoreAt(score)) + " is not a finite number");
    }
    return float(*wide);
}

struct PerSampleRows {
    std::vector<int64_t> labels, predicted, neighbours;
    std::array<std::vector<float>, kScoreCount> scores;
    int64_t perRow = -1;  // neighbours per row
};

void readPerSampleRow(const std::string& line, int64_t row, const std::string& path, int64_t classes, PerSampleRows& out) {
    constexpr size_t kFields = 3 + kScoreCount + 1;
    const std::string where = "line " + std::to_string(row + 2);
    if (line.empty()) refuse(path, where + " is empty");
    const std::vector<std::string> parts = splitCsvLine(line);
    if (parts.size() != kFields) {
        refuse(path, where + " has " + std::to_string(parts.size()) + " fields, expected " + std::to_string(kFields));
    }
    if (integerIn(parts[0], path, where) != row) refuse(path, where + ": index out of order");
    const int64_t label = integerIn(parts[1], path, where), predicted = integerIn(parts[2], path, where);
    if (label < 0 || label >= classes || predicted < 0 || predicted >= classes) {
        refuse(path, where + ": a label or prediction is outside 0.." + std::to_string(classes - 1));
    }
    out.labels.push_back(label);
    out.predicted.push_back(predicted);
    for (int s = 0; s < kScoreCount; ++s) out.scores[size_t(s)].push_back(scoreIn(parts[size_t(3 + s)], path, where, s));
    std::istringstream nb(parts[kFields - 1]);
    int64_t count = 0;
    std::string token;
    while (nb >> token) {
        const int64_t index = integerIn(token, path, where);
        if (index == row) refuse(path, where + ": an image is listed as its own neighbour");
        out.neighbours.push_back(index);
        ++count;
    }
    if (out.perRow < 0) out.perRow = count;
    if (count != out.perRow || out.perRow < 1) refuse(path, where + ": wrong number of neighbours");
}

void readPerSample(const std::string& path, SavedRun& run, int64_t classes) {
    const auto bytes = readWholeFile(path);
    std::istringstream csv(std::string(bytes.begin(), bytes.end()));
    std::string line;
    std::getline(csv, line);
    if (line != perSampleCsvHeader()) refuse(path, "unexpected header (not an ALX per-sample table)");
    PerSampleRows rows;
    for (int64_t row = 0; std::getline(csv, line); ++row) readPerSampleRow(line, row, path, classes, rows);
    const int64_t n = int64_t(rows.labels.size());
    if (n == 0) refuse(path, "has no rows");
    run.labels = torch::tensor(rows.labels, torch::kInt64);
    run.predicted = torch::tensor(rows.predicted, torch::kInt64);
    for (int s = 0; s < kScoreCount; ++s) run.scores[size_t(s)] = torch::tensor(rows.scores[size_t(s)], torch::kFloat32);
    run.neighbours.indices = torch::tensor(rows.neighbours, torch::kInt64).view({n, rows.perRow});
    if (run.neighbours.indices.min().item<int64_t>() < 0 || run.neighbours.indices.max().item<int64_t>() >= n) {
        refuse(path, "a neighbour index is out of range 0.." + std::to_string(n - 1));
    }
}

void readProbabilities(const std::string& path, SavedRun& run, int64_t classes) {
    run.probabilities = readNpy(path);
    if (run.probabilities.size(1) != classes) {
        refuse(path, "has " + std::to_string(run.probabilities.size(1)) + " columns; the run has " +
                         std::to_string(classes) + " classes");
    }
    if (!allFinite(run.probabilities)) refuse(path, "holds NaN or infinite values");
    if (run.probabilities.numel() > 0 &&
        (run.probabilities.min().item<float>() < 0 || run.probabilities.max().item<float>() > 1 ||
         (run.probabilities.sum(1) - 1).abs().max().item<float>() > 1e-3f)) {
        refuse(path, "a row is not a probability distribution (values in [0, 1] summing to 1)");
    }
}

void readEmbeddings(const std::string& path, SavedRun& run) {
    run.embeddings = readNpy(path);
    if (!allFinite(run.embeddings)) refuse(path, "holds NaN or infinite values");
    if (run.embeddings.size(1) < 1) refuse(path, "has no columns");
}

// The files that must agree on N, the confusion matrix and the accuracy.
void checkAgreement(const std::string& dir, const SavedRun& run) {
    const int64_t n = run.size(), classes = run.confusion.size(0);
    if (run.probabilities.size(0) != n || run.embeddings.size(0) != n) {
        refuse(dir, std::string(names::kPerSample) + " has " + std::to_string(n) + " rows but " + names::kProbabilities +
                        " has " + std::to_string(run.probabilities.size(0)) + " and " + names::kEmbeddings + " " +
                        std::to_string(run.embeddings.size(0)));
    }
    if (run.neighbours.indices.size(1) >= n) refuse(pathIn(dir, names::kPerSample), "more neighbours per image than other images");
    const auto counted = torch::zeros({classes * classes}, torch::kInt64)
                             .index_add_(0, run.labels * classes + run.predicted, torch::ones({n}, torch::kInt64))
                             .view({classes, classes});
    if (!torch::equal(counted, run.confusion)) {
        refuse(pathIn(dir, names::kSummary), "confusion_matrix does not match the labels and predictions in per_sample.csv");
    }
    const double accuracy = run.labels.eq(run.predicted).to(torch::kFloat64).mean().item<double>();
    if (std::abs(accuracy - run.summary.testAccuracy) > 1e-6) {
        refuse(pathIn(dir, names::kSummary), "test_accuracy does not match per_sample.csv");
    }
}

bool checkWeights(const std::string& path, const RunSummary& summary) {
    std::error_code ec;
    if (!fs::exists(path, ec)) return false;
    const WeightsInfo info = readWeightsInfo(path);
    if (!info.model.empty() && info.model != summary.model) {
        refuse(path, "holds weights for model '" + info.model + "', but the run is of '" + summary.model + "'");
    }
    return true;
}

void readTrainNeighbours(const std::string& dir, SavedRun& run) {
    const std::string indicesPath = pathIn(dir, names::kTrainNeighbours);
    const std::string similarityPath = pathIn(dir, names::kTrainSimilarities);
    std::error_code ec;
    const bool hasIndices = fs::exists(indicesPath, ec), hasSimilarity = fs::exists(similarityPath, ec);
    if (hasIndices != hasSimilarity) refuse(hasIndices ? similarityPath : indicesPath, "missing (the run has its companion file)");
    if (!hasIndices) return;
    const std::vector<uint8_t> bytes = readWholeFile(indicesPath);
    if (parseNpyLayout(bytes, indicesPath).type != NpyLayout::Type::Int32) refuse(indicesPath, "expected int32 indices");
    const auto& indices = run.trainNeighbours.indices = parseNpy(bytes, indicesPath);
    const auto& similarity = run.trainNeighbours.similarity = readNpy(similarityPath);
    if (indices.size(0) != run.size() || indices.size(1) < 1) refuse(indicesPath, "expected " + std::to_string(run.size()) + " rows");
    if (similarity.sizes() != indices.sizes()) refuse(similarityPath, "its shape differs from train_neighbours.npy's");
    if (indices.min().item<int64_t>() < 0) refuse(indicesPath, "a negative index");
    if (!allFinite(similarity) || similarity.abs().max().item<float>() > 1.0f + 1e-4f) {
        refuse(similarityPath, "a similarity outside [-1, 1]");
    }
}

void readTrainEmbeddings(const std::string& dir, SavedRun& run) {
    const std::string path = pathIn(dir, names::kTrainEmbeddings);
    std::error_code ec;
    if (!fs::exists(path, ec)) return;
    run.trainEmbeddings = readNpy(path);
    if (run.trainEmbeddings.size(1) != run.embeddings.size(1) || run.trainEmbeddings.size(0) < 1) {
        refuse(path, "its width differs from embeddings.npy's");
    }
    if (!allFinite(run.trainEmbeddings)) refuse(path, "holds NaN or infinite values");
}

void readMaps(const std::string& dir, SavedRun& run) {
    const std::string prefix = names::kMapPrefix;
    std::error_code ec;
    const int64_t n = run.size();
    for (const auto& entry : fs::directory_iterator(dir, ec)) {
        const std::string name = entry.path().filename().string(), path = entry.path().string();
        if (name.rfind(prefix, 0) != 0 || entry.path().extension() != ".npy") continue;
        const std::string stem = name.substr(prefix.size(), name.size() - prefix.size() - 4);  // method_split
        const auto cut = stem.find('_');
        const std::string method = stem.substr(0, cut), split = cut == std::string::npos ? "" : stem.substr(cut + 1);
        if ((method != "tsne" && method != "pca") || (split != "test" && split != "train" && split != "all")) {
            refuse(path, "not a map ALX writes (map_<tsne|pca>_<test|train|all>.npy)");
        }
        const auto map = readNpy(path);
        if (map.size(1) != 2) refuse(path, "a map has two columns");
        if (!allFinite(map)) refuse(path, "holds NaN or infinite values");
        if ((split == "test" && map.size(0) != n) || (split == "all" && map.size(0) <= n) || map.size(0) < 1) {
            refuse(path, "has " + std::to_string(map.size(0)) + " rows, which does not fit the run's " +
                             std::to_string(n) + " test images");
        }
        run.maps[name] = map;
    }
}

// The neighbours' similarities are not stored: the cosine of the embeddings.
torch::Tensor neighbourSimilarities(const SavedRun& run) {
    const auto u = unitNormalise(run.embeddings);
    const int64_t n = run.size(), m = run.neighbours.indices.size(1);
    return (u.unsqueeze(1) * u.index_select(0, run.neighbours.indices.view({-1})).view({n, m, -1})).sum(2);
}

}  // namespace

RunKind detectRunKind(const std::string& dir) {
    std::error_code ec;
    const auto has = [&](const char* name) { return fs::is_regular_file(pathIn(dir, name), ec); };
    if (has(names::kCurve) && has(names::kSettings)) return RunKind::ActiveLearning;
    if (!has(names::kSummary)) return RunKind::Unknown;
    if (!has(names::kPerSample) && !has(names::kWeights)) return RunKind::Unknown;
    try {
        const nlohmann::json j = readJsonFile(pathIn(dir, names::kSummary));
        if (j.is_object() && j.value("kind", std::string()) == "evaluation") return RunKind::Evaluation;
    } catch (const std::exception&) {
    }
    return RunKind::Training;
}

SavedRun RunFolder::read() const {
    std::error_code ec;
    if (!fs::is_directory(dir_, ec)) refuse(dir_, "not a folder");
    SavedRun run;
    run.summary = readEvaluatedSummary(summaryPath());
    run.confusion = confusionTensor(run.summary);
    const int64_t classes = run.confusion.size(0);
    readProbabilities(pathIn(dir_, names::kProbabilities), run, classes);
    readEmbeddings(pathIn(dir_, names::kEmbeddings), run);
    readPerSample(pathIn(dir_, names::kPerSample), run, classes);
    checkAgreement(dir_, run);
    run.hasWeights = run.summary.script.present() ? fs::exists(scriptedModelPath(), ec)
                                                  : checkWeights(weightsPath(), run.summary);
    readTrainNeighbours(dir_, run);
    readTrainEmbeddings(dir_, run);
    readMaps(dir_, run);
    run.neighbours.similarity = neighbourSimilarities(run);
    return run;
}

std::vector<SavedRun> readRuns(const std::vector<std::string>& dirs, const std::function<bool()>& shouldStop) {
    std::vector<SavedRun> runs;
    for (const std::string& dir : dirs) {
        if (shouldStop && shouldStop()) throw Cancelled();
        runs.push_back(RunFolder(dir).read());
    }
    return runs;
}

}  // namespace alx
