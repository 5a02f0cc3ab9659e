#include "alx/jobs/job.h"

#include "alx/util/errors.h"

#include <filesystem>

#include <torch/torch.h>

namespace alx {

LoadedDataset loadJobData(const DatasetRequest& request, const std::function<bool()>& shouldStop,
                          const std::function<void(const DatasetReport&)>& onDataset, bool pileAllowed) {
    LoadedDataset data = loadRequestedDataset(request, shouldStop);
    if (!pileAllowed && data.train.size() == 0) {
        throw InputError(fileError(data.dir, "has no labelled images yet: label its unlabelled images first (alx-cli al "
                                             "--oracle FILE, or the app's Active learning page)"),
                         "dataset");
    }
    if (!pileAllowed && data.test.size() == 0) {
        throw InputError(fileError(data.dir, "has no labelled test images: add test/<class>/ folders, or more "
                                             "labelled images for ALX to split"),
                         "dataset");
    }
    if (onDataset) {
        const DatasetSpec& spec = request.spec;
        onDataset({spec.name, spec.displayName, data.dir, data.source, data.train.size(), data.test.size(),
                   data.shape, data.classNames, data.skipped, data.pool.size()});
    }
    return data;
}

DatasetRequest runDataset(const RunSummary& run, DatasetRequest given) {
    given.spec = datasetSpec(run.dataset);
    if (given.spec.format != DatasetFormat::ImageFolder) return given;
    given.dataDir = recordedOrGivenDir(run.dataDir, given.dataDir);
    given.folder.channels = run.imageShape.channels;
    given.folder.height = run.imageShape.height;
    given.folder.width = run.imageShape.width;
    if (run.testFraction > 0) given.folder.testFraction = run.testFraction;
    given.folder.splitSeed = run.seed;
    return given;
}

std::string recordedOrGivenDir(const std::string& recorded, const std::string& given) {
    std::error_code ec;
    return !recorded.empty() && std::filesystem::is_directory(recorded, ec) ? recorded : given;
}

DatasetRequest seededDataset(DatasetRequest data, uint64_t seed) {
    data.folder.splitSeed = seed;
    return data;
}

ImageStack imageStack(const torch::Tensor& images, const std::vector<int64_t>& indices) {
    return imageStack(images.index_select(0, torch::tensor(indices, torch::kInt64).to(images.device())));
}

ImageStack imageStack(const torch::Tensor& images) {
    const auto contiguous = images.to(torch::kCPU, torch::kUInt8).contiguous();
    ImageStack stack;
    stack.shape = shapeOf(contiguous);
    const auto* p = contiguous.data_ptr<uint8_t>();
    stack.pixels.assign(p, p + contiguous.numel());
    return stack;
}

}  // namespace alx
