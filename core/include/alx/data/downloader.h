#pragma once
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "alx/data/dataset_catalog.h"

namespace alx {

struct DownloadProgress {
    std::string file;      // the file being fetched
    int fileIndex = 0;     // 0-based, of fileCount
    int fileCount = 0;
    int64_t received = 0;  // bytes of this file so far
    int64_t total = 0;     // bytes of this file, 0 when the server did not say
};

struct DownloadOptions {
    // Base URLs to try in order; empty means the dataset's own mirrors.
    std::vector<std::string> mirrors;
    long connectTimeoutSeconds = 15;
    std::function<void(const DownloadProgress&)> onProgress;
    std::function<bool()> shouldStop;  // polled during the transfer
};

// Downloads each of the dataset's four files that `destDir` lacks (stem.gz),
// trying the mirrors in turn. Each file goes to a temporary name, is
// decompressed and checked against its published MD5, and only then is
// renamed into place; a file that fails the check is deleted and reported.
// Throws InputError for an unknown or non-downloadable dataset, RunError
// when no mirror delivers a good copy (naming each mirror's failure), and
// Cancelled when shouldStop() turns true.
void downloadDataset(const DatasetSpec& spec, const std::string& destDir, const DownloadOptions& options = {});

}  // namespace alx
