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

nlohmann::json planJson(const FoldPlan& p) {
    return {{"model", p.model}, {"dataset", p.dataset}, {"folds", p.folds}, {"epochs_per_fold", p.epochsPerFold},
            {"seed", p.seed}, {"images", p.images}};
}

}  // namespace

AuditFolder::AuditFolder(std::string dir) : dir_(std::move(dir)) {}

std::string AuditFolder::issuesPath() const { return pathIn(dir_, names::kLabelIssues); }
std::string AuditFolder::qualityPath() const { return pathIn(dir_, names::kLabelQuality); }
std::string AuditFolder::foldsDir() const { return pathIn(dir_, names::kFolds); }
std::string AuditFolder::foldPath(int fold) const { return pathIn(foldsDir(), "fold_" + std::to_string(fold) + ".npy"); }

void AuditFolder::writeAudit(const LabelAudit& audit, const std::vector<int64_t>& givenLabels,
                             const LabelAuditSettings& settings, const torch::Tensor& probabilities) const {
    ensureWritableDirectory(dir_);
    writeNpy(pathIn(dir_, names::kProbabilities), probabilities);
    writeLabelIssues(issuesPath(), audit, givenLabels);
    writeLabelQuality(qualityPath(), audit, settings);
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

std::optional<torch::Tensor> AuditFolder::readFold(int fold, int64_t rows, int64_t classes) const {
    const std::string path = foldPath(fold);
    if (!fs::exists(path)) return std::nullopt;
    const torch::Tensor saved = readNpy(path);
    if (saved.dim() != 2 || saved.size(0) != rows || saved.size(1) != classes || !torch::isfinite(saved).all().item<bool>()) {
        refuse(path, "is not this fold's " + std::to_string(rows) + " x " + std::to_string(classes) + " probabilities");
    }
    return saved.to(torch::kFloat32);
}

void AuditFolder::writeFold(int fold, const torch::Tensor& probabilities) const { writeNpy(foldPath(fold), probabilities); }

}  // namespace alx
