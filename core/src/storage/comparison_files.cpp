#include "alx/storage/comparison_files.h"

#include <cmath>
#include <nlohmann/json.hpp>

#include "alx/util/files.h"
#include "file_helpers.h"
#include "file_names.h"

namespace alx {

using namespace storage_detail;

void writeComparison(const std::string& dir, const RunComparison& c) {
    ensureWritableDirectory(dir);
    nlohmann::json runs = nlohmann::json::array();
    for (const ComparedRun& r : c.runs) {
        nlohmann::json means;
        for (ScoreKind kind : kAllScores) means[scoreKey(kind)] = r.scoreMeans[size_t(int(kind))];
        nlohmann::json perClass = nlohmann::json::array();
        for (double a : r.perClassAccuracy) perClass.push_back(std::isnan(a) ? nlohmann::json() : nlohmann::json(a));
        const RunSummary& s = r.summary;
        const auto& temperature = s.calibration.temperature;
        runs.push_back({{"path", r.path}, {"model", s.model}, {"dataset", s.dataset}, {"test_accuracy", s.testAccuracy},
                        {"per_class_accuracy", perClass}, {"metric_means", means}, {"ece", r.ece},
                        {"temperature", temperature ? nlohmann::json(*temperature) : nlohmann::json()},
                        {"epochs", s.epochs.size()}, {"train_seconds", s.trainSeconds}, {"eval_seconds", s.evalSeconds}});
        nlohmann::json settings = nlohmann::json::object();
        for (const auto& [key, value] : recordedSettings(s)) settings[key] = value;
        runs.back()["settings"] = settings;
    }
    nlohmann::json pairs = nlohmann::json::array();
    for (const RunPair& p : c.pairs) {
        pairs.push_back({{"first", p.first}, {"second", p.second}, {"disagreements", p.disagreements},
                         {"only_first_right", p.onlyFirstRight}, {"only_second_right", p.onlySecondRight},
                         {"mcnemar_p", p.mcnemarP}, {"uncertain_jaccard", p.uncertainJaccard}});
    }
    const nlohmann::json j{{"images", c.images},
                           {"score", scoreKey(c.score)},
                           {"top", c.topN},
                           {"runs", runs},
                           {"pairs", pairs},
                           {"mcnemar", "exact two-sided binomial test on the discordant images (b: only the first right, c: only the second)"},
                           {"disagreement_images", c.disagreementImages.size()}};
    writeFileAtomically(pathIn(dir, names::kComparison), j.dump(2) + "\n");
    std::string csv = "index,label";
    for (size_t r = 0; r < c.runs.size(); ++r) csv += ",run" + std::to_string(r + 1) + "_predicted";
    csv += "\n";
    for (int64_t i : c.disagreementImages) {
        csv += std::to_string(i) + "," + std::to_string(c.labels[size_t(i)]);
        for (const auto& p : c.predictions) csv += "," + std::to_string(p[size_t(i)]);
        csv += "\n";
    }
    writeFileAtomically(pathIn(dir, names::kDisagreements), csv);
}

}  // namespace alx
