#include "training/captured_step.h"

#include <stdexcept>

#include "alx/build_options.h"

#if ALX_WITH_CUDA_GRAPHS
#include <ATen/cuda/CUDAGraph.h>
#include <c10/cuda/CUDAGuard.h>
#include <c10/cuda/CUDAStream.h>
#include <torch/cuda.h>
#endif

namespace alx {

struct CapturedStep::State {
    Step step;
    int warmUpsDone = 0;
#if ALX_WITH_CUDA_GRAPHS
    // Declared before the tensors it owns the memory of, so destroyed after them.
    std::unique_ptr<at::cuda::CUDAGraph> graph;
#endif
    torch::Tensor images, labels, loss;  // the graph's fixed input and output
};

bool CapturedStep::available() { return ALX_WITH_CUDA_GRAPHS != 0; }

CapturedStep::CapturedStep(Step step) : state_(std::make_unique<State>()) {
    if (!available()) throw std::logic_error("CUDA graphs are not in this build");
    state_->step = std::move(step);
}

CapturedStep::~CapturedStep() = default;

torch::Tensor CapturedStep::run(const torch::Tensor& images, const torch::Tensor& labels) {
#if ALX_WITH_CUDA_GRAPHS
    State& s = *state_;
    if (s.graph) {
        s.images.copy_(images);
        s.labels.copy_(labels);
        s.graph->replay();
        return s.loss;
    }
    // Streams are switched only with the device idle: simpler than events,
    // and it happens kWarmUpSteps + 1 times a training run.
    torch::cuda::synchronize();
    if (s.warmUpsDone < kWarmUpSteps) {
        torch::Tensor loss;
        {
            const c10::cuda::CUDAStreamGuard side(c10::cuda::getStreamFromPool());
            loss = s.step(images, labels);
        }
        torch::cuda::synchronize();
        ++s.warmUpsDone;
        return loss;
    }
    s.images = images.clone();
    s.labels = labels.clone();
    torch::cuda::synchronize();
    s.graph = std::make_unique<at::cuda::CUDAGraph>();
    {
        const c10::cuda::CUDAStreamGuard capture(c10::cuda::getStreamFromPool());
        s.graph->capture_begin();
        s.loss = s.step(s.images, s.labels);  // recorded, not run
        s.graph->capture_end();
    }
    torch::cuda::synchronize();
    s.graph->replay();
    return s.loss;
#else
    (void)images;
    (void)labels;
    throw std::logic_error("CUDA graphs are not in this build");
#endif
}

}  // namespace alx
