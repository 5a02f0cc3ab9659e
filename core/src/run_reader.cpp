#include "alx/run_reader.h"

#include <torch/torch.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <sstream>

#include "alx/errors.h"
#include "alx/idx_reader.h"
#include "alx/neighbours.h"

namespace fs = std::filesystem;

namespace alx {
namespace {

std::string pathIn(const std::string& dir, const char* name) { return (fs::path(dir) / name).string(); }

std::string headerValue(const std::string& header, const std::string& key) {
    const auto at = header.find("'" + key + "':");
    if (at == std::string::npos) return {};
    auto start = header.find_first_not_of(' ', at + key.size() + 3);
    if (start == std::string::npos) return {};
    if (header[start] == '(') return header.substr(start, header.find(')', start) - start + 1);
    return header.substr(start, header.find_first_of(",}", start) - start);
}

}  // namespace

torch::Tensor readNpy(const std::string& path) {
    const std::vector<uint8_t> bytes = readWholeFile(path);
    if (bytes.size() < 10 || std::string(bytes.begin(), bytes.begin() + 6) != "\x93NUMPY") {
        throw InputError(fileError(path, "not a NumPy .npy file"));
    }
    const int major = bytes[6];
    size_t headerLength = 0, offset = 0;
    if (major == 1) {
        headerLength = bytes[8] | (size_t(bytes[9]) << 8);
        offset = 10;
    } else if (major == 2 || major == 3) {
        if (bytes.size() < 12) throw InputError(fileError(path, "truncated .npy header"));
        headerLength = bytes[8] | (size_t(bytes[9]) << 8) | (size_t(bytes[10]) << 16) | (size_t(bytes[11]) << 24);
        offset = 12;
    } else {
        throw InputError(fileError(path, ".npy format version " + std::to_string(major) + " is not supported"));
    }
    if (bytes.size() < offset + headerLength) throw InputError(fileError(path, "truncated .npy header"));
    const std::string header(bytes.begin() + std::ptrdiff_t(offset), bytes.begin() + std::ptrdiff_t(offset + headerLength));
    const std::string descr = headerValue(header, "descr");
    if (headerValue(header, "fortran_order") != "False") throw InputError(fileError(path, "Fortran-ordered arrays are not supported"));
    size_t elementSize = 0;
    torch::ScalarType type = torch::kFloat32;
    if (descr == "'<f4'") {
        elementSize = 4;
    } else if (descr == "'<f8'") {
        elementSize = 8;
        type = torch::kFloat64;
    } else {
        throw InputError(fileError(path, "element type " + descr + " is not supported (expected float32)"));
    }
    int64_t rows = -1, cols = -1;
    const std::string shape = headerValue(header, "shape");
    if (std::sscanf(shape.c_str(), "(%lld, %lld)", reinterpret_cast<long long*>(&rows), reinterpret_cast<long long*>(&cols)) != 2 ||
        rows < 0 || cols < 0 || rows > (int64_t(1) << 32) || cols > (int64_t(1) << 24)) {
        throw InputError(fileError(path, "expected a 2-D array, found shape " + shape));
    }
    const size_t expected = size_t(rows) * size_t(cols) * elementSize;
    if (bytes.size() - offset - headerLength != expected) {
        throw InputError(fileError(path, "holds " + std::to_string(bytes.size() - offset - headerLength) +
                                             " data bytes, its shape " + shape + " needs " + std::to_string(expected)));
    }
    return torch::from_blob(const_cast<uint8_t*>(bytes.data() + offset + headerLength), {rows, cols}, type)
        .to(torch::kFloat32)
        .clone();
}

SavedRun readRun(const std::string& dir) {
    SavedRun run;
    const std::string summaryPath = pathIn(dir, "summary.json");
    nlohmann::json j;
    {
        const auto bytes = readWholeFile(summaryPath);
        try {
            j = nlohmann::json::parse(bytes.begin(), bytes.end());
        } catch (const nlohmann::json::exception& e) {
            throw InputError(fileError(summaryPath, std::string("damaged JSON: ") + e.what()));
        }
    }
    try {
        run.version = j.value("alx_version", "");
        if (run.version.empty()) throw InputError(fileError(summaryPath, "not written by ALX (no alx_version)"));
        if (!j.contains("test_accuracy")) {
            throw InputError(fileError(summaryPath, "the run has no evaluation (status '" +
                                                        j.value("status", std::string("?")) + "'): nothing to open"));
        }
        run.model = j.at("model").get<std::string>();
        run.dataset = j.at("dataset").get<std::string>();
        run.device = j.value("device", "");
        run.status = j.value("status", "finished");
        run.trainImages = j.value("train_images", int64_t(0));
        run.testAccuracy = j.at("test_accuracy").get<double>();
        run.trainSeconds = j.value("train_seconds", 0.0);
        run.evalSeconds = j.value("eval_seconds", 0.0);
        const auto losses = j.value("epoch_loss", std::vector<double>{});
        const auto seconds = j.value("epoch_seconds", std::vector<double>{});
        const auto validation = j.value("validation_accuracy", std::vector<double>{});
        for (size_t e = 0; e < losses.size(); ++e) {
            EpochReport report;
            report.epoch = int(e + 1);
            report.epochs = j.value("epochs_planned", int(losses.size()));
            report.meanLoss = losses[e];
            report.seconds = e < seconds.size() ? seconds[e] : 0;
            if (e < validation.size()) report.validationAccuracy = validation[e];
            run.epochs.push_back(report);
        }
        const auto matrix = j.at("confusion_matrix").get<std::vector<std::vector<int64_t>>>();
        std::vector<int64_t> flat;
        for (const auto& row : matrix) {
            if (row.size() != matrix.size()) throw InputError(fileError(summaryPath, "confusion_matrix is not square"));
            flat.insert(flat.end(), row.begin(), row.end());
        }
        run.confusion = torch::tensor(flat, torch::kInt64).view({int64_t(matrix.size()), int64_t(matrix.size())});
    } catch (const nlohmann::json::exception& e) {
        throw InputError(fileError(summaryPath, std::string("missing or wrong field: ") + e.what()));
    }

    run.probabilities = readNpy(pathIn(dir, "probabilities.npy"));
    run.embeddings = readNpy(pathIn(dir, "embeddings.npy"));

    const std::string csvPath = pathIn(dir, "per_sample.csv");
    const auto csvBytes = readWholeFile(csvPath);
    std::istringstream csv(std::string(csvBytes.begin(), csvBytes.end()));
    std::string line;
    std::getline(csv, line);
    std::string expectedHeader = "index,label,predicted";
    for (ScoreKind kind : kAllScores) expectedHeader += "," + scoreKey(kind);
    expectedHeader += ",neighbours";
    if (line != expectedHeader) throw InputError(fileError(csvPath, "unexpected header (not an ALX per-sample table)"));
    std::vector<int64_t> labels, predicted, neighbours;
    std::array<std::vector<float>, kScoreCount> scores;
    int64_t m = -1;
    for (int64_t row = 0; std::getline(csv, line); ++row) {
        if (line.empty()) continue;
        std::istringstream fields(line);
        std::string field;
        std::vector<std::string> parts;
        while (std::getline(fields, field, ',')) parts.push_back(field);
        if (parts.size() != 10) {
            throw InputError(fileError(csvPath, "line " + std::to_string(row + 2) + " has " + std::to_string(parts.size()) + " fields, expected 10"));
        }
        try {
            if (std::stoll(parts[0]) != row) throw InputError(fileError(csvPath, "line " + std::to_string(row + 2) + ": index out of order"));
            labels.push_back(std::stoll(parts[1]));
            predicted.push_back(std::stoll(parts[2]));
            for (int s = 0; s < kScoreCount; ++s) scores[s].push_back(std::stof(parts[size_t(3 + s)]));
            std::istringstream nb(parts[9]);
            int64_t count = 0, index = 0;
            while (nb >> index) {
                neighbours.push_back(index);
                ++count;
            }
            if (m < 0) m = count;
            if (count != m || m < 1) throw InputError(fileError(csvPath, "line " + std::to_string(row + 2) + ": wrong number of neighbours"));
        } catch (const std::logic_error& e) {  // stoll/stof: invalid_argument, out_of_range
            if (auto* input = dynamic_cast<const InputError*>(&e)) throw *input;
            throw InputError(fileError(csvPath, "line " + std::to_string(row + 2) + ": not a number"));
        }
    }
    const int64_t n = int64_t(labels.size());
    if (n == 0) throw InputError(fileError(csvPath, "has no rows"));
    if (run.probabilities.size(0) != n || run.embeddings.size(0) != n) {
        throw InputError(fileError(dir, "per_sample.csv has " + std::to_string(n) + " rows but the .npy files have " +
                                            std::to_string(run.probabilities.size(0)) + " and " +
                                            std::to_string(run.embeddings.size(0))));
    }
    run.labels = torch::tensor(labels, torch::kInt64);
    run.predicted = torch::tensor(predicted, torch::kInt64);
    const int64_t classes = run.probabilities.size(1);
    if (run.confusion.size(0) != classes || run.labels.min().item<int64_t>() < 0 ||
        run.labels.max().item<int64_t>() >= classes || run.predicted.min().item<int64_t>() < 0 ||
        run.predicted.max().item<int64_t>() >= classes) {
        throw InputError(fileError(dir, "labels, predictions and class counts disagree"));
    }
    for (int s = 0; s < kScoreCount; ++s) run.scores[size_t(s)] = torch::tensor(scores[size_t(s)], torch::kFloat32);
    run.neighbours.indices = torch::tensor(neighbours, torch::kInt64).view({n, m});
    if (run.neighbours.indices.min().item<int64_t>() < 0 || run.neighbours.indices.max().item<int64_t>() >= n) {
        throw InputError(fileError(csvPath, "a neighbour index is out of range"));
    }
    const auto u = unitNormalise(run.embeddings);
    run.neighbours.similarity =
        (u.unsqueeze(1) * u.index_select(0, run.neighbours.indices.view({-1})).view({n, m, -1})).sum(2);
    return run;
}

}  // namespace alx
