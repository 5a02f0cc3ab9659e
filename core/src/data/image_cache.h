#pragma once
// The decoded images of an image folder, kept between loads: one file per
// folder and requested size and channels, under the user's cache folder
// ($XDG_CACHE_HOME/alx/images). An image is taken from it only while its
// file has the same path, size and modification time; any other image is
// decoded again. A cache that is missing, damaged or of another version is
// ignored and rewritten: it can make a load faster, never fail it.
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "alx/data/dataset_request.h"
#include "alx/data/image_shape.h"

namespace alx {

// What identifies a file's contents without reading them.
struct FileStamp {
    int64_t size = -1;  // -1: the file could not be examined
    int64_t modifiedNs = 0;
    bool operator==(const FileStamp& o) const { return size == o.size && modifiedNs == o.modifiedNs; }
};
FileStamp stampOf(const std::string& path);

// One image as its file holds it (its own size and channels) and as the
// dataset holds it (converted to the cache's shape).
struct CachedImage {
    FileStamp stamp;
    int height = 0, width = 0, channels = 0;
    std::vector<uint8_t> pixels;  // shape().pixels() bytes, C x H x W
};

class ImageCache {
public:
    // The cache of `dir` read with `options`' size and channels.
    ImageCache(const std::string& dir, const ImageFolderOptions& options);

    // Reads the cache file; empty when there is none or it is damaged.
    void load();
    // The image at `path` (relative to dir) when its file still has `stamp`.
    const CachedImage* find(const std::string& path, const FileStamp& stamp) const;
    const ImageShape& shape() const { return shape_; }

    // Replaces the cache's contents by `images` (by path) at `shape` and
    // writes them, atomically; does nothing when they would take more than
    // kMaxBytes or the cache folder cannot be written.
    void save(const ImageShape& shape, std::map<std::string, CachedImage> images);

    static constexpr int64_t kMaxBytes = int64_t(4) << 30;

private:
    std::string file_;
    ImageShape shape_;
    std::map<std::string, CachedImage> images_;
};

}  // namespace alx
