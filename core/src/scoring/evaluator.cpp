#include "alx/scoring/evaluator.h"

#include <torch/torch.h>

#include "alx/util/errors.h"
#include "kernels/parallel_items.h"

namespace alx {

Evaluation evaluateModel(Classifier& model, const TensorSet& set, int64_t batchSize,
                         const std::function<bool()>& shouldStop) {
    if (set.size() == 0) throw InputError("nothing to evaluate: the set is empty");
    // Inference mode is per thread and cheaper than NoGrad: no version
    // counters, no autograd bookkeeping.
    c10::InferenceMode inference;
    model.eval();
    const int64_t batches = (set.size() + batchSize - 1) / batchSize;
    std::vector<torch::Tensor> probabilities(batches), embeddings(batches);
    // On the CPU, whole batches to each thread (eval mode changes no state, so
    // the threads can share the model).
    forEachItem(batches, set.images.device().is_cpu(), shouldStop, [&](int64_t b) {
        const int64_t start = b * batchSize;
        const auto out = model.forward(set.images.slice(0, start, std::min(set.size(), start + batchSize)));
        probabilities[b] = torch::softmax(out.logits.to(torch::kFloat32), 1);
        embeddings[b] = out.embedding.to(torch::kFloat32);
    });
    model.train();

    Evaluation eval;
    eval.probabilities = torch::cat(probabilities);
    eval.embeddings = torch::cat(embeddings);
    eval.predicted = eval.probabilities.argmax(1);
    eval.labels = set.labels;
    const int64_t classes = eval.probabilities.size(1);
    // Confusion counts with one bincount over label * classes + prediction.
    eval.confusion = torch::bincount(eval.labels * classes + eval.predicted, {}, classes * classes)
                         .view({classes, classes})
                         .to(torch::kInt64);
    eval.accuracy = eval.predicted.eq(eval.labels).sum().item<double>() / double(set.size());
    return eval;
}

}  // namespace alx
