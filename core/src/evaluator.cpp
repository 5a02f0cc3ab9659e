#include "alx/evaluator.h"

#include <torch/torch.h>

#include "alx/errors.h"

namespace alx {

Evaluation evaluateModel(Classifier& model, const TensorSet& set, int64_t batchSize,
                         const std::function<bool()>& shouldStop) {
    if (set.size() == 0) throw InputError("nothing to evaluate: the set is empty");
    // Inference mode is per thread and cheaper than NoGrad: no version
    // counters, no autograd bookkeeping.
    c10::InferenceMode inference;
    model.eval();
    std::vector<torch::Tensor> probabilities, embeddings;
    for (int64_t start = 0; start < set.size(); start += batchSize) {
        if (shouldStop && shouldStop()) throw Cancelled();
        const auto out = model.forward(set.images.slice(0, start, std::min(set.size(), start + batchSize)));
        probabilities.push_back(torch::softmax(out.logits.to(torch::kFloat32), 1));
        embeddings.push_back(out.embedding.to(torch::kFloat32));
    }
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
