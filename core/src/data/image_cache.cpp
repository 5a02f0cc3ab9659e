#include "image_cache.h"

#include <sys/stat.h>

#include <cstring>
#include <filesystem>

#include "alx/data/dataset_catalog.h"
#include "alx/util/files.h"

namespace alx {
namespace {

constexpr char kMagic[8] = {'A', 'L', 'X', 'I', 'M', 'G', 'C', '1'};

// FNV-1a: a stable name for the folder and its options, the same on every run.
uint64_t fnv1a(const std::string& text) {
    uint64_t hash = 14695981039346656037ULL;
    for (unsigned char c : text) hash = (hash ^ c) * 1099511628211ULL;
    return hash;
}

template <typename T>
void put(std::string& out, T value) {
    out.append(reinterpret_cast<const char*>(&value), sizeof value);
}

// Reads from a byte range, failing (false) instead of overrunning it.
struct Reader {
    const uint8_t* at;
    const uint8_t* end;
    template <typename T>
    bool get(T& value) {
        if (size_t(end - at) < sizeof value) return false;
        std::memcpy(&value, at, sizeof value);
        at += sizeof value;
        return true;
    }
    bool bytes(size_t n, const uint8_t*& where) {
        if (size_t(end - at) < n) return false;
        where = at;
        at += n;
        return true;
    }
};

}  // namespace

FileStamp stampOf(const std::string& path) {
    struct stat s {};
    if (::stat(path.c_str(), &s) != 0) return {};
    return {int64_t(s.st_size), int64_t(s.st_mtim.tv_sec) * 1000000000 + int64_t(s.st_mtim.tv_nsec)};
}

ImageCache::ImageCache(const std::string& dir, const ImageFolderOptions& options) {
    std::error_code ec;
    const std::string absolute = std::filesystem::absolute(dir, ec).lexically_normal().string();
    const std::string key = absolute + "|" + std::to_string(options.channels) + "|" + std::to_string(options.height) +
                            "x" + std::to_string(options.width);
    char name[32];
    std::snprintf(name, sizeof name, "%016llx.cache", static_cast<unsigned long long>(fnv1a(key)));
    file_ = userCacheDir("images") + "/" + name;
}

void ImageCache::load() {
    images_.clear();
    std::vector<uint8_t> bytes;
    try {
        bytes = readWholeFile(file_);
    } catch (const std::exception&) {
        return;  // no cache yet, or unreadable: decode
    }
    Reader in{bytes.data(), bytes.data() + bytes.size()};
    const uint8_t* magic = nullptr;
    ImageShape shape;
    uint64_t count = 0;
    if (!in.bytes(sizeof kMagic, magic) || std::memcmp(magic, kMagic, sizeof kMagic) != 0 || !in.get(shape.channels) ||
        !in.get(shape.height) || !in.get(shape.width) || !in.get(count) || shape.empty() || shape.pixels() < 0) {
        return;
    }
    std::map<std::string, CachedImage> images;
    for (uint64_t i = 0; i < count; ++i) {
        uint32_t length = 0;
        const uint8_t* path = nullptr;
        const uint8_t* pixels = nullptr;
        CachedImage image;
        if (!in.get(length) || !in.bytes(length, path) || !in.get(image.stamp.size) || !in.get(image.stamp.modifiedNs) ||
            !in.get(image.height) || !in.get(image.width) || !in.get(image.channels) ||
            !in.bytes(size_t(shape.pixels()), pixels)) {
            return;  // damaged: ignored whole
        }
        image.pixels.assign(pixels, pixels + shape.pixels());
        images.emplace(std::string(reinterpret_cast<const char*>(path), length), std::move(image));
    }
    shape_ = shape;
    images_ = std::move(images);
}

const CachedImage* ImageCache::find(const std::string& path, const FileStamp& stamp) const {
    const auto it = images_.find(path);
    return it != images_.end() && stamp.size >= 0 && it->second.stamp == stamp ? &it->second : nullptr;
}

void ImageCache::save(const ImageShape& shape, std::map<std::string, CachedImage> images) {
    if (int64_t(images.size()) * shape.pixels() > kMaxBytes) return;
    std::string out(kMagic, sizeof kMagic);
    put(out, shape.channels);
    put(out, shape.height);
    put(out, shape.width);
    put(out, uint64_t(images.size()));
    for (const auto& [path, image] : images) {
        put(out, uint32_t(path.size()));
        out += path;
        put(out, image.stamp.size);
        put(out, image.stamp.modifiedNs);
        put(out, image.height);
        put(out, image.width);
        put(out, image.channels);
        out.append(reinterpret_cast<const char*>(image.pixels.data()), image.pixels.size());
    }
    try {
        std::filesystem::create_directories(std::filesystem::path(file_).parent_path());
        writeFileAtomically(file_, out);
    } catch (const std::exception&) {
        return;  // a cache that cannot be written only costs the next load its speed
    }
    shape_ = shape;
    images_ = std::move(images);
}

}  // namespace alx
