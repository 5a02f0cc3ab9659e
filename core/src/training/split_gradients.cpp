#include "training/split_gradients.h"

#include <torch/torch.h>

#include <algorithm>

#include "alx/models/model.h"
#include "kernels/parallel_items.h"

namespace alx {

int SplitGradients::slicesFor(int64_t images, int threads) {
    return int(std::clamp<int64_t>(images / kSmallestSlice, 1, std::max(1, threads)));
}

SplitGradients::SplitGradients(Classifier& model, const torch::Tensor& flatGradients, int threads)
    : model_(model), flatGradients_(flatGradients), threads_(std::max(1, threads)) {
    const std::vector<torch::Tensor> parameters = model.parameters();
    std::vector<torch::Tensor> own;
    for (const torch::Tensor& p : parameters) own.push_back(p.grad());
    sliceGradients_.push_back(own);
    for (int slice = 1; slice < threads_; ++slice) {
        sliceBuffers_.push_back(torch::empty_like(flatGradients_));
        std::vector<torch::Tensor> views;
        for (const torch::Tensor& g : own) {
            // Where the parameter's gradient lies in the flat buffer, there in this slice's.
            const int64_t offset = g.storage_offset() - flatGradients_.storage_offset();
            views.push_back(sliceBuffers_.back().narrow(0, offset, g.numel()).view(g.sizes()));
        }
        sliceGradients_.push_back(views);
    }
}

torch::Tensor SplitGradients::lossWithGradients(const torch::Tensor& images, const torch::Tensor& labels) {
    const int64_t n = images.size(0);
    const int64_t slices = slicesFor(n, threads_);
    if (slices <= 1) return model_.lossWithGradients(images, labels, sliceGradients_.front());
    // Slices as even as can be: the first n % slices one image longer.
    std::vector<int64_t> begin(size_t(slices + 1), 0);
    for (int64_t s = 0; s < slices; ++s) begin[size_t(s + 1)] = begin[size_t(s)] + n / slices + (s < n % slices ? 1 : 0);
    std::vector<torch::Tensor> losses(static_cast<size_t>(slices));
    forEachItemOnThreads(slices, int(slices), [&](int64_t s) {
        const int64_t from = begin[size_t(s)], count = begin[size_t(s + 1)] - from;
        losses[size_t(s)] = model_.lossWithGradients(images.narrow(0, from, count), labels.narrow(0, from, count),
                                                     sliceGradients_[size_t(s)]);
    });
    // Each slice's mean, weighted by its share of the batch: the batch's mean.
    c10::InferenceMode noAutograd;
    const auto share = [&](int64_t s) { return double(begin[size_t(s + 1)] - begin[size_t(s)]) / double(n); };
    flatGradients_.mul_(share(0));
    torch::Tensor loss = losses.front() * share(0);
    for (int64_t s = 1; s < slices; ++s) {
        flatGradients_.add_(sliceBuffers_[size_t(s - 1)], share(s));
        loss += losses[size_t(s)] * share(s);
    }
    return loss;
}

}  // namespace alx
