#pragma once
#include <array>
#include <optional>
#include <string>
#include <vector>

namespace alx {

// One of the four IDX files of a dataset, with the MD5 of its decompressed
// bytes: Debian recompressed Fashion-MNIST's .gz files, so only the
// decompressed checksums identify the data everywhere. Where only the
// published .gz files' checksums are known (KMNIST), gzMd5 holds them and
// a .gz file is checked by it; where none is published (EMNIST, whose
// files come in one zip), neither is checked and the names identify them.
struct DatasetFile {
    std::string stem;  // e.g. "train-images-idx3-ubyte"; on disk as stem or stem.gz
    std::string rawMd5;
    int rank;          // 3 for images, 1 for labels
    std::string gzMd5 = {};
};

// IDX files as MNIST keeps them, or a folder of images (image_folder.h).
enum class DatasetFormat { Idx, ImageFolder };

struct DatasetSpec {
    std::string name;         // "mnist", "fashion-mnist", "images"
    DatasetFormat format = DatasetFormat::Idx;
    std::string displayName;  // "MNIST", "Fashion-MNIST"
    std::array<DatasetFile, 4> files;  // train images, train labels, test images, test labels (IDX only)
    std::vector<std::string> mirrors;  // base URLs holding stem.gz; empty when not downloadable
    std::optional<std::string> systemDir;  // a packaged copy, e.g. Debian's
    std::string licence;
    int classes = 0;   // labels 0 .. classes - 1, one per class name; 0: the data's own (an image folder)
    std::vector<std::string> classNames;  // one per label, for people; empty: the data's own
    int firstLabel = 0;       // the label files' first label (EMNIST letters count from 1), read as 0
    bool transposed = false;  // images stored column by column (EMNIST), read as rows
};

enum class FileRole { TrainImages = 0, TrainLabels = 1, TestImages = 2, TestLabels = 3 };

// The datasets the app knows; throws InputError for an unknown name.
const DatasetSpec& datasetSpec(const std::string& name);
// The same, or null for an unknown name (a run's record, not a person's choice).
const DatasetSpec* findDatasetSpec(const std::string& name);
std::vector<std::string> datasetNames();

// $XDG_CACHE_HOME/alx/<name>, or ~/.cache/alx/<name>.
std::string userCacheDir(const std::string& datasetName);

// Where a dataset's files were found, and which rule found them.
struct DatasetLocation {
    std::string dir;
    std::string source;  // "data_dir" (the folder asked for), "ALX_DATA_DIR", "cache", "system"
};

// The path of a file in `dir`, raw or gzipped, if either exists.
std::optional<std::string> findDatasetFile(const std::string& dir, const DatasetFile& file);

// Looks for the four files in this order: `dataDir` (the --data-dir flag),
// $ALX_DATA_DIR, the user cache, the system copy. For the first two, both
// DIR/<name> and DIR itself are tried. A folder whose label files are
// recognised as another dataset's is passed over (identifyDataset).
// Returns nullopt when none has all four; when `dataDir` is given but lacks
// them, or holds another dataset, throws InputError, since the user asked
// for that place. An image folder is found only where `dataDir` says, and
// must look like one (looksLikeImageFolder).
std::optional<DatasetLocation> locateDataset(const DatasetSpec& spec, const std::string& dataDir = {});

// Which catalogued dataset the files in `dir` are, recognised by the MD5 of
// their (small) label files: the folder's contents, not its file names
// (MNIST and Fashion-MNIST use the same names). Empty when the label files
// are missing, damaged or match no dataset.
std::optional<std::string> identifyDataset(const std::string& dir);

// Every place locateDataset() looks, in order, for error messages.
std::vector<std::string> datasetSearchPath(const DatasetSpec& spec, const std::string& dataDir = {});

}  // namespace alx
