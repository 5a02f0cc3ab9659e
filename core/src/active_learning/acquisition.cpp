#include "alx/active_learning/acquisition.h"

#include <ATen/CPUGeneratorImpl.h>
#include <torch/torch.h>

#include "alx/util/errors.h"
#include "alx/scoring/evaluator.h"
#include "alx/scoring/neighbours.h"
#include "alx/scoring/scores.h"

namespace alx {
namespace {

at::Generator generatorFor(uint64_t seed) { return at::make_generator<at::CPUGeneratorImpl>(seed); }

// Monte Carlo dropout: the trunk once, the head T times with dropout on.
torch::Tensor mcProbabilities(Classifier& model, const torch::Tensor& images, int samples, uint64_t seed) {
    if (!model.hasDropoutHead()) {
        throw InputError("model '" + model.name() + "' has no dropout, which BALD and variation ratios need; choose gal", "model");
    }
    torch::NoGradGuard noGrad;
    model.eval();
    std::vector<torch::Tensor> features;
    for (int64_t start = 0; start < images.size(0); start += kEvaluationBatch) {
        features.push_back(model.trunk(images.slice(0, start, std::min(images.size(0), start + kEvaluationBatch))));
    }
    const auto trunk = torch::cat(features);
    // Dropout masks come from the global generator: seed it for reproducibility.
    torch::manual_seed(seed);
    model.train();
    std::vector<torch::Tensor> passes;
    for (int t = 0; t < samples; ++t) passes.push_back(torch::softmax(model.head(trunk).logits, 1));
    model.eval();
    return torch::stack(passes);  // [T, N, C]
}

Evaluation predict(Classifier& model, const torch::Tensor& images) {
    TensorSet set{images, torch::zeros({images.size(0)}, torch::TensorOptions().dtype(torch::kInt64).device(images.device()))};
    return evaluateModel(model, set, kEvaluationBatch);
}

torch::Tensor embed(Classifier& model, const torch::Tensor& images) {
    if (images.size(0) == 0) return torch::empty({0, model.embeddingDim()}, images.options());
    return predict(model, images).embeddings;
}

}  // namespace

torch::Tensor topK(const torch::Tensor& scores, int64_t k, bool largest) {
    return std::get<1>(scores.topk(std::min(k, scores.size(0)), 0, largest, /*sorted=*/true));
}

torch::Tensor baldScores(const torch::Tensor& mc) {
    const auto mean = mc.mean(0);
    const auto entropyOfMean = -torch::xlogy(mean, mean).sum(1);
    const auto meanEntropy = (-torch::xlogy(mc, mc).sum(2)).mean(0);
    return (entropyOfMean - meanEntropy).clamp_min(0.0);
}

torch::Tensor variationRatios(const torch::Tensor& mc) {
    const int64_t t = mc.size(0), c = mc.size(2);
    const auto votes = torch::one_hot(mc.argmax(2), c).sum(0);  // [N, C]
    return 1.0 - std::get<0>(votes.max(1)).to(torch::kFloat32) / float(t);
}

torch::Tensor kCenterGreedy(const torch::Tensor& candidates, const torch::Tensor& centres, int64_t k) {
    const int64_t n = candidates.size(0);
    k = std::min(k, n);
    auto distanceTo = [&](const torch::Tensor& points) {  // [n] distance of each candidate to its nearest point
        return std::get<0>(torch::cdist(candidates.unsqueeze(0), points.unsqueeze(0)).squeeze(0).min(1));
    };
    torch::Tensor nearest;
    if (centres.defined() && centres.size(0) > 0) {
        nearest = distanceTo(centres);
    } else {
        nearest = distanceTo(candidates.mean(0, true));
    }
    std::vector<int64_t> picked;
    for (int64_t i = 0; i < k; ++i) {
        const int64_t best = nearest.argmax().item<int64_t>();
        picked.push_back(best);
        nearest = torch::minimum(nearest, distanceTo(candidates.slice(0, best, best + 1)));
        nearest[best] = -1;  // never twice
    }
    return torch::tensor(picked, torch::kInt64).to(candidates.device());
}

Acquisition acquire(Strategy strategy, const AcquisitionInput& in) {
    const int64_t n = in.candidateImages.size(0);
    if (in.count < 1) throw InputError("the images acquired per round must be at least 1", "acquire");
    const int64_t k = std::min(in.count, n);
    Acquisition out;
    auto byScore = [&](const torch::Tensor& scores, bool largest) {
        out.chosen = topK(scores, k, largest);
        out.scores = scores.index_select(0, out.chosen).to(torch::kFloat32);
    };
    switch (strategy) {
        case Strategy::Random: {
            auto generator = generatorFor(in.seed);
            out.chosen = torch::randperm(n, generator, torch::kInt64).slice(0, 0, k).to(in.candidateImages.device());
            out.scores = torch::zeros({k});
            break;
        }
        case Strategy::LeastConfidence: byScore(leastConfidence(predict(*in.model, in.candidateImages).probabilities), true); break;
        case Strategy::Entropy: byScore(entropy(predict(*in.model, in.candidateImages).probabilities), true); break;
        case Strategy::Margin: byScore(margin(predict(*in.model, in.candidateImages).probabilities), false); break;
        case Strategy::Bald: byScore(baldScores(mcProbabilities(*in.model, in.candidateImages, in.mcSamples, in.seed)), true); break;
        case Strategy::VariationRatios:
            byScore(variationRatios(mcProbabilities(*in.model, in.candidateImages, in.mcSamples, in.seed)), true);
            break;
        case Strategy::KlNeighbours: {
            const Evaluation e = predict(*in.model, in.candidateImages);
            const Neighbours nb = nearestNeighbours(e.embeddings, std::min(in.neighbours, n - 1));
            byScore(klToNeighbours(e.probabilities, nb), true);
            break;
        }
        case Strategy::Coreset: {
            const auto chosen = kCenterGreedy(embed(*in.model, in.candidateImages), embed(*in.model, in.labelledImages), k);
            out.chosen = chosen;
            out.scores = torch::zeros({chosen.size(0)});
            break;
        }
        case Strategy::EntropyCoreset: {
            const Evaluation e = predict(*in.model, in.candidateImages);
            const auto scores = entropy(e.probabilities);
            const auto shortlist = topK(scores, std::min(n, 10 * k), true);
            const auto spread = kCenterGreedy(e.embeddings.index_select(0, shortlist),
                                              embed(*in.model, in.labelledImages), k);
            out.chosen = shortlist.index_select(0, spread);
            out.scores = scores.index_select(0, out.chosen).to(torch::kFloat32);
            break;
        }
    }
    return out;
}

}  // namespace alx
