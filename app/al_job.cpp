// alx-cli al: strategies compared over repeats, written as rounds finish so
// an interrupted run keeps what it had and --resume continues it.
#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <limits>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "alx/active_learning.h"
#include "alx/atomic_file.h"
#include "alx/dataset_catalog.h"
#include "alx/dataset_loader.h"
#include "alx/device.h"
#include "alx/errors.h"
#include "alx/idx_reader.h"
#include "alx/learning_curve.h"
#include "alx/model_registry.h"
#include "cli_jobs.h"

namespace fs = std::filesystem;

namespace alx::cli {
namespace {

struct CurveRow {
    std::string strategy;
    int repeat = 0;
    int64_t labels = 0;
    double accuracy = 0;
};

std::string pathIn(const std::string& dir, const std::string& name) { return (fs::path(dir) / name).string(); }

std::vector<CurveRow> readCurve(const std::string& path) {
    std::vector<CurveRow> rows;
    if (!fs::exists(path)) return rows;
    const auto bytes = readWholeFile(path);
    std::istringstream in(std::string(bytes.begin(), bytes.end()));
    std::string line;
    std::getline(in, line);
    if (line != "strategy,repeat,labels,test_accuracy") throw InputError(fileError(path, "not an ALX learning curve"));
    while (std::getline(in, line)) {
        if (line.empty()) continue;
        CurveRow row;
        char name[64] = {0};
        long long labels = 0;
        if (std::sscanf(line.c_str(), "%63[^,],%d,%lld,%lf", name, &row.repeat, &labels, &row.accuracy) != 4) {
            throw InputError(fileError(path, "damaged line: " + line));
        }
        row.strategy = name;
        row.labels = labels;
        rows.push_back(row);
    }
    return rows;
}

void writeCurve(const std::string& path, const std::vector<CurveRow>& rows) {
    std::string text = "strategy,repeat,labels,test_accuracy\n";
    char line[160];
    for (const auto& r : rows) {
        std::snprintf(line, sizeof line, "%s,%d,%lld,%.4f\n", r.strategy.c_str(), r.repeat, static_cast<long long>(r.labels), r.accuracy);
        text += line;
    }
    writeFileAtomically(path, text);
}

void writeSummaryJson(const std::string& dir, const std::vector<CurveRow>& rows, const std::vector<Strategy>& strategies,
                      int repeats, const nlohmann::json& settings) {
    nlohmann::json j;
    j["settings"] = settings;
    for (Strategy s : strategies) {
        const std::string name = strategyName(s);
        std::vector<CurvePoint> points;
        std::set<int> repeatsSeen;
        for (const auto& row : rows) {
            if (row.strategy != name) continue;
            points.push_back({row.repeat, row.labels, row.accuracy});
            repeatsSeen.insert(row.repeat);
        }
        auto orNull = [](const std::optional<double>& v) { return v ? nlohmann::json(*v) : nlohmann::json(nullptr); };
        nlohmann::json entry;
        entry["labels_to_90"] = orNull(medianLabelsToReach(points, repeats, 0.90));
        entry["labels_to_95"] = orNull(medianLabelsToReach(points, repeats, 0.95));
        entry["final_accuracy"] = orNull(medianFinalAccuracy(points, repeats));
        const int finishedRepeats = int(repeatsSeen.size());
        entry["repeats_with_rounds"] = finishedRepeats;
        entry["description"] = strategyDescription(s);
        j["strategies"][name] = entry;
    }
    writeFileAtomically(pathIn(dir, "summary.json"), j.dump(2) + "\n");
}

std::vector<Strategy> parseStrategies(const std::string& list) {
    std::vector<Strategy> out;
    std::stringstream in(list);
    std::string name;
    while (std::getline(in, name, ',')) {
        if (name.empty()) continue;
        const Strategy s = parseStrategy(name);
        if (std::find(out.begin(), out.end(), s) == out.end()) out.push_back(s);
    }
    if (out.empty()) throw InputError("--strategy: give at least one strategy");
    return out;
}

}  // namespace

int runActiveLearningJob(const ActiveLearningJob& job) {
    const std::vector<Strategy> strategies = parseStrategies(job.strategies);
    if (job.repeats < 1) throw InputError("--repeats must be at least 1");
    const ActiveLearningConfig& config = job.loop;
    for (Strategy s : strategies) requireModelFits(s, config.model);

    nlohmann::json settings = {{"model", config.model},
                               {"dataset", job.data.dataset},
                               {"initial", config.initial},
                               {"acquire", config.acquire},
                               {"budget", config.budget},
                               {"pool_subset", config.poolSubset},
                               {"mc_samples", config.mcSamples},
                               {"repeats", job.repeats},
                               {"seed", job.seed},
                               {"max_steps_per_round", config.maxStepsPerRound},
                               {"epochs_per_round", config.epochsPerRound},
                               {"batch_size", config.batchSize}};
    ensureWritableDirectory(job.outDir);
    const std::string settingsPath = pathIn(job.outDir, "settings.json");
    const std::string curvePath = pathIn(job.outDir, "curve.csv");
    if (fs::exists(curvePath) || fs::exists(settingsPath)) {
        if (!job.resume) throw InputError(fileError(job.outDir, "already holds an active-learning run; pass --resume to continue it"));
        const auto bytes = readWholeFile(settingsPath);
        nlohmann::json previous;
        try {
            previous = nlohmann::json::parse(bytes.begin(), bytes.end());
        } catch (const nlohmann::json::exception&) {
            throw InputError(fileError(settingsPath, "damaged"));
        }
        if (previous != settings) {
            throw InputError(fileError(settingsPath, "the run there used other settings: " + previous.dump()));
        }
    }
    writeFileAtomically(settingsPath, settings.dump(2) + "\n");
    fs::create_directories(pathIn(job.outDir, "state"));

    configureThreads(job.threads);
    const torch::Device device = resolveDevice(job.device);
    const LoadedDataset data = loadFor(job.data);
    const TensorSet pool{normaliseImages(data.train.images, device), data.train.labels.to(device)};
    const TensorSet test{normaliseImages(data.test.images, device), data.test.labels.to(device)};
    std::cout << "Active learning on " << datasetSpec(job.data.dataset).displayName << " (" << pool.size() << " pool, " << test.size()
              << " test images), model " << config.model << ", " << describeDevice(device) << std::endl;

    std::vector<CurveRow> rows = readCurve(curvePath);
    for (Strategy strategy : strategies) {
        const std::string name = strategyName(strategy);
        for (int repeat = 0; repeat < job.repeats; ++repeat) {
            const uint64_t seed = job.seed * 1000 + uint64_t(repeat);
            const std::string statePath = pathIn(pathIn(job.outDir, "state"), name + "-" + std::to_string(repeat) + ".json");
            std::vector<int64_t> labelled;
            if (fs::exists(statePath)) {
                const auto bytes = readWholeFile(statePath);
                try {
                    labelled = nlohmann::json::parse(bytes.begin(), bytes.end()).at("labelled").get<std::vector<int64_t>>();
                } catch (const nlohmann::json::exception&) {
                    throw InputError(fileError(statePath, "damaged"));
                }
                // Keep only the curve rows the state accounts for.
                rows.erase(std::remove_if(rows.begin(), rows.end(), [&](const CurveRow& r) {
                               return r.strategy == name && r.repeat == repeat && r.labels > int64_t(labelled.size());
                           }), rows.end());
                if (int64_t(labelled.size()) >= config.budget) continue;  // this repeat is done
            }
            std::vector<int64_t> labelledSoFar =
                labelled.empty() ? initialLabelledSet(pool.labels, config.initial, 10, seed) : labelled;
            ActiveLearningCallbacks callbacks;
            callbacks.shouldStop = [] { return interruptRequested.load(); };
            callbacks.onRound = [&](const ActiveLearningRound& r) {
                labelledSoFar.insert(labelledSoFar.end(), r.acquired.begin(), r.acquired.end());  // none in round 0
                rows.push_back({name, repeat, r.labels, r.testAccuracy});
                // The state first: a curve row is only ever written with the labels it stands for.
                writeFileAtomically(statePath, nlohmann::json{{"labelled", labelledSoFar}}.dump() + "\n");
                writeCurve(curvePath, rows);
                writeSummaryJson(job.outDir, rows, strategies, job.repeats, settings);
                std::printf("%s repeat %d: %lld labels, test accuracy %.2f%% (%.1f s)\n", name.c_str(), repeat + 1,
                            static_cast<long long>(r.labels), 100 * r.testAccuracy, r.seconds);
                std::fflush(stdout);
            };
            ActiveLearningResult result;
            try {
                result = runActiveLearning(strategy, config, pool, test, seed, callbacks, labelled);
            } catch (const Cancelled&) {
                result.cancelled = true;
            }
            if (result.cancelled) {
                writeSummaryJson(job.outDir, rows, strategies, job.repeats, settings);
                std::cerr << "alx-cli: interrupted; finished rounds are in " << curvePath << " (continue with --resume)"
                          << std::endl;
                return kInterrupted;
            }
        }
    }
    writeSummaryJson(job.outDir, rows, strategies, job.repeats, settings);
    std::printf("Wrote %s and %s\n", curvePath.c_str(), pathIn(job.outDir, "summary.json").c_str());
    return kOk;
}

}  // namespace alx::cli
