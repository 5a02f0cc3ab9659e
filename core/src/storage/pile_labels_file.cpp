// labels.csv of an active-learning run that labels a pile, its export, and
// the `path,label` files an oracle answers from.
#include <filesystem>

#include "alx/storage/active_learning_run.h"
#include "alx/util/csv.h"
#include "alx/util/errors.h"
#include "alx/util/files.h"
#include "alx/util/numbers.h"
#include "file_helpers.h"
#include "file_names.h"

namespace fs = std::filesystem;

namespace alx {
namespace {

using namespace storage_detail;

constexpr const char* kLabelsHeader = "path,label,status,round";

PileLabelRow parseLabelRow(const CsvRow& row, const std::string& path) {
    if (row.fields.size() != 4) failAtLine(path, row.line, "expected 4 fields, found " + std::to_string(row.fields.size()));
    PileLabelRow r;
    r.path = row.fields[0];
    r.className = row.fields[1];
    try {
        r.status = parseLabelStatus(row.fields[2]);
    } catch (const InputError& e) {
        failAtLine(path, row.line, e.what());
    }
    const auto round = parseInteger(row.fields[3]);
    if (!round || *round < 0 || *round > 10000000) failAtLine(path, row.line, "the round is not a count: '" + row.fields[3] + "'");
    r.round = int(*round);
    if (r.path.empty()) failAtLine(path, row.line, "the path is empty");
    if ((r.status == LabelStatus::Labelled) == r.className.empty()) {
        failAtLine(path, row.line, r.status == LabelStatus::Labelled ? "a labelled image without a label" : "a label on an image that is " + row.fields[2]);
    }
    return r;
}

}  // namespace

std::string ActiveLearningRunFolder::labelsPath() const { return pathIn(dir_, names::kPileLabels); }

std::vector<PileLabelRow> ActiveLearningRunFolder::readLabels() const {
    const std::string path = labelsPath();
    if (!fs::exists(path)) return {};
    const std::vector<CsvRow> rows = readCsvFile(path);
    if (rows.empty() || rows[0].fields != std::vector<std::string>{"path", "label", "status", "round"}) {
        refuse(path, std::string("not a pile's labels (the header must be ") + kLabelsHeader + ")");
    }
    std::vector<PileLabelRow> out;
    for (size_t i = 1; i < rows.size(); ++i) out.push_back(parseLabelRow(rows[i], path));
    for (size_t i = 1; i < out.size(); ++i) {
        if (out[i].round < out[i - 1].round) failAtLine(path, rows[i + 1].line, "its round is earlier than the row before");
    }
    return out;
}

void ActiveLearningRunFolder::writeLabels(const std::vector<PileLabelRow>& rows) const {
    std::string text = std::string(kLabelsHeader) + "\n";
    for (const PileLabelRow& r : rows) {
        text += csvField(r.path) + "," + csvField(r.className) + "," + labelStatusName(r.status) + "," +
                std::to_string(r.round) + "\n";
    }
    writeFileAtomically(labelsPath(), text);
}

int64_t ActiveLearningRunFolder::exportLabels(const std::string& out) const {
    if (!fs::exists(labelsPath())) {
        throw InputError(fileError(labelsPath(), "missing: this run holds no labels a person gave (it did not label a pile)"), "run");
    }
    std::string text = "path,label\n";
    int64_t written = 0;
    for (const PileLabelRow& r : readLabels()) {
        if (r.status != LabelStatus::Labelled) continue;
        text += csvField(r.path) + "," + csvField(r.className) + "\n";
        ++written;
    }
    writeFileAtomically(out, text);
    return written;
}

std::vector<std::pair<std::string, std::string>> readPathLabels(const std::string& file) {
    const std::vector<CsvRow> rows = readCsvFile(file);
    if (rows.empty() || rows[0].fields.size() < 2 || rows[0].fields[0] != "path" || rows[0].fields[1] != "label") {
        throw InputError(fileError(file, "not a path,label file (its first line must start with path,label)"));
    }
    std::vector<std::pair<std::string, std::string>> out;
    for (size_t i = 1; i < rows.size(); ++i) {
        const CsvRow& row = rows[i];
        if (row.fields.size() < 2) {
            failAtLine(file, row.line, "expected path,label");
        }
        out.emplace_back(fs::path(row.fields[0]).lexically_normal().generic_string(), row.fields[1]);
    }
    return out;
}

}  // namespace alx
