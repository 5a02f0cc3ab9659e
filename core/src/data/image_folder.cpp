#include "alx/data/image_folder.h"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <map>
#include <optional>
#include <random>
#include <set>

#include "alx/util/csv.h"
#include "alx/util/errors.h"
#include "alx/util/files.h"
#include "alx/util/numbers.h"
#include "alx/util/random.h"

namespace fs = std::filesystem;

namespace alx {
namespace {

constexpr size_t kMaxClasses = 1000;
const char* const kUnlabelled = "unlabelled";

std::string lowered(std::string text) {
    for (char& c : text) c = char(std::tolower(static_cast<unsigned char>(c)));
    return text;
}

bool hasImageExtension(const std::string& name) {
    const size_t dot = name.rfind('.');
    const std::string extension = dot == std::string::npos ? "" : lowered(name.substr(dot + 1));
    return extension == "png" || extension == "jpg" || extension == "jpeg";
}

// .DS_Store, macOS's ._x.jpg companions (not images, whatever their name
// says), .git, .ipynb_checkpoints: never part of a dataset.
bool isHidden(const std::string& name) { return !name.empty() && name[0] == '.'; }

std::string join(const std::string& a, const std::string& b) {
    return a.empty() || a.back() == '/' ? a + b : a + "/" + b;
}

// Finds the images below a folder, following symbolic links, and refuses a
// link back to a folder on the way down (the walk would never end).
class FolderWalker {
public:
    explicit FolderWalker(const std::string& root) : root_(root), chain_{canonical(root)} {}

    // Appends the image files anywhere under root/rel ("" for root itself),
    // as paths relative to root.
    void collectImages(const std::string& rel, std::vector<std::string>& out) {
        const std::string full = join(root_, rel);
        if (!rel.empty()) {
            const fs::path folder = canonical(full);
            if (std::find(chain_.begin(), chain_.end(), folder) != chain_.end()) {
                throw InputError(fileError(full, "symbolic link loop: it leads back to " + folder.string() +
                                                     ", a folder that contains it"));
            }
            chain_.push_back(folder);
        }
        std::error_code ec;
        std::vector<std::pair<std::string, fs::file_status>> children;
        for (fs::directory_iterator it(full, ec), end; !ec && it != end; it.increment(ec)) {
            const std::string name = it->path().filename().string();
            std::error_code statusError;
            const fs::file_status status = it->status(statusError);  // follows links; not_found when broken
            if (statusError && statusError != std::errc::no_such_file_or_directory) {
                throw InputError(fileError(join(full, name), statusError.message()));
            }
            if (!isHidden(name)) children.emplace_back(name, status);
        }
        if (ec) throw InputError(fileError(full, "cannot read the folder: " + ec.message()));
        for (const auto& [name, status] : children) {
            const std::string child = join(rel, name), path = join(root_, child);
            if (fs::is_directory(status)) {
                collectImages(child, out);
            } else if (hasImageExtension(name)) {
                if (!fs::exists(status)) throw InputError(fileError(path, "broken symbolic link"));
                if (::access(path.c_str(), R_OK) != 0) {
                    throw InputError(fileError(path, std::string("cannot read: ") + std::strerror(errno)));
                }
                out.push_back(child);
            }
        }
        if (!rel.empty()) chain_.pop_back();
    }

private:
    static fs::path canonical(const std::string& path) {
        std::error_code ec;
        fs::path resolved = fs::canonical(path, ec);
        if (ec) throw InputError(fileError(path, ec.message()));
        return resolved;
    }

    std::string root_;
    std::vector<fs::path> chain_;  // the canonical folders from the root down to the one being read
};

bool isFolder(const std::string& path) {
    std::error_code ec;
    return fs::is_directory(path, ec);
}

// Class folders: the images under root/rel/<class>/, or, when rel is empty,
// under root/<class>/ where unlabelled/ is the pool. A file directly in
// rel (no class folder) is ignored, and so a folder without an image is no class.
void collectClasses(FolderWalker& walker, const std::string& rel, ImageSplitRole role,
                    std::map<std::string, std::vector<ImageFolderEntry>>& byClass, ImageFolderIndex& index) {
    std::vector<std::string> paths;
    walker.collectImages(rel, paths);
    const size_t begin = rel.empty() ? 0 : rel.size() + 1;
    for (std::string& path : paths) {
        const size_t end = path.find('/', begin);
        if (end == std::string::npos) continue;
        const std::string name = path.substr(begin, end - begin);
        if (rel.empty() && name == kUnlabelled) index.entries.push_back({std::move(path), -1, ImageSplitRole::Pool});
        else byClass[name].push_back({std::move(path), -1, role});
    }
}

void indexFolders(ImageFolderIndex& index, FolderWalker& walker) {
    std::map<std::string, std::vector<ImageFolderEntry>> byClass;  // in byte order
    if (index.layout == ImageFolderLayout::ClassFolders) {
        collectClasses(walker, "", ImageSplitRole::Unassigned, byClass, index);
    } else {
        using Role = ImageSplitRole;
        const Role train = isFolder(join(index.dir, "test")) ? Role::Train : Role::Unassigned;
        const std::pair<const char*, Role> splits[] = {
            {"train", train}, {"test", Role::Test}, {"val", Role::Validation}, {"validation", Role::Validation}};
        for (const auto& [split, role] : splits) {
            if (isFolder(join(index.dir, split))) collectClasses(walker, split, role, byClass, index);
        }
    }
    for (auto& [name, entries] : byClass) {
        const int label = int(index.classNames.size());
        index.classNames.push_back(name);
        for (ImageFolderEntry& entry : entries) {
            entry.label = label;
            index.entries.push_back(std::move(entry));
        }
    }
}

// The pool under unlabelled/, in the layouts that did not walk it already.
void addUnlabelled(ImageFolderIndex& index, FolderWalker& walker) {
    if (index.layout == ImageFolderLayout::ClassFolders || !isFolder(join(index.dir, kUnlabelled))) return;
    std::set<std::string> listed;
    for (const ImageFolderEntry& entry : index.entries) listed.insert(entry.path);
    std::vector<std::string> paths;
    walker.collectImages(kUnlabelled, paths);
    for (std::string& path : paths) {
        // labels.csv may list some of them already, with or without a label.
        if (!listed.count(path)) index.entries.push_back({std::move(path), -1, ImageSplitRole::Pool});
    }
}

void checkIndex(const ImageFolderIndex& index) {
    const std::string where = index.layout == ImageFolderLayout::LabelsCsv ? join(index.dir, "labels.csv") : index.dir;
    if (index.entries.empty()) throw InputError(fileError(where, "no images (.png, .jpg or .jpeg files) found"));
    // A pile of unlabelled images may come with fewer classes, or none: the
    // person labelling it names them.
    const bool pile = std::any_of(index.entries.begin(), index.entries.end(),
                                  [](const ImageFolderEntry& e) { return e.role == ImageSplitRole::Pool; });
    if (index.classNames.size() < 2 && !pile) {
        const std::string found = index.classNames.empty() ? "none" : "only '" + index.classNames[0] + "'";
        throw InputError(fileError(where, "a dataset needs at least two classes; found " + found));
    }
    if (index.classNames.size() > kMaxClasses) {
        throw InputError(fileError(where, std::to_string(index.classNames.size()) +
                                              " classes, more than the 1,000 a dataset may have"));
    }
}

// ---- labels.csv -------------------------------------------------------------

std::string trimmed(const std::string& text) {
    const size_t first = text.find_first_not_of(" \t"), last = text.find_last_not_of(" \t");
    return first == std::string::npos ? "" : text.substr(first, last - first + 1);
}

ImageSplitRole csvRole(const std::string& split, bool labelled, const std::string& csv, int line) {
    if (split.empty()) return labelled ? ImageSplitRole::Unassigned : ImageSplitRole::Pool;
    if (!labelled) failAtLine(csv, line, "an image without a label cannot be in the '" + split + "' split");
    if (split == "train") return ImageSplitRole::Train;
    if (split == "test") return ImageSplitRole::Test;
    if (split == "val" || split == "validation") return ImageSplitRole::Validation;
    failAtLine(csv, line, "unknown split '" + split + "' (train, test, val or validation, or empty)");
}

// The row's path, normalised ("./a//b.png" is "a/b.png"), once checked to name a readable file.
std::string csvPath(const std::string& dir, const std::string& raw, const std::string& csv, int line) {
    const fs::path relative = fs::path(raw).lexically_normal();
    if (raw.empty()) failAtLine(csv, line, "the path is empty");
    if (relative.is_absolute()) failAtLine(csv, line, "the path '" + raw + "' must be relative to the folder");
    const std::string path = relative.generic_string();
    std::error_code ec;
    const fs::file_status status = fs::status(join(dir, path), ec);
    if (!fs::exists(status)) failAtLine(csv, line, "no such file '" + raw + "'");
    if (!fs::is_regular_file(status)) failAtLine(csv, line, "'" + raw + "' is not a file");
    if (::access(join(dir, path).c_str(), R_OK) != 0) {
        failAtLine(csv, line, "cannot read '" + raw + "': " + std::strerror(errno));
    }
    return path;
}

// Byte order, or numeric order when every label is an integer ("2" < "10").
void sortClassNames(std::vector<std::string>& names) {
    std::vector<std::pair<int64_t, std::string>> numbered;
    for (const std::string& name : names) {
        const std::optional<int64_t> number = parseInteger(name);
        if (!number) return std::sort(names.begin(), names.end());
        numbered.emplace_back(*number, name);
    }
    std::sort(numbered.begin(), numbered.end());  // "7" before "07": ties by bytes
    for (size_t i = 0; i < names.size(); ++i) names[i] = numbered[i].second;
}

void indexLabelsCsv(ImageFolderIndex& index, const std::string& csv) {
    const std::vector<CsvRow> rows = readCsvFile(csv);
    if (rows.empty()) throw InputError(fileError(csv, "empty: the first line must be path,label or path,label,split"));
    std::vector<std::string> header;
    for (const std::string& field : rows[0].fields) header.push_back(lowered(trimmed(field)));
    using Names = std::vector<std::string>;
    if (header != Names{"path", "label"} && header != Names{"path", "label", "split"}) {
        failAtLine(csv, rows[0].line, "the header must be path,label or path,label,split");
    }
    std::map<std::string, int> firstLine;  // each path's row, to report a second one
    std::vector<std::string> labels;       // each entry's label, "" for none
    for (size_t r = 1; r < rows.size(); ++r) {
        const CsvRow& row = rows[r];
        if (row.fields.size() != header.size()) {
            const std::string found = std::to_string(row.fields.size());
            failAtLine(csv, row.line, "expected " + std::to_string(header.size()) + " fields, found " + found);
        }
        std::string path = csvPath(index.dir, row.fields[0], csv, row.line);
        const auto [first, isNew] = firstLine.emplace(path, row.line);
        if (!isNew) {
            failAtLine(csv, row.line, "'" + path + "' is listed twice, also on line " + std::to_string(first->second));
        }
        labels.push_back(trimmed(row.fields[1]));
        const std::string split = header.size() > 2 ? lowered(trimmed(row.fields[2])) : "";
        index.entries.push_back({std::move(path), -1, csvRole(split, !labels.back().empty(), csv, row.line)});
    }
    for (const std::string& name : std::set<std::string>(labels.begin(), labels.end())) {
        if (!name.empty()) index.classNames.push_back(name);
    }
    sortClassNames(index.classNames);
    std::map<std::string, int> labelOf;
    for (size_t i = 0; i < index.classNames.size(); ++i) labelOf[index.classNames[i]] = int(i);
    for (size_t i = 0; i < labels.size(); ++i) {
        if (!labels[i].empty()) index.entries[i].label = labelOf[labels[i]];
    }
}

}  // namespace

bool looksLikeImageFolder(const std::string& dir) {
    try {
        std::error_code ec;
        if (!fs::is_directory(dir, ec)) return false;
        if (fs::is_regular_file(join(dir, "labels.csv"), ec) || fs::is_directory(join(dir, kUnlabelled), ec)) {
            return true;
        }
        for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
            if (!it->is_directory(ec)) continue;
            const bool train = it->path().filename() == "train";
            std::error_code inner;
            for (fs::directory_iterator file(it->path(), inner), fileEnd; !inner && file != fileEnd;
                 file.increment(inner)) {
                const std::string name = file->path().filename().string();
                if (train && file->is_directory(inner)) return true;
                if (!isHidden(name) && hasImageExtension(name) && file->is_regular_file(inner)) return true;
            }
        }
        return false;
    } catch (const std::exception&) {
        return false;  // a path that cannot even be looked at is no image folder
    }
}

ImageFolderIndex indexImageFolder(const std::string& dir) {
    std::error_code ec;
    const fs::file_status status = fs::status(dir, ec);
    if (!fs::exists(status)) throw InputError(fileError(dir, "no such folder"));
    if (!fs::is_directory(status)) throw InputError(fileError(dir, "not a folder"));
    ImageFolderIndex index;
    index.dir = dir;
    FolderWalker walker(dir);
    const std::string csv = join(dir, "labels.csv");
    if (fs::exists(fs::status(csv, ec))) {
        index.layout = ImageFolderLayout::LabelsCsv;
        indexLabelsCsv(index, csv);
    } else {
        // test/ beside unlabelled/ without train/: a pile to label, with a labelled test set.
        const bool split = isFolder(join(dir, "train")) || (isFolder(join(dir, "test")) && isFolder(join(dir, kUnlabelled)));
        index.layout = split ? ImageFolderLayout::SplitFolders : ImageFolderLayout::ClassFolders;
        indexFolders(index, walker);
    }
    addUnlabelled(index, walker);
    checkIndex(index);
    std::sort(index.entries.begin(), index.entries.end(), [](const ImageFolderEntry& a, const ImageFolderEntry& b) {
        const unsigned aLabel = unsigned(a.label), bLabel = unsigned(b.label);  // -1 last
        return aLabel != bLabel ? aLabel < bLabel : a.path < b.path;
    });
    return index;
}

void splitStratified(ImageFolderIndex& index, double testFraction, uint64_t seed) {
    if (!(testFraction > 0 && testFraction < 1)) {
        throw InputError("the test fraction must be more than 0 and less than 1, not " + shortestNumber(testFraction),
                         "testFraction");
    }
    std::map<int, std::vector<size_t>> byClass;  // in label order, each in entry order
    for (size_t i = 0; i < index.entries.size(); ++i) {
        ImageFolderEntry& entry = index.entries[i];
        if (entry.role != ImageSplitRole::Unassigned) continue;
        if (entry.label < 0) entry.role = ImageSplitRole::Pool;
        else byClass[entry.label].push_back(i);
    }
    std::mt19937_64 generator(seed);
    for (auto& [label, members] : byClass) {
        const size_t n = members.size();
        const size_t rounded = size_t(std::llround(testFraction * double(n)));
        const size_t tests = n < 2 ? 0 : std::clamp<size_t>(rounded, 1, n - 1);
        // The first `tests` steps of a Fisher-Yates shuffle: a uniform choice of `tests` members.
        for (size_t i = 0; i < tests; ++i) std::swap(members[i], members[i + uniformBelow(generator, n - i)]);
        for (size_t i = 0; i < n; ++i) {
            index.entries[members[i]].role = i < tests ? ImageSplitRole::Test : ImageSplitRole::Train;
        }
    }
}

}  // namespace alx
