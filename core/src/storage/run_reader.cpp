#include "alx/storage/run_reader.h"

#include <torch/torch.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <sstream>

#include "alx/data/idx_reader.h"
#include "alx/scoring/neighbours.h"
#include "alx/storage/npy.h"
#include "alx/storage/run_writer.h"
#include "alx/storage/summary_record.h"
#include "alx/storage/weights_file.h"
#include "alx/util/errors.h"
#include "file_helpers.h"

namespace fs = std::filesystem;

namespace alx {
namespace {

using namespace storage_detail;

bool allFinite(const torch::Tensor& t) { return t.numel() == 0 || torch::isfinite(t).all().item<bool>(); }

void readSummary(const std::string& path, SavedRun& run) {
    const auto bytes = readWholeFile(path);
    const SummaryRecord r = parseSummaryRecord(std::string(bytes.begin(), bytes.end()), path);
    run.format = r.format;
    run.version = r.version;
    run.model = r.model;
    run.dataset = r.dataset;
    run.device = r.device;
    run.status = r.status;
    run.classNames = r.classNames;
    run.temperature = r.temperature;
    run.settings = r.settings;
    run.trainImages = r.trainImages;
    run.testAccuracy = r.testAccuracy;
    run.trainSeconds = r.trainSeconds;
    run.evalSeconds = r.evalSeconds;
    for (size_t e = 0; e < r.epochLoss.size(); ++e) {
        EpochReport report;
        report.epoch = int(e + 1);
        report.epochs = r.epochsPlanned;
        report.meanLoss = r.epochLoss[e];
        report.seconds = e < r.epochSeconds.size() ? r.epochSeconds[e] : 0;
        if (e < r.validationAccuracy.size()) report.validationAccuracy = r.validationAccuracy[e];
        run.epochs.push_back(report);
    }
    std::vector<int64_t> flat;
    for (const auto& row : r.confusion) flat.insert(flat.end(), row.begin(), row.end());
    const auto c = int64_t(r.confusion.size());
    run.confusion = torch::tensor(flat, torch::kInt64).view({c, c});
}

void readPerSample(const std::string& path, SavedRun& run, int64_t classes) {
    const auto bytes = readWholeFile(path);
    std::istringstream csv(std::string(bytes.begin(), bytes.end()));
    std::string line;
    std::getline(csv, line);
    if (line != perSampleCsvHeader()) refuse(path, "unexpected header (not an ALX per-sample table)");
    constexpr size_t kFields = 3 + kScoreCount + 1;
    std::vector<int64_t> labels, predicted, neighbours;
    std::array<std::vector<float>, kScoreCount> scores;
    int64_t m = -1;
    for (int64_t row = 0; std::getline(csv, line); ++row) {
        const std::string where = "line " + std::to_string(row + 2);
        if (line.empty()) refuse(path, where + " is empty");
        std::istringstream fields(line);
        std::string field;
        std::vector<std::string> parts;
        while (std::getline(fields, field, ',')) parts.push_back(field);
        if (parts.size() != kFields) {
            refuse(path, where + " has " + std::to_string(parts.size()) + " fields, expected " + std::to_string(kFields));
        }
        try {
            size_t used = 0;
            auto integer = [&](const std::string& text) {
                const long long v = std::stoll(text, &used);
                if (used != text.size()) throw std::invalid_argument(text);
                return int64_t(v);
            };
            if (integer(parts[0]) != row) refuse(path, where + ": index out of order");
            labels.push_back(integer(parts[1]));
            predicted.push_back(integer(parts[2]));
            if (labels.back() < 0 || labels.back() >= classes || predicted.back() < 0 || predicted.back() >= classes) {
                refuse(path, where + ": a label or prediction is outside 0.." + std::to_string(classes - 1));
            }
            for (int s = 0; s < kScoreCount; ++s) {
                // strtod, not stof: stof throws out_of_range for a subnormal
                // float such as 3.1e-40, which the writer can print (an
                // entropy of a near-certain prediction).
                const std::string& text = parts[size_t(3 + s)];
                char* end = nullptr;
                const double wide = std::strtod(text.c_str(), &end);
                const float v = float(wide);
                if (text.empty() || end != text.c_str() + text.size() || !std::isfinite(wide) || !std::isfinite(v)) {
                    refuse(path, where + ": " + scoreKey(scoreAt(s)) + " is not a finite number");
                }
                scores[size_t(s)].push_back(v);
            }
            std::istringstream nb(parts[kFields - 1]);
            int64_t count = 0;
            std::string token;
            while (nb >> token) {
                const int64_t index = integer(token);
                if (index == row) refuse(path, where + ": an image is listed as its own neighbour");
                neighbours.push_back(index);
                ++count;
            }
            if (m < 0) m = count;
            if (count != m || m < 1) refuse(path, where + ": wrong number of neighbours");
        } catch (const std::logic_error& e) {  // stoll/stof: invalid_argument, out_of_range
            if (auto* input = dynamic_cast<const InputError*>(&e)) throw *input;
            refuse(path, where + ": not a number");
        }
    }
    const int64_t n = int64_t(labels.size());
    if (n == 0) refuse(path, "has no rows");
    run.labels = torch::tensor(labels, torch::kInt64);
    run.predicted = torch::tensor(predicted, torch::kInt64);
    for (int s = 0; s < kScoreCount; ++s) run.scores[size_t(s)] = torch::tensor(scores[size_t(s)], torch::kFloat32);
    run.neighbours.indices = torch::tensor(neighbours, torch::kInt64).view({n, m});
    if (run.neighbours.indices.min().item<int64_t>() < 0 || run.neighbours.indices.max().item<int64_t>() >= n) {
        refuse(path, "a neighbour index is out of range 0.." + std::to_string(n - 1));
    }
}

}  // namespace

RunKind detectRunKind(const std::string& dir) {
    std::error_code ec;
    const bool hasSummary = fs::is_regular_file(pathIn(dir, "summary.json"), ec);
    if (fs::is_regular_file(pathIn(dir, "curve.csv"), ec) && fs::is_regular_file(pathIn(dir, "settings.json"), ec)) {
        return RunKind::ActiveLearning;
    }
    if (!hasSummary) return RunKind::Unknown;
    if (fs::is_regular_file(pathIn(dir, "per_sample.csv"), ec) || fs::is_regular_file(pathIn(dir, "model.pt"), ec)) {
        try {
            const nlohmann::json j = readJsonFile(pathIn(dir, "summary.json"));
            if (j.is_object() && j.value("kind", std::string()) == "evaluation") return RunKind::Evaluation;
        } catch (const std::exception&) {
        }
        return RunKind::Training;
    }
    return RunKind::Unknown;
}

SavedRun readRun(const std::string& dir) {
    std::error_code ec;
    if (!fs::is_directory(dir, ec)) refuse(dir, "not a folder");
    SavedRun run;
    readSummary(pathIn(dir, "summary.json"), run);
    const int64_t classes = run.confusion.size(0);

    const std::string probabilitiesPath = pathIn(dir, "probabilities.npy");
    run.probabilities = readNpy(probabilitiesPath);
    if (run.probabilities.size(1) != classes) {
        refuse(probabilitiesPath, "has " + std::to_string(run.probabilities.size(1)) + " columns; the run has " +
                                      std::to_string(classes) + " classes");
    }
    if (!allFinite(run.probabilities)) refuse(probabilitiesPath, "holds NaN or infinite values");
    if (run.probabilities.numel() > 0 &&
        (run.probabilities.min().item<float>() < 0 || run.probabilities.max().item<float>() > 1 ||
         (run.probabilities.sum(1) - 1).abs().max().item<float>() > 1e-3f)) {
        refuse(probabilitiesPath, "a row is not a probability distribution (values in [0, 1] summing to 1)");
    }
    const std::string embeddingsPath = pathIn(dir, "embeddings.npy");
    run.embeddings = readNpy(embeddingsPath);
    if (!allFinite(run.embeddings)) refuse(embeddingsPath, "holds NaN or infinite values");
    if (run.embeddings.size(1) < 1) refuse(embeddingsPath, "has no columns");

    const std::string csvPath = pathIn(dir, "per_sample.csv");
    readPerSample(csvPath, run, classes);
    const int64_t n = run.size();
    if (run.probabilities.size(0) != n || run.embeddings.size(0) != n) {
        refuse(dir, "per_sample.csv has " + std::to_string(n) + " rows but probabilities.npy has " +
                        std::to_string(run.probabilities.size(0)) + " and embeddings.npy " +
                        std::to_string(run.embeddings.size(0)));
    }
    if (run.neighbours.indices.size(1) >= n) refuse(csvPath, "more neighbours per image than other images");
    const auto counted = torch::zeros({classes * classes}, torch::kInt64)
                             .index_add_(0, run.labels * classes + run.predicted, torch::ones({n}, torch::kInt64))
                             .view({classes, classes});
    if (!torch::equal(counted, run.confusion)) {
        refuse(pathIn(dir, "summary.json"), "confusion_matrix does not match the labels and predictions in per_sample.csv");
    }
    const double accuracy = run.labels.eq(run.predicted).to(torch::kFloat64).mean().item<double>();
    if (std::abs(accuracy - run.testAccuracy) > 1e-6) {
        refuse(pathIn(dir, "summary.json"), "test_accuracy does not match per_sample.csv");
    }

    const std::string weightsPath = pathIn(dir, "model.pt");
    if (fs::exists(weightsPath, ec)) {
        const WeightsInfo info = readWeightsInfo(weightsPath);
        if (!info.model.empty() && info.model != run.model) {
            refuse(weightsPath, "holds weights for model '" + info.model + "', but the run is of '" + run.model + "'");
        }
        run.hasWeights = true;
    }

    const std::string trainIndicesPath = pathIn(dir, "train_neighbours.npy");
    const std::string trainSimilarityPath = pathIn(dir, "train_neighbour_similarities.npy");
    const bool hasIndices = fs::exists(trainIndicesPath, ec), hasSimilarity = fs::exists(trainSimilarityPath, ec);
    if (hasIndices != hasSimilarity) {
        refuse(hasIndices ? trainSimilarityPath : trainIndicesPath, "missing (the run has its companion file)");
    }
    if (hasIndices) {
        const std::vector<uint8_t> bytes = readWholeFile(trainIndicesPath);
        if (parseNpyLayout(bytes, trainIndicesPath).type != NpyLayout::Type::Int32) {
            refuse(trainIndicesPath, "expected int32 indices");
        }
        run.trainNeighbours.indices = parseNpy(bytes, trainIndicesPath);
        run.trainNeighbours.similarity = readNpy(trainSimilarityPath);
        const auto& indices = run.trainNeighbours.indices;
        const auto& similarity = run.trainNeighbours.similarity;
        if (indices.size(0) != n || indices.size(1) < 1) refuse(trainIndicesPath, "expected " + std::to_string(n) + " rows");
        if (similarity.sizes() != indices.sizes()) refuse(trainSimilarityPath, "its shape differs from train_neighbours.npy's");
        if (indices.min().item<int64_t>() < 0) refuse(trainIndicesPath, "a negative index");
        if (!allFinite(similarity) || similarity.abs().max().item<float>() > 1.0f + 1e-4f) {
            refuse(trainSimilarityPath, "a similarity outside [-1, 1]");
        }
    }
    const std::string trainEmbeddingsPath = pathIn(dir, "train_embeddings.npy");
    if (fs::exists(trainEmbeddingsPath, ec)) {
        run.trainEmbeddings = readNpy(trainEmbeddingsPath);
        if (run.trainEmbeddings.size(1) != run.embeddings.size(1) || run.trainEmbeddings.size(0) < 1) {
            refuse(trainEmbeddingsPath, "its width differs from embeddings.npy's");
        }
        if (!allFinite(run.trainEmbeddings)) refuse(trainEmbeddingsPath, "holds NaN or infinite values");
    }
    for (const auto& entry : fs::directory_iterator(dir, ec)) {
        const std::string name = entry.path().filename().string();
        if (name.rfind("map_", 0) != 0 || entry.path().extension() != ".npy") continue;
        const std::string stem = name.substr(4, name.size() - 8);  // method_split
        const auto cut = stem.find('_');
        const std::string method = stem.substr(0, cut), split = cut == std::string::npos ? "" : stem.substr(cut + 1);
        if ((method != "tsne" && method != "pca") || (split != "test" && split != "train" && split != "all")) {
            refuse(entry.path().string(), "not a map ALX writes (map_<tsne|pca>_<test|train|all>.npy)");
        }
        const auto map = readNpy(entry.path().string());
        if (map.size(1) != 2) refuse(entry.path().string(), "a map has two columns");
        if (!allFinite(map)) refuse(entry.path().string(), "holds NaN or infinite values");
        if ((split == "test" && map.size(0) != n) || (split == "all" && map.size(0) <= n) || map.size(0) < 1) {
            refuse(entry.path().string(), "has " + std::to_string(map.size(0)) + " rows, which does not fit the run's " +
                                              std::to_string(n) + " test images");
        }
        run.maps[name] = map;
    }

    const auto u = unitNormalise(run.embeddings);
    const int64_t m = run.neighbours.indices.size(1);
    run.neighbours.similarity =
        (u.unsqueeze(1) * u.index_select(0, run.neighbours.indices.view({-1})).view({n, m, -1})).sum(2);
    return run;
}

}  // namespace alx
