#include "alx/storage/label_review.h"

#include <algorithm>
#include <cstdlib>
#include <map>
#include <sstream>

#include "alx/util/files.h"
#include "file_helpers.h"
#include "file_names.h"

namespace alx {
namespace {

using storage_detail::refuse;
using storage_detail::splitCsvLine;

constexpr const char* kReviewHeader = "index,verdict,label";

// A whole non-negative decimal integer at most `high`, or nothing.
std::optional<int64_t> wholeNumber(const std::string& text, int64_t high) {
    if (text.empty() || text.size() > 12 || !std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; })) {
        return std::nullopt;
    }
    const int64_t value = std::strtoll(text.c_str(), nullptr, 10);
    if (value > high) return std::nullopt;
    return value;
}

std::vector<std::string> linesOf(const std::string& path) {
    const auto bytes = readWholeFile(path);
    std::istringstream in(std::string(bytes.begin(), bytes.end()));
    std::vector<std::string> lines;
    std::string line;
    while (std::getline(in, line)) {
        if (!line.empty() && line.back() == '\r') line.pop_back();
        lines.push_back(line);
    }
    return lines;
}

constexpr int64_t kMaxIndex = 1'000'000'000;

}  // namespace

std::string labelReviewPath(const std::string& runDir) { return storage_detail::pathIn(runDir, storage_detail::names::kLabelReview); }

std::string verdictKey(ReviewVerdict verdict) {
    switch (verdict) {
        case ReviewVerdict::Mislabelled: return "mislabelled";
        case ReviewVerdict::Ambiguous: return "ambiguous";
        case ReviewVerdict::Fine: return "fine";
    }
    return "fine";
}

std::vector<ReviewEntry> readLabelReview(const std::string& path, int64_t classes) {
    const auto lines = linesOf(path);
    if (lines.empty() || lines[0] != kReviewHeader) {
        refuse(path, "not an ALX label review (the first line must be '" + std::string(kReviewHeader) + "')");
    }
    std::vector<ReviewEntry> entries;
    std::map<int64_t, size_t> seen;
    for (size_t n = 1; n < lines.size(); ++n) {
        const std::string& line = lines[n];
        if (line.empty()) continue;
        const std::string where = "line " + std::to_string(n + 1);
        const auto fields = splitCsvLine(line);
        if (fields.size() != 3) refuse(path, where + " is damaged (3 fields expected): " + line.substr(0, 120));
        const auto index = wholeNumber(fields[0], kMaxIndex);
        if (!index) refuse(path, where + ": '" + fields[0].substr(0, 20) + "' is not an image index");
        ReviewEntry e;
        e.index = *index;
        if (fields[1] == "mislabelled") {
            e.verdict = ReviewVerdict::Mislabelled;
        } else if (fields[1] == "ambiguous") {
            e.verdict = ReviewVerdict::Ambiguous;
        } else if (fields[1] == "fine") {
            e.verdict = ReviewVerdict::Fine;
        } else {
            refuse(path, where + ": unknown verdict '" + fields[1].substr(0, 20) + "' (mislabelled, ambiguous or fine)");
        }
        if (!fields[2].empty()) {
            const auto label = wholeNumber(fields[2], classes - 1);
            if (!label) refuse(path, where + ": '" + fields[2].substr(0, 20) + "' is not a label 0.." + std::to_string(classes - 1));
            e.label = *label;
        }
        if (!seen.emplace(e.index, entries.size()).second) refuse(path, where + ": image " + std::to_string(e.index) + " is reviewed twice");
        entries.push_back(e);
    }
    std::sort(entries.begin(), entries.end(), [](const ReviewEntry& a, const ReviewEntry& b) { return a.index < b.index; });
    return entries;
}

void writeLabelReview(const std::string& path, std::vector<ReviewEntry> entries) {
    std::stable_sort(entries.begin(), entries.end(), [](const ReviewEntry& a, const ReviewEntry& b) { return a.index < b.index; });
    std::string text = std::string(kReviewHeader) + "\n";
    for (size_t i = 0; i < entries.size(); ++i) {
        // The last mark of an image wins.
        if (i + 1 < entries.size() && entries[i + 1].index == entries[i].index) continue;
        const ReviewEntry& e = entries[i];
        text += std::to_string(e.index) + "," + verdictKey(e.verdict) + "," + (e.label ? std::to_string(*e.label) : "") + "\n";
    }
    writeFileAtomically(path, text);
}

LabelEdits readLabelEdits(const std::string& path, bool relabel, int64_t classes) {
    const auto lines = linesOf(path);
    LabelEdits edits;
    if (!lines.empty() && lines[0] == kReviewHeader) {
        for (const ReviewEntry& e : readLabelReview(path, classes)) {
            if (relabel) {
                if (e.verdict == ReviewVerdict::Mislabelled && e.label) edits.relabel.emplace_back(e.index, *e.label);
            } else if (e.verdict != ReviewVerdict::Fine) {
                edits.exclude.push_back(e.index);
            }
        }
    } else {
        std::map<int64_t, int64_t> labels;
        for (size_t n = 0; n < lines.size(); ++n) {
            const std::string& line = lines[n];
            if (line.empty()) continue;
            const auto fields = splitCsvLine(line);
            const std::string where = "line " + std::to_string(n + 1);
            const auto index = fields.empty() ? std::nullopt : wholeNumber(fields[0], kMaxIndex);
            if (!index) {
                if (n == 0) continue;  // a header line
                refuse(path, where + ": '" + line.substr(0, 40) + "' does not start with an image index");
            }
            if (relabel) {
                const auto label = fields.size() >= 2 ? wholeNumber(fields[1], classes - 1) : std::nullopt;
                if (!label) refuse(path, where + ": no label 0.." + std::to_string(classes - 1) + " after the index: " + line.substr(0, 40));
                if (!labels.emplace(*index, *label).second) refuse(path, where + ": image " + std::to_string(*index) + " appears twice");
            } else {
                edits.exclude.push_back(*index);
            }
        }
        for (const auto& [index, label] : labels) edits.relabel.emplace_back(index, label);
    }
    std::sort(edits.exclude.begin(), edits.exclude.end());
    edits.exclude.erase(std::unique(edits.exclude.begin(), edits.exclude.end()), edits.exclude.end());
    return edits;
}

}  // namespace alx
