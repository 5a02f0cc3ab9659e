#include "alx/data/image_folder_loader.h"

#include <algorithm>
#include <map>
#include <random>

#include <torch/torch.h>

#include "alx/data/image_decoder.h"
#include "alx/data/image_folder.h"
#include "alx/util/errors.h"
#include "alx/util/random.h"
#include "image_cache.h"

namespace alx {
namespace {

// One image of the folder: from the cache, decoded here, or why neither.
struct Source {
    FileStamp stamp;
    const CachedImage* cached = nullptr;
    DecodedImage image;  // when decoded here
    std::string error;   // empty when usable

    int height() const { return cached ? cached->height : image.height; }
    int width() const { return cached ? cached->width : image.width; }
    int channels() const { return cached ? cached->channels : image.channels; }
};

// Decodes every source the cache does not hold, in parallel, polling for a stop between batches.
void decodeMissing(const ImageFolderIndex& index, std::vector<Source>& sources, const std::function<bool()>& shouldStop) {
    std::vector<size_t> missing;
    for (size_t i = 0; i < sources.size(); ++i) {
        const Source& s = sources[i];
        if (!s.cached && s.error.empty() && s.image.pixels.empty()) missing.push_back(i);
    }
    constexpr int64_t kBatch = 256;
    const int64_t n = int64_t(missing.size());
    for (int64_t start = 0; start < n; start += kBatch) {
        if (shouldStop && shouldStop()) throw Cancelled();
        at::parallel_for(start, std::min(n, start + kBatch), 1, [&](int64_t begin, int64_t end) {
            for (int64_t k = begin; k < end; ++k) {
                Source& source = sources[missing[size_t(k)]];
                try {
                    source.image = readImageFile(index.dir + "/" + index.entries[missing[size_t(k)]].path);
                } catch (const std::exception& e) {
                    source.error = e.what();
                }
            }
        });
    }
}

// The one size every image shares, or the one asked for.
std::pair<int64_t, int64_t> targetSize(const ImageFolderIndex& index, const std::vector<Source>& sources,
                                       const ImageFolderOptions& options) {
    if (options.height > 0 && options.width > 0) return {options.height, options.width};
    std::map<std::pair<int64_t, int64_t>, size_t> sizes;  // size -> its first image
    for (size_t i = 0; i < sources.size(); ++i) {
        if (sources[i].error.empty()) sizes.emplace(std::make_pair(sources[i].height(), sources[i].width()), i);
    }
    if (sizes.size() == 1) return sizes.begin()->first;
    std::string examples;
    for (const auto& [size, i] : sizes) {
        if (examples.size() > 200) break;
        examples += (examples.empty() ? "" : ", ") + index.entries[i].path + " is " + std::to_string(size.first) +
                    "x" + std::to_string(size.second);
    }
    throw InputError(fileError(index.dir, "its images have " + std::to_string(sizes.size()) + " sizes (" + examples +
                                              "): give them one size with --image-size HxW (in the app: Size)"),
                     "image_size");
}

// HWC with c channels -> C x H x W planar with `channels`, at height x width.
torch::Tensor convert(const DecodedImage& image, int64_t channels, int64_t height, int64_t width) {
    auto hwc = torch::from_blob(const_cast<uint8_t*>(image.pixels.data()), {image.height, image.width, image.channels},
                                torch::kUInt8);
    auto chw = hwc.permute({2, 0, 1});
    if (image.channels == 3 && channels == 1) {
        // ITU-R BT.601 luma, as most image tools turn colour into grey.
        const auto f = chw.to(torch::kInt32);
        chw = ((f[0] * 299 + f[1] * 587 + f[2] * 114 + 500) / 1000).unsqueeze(0).to(torch::kUInt8);
    } else if (image.channels == 1 && channels == 3) {
        chw = chw.expand({3, image.height, image.width});
    }
    if (image.height == height && image.width == width) return chw.contiguous();
    // Bilinear with antialiasing: a shrunk photo keeps its detail instead of aliasing.
    const auto resized = torch::nn::functional::interpolate(
        chw.unsqueeze(0).to(torch::kFloat32),
        torch::nn::functional::InterpolateFuncOptions()
            .size(std::vector<int64_t>{height, width})
            .mode(torch::kBilinear)
            .align_corners(false)
            .antialias(true));
    return resized.squeeze(0).round().clamp(0, 255).to(torch::kUInt8);
}

// One split's images as they are added (each C x H x W bytes), made into
// tensors in a seeded order at the end, so that "the first N images" of a
// folder sorted by class is a sample of every class.
struct SplitBuilder {
    std::vector<uint8_t> pixels;
    std::vector<int64_t> labels;
    std::vector<std::string> paths;

    void add(const uint8_t* image, size_t bytes, int64_t label, const std::string& path) {
        pixels.insert(pixels.end(), image, image + bytes);
        labels.push_back(label);
        paths.push_back(path);
    }

    ImageSplit finish(const ImageShape& shape, uint64_t seed, std::vector<std::string>& pathsOut) const {
        const int64_t n = int64_t(labels.size());
        const size_t bytes = size_t(shape.pixels());
        ImageSplit split;
        split.images = torch::empty({n, shape.channels, shape.height, shape.width}, torch::kUInt8);
        split.labels = torch::empty({n}, torch::kInt64);
        uint8_t* to = split.images.data_ptr<uint8_t>();
        int64_t* label = split.labels.data_ptr<int64_t>();
        std::mt19937_64 generator(seed ^ 0x696d616765735eULL);
        for (size_t i : shuffledIndices(size_t(n), generator)) {
            std::copy_n(pixels.data() + i * bytes, bytes, to);
            to += bytes;
            *label++ = labels[i];
            pathsOut.push_back(paths[i]);
        }
        return split;
    }
};

}  // namespace

LoadedDataset loadImageFolder(const std::string& dir, const ImageFolderOptions& options,
                              const std::function<bool()>& shouldStop) {
    if (options.channels != 0 && options.channels != 1 && options.channels != 3) {
        throw InputError("--channels is 1 (grey) or 3 (RGB), not " + std::to_string(options.channels), "channels");
    }
    LoadedDataset data;
    ImageFolderIndex index = indexImageFolder(dir);
    const bool unassigned = std::any_of(index.entries.begin(), index.entries.end(),
                                        [](const ImageFolderEntry& e) { return e.role == ImageSplitRole::Unassigned; });
    if (unassigned) splitStratified(index, options.testFraction, options.splitSeed);
    data.testFraction = unassigned ? options.testFraction : 0;

    ImageCache cache(dir, options);
    cache.load();
    std::vector<Source> sources(index.entries.size());
    for (size_t i = 0; i < sources.size(); ++i) {
        sources[i].stamp = stampOf(dir + "/" + index.entries[i].path);
        sources[i].cached = cache.find(index.entries[i].path, sources[i].stamp);
    }
    decodeMissing(index, sources, shouldStop);
    data.dir = dir;
    data.classNames = index.classNames;
    for (const Source& source : sources) {
        if (source.error.empty()) continue;
        if (!options.skipBadImages) throw InputError(source.error + " (--skip-bad-images leaves such images out)");
        data.skipped.push_back(source.error);
    }
    if (data.skipped.size() == sources.size()) throw InputError(fileError(dir, "none of its images decodes"));
    const auto [height, width] = targetSize(index, sources, options);
    bool allGrey = true;
    for (const Source& s : sources) allGrey = allGrey && (!s.error.empty() || s.channels() == 1);
    const int64_t channels = options.channels > 0 ? options.channels : allGrey ? 1 : 3;
    data.shape = {channels, height, width};
    if (data.shape != cache.shape()) {  // the cache holds them at another shape: decode them again
        for (Source& s : sources) s.cached = nullptr;
        decodeMissing(index, sources, shouldStop);
    }

    // Validation images train: the trainer holds its own validation images out of train.
    SplitBuilder train, test, pool;
    // The cache is rewritten only when an image was decoded here.
    const bool decodedHere = std::any_of(sources.begin(), sources.end(),
                                         [](const Source& s) { return s.error.empty() && !s.cached; });
    std::map<std::string, CachedImage> kept;
    const size_t bytes = size_t(data.shape.pixels());
    for (size_t i = 0; i < sources.size(); ++i) {
        const Source& source = sources[i];
        if (!source.error.empty()) continue;
        const ImageFolderEntry& entry = index.entries[i];
        SplitBuilder& to = entry.role == ImageSplitRole::Test ? test : entry.role == ImageSplitRole::Pool ? pool : train;
        if (source.cached && !decodedHere) {
            to.add(source.cached->pixels.data(), bytes, entry.label, entry.path);
            continue;
        }
        CachedImage image{source.stamp, source.height(), source.width(), source.channels(), {}};
        if (source.cached) {
            image.pixels = source.cached->pixels;
        } else {
            const torch::Tensor converted = convert(source.image, channels, height, width);
            image.pixels.assign(converted.data_ptr<uint8_t>(), converted.data_ptr<uint8_t>() + converted.numel());
        }
        to.add(image.pixels.data(), bytes, entry.label, entry.path);
        kept.emplace(entry.path, std::move(image));
    }
    // A pile (unlabelled images) may have no labelled ones yet: the jobs that need them say so (loadJobData).
    const bool pile = !pool.labels.empty();
    if (train.labels.empty() && !pile) throw InputError(fileError(dir, "has no labelled training images"));
    if (test.labels.empty() && !pile) {
        throw InputError(fileError(dir, "has no test images: add test/<class>/ folders, or let ALX split the "
                                        "labelled images (DIR/<class>/* or labels.csv without a split column)"));
    }
    data.train = train.finish(data.shape, options.splitSeed, data.trainPaths);
    data.test = test.finish(data.shape, options.splitSeed + 1, data.testPaths);
    data.pool = pool.finish(data.shape, options.splitSeed + 2, data.poolPaths);
    if (decodedHere) cache.save(data.shape, std::move(kept));
    return data;
}

}  // namespace alx
