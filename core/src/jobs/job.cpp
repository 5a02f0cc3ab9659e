#include "alx/jobs/job.h"

#include <filesystem>

#include <torch/torch.h>

namespace alx {

LoadedDataset loadJobData(const DatasetRequest& request, const std::function<bool()>& shouldStop,
                          const std::function<void(const DatasetReport&)>& onDataset) {
    LoadedDataset data = loadRequestedDataset(request, shouldStop);
    if (onDataset) {
        const DatasetSpec& spec = request.spec;
        onDataset({spec.name, spec.displayName, data.dir, data.source, data.train.size(), data.test.size(),
                   data.shape, data.classNames, data.skipped});
    }
    return data;
}

DatasetRequest runDataset(const RunSummary& run, DatasetRequest given) {
    given.spec = datasetSpec(run.dataset);
    if (given.spec.format != DatasetFormat::ImageFolder) return given;
    std::error_code ec;
    if (!run.dataDir.empty() && std::filesystem::is_directory(run.dataDir, ec)) given.dataDir = run.dataDir;
    given.folder.channels = run.imageShape.channels;
    given.folder.height = run.imageShape.height;
    given.folder.width = run.imageShape.width;
    if (run.testFraction > 0) given.folder.testFraction = run.testFraction;
    given.folder.splitSeed = run.seed;
    return given;
}

DatasetRequest seededDataset(DatasetRequest data, uint64_t seed) {
    data.folder.splitSeed = seed;
    return data;
}

ImageStack imageStack(const torch::Tensor& images, const std::vector<int64_t>& indices) {
    const auto contiguous = images.to(torch::kCPU).contiguous();
    ImageStack stack;
    stack.shape = shapeOf(contiguous);
    const size_t perImage = size_t(stack.shape.pixels());
    stack.pixels.reserve(indices.size() * perImage);
    for (int64_t i : indices) {
        const auto* p = contiguous[i].data_ptr<uint8_t>();
        stack.pixels.insert(stack.pixels.end(), p, p + perImage);
    }
    return stack;
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
