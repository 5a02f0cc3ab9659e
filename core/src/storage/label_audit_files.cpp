#include "alx/storage/label_audit_files.h"

#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "alx/util/files.h"
#include "alx/util/errors.h"
#include "alx/util/numbers.h"
#include "file_helpers.h"
#include "file_names.h"

namespace alx {
namespace {

using storage_detail::refuse;
using storage_detail::splitCsvLine;

constexpr const char* kFirstColumns = "rank,index,given,suggested,p_given,p_suggested,flagged,score";
constexpr const char* kIssuesHeader = "rank,index,given,suggested,p_given,p_suggested,flagged,score,neighbour_disagreement,votes";

// A k x k row-major matrix as a list of rows.
template <typename T>
nlohmann::json rows(const std::vector<T>& matrix, int64_t k) {
    nlohmann::json out = nlohmann::json::array();
    for (int64_t i = 0; i < k; ++i) {
        out.push_back(std::vector<T>(matrix.begin() + i * k, matrix.begin() + (i + 1) * k));
    }
    return out;
}

// A value in [0, 1] with 6 decimals, or empty when absent (< 0).
std::string optionalShare(const std::vector<float>& values, size_t i) {
    return values.empty() ? std::string() : fixedNumber(values[i], 6);
}

// rank,index,given,suggested,p_given,p_suggested,flagged,score[,neighbour_disagreement,votes]
LabelIssueRow parseIssueLine(const std::string& line, size_t columns, const std::string& path, const std::string& where) {
    const std::vector<std::string> f = splitCsvLine(line);
    const auto damaged = [&] { refuse(path, where + " is damaged: " + line.substr(0, 120)); };
    if (f.size() != columns) damaged();
    const auto integer = [&](size_t i) {
        const auto v = parseInteger(f[i]);
        if (!v) damaged();
        return *v;
    };
    const auto number = [&](size_t i) {
        const auto v = parseNumber(f[i]);
        if (!v) damaged();
        return *v;
    };
    const auto optionalShareAt = [&](size_t i) { return i < f.size() && !f[i].empty() ? number(i) : -1.0; };
    LabelIssueRow r{integer(0), integer(1), integer(2), integer(3), number(4), number(5), false, number(7)};
    r.neighbourDisagreement = optionalShareAt(8);
    r.votes = optionalShareAt(9);
    const int64_t flagged = integer(6);
    r.flagged = flagged == 1;
    const auto shareOrAbsent = [](double v) { return v == -1.0 || (v >= 0 && v <= 1); };
    if (!shareOrAbsent(r.neighbourDisagreement) || !shareOrAbsent(r.votes) || r.index < 0 || r.given < 0 || r.suggested < 0 || r.given > 100000 || r.suggested > 100000 || (flagged != 0 && flagged != 1) ||
        !(r.pGiven >= 0 && r.pGiven <= 1) || !(r.pSuggested >= 0 && r.pSuggested <= 1) || !(r.score >= 0 && r.score <= 1)) {
        refuse(path, where + " holds a value out of range: " + line.substr(0, 120));
    }
    return r;
}

}  // namespace

std::string trainingAuditDir(const std::string& runDir) {
    return storage_detail::pathIn(runDir, storage_detail::names::kTrainingAudit);
}

void writeLabelIssues(const std::string& path, const LabelAudit& audit, const std::vector<int64_t>& givenLabels,
                      const AuditEvidence& evidence) {
    std::string text = std::string(kIssuesHeader) + "\n";
    text.reserve(text.size() + size_t(audit.images) * 56);
    int64_t rank = 0;
    for (int64_t i : audit.order) {
        const size_t n = size_t(i);
        text += std::to_string(++rank) + "," + std::to_string(i) + "," + std::to_string(givenLabels[n]) + "," +
                std::to_string(audit.suggested[n]) + "," + fixedNumber(audit.pGiven[n], 6) + "," +
                fixedNumber(audit.pSuggested[n], 6) + "," + (audit.flagged[n] ? "1" : "0") + "," +
                fixedNumber(audit.score[n], 6) + "," + optionalShare(evidence.neighbourDisagreement, n) + "," +
                optionalShare(evidence.votes, n) + "\n";
    }
    writeFileAtomically(path, text);
}

void writeLabelQuality(const std::string& path, const LabelAudit& audit, const LabelAuditSettings& settings,
                       const AuditEvidence& evidence) {
    const int64_t k = audit.classes;
    std::vector<int64_t> flagged;
    for (int64_t i = 0; i < audit.images; ++i) {
        if (audit.flagged[size_t(i)]) flagged.push_back(i);
    }
    nlohmann::json settingsJson{{"split", settings.split},
                                {"source", settings.source},
                                {"model", settings.model},
                                {"dataset", settings.dataset},
                                {"seed", settings.seed},
                                {"ranking", settings.ranking},
                                {"min_kept_per_class", settings.minKeptPerClass}};
    if (!settings.runDir.empty()) settingsJson["run"] = settings.runDir;
    if (settings.folds > 0) {
        settingsJson["folds"] = settings.folds;
        settingsJson["epochs_per_fold"] = settings.epochs;
    }
    settingsJson["seeds"] = settings.seeds;
    settingsJson["members"] = settings.members;
    settingsJson["neighbours"] = evidence.neighbours;
    if (evidence.neighbours > 0) settingsJson["neighbour_weight"] = kNeighbourWeight;
    const AuditReliability& r = evidence.reliability;
    const nlohmann::json reliability{{"members", r.members},
                                     {"accuracy", r.accuracy},
                                     {"disagreements", r.disagreements},
                                     {"flagged", r.flagged},
                                     {"error_rate", r.errorRate},
                                     {"weak", r.weak},
                                     {"advice", r.advice}};
    const nlohmann::json j{
        {"method", "confident_learning"},
        {"filter", "prune_by_noise_rate"},
        {"reference", "Northcutt, Jiang and Chuang, Confident Learning, JAIR 2021"},
        {"settings", settingsJson},
        {"images", audit.images},
        {"classes", k},
        {"class_names", settings.classNames},
        {"label_counts", audit.labelCounts},
        {"thresholds", audit.thresholds},
        {"confident_joint", rows(audit.confidentJoint, k)},
        {"calibrated_joint", rows(audit.calibratedJoint, k)},
        {"joint", rows(audit.joint, k)},
        {"noise_matrix", rows(audit.noiseMatrix, k)},
        {"noise_matrix_meaning", "noise_matrix[i][j] = P(given label i | true label j)"},
        {"inverse_noise_matrix", rows(audit.inverseNoiseMatrix, k)},
        {"inverse_noise_matrix_meaning", "inverse_noise_matrix[i][j] = P(true label j | given label i)"},
        {"prune_counts", rows(audit.pruneCounts, k)},
        {"flagged_count", audit.flaggedCount},
        {"suspects_per_class", audit.suspectsPerClass},
        {"flagged", flagged},
        {"reliability", reliability},
        {"reliability_meaning",
         "accuracy: share of images whose most probable class is the given label; error_rate: (disagreements - "
         "flagged) / images, the network's own mistakes at the least; weak: error_rate above " + fixedNumber(kWeakErrorRate, 2) + ", where the network's own mistakes fill the list"}};
    writeFileAtomically(path, j.dump(1) + "\n");
}

std::vector<LabelIssueRow> readLabelIssues(const std::string& path) {
    const auto bytes = readWholeFile(path);
    std::istringstream in(std::string(bytes.begin(), bytes.end()));
    std::string line;
    std::getline(in, line);
    if (line != kIssuesHeader && line != kFirstColumns) {
        refuse(path, "not an ALX label audit (header '" + line.substr(0, 80) + "')");
    }
    const size_t columns = line == kIssuesHeader ? 10 : 8;
    std::vector<LabelIssueRow> out;
    std::set<int64_t> seen;
    for (int lineNumber = 2; std::getline(in, line); ++lineNumber) {
        if (line.empty()) continue;
        const LabelIssueRow r = parseIssueLine(line, columns, path, "line " + std::to_string(lineNumber));
        if (r.rank != int64_t(out.size()) + 1) {
            refuse(path, "line " + std::to_string(lineNumber) + ": rank " + std::to_string(r.rank) + " out of order");
        }
        if (!seen.insert(r.index).second) {
            refuse(path, "line " + std::to_string(lineNumber) + ": image " + std::to_string(r.index) + " appears twice");
        }
        out.push_back(r);
    }
    return out;
}

}  // namespace alx
