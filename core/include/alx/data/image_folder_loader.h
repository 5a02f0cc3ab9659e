#pragma once
// An image folder (image_folder.h) decoded into the tensors every job
// trains on: every image converted to one channel count and resized to one
// size, the folder's test split or a stratified one, and the unlabelled
// images apart as the pool.
#include <functional>
#include <string>

#include "alx/data/dataset_loader.h"

namespace alx {

// Indexes, splits and decodes `dir`. Throws InputError naming the file and
// the reason for an image that does not decode (unless
// options.skipBadImages: then it is left out and listed in `skipped`), for
// images of several sizes without options.height and width ("give
// --image-size"), and for a folder without test images or without
// labelled training images. Polls `shouldStop` between batches of images
// (throws Cancelled).
LoadedDataset loadImageFolder(const std::string& dir, const ImageFolderOptions& options,
                              const std::function<bool()>& shouldStop = {});

}  // namespace alx
