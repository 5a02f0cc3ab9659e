#include "alx/maps/pca.h"

#include <torch/torch.h>

#include "alx/scoring/neighbours.h"
#include "alx/util/errors.h"

namespace alx {

Pca fitPca(const torch::Tensor& x, int64_t k) {
    if (x.dim() != 2 || x.size(0) < 2) throw InputError("PCA needs at least two rows");
    if (k < 1 || k > x.size(1)) throw InputError("PCA: cannot take " + std::to_string(k) + " components of " +
                                                 std::to_string(x.size(1)) + " columns");
    c10::InferenceMode inference;
    const auto data = x.to(torch::kCPU, torch::kFloat32);
    Pca pca;
    pca.mean = data.mean(0);
    const auto centred = data - pca.mean;
    // The D x D product in float32 (fast), its eigenvectors in float64 (accurate).
    const auto covariance = torch::mm(centred.t(), centred).to(torch::kFloat64) / double(x.size(0) - 1);
    const auto [values, vectors] = torch::linalg_eigh(covariance, "L");  // ascending
    const auto order = torch::arange(x.size(1) - 1, x.size(1) - 1 - k, -1, torch::kInt64);
    auto components = vectors.index_select(1, order).t().contiguous();  // [k, D]
    const auto pivot = components.abs().argmax(1, /*keepdim=*/true);
    const auto signs = components.gather(1, pivot).sign();
    components = components * torch::where(signs == 0, torch::ones_like(signs), signs);
    pca.components = components.to(torch::kFloat32);
    pca.variance = values.index_select(0, order).clamp_min(0).to(torch::kFloat32);
    return pca;
}

torch::Tensor projectPca(const Pca& pca, const torch::Tensor& x) {
    c10::InferenceMode inference;
    return torch::mm(x.to(torch::kCPU, torch::kFloat32) - pca.mean, pca.components.t());
}

torch::Tensor pcaMap(const torch::Tensor& embeddings) {
    const auto u = unitNormalise(embeddings.to(torch::kCPU, torch::kFloat32));
    return projectPca(fitPca(u, 2), u).contiguous();
}

}  // namespace alx
