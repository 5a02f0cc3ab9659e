#include "alx/data/dataset_catalog.h"

#include <cstdlib>
#include <filesystem>

#include "alx/data/idx_reader.h"
#include "alx/data/image_folder.h"
#include "alx/util/digest.h"
#include "alx/util/errors.h"
#include "alx/util/files.h"

namespace fs = std::filesystem;

namespace alx {
namespace {

// An IDX dataset in MNIST's layout: its four files by the MD5 of their
// decompressed contents, as published with the dataset.
DatasetSpec idxDataset(const std::string& name, const std::string& displayName, const std::array<const char*, 4>& md5,
                       std::vector<std::string> mirrors, std::string licence, std::vector<std::string> classNames) {
    DatasetSpec spec;
    spec.name = name;
    spec.displayName = displayName;
    spec.files = {{{"train-images-idx3-ubyte", md5[0], 3},
                   {"train-labels-idx1-ubyte", md5[1], 1},
                   {"t10k-images-idx3-ubyte", md5[2], 3},
                   {"t10k-labels-idx1-ubyte", md5[3], 1}}};
    spec.mirrors = std::move(mirrors);
    spec.licence = std::move(licence);
    spec.classes = int(classNames.size());
    spec.classNames = std::move(classNames);
    return spec;
}

std::vector<std::string> characters(const std::string& chars) {
    std::vector<std::string> names;
    for (char c : chars) names.emplace_back(1, c);
    return names;
}

// EMNIST's splits, as NIST's gzip.zip holds them (emnist-<split>-train-images-idx3-ubyte.gz, ...):
// images stored transposed, no per-file checksum published, letters labelled from 1.
std::vector<DatasetSpec> emnistSplits() {
    const std::string digits = "0123456789", upper = "ABCDEFGHIJKLMNOPQRSTUVWXYZ", lower = "abcdefghijklmnopqrstuvwxyz";
    const std::vector<std::pair<std::string, std::vector<std::string>>> splits = {
        {"letters", characters(lower)},
        {"balanced", characters(digits + upper + "abdefghnqrt")},
        {"byclass", characters(digits + upper + lower)},
    };
    std::vector<DatasetSpec> specs;
    for (const auto& [split, names] : splits) {
        DatasetSpec spec = idxDataset("emnist-" + split, "EMNIST " + split, {"", "", "", ""}, {},
                                      "public domain (NIST; Cohen et al., 2017)", names);
        const std::string prefix = "emnist-" + split + "-";
        spec.files = {{{prefix + "train-images-idx3-ubyte", "", 3},
                       {prefix + "train-labels-idx1-ubyte", "", 1},
                       {prefix + "test-images-idx3-ubyte", "", 3},
                       {prefix + "test-labels-idx1-ubyte", "", 1}}};
        spec.transposed = true;
        spec.firstLabel = split == "letters" ? 1 : 0;
        specs.push_back(spec);
    }
    return specs;
}

std::vector<DatasetSpec> buildCatalogue() {
    // The mirrors torchvision uses, in its order.
    const DatasetSpec mnist = idxDataset(
        "mnist", "MNIST",
        {"6bbc9ace898e44ae57da46a324031adb", "a25bea736e30d166cdddb491f175f624", "2646ac647ad5339dbf082846283269ea",
         "27ae3e4e09519cfbb04c329615203637"},
        {"https://ossci-datasets.s3.amazonaws.com/mnist/", "http://yann.lecun.com/exdb/mnist/"},
        "CC BY-SA 3.0 (Yann LeCun, Corinna Cortes, Christopher J.C. Burges)",
        {"0", "1", "2", "3", "4", "5", "6", "7", "8", "9"});
    DatasetSpec fashion = idxDataset(
        "fashion-mnist", "Fashion-MNIST",
        {"f4a8712d7a061bf5bd6d2ca38dc4d50a", "9018921c3c673c538a1fc5bad174d6f9", "8181f5470baa50b63fa0f6fddb340f0a",
         "15d484375f8d13e6eb1aabb0c3f46965"},
        {"http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/"}, "MIT (Zalando SE)",
        {"T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"});
    fashion.systemDir = "/usr/share/datasets/fashion-mnist";  // Debian's dataset-fashion-mnist
    // KMNIST: only its .gz files' MD5s are published (rois-codh/kmnist).
    DatasetSpec kmnist = idxDataset("kmnist", "Kuzushiji-MNIST", {"", "", "", ""}, {},
                                    "CC BY-SA 4.0 (ROIS-DS Center for Open Data in the Humanities, NII)",
                                    {"o", "ki", "su", "tsu", "na", "ha", "ma", "ya", "re", "wo"});
    const std::array<const char*, 4> kmnistGz = {"bdb82020997e1d708af4cf47b453dcf7", "e144d726b3acfaa3e44228e80efcd344",
                                                 "5c965bf0a639b31b8f53240b1b52f4d7", "7320c461ea6c1c855c0b718fb2a4b134"};
    for (int f = 0; f < 4; ++f) kmnist.files[size_t(f)].gzMd5 = kmnistGz[size_t(f)];
    std::vector<DatasetSpec> specs = {mnist, fashion, kmnist};
    for (const DatasetSpec& e : emnistSplits()) specs.push_back(e);
    DatasetSpec images;  // a person's own: its classes, names and shape come from the folder
    images.name = "images";
    images.displayName = "Image folder";
    images.format = DatasetFormat::ImageFolder;
    specs.push_back(images);
    return specs;
}

const std::vector<DatasetSpec>& catalogue() {
    static const std::vector<DatasetSpec> specs = buildCatalogue();
    return specs;
}

bool hasAllFiles(const DatasetSpec& spec, const std::string& dir) {
    if (spec.format != DatasetFormat::Idx) return false;
    for (const auto& file : spec.files) {
        if (!findDatasetFile(dir, file)) return false;
    }
    return true;
}

// Whether `dir`'s test label file is `spec`'s: by the published checksum
// of its contents, or of its .gz file where only that is published, or,
// where none is published, by its name alone (EMNIST's are its own).
bool holdsLabelsOf(const DatasetSpec& spec, const std::string& dir) {
    const DatasetFile& file = spec.files[static_cast<int>(FileRole::TestLabels)];
    const auto path = findDatasetFile(dir, file);
    if (!path) return false;
    if (file.rawMd5.empty() && file.gzMd5.empty()) return true;
    try {
        const std::vector<uint8_t> bytes = readWholeFile(*path);
        if (isGzip(bytes) && !file.gzMd5.empty() && md5Hex(bytes) == file.gzMd5) return true;
        // Label files are 10-120 KB; a cap keeps a huge impostor from being inflated whole.
        return !file.rawMd5.empty() && md5Hex(gunzipIfCompressed(bytes, *path, size_t(1) << 22)) == file.rawMd5;
    } catch (const std::exception&) {
        return false;
    }
}

bool holdsOtherDataset(const DatasetSpec& spec, const std::string& dir) {
    const auto found = identifyDataset(dir);
    return found && *found != spec.name;
}

bool holds(const DatasetSpec& spec, const std::string& dir) { return hasAllFiles(spec, dir) && !holdsOtherDataset(spec, dir); }

// DIR/<name> first (a folder holding several datasets), then DIR itself.
std::vector<std::string> candidatesUnder(const std::string& dir, const DatasetSpec& spec) {
    return {(fs::path(dir) / spec.name).string(), dir};
}

}  // namespace

const DatasetSpec* findDatasetSpec(const std::string& name) {
    for (const auto& spec : catalogue()) {
        if (spec.name == name) return &spec;
    }
    return nullptr;
}

const DatasetSpec& datasetSpec(const std::string& name) {
    if (const DatasetSpec* spec = findDatasetSpec(name)) return *spec;
    std::string known;
    for (const auto& spec : catalogue()) known += (known.empty() ? "" : ", ") + spec.name;
    throw InputError("unknown dataset '" + name + "' (known: " + known + ")", "dataset");
}

std::vector<std::string> datasetNames() {
    std::vector<std::string> names;
    for (const auto& spec : catalogue()) names.push_back(spec.name);
    return names;
}

std::string userCacheDir(const std::string& datasetName) {
    fs::path base;
    if (const char* xdg = std::getenv("XDG_CACHE_HOME"); xdg && *xdg) {
        base = xdg;
    } else if (const char* home = std::getenv("HOME"); home && *home) {
        base = fs::path(home) / ".cache";
    } else {
        base = fs::temp_directory_path();
    }
    return (base / "alx" / datasetName).string();
}

std::optional<std::string> findDatasetFile(const std::string& dir, const DatasetFile& file) {
    std::error_code ec;
    for (const auto& candidate : {fs::path(dir) / file.stem, fs::path(dir) / (file.stem + ".gz")}) {
        if (fs::exists(candidate, ec)) return candidate.string();
    }
    return std::nullopt;
}

std::optional<std::string> identifyDataset(const std::string& dir) {
    for (const auto& spec : catalogue()) {
        if (spec.format == DatasetFormat::Idx && holdsLabelsOf(spec, dir)) return spec.name;
    }
    return std::nullopt;
}

std::vector<std::string> datasetSearchPath(const DatasetSpec& spec, const std::string& dataDir) {
    std::vector<std::string> path;
    if (!dataDir.empty()) {
        for (auto& c : candidatesUnder(dataDir, spec)) path.push_back(c);
    }
    if (const char* env = std::getenv("ALX_DATA_DIR"); env && *env) {
        for (auto& c : candidatesUnder(env, spec)) path.push_back(c);
    }
    path.push_back(userCacheDir(spec.name));
    if (spec.systemDir) path.push_back(*spec.systemDir);
    return path;
}

std::optional<DatasetLocation> locateDataset(const DatasetSpec& spec, const std::string& dataDir) {
    if (spec.format == DatasetFormat::ImageFolder) {
        if (dataDir.empty()) {
            throw InputError("an image folder is read from the folder given (--data-dir DIR, or Folder... in the app)",
                             "data_dir");
        }
        if (!looksLikeImageFolder(dataDir)) {
            throw InputError(fileError(dataDir, "holds no images in a layout ALX reads (DIR/<class>/*, "
                                                "DIR/train/<class>/* and DIR/test/<class>/*, DIR/unlabelled/ or "
                                                "DIR/labels.csv)"),
                             "data_dir");
        }
        return DatasetLocation{dataDir, "data_dir"};
    }
    if (!dataDir.empty()) {
        for (const auto& dir : candidatesUnder(dataDir, spec)) {
            if (hasAllFiles(spec, dir)) {
                if (const auto other = identifyDataset(dir); other && *other != spec.name) {
                    throw InputError(fileError(dir, "holds " + datasetSpec(*other).displayName + ", not " +
                                                        spec.displayName),
                                     "dataset");
                }
                return DatasetLocation{dir, "data_dir"};
            }
        }
        // Name the first file that is missing, so the user knows what to fix.
        for (const auto& file : spec.files) {
            if (!findDatasetFile(dataDir, file)) {
                throw InputError(fileError(dataDir, spec.displayName + " file " + file.stem +
                                                        "[.gz] not found (nor under " + spec.name + "/)"));
            }
        }
    }
    if (const char* env = std::getenv("ALX_DATA_DIR"); env && *env) {
        for (const auto& dir : candidatesUnder(env, spec)) {
            if (holds(spec, dir)) return DatasetLocation{dir, "ALX_DATA_DIR"};
        }
    }
    if (const auto cache = userCacheDir(spec.name); holds(spec, cache)) return DatasetLocation{cache, "cache"};
    if (spec.systemDir && holds(spec, *spec.systemDir)) return DatasetLocation{*spec.systemDir, "system"};
    return std::nullopt;
}

}  // namespace alx
