#include "alx/jobs/job.h"

#include <torch/torch.h>

namespace alx {

LoadedDataset loadJobData(const DatasetRequest& request, const std::function<bool()>& shouldStop,
                          const std::function<void(const DatasetReport&)>& onDataset) {
    LoadedDataset data = loadRequestedDataset(request, shouldStop);
    if (onDataset) {
        const DatasetSpec& spec = request.spec;
        onDataset({spec.name, spec.displayName, data.dir, data.source, data.train.size(), data.test.size(),
                   spec.classNames});
    }
    return data;
}

std::vector<uint8_t> imageBytes(const torch::Tensor& images, const std::vector<int64_t>& indices) {
    const auto contiguous = images.to(torch::kCPU).contiguous();
    std::vector<uint8_t> bytes;
    bytes.reserve(indices.size() * size_t(kImagePixels));
    for (int64_t i : indices) {
        const auto* p = contiguous[i].data_ptr<uint8_t>();
        bytes.insert(bytes.end(), p, p + kImagePixels);
    }
    return bytes;
}

}  // namespace alx
