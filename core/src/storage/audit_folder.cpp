#include "alx/storage/audit_folder.h"

#include <torch/torch.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "alx/storage/npy.h"
#include "alx/util/errors.h"
#include "alx/util/files.h"
#include "file_helpers.h"
#include "file_names.h"

namespace fs = std::filesystem;

namespace alx {
namespace {

using namespace storage_detail;

// A plan of one seed and no neighbours is written as before they existed,
// so that an audit stopped then still resumes.
nlohmann::json planJson(const FoldPlan& p) {
    nlohmann::json j{{"model", p.model}, {"dataset", p.dataset}, {"folds", p.folds}, {"epochs_per_fold", p.epochsPerFold},
                     {"seed", p.seed}, {"images", p.images}};
    if (p.seeds != 1) j["seeds"] = p.seeds;
    if (p.neighbours != 0) j["neighbours"] = p.neighbours;
    return j;
}

}  // namespace

AuditFolder::AuditFolder(std::string dir) : dir_(std::move(dir)) {}

std::string AuditFolder::issuesPath() const { return pathIn(dir_, names::kLabelIssues); }
std::string AuditFolder::qualityPath() const { return pathIn(dir_, names::kLabelQuality); }
std::string AuditFolder::foldsDir() const { return pathIn(dir_, names::kFolds); }
std::string AuditFolder::foldPath(int fold, int member, bool neighbourShares) const {
    return pathIn(foldsDir(), "fold_" + std::to_string(fold) + (member > 0 ? "_" + std::to_string(member) : "") +
                                  (neighbourShares ? "_neighbours" : "") + ".npy");
}

void AuditFolder::writeAudit(const LabelAudit& audit, const std::vector<int64_t>& givenLabels,
                             const LabelAuditSettings& settings, const torch::Tensor& probabilities,
                             const AuditEvidence& evidence) const {
    ensureWritableDirectory(dir_);
    writeNpy(pathIn(dir_, names::kProbabilities), probabilities);
    writeLabelIssues(issuesPath(), audit, givenLabels, evidence);
    writeLabelQuality(qualityPath(), audit, settings, evidence);
}

void AuditFolder::startFolds(const FoldPlan& plan) const {
    fs::create_directories(foldsDir());
    const std::string path = pathIn(foldsDir(), names::kFoldPlan);
    const nlohmann::json asked = planJson(plan);
    if (!fs::exists(path)) {
        writeFileAtomically(path, asked.dump(1) + "\n");
        return;
    }
    const nlohmann::json previous = readJsonFile(path);
    if (previous != asked) {
        throw InputError(fileError(path, "these folds were computed with other settings: " + previous.dump() +
                                             "; asked for " + asked.dump() + ". Choose another output folder."),
                         "out_dir");
    }
}

std::optional<torch::Tensor> AuditFolder::readFold(int fold, int member, int64_t rows, int64_t classes,
                                                   bool neighbourShares) const {
    const std::string path = foldPath(fold, member, neighbourShares);
    if (!fs::exists(path)) return std::nullopt;
    const torch::Tensor saved = readNpy(path);
    if (saved.dim() != 2 || saved.size(0) != rows || saved.size(1) != classes || !torch::isfinite(saved).all().item<bool>() ||
        (saved.numel() > 0 && (saved.min().item<double>() < 0 || saved.max().item<double>() > 1 + 1e-5))) {
        refuse(path, "is not this fold's " + std::to_string(rows) + " x " + std::to_string(classes) + " probabilities");
    }
    return saved.to(torch::kFloat32);
}

void AuditFolder::writeFold(int fold, int member, const torch::Tensor& values, bool neighbourShares) const {
    writeNpy(foldPath(fold, member, neighbourShares), values);
}

}  // namespace alx
