#include "alx/data/dataset_loader.h"

#include <torch/torch.h>

#include "alx/util/errors.h"
#include "alx/util/files.h"
#include "alx/data/idx_reader.h"
#include "alx/data/image_folder_loader.h"
#include "alx/util/digest.h"

namespace alx {
namespace {

IdxArray readChecked(const DatasetSpec& spec, const std::string& dir, FileRole role, const LoadOptions& options) {
    if (options.shouldStop && options.shouldStop()) throw Cancelled();
    const DatasetFile& file = spec.files[static_cast<int>(role)];
    const auto path = findDatasetFile(dir, file);
    if (!path) throw InputError(fileError(dir + "/" + file.stem + "[.gz]", "file not found"));
    const std::vector<uint8_t> stored = readWholeFile(*path);
    // The published .gz file's checksum, where only that is published (KMNIST).
    if (options.verifyChecksums && file.rawMd5.empty() && isGzip(stored) && !file.gzMd5.empty()) {
        const std::string actual = md5Hex(stored, options.shouldStop);
        if (actual != file.gzMd5) {
            throw InputError(fileError(*path, "checksum mismatch: the file is damaged or not the published " +
                                                  spec.displayName + " file (MD5 " + actual + ", expected " +
                                                  file.gzMd5 + ")"));
        }
    }
    const std::vector<uint8_t> raw = gunzipIfCompressed(stored, *path, size_t(1) << 31, options.shouldStop);
    if (options.verifyChecksums && !file.rawMd5.empty()) {
        const std::string actual = md5Hex(raw, options.shouldStop);
        if (actual != file.rawMd5) {
            throw InputError(fileError(*path, "checksum mismatch: the file is damaged or not the published " +
                                                  spec.displayName + " file (MD5 of its contents " + actual +
                                                  ", expected " + file.rawMd5 + ")"));
        }
    }
    return parseIdx(raw, file.rank, *path);
}

ImageSplit toSplit(IdxArray images, IdxArray labels, const std::string& imagePath, const std::string& labelPath,
                   const DatasetSpec& spec) {
    if (images.dims.size() != 3 || images.dims[1] < 1 || images.dims[2] < 1) {
        throw InputError(fileError(imagePath, "not an IDX file of images (rows and columns)"));
    }
    if (images.items() != labels.items()) {
        throw InputError(fileError(labelPath, "has " + std::to_string(labels.items()) + " labels but " + imagePath +
                                                  " has " + std::to_string(images.items()) + " images"));
    }
    const int first = spec.firstLabel, last = spec.firstLabel + spec.classes - 1;
    for (size_t i = 0; i < labels.data.size(); ++i) {
        if (labels.data[i] < first || labels.data[i] > last) {
            throw InputError(fileError(labelPath, "label " + std::to_string(labels.data[i]) + " of item " +
                                                      std::to_string(i) + " is out of range " + std::to_string(first) +
                                                      ".." + std::to_string(last)));
        }
    }
    ImageSplit split;
    const int64_t n = images.items();
    split.images = torch::from_blob(images.data.data(), {n, 1, images.dims[1], images.dims[2]}, torch::kUInt8).clone();
    split.labels = torch::from_blob(labels.data.data(), {n}, torch::kUInt8).to(torch::kInt64) - spec.firstLabel;
    // EMNIST stores each image column by column.
    if (spec.transposed) split.images = split.images.transpose(2, 3).contiguous();
    return split;
}

}  // namespace

LoadedDataset loadDataset(const DatasetSpec& spec, const std::string& dir, const LoadOptions& options) {
    auto pathOf = [&](FileRole role) {
        return findDatasetFile(dir, spec.files[static_cast<int>(role)]).value_or(dir);
    };
    LoadedDataset data;
    data.dir = dir;
    // One file after the other, in the catalogue's order, so that the first
    // damaged file is the one reported.
    IdxArray trainImages = readChecked(spec, dir, FileRole::TrainImages, options);
    IdxArray trainLabels = readChecked(spec, dir, FileRole::TrainLabels, options);
    IdxArray testImages = readChecked(spec, dir, FileRole::TestImages, options);
    IdxArray testLabels = readChecked(spec, dir, FileRole::TestLabels, options);
    data.train = toSplit(std::move(trainImages), std::move(trainLabels), pathOf(FileRole::TrainImages),
                         pathOf(FileRole::TrainLabels), spec);
    data.test = toSplit(std::move(testImages), std::move(testLabels), pathOf(FileRole::TestImages),
                        pathOf(FileRole::TestLabels), spec);
    data.shape = {1, data.train.images.size(2), data.train.images.size(3)};
    if (data.test.images.size(2) != data.shape.height || data.test.images.size(3) != data.shape.width) {
        throw InputError(fileError(pathOf(FileRole::TestImages), "test images are " +
                                                                      std::to_string(data.test.images.size(2)) + "x" +
                                                                      std::to_string(data.test.images.size(3)) +
                                                                      ", the training images " + data.shape.text()));
    }
    data.classNames = spec.classNames;
    return data;
}

LoadedDataset loadRequestedDataset(const DatasetRequest& request, const std::function<bool()>& shouldStop) {
    const DatasetSpec& spec = request.spec;
    const auto location = locateDataset(spec, request.dataDir);
    if (!location) {
        std::string searched;
        for (const auto& dir : datasetSearchPath(spec, request.dataDir)) searched += (searched.empty() ? "" : ", ") + dir;
        throw InputError(spec.displayName + " not found (looked in " + searched + ")" +
                         (spec.mirrors.empty() ? "; give the folder that holds " + spec.files[0].stem +
                                                     "[.gz] and its three companions"
                                               : "; download it (alx-cli fetch --dataset " + spec.name +
                                                     ", or Download in the app) or give its folder"));
    }
    LoadOptions options;
    options.verifyChecksums = request.verifyChecksums;
    options.shouldStop = shouldStop;
    LoadedDataset data = spec.format == DatasetFormat::ImageFolder
                             ? loadImageFolder(location->dir, request.folder, shouldStop)
                             : loadDataset(spec, location->dir, options);
    data.source = location->source;
    auto keepFirst = [](ImageSplit& split, std::vector<std::string>& paths, int64_t n) {
        if (n > 0 && n < split.size()) {
            split.images = split.images.slice(0, 0, n);
            split.labels = split.labels.slice(0, 0, n);
            if (paths.size() > size_t(n)) paths.resize(size_t(n));
        }
    };
    keepFirst(data.train, data.trainPaths, request.trainImages);
    keepFirst(data.test, data.testPaths, request.testImages);
    return data;
}

ImageShape shapeOf(const torch::Tensor& images) { return {images.size(1), images.size(2), images.size(3)}; }

torch::Tensor normaliseImages(const torch::Tensor& images, const torch::Device& device) {
    // Move the compact uint8 tensor first, then widen it on the device.
    return images.to(device).to(torch::kFloat32).div_(255.0).sub_(0.5).div_(0.5);
}

}  // namespace alx
