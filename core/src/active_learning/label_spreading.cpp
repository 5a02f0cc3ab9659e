#include "alx/active_learning/label_spreading.h"

#include <torch/torch.h>

#include <cmath>

#include "alx/util/errors.h"

namespace alx {
namespace {

void checkLabels(int64_t rows, const std::vector<int64_t>& labelled, const std::vector<int64_t>& labels,
                 int64_t classes) {
    if (labelled.size() != labels.size()) throw InputError("label spreading: as many labels as labelled images are needed");
    for (size_t j = 0; j < labelled.size(); ++j) {
        if (labelled[j] < 0 || labelled[j] >= rows) throw InputError("label spreading: a labelled image outside the pool");
        if (labels[j] < 0 || labels[j] >= classes) throw InputError("label spreading: a label outside the classes");
    }
}

}  // namespace

torch::Tensor spreadLabels(const Neighbours& graph, const std::vector<int64_t>& labelled,
                           const std::vector<int64_t>& labels, int64_t classes, const SpreadingSettings& settings) {
    torch::NoGradGuard noGrad;
    const torch::Tensor neighbours = graph.indices.to(torch::kCPU, torch::kInt64).contiguous();
    const int64_t n = neighbours.size(0);
    checkLabels(n, labelled, labels, classes);
    const torch::Tensor flat = neighbours.flatten();
    const torch::Tensor a = graph.similarity.to(torch::kCPU, torch::kFloat64).clamp_min(0).pow(settings.power);
    // W = A + A^T, applied without forming it: A's rows gather from the
    // neighbours, A^T's scatter back to them.
    const auto applyW = [&](const torch::Tensor& g) {  // g [N, C] -> W g
        const torch::Tensor gathered = (a.unsqueeze(2) * g.index_select(0, flat).view({n, -1, g.size(1)})).sum(1);
        const torch::Tensor scattered = (a.unsqueeze(2) * g.unsqueeze(1)).reshape({-1, g.size(1)});
        return gathered.index_add(0, flat, scattered);
    };
    const torch::Tensor degree = applyW(torch::ones({n, 1}, torch::kFloat64)).squeeze(1);
    const torch::Tensor scale = degree.clamp_min(1e-300).rsqrt() * (degree > 0);
    torch::Tensor y = torch::zeros({n, classes}, torch::kFloat64);
    for (size_t j = 0; j < labelled.size(); ++j) y[labelled[j]][labels[j]] = 1;
    torch::Tensor f = y.clone();
    for (int it = 0; it < settings.iterations; ++it) {
        f = settings.alpha * scale.unsqueeze(1) * applyW(scale.unsqueeze(1) * f) + (1 - settings.alpha) * y;
    }
    const torch::Tensor sums = f.sum(1, true);
    const torch::Tensor shares = torch::where(sums > 0, f / sums.clamp_min(1e-300), torch::full_like(f, 1.0 / double(classes)));
    return shares.to(torch::kFloat32);
}

PseudoLabels pseudoLabelsFrom(const torch::Tensor& shares, const std::vector<int64_t>& labelled,
                              const std::vector<int64_t>& labels) {
    torch::NoGradGuard noGrad;
    const torch::Tensor p = shares.to(torch::kCPU, torch::kFloat64);
    const int64_t n = p.size(0), classes = p.size(1);
    checkLabels(n, labelled, labels, classes);
    PseudoLabels out;
    out.targets = p.argmax(1);
    const torch::Tensor entropy = -(p * p.clamp_min(1e-300).log()).sum(1);
    torch::Tensor w = (1 - entropy / std::log(double(classes))).clamp_min(0);
    for (size_t j = 0; j < labelled.size(); ++j) {
        out.targets[labelled[j]] = labels[j];
        w[labelled[j]] = 1;
    }
    const torch::Tensor perClass = torch::zeros({classes}, torch::kFloat64).index_add(0, out.targets, w);
    const torch::Tensor present = perClass > 0;
    const double mean = (perClass * present).sum().item<double>() / std::max<int64_t>(1, present.sum().item<int64_t>());
    w = w * mean / perClass.clamp_min(1e-300).index_select(0, out.targets);
    out.weights = w.to(torch::kFloat32);
    return out;
}

}  // namespace alx
