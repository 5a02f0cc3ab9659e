#pragma once
// Indexing a dataset kept as a folder of PNG and JPEG images: which files,
// which classes, which split. Nothing is decoded here (image_decoder.h
// does that, and the caller reports a file that fails to decode). Plain
// C++: no LibTorch, no Qt.
//
// A folder DIR is read in one of three layouts, the first that applies:
//   LabelsCsv     DIR/labels.csv lists the images: a header line, then
//                 `path,label` or `path,label,split` per line (LF or CRLF,
//                 blank lines skipped). Paths are relative to DIR, and kept
//                 normalised ("./a//b.png" is "a/b.png"); fields may be quoted
//                 ("a, b.png", with "" for a quote). Labels and splits are
//                 trimmed of spaces; splits and the header's names may be in
//                 any case. An empty label marks an unlabelled image (Pool;
//                 its split must be empty). split is train, test, val or
//                 validation, or empty: Unassigned, for the caller to split.
//   SplitFolders  DIR/train/<class>/..., DIR/test/<class>/... and optionally
//                 DIR/val/<class>/... (or validation/). Without test/, the
//                 images of train/ are Unassigned, for the caller to split
//                 (splitStratified). The classes are the union of the class
//                 folders of every split. DIR/test/<class>/... beside
//                 DIR/unlabelled/ without train/ is this layout too: a pile
//                 to label, measured on its test images.
//   ClassFolders  DIR/<class>/...: every image is Unassigned.
//                 Every subfolder but unlabelled/ may be a class.
// In every layout, the images anywhere under DIR/unlabelled/ are unlabelled
// (Pool), for active learning to choose from, except those labels.csv lists.
//
// Images are recognised by their extension: .png, .jpg, .jpeg, in any case.
// Within a class folder, files are found at any depth; other files (README.txt,
// Thumbs.db) are ignored, and so is every file or folder whose name starts
// with a dot (.DS_Store, macOS's ._x.jpg companions, .git). A class folder
// that holds no image is not a class; files directly in DIR (or in train/...)
// belong to no class and are ignored. Symbolic links are followed; a link
// back to a folder that contains it is refused.
#include <cstdint>
#include <string>
#include <vector>

namespace alx {

enum class ImageSplitRole {
    Train,
    Test,
    Validation,
    Unassigned,  // labelled, to be split into Train and Test by the caller
    Pool,        // unlabelled
};

enum class ImageFolderLayout { SplitFolders, ClassFolders, LabelsCsv };

struct ImageFolderEntry {
    std::string path;  // relative to the index's dir, '/' separated
    int label = -1;    // an index into classNames; -1: unlabelled
    ImageSplitRole role = ImageSplitRole::Unassigned;
};

struct ImageFolderIndex {
    std::string dir;
    ImageFolderLayout layout = ImageFolderLayout::ClassFolders;
    // Sorted by byte order; for labels.csv whose labels are all integers
    // ("0", "7", "10"), numerically.
    std::vector<std::string> classNames;
    // By label (unlabelled last), then by path in byte order: the same
    // folder always gives the same index.
    std::vector<ImageFolderEntry> entries;
};

// Whether `dir` looks like an image folder, without reading it all: it holds
// labels.csv, or train/ with a subfolder, or unlabelled/, or a subfolder with
// a .png, .jpg or .jpeg file directly in it. Never throws.
bool looksLikeImageFolder(const std::string& dir);

// Indexes `dir` (layouts above). Throws InputError, its message starting
// with the path at fault (fileError: the file or folder, or labels.csv for
// what it says, or dir), when: dir is missing or not a folder;
// it holds no image; it has fewer than two classes or more than 1,000; a
// file or folder cannot be read; labels.csv has a malformed line, a path to
// no file, a path listed twice or an unknown split (each named by its line
// number); a symbolic link loops back.
ImageFolderIndex indexImageFolder(const std::string& dir);

// Splits the Unassigned entries into Train and Test, class by class: in a
// class of n, round(testFraction * n) go to Test, at least 1 when n >= 2 and
// at most n - 1, so that a class of 1 keeps its image in Train. Which ones
// is drawn by a std::mt19937_64 seeded with `seed`, through a partial
// Fisher-Yates shuffle with its own bounded draw, so that a seed gives the
// same split with every standard library. An Unassigned entry without a
// label becomes Pool. Throws InputError (field "testFraction") unless
// 0 < testFraction < 1.
void splitStratified(ImageFolderIndex& index, double testFraction, uint64_t seed);

}  // namespace alx
