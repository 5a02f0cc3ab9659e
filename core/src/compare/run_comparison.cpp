#include "alx/compare/run_comparison.h"

#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <set>

#include "alx/audit/calibration.h"
#include "alx/compare/mcnemar.h"
#include "alx/util/errors.h"

namespace alx {
namespace {

std::vector<int64_t> longs(const torch::Tensor& t) {
    const auto c = t.to(torch::kCPU, torch::kInt64).contiguous();
    return std::vector<int64_t>(c.data_ptr<int64_t>(), c.data_ptr<int64_t>() + c.numel());
}

std::vector<float> floats(const torch::Tensor& t) {
    const auto c = t.to(torch::kCPU, torch::kFloat32).contiguous();
    return std::vector<float>(c.data_ptr<float>(), c.data_ptr<float>() + c.numel());
}

// The N most uncertain images by `values` (its uncertain end), ties by index.
std::vector<int64_t> topUncertain(const std::vector<float>& values, bool highIsUncertainEnd, int64_t n) {
    std::vector<int64_t> order(values.size());
    std::iota(order.begin(), order.end(), 0);
    const size_t keep = size_t(std::min<int64_t>(n, int64_t(order.size())));
    std::partial_sort(order.begin(), order.begin() + std::ptrdiff_t(keep), order.end(), [&](int64_t a, int64_t b) {
        const float va = values[size_t(a)], vb = values[size_t(b)];
        if (va != vb) return highIsUncertainEnd ? va > vb : va < vb;
        return a < b;
    });
    order.resize(keep);
    return order;
}

}  // namespace

RunComparison compareRuns(const std::vector<std::string>& paths, const std::vector<SavedRun>& runs, ScoreKind score,
                          int64_t topN) {
    if (runs.size() < 2) throw InputError("compare needs at least two runs", "runs");
    if (topN < 1) throw InputError("top must be at least 1", "top");
    RunComparison out;
    out.score = score;
    out.topN = topN;
    out.labels = longs(runs[0].labels);
    out.images = int64_t(out.labels.size());
    const int64_t classes = runs[0].probabilities.size(1);
    for (size_t r = 0; r < runs.size(); ++r) {
        const SavedRun& run = runs[r];
        if (run.summary.dataset != runs[0].summary.dataset || run.size() != out.images || longs(run.labels) != out.labels) {
            throw InputError(fileError(paths[r], "was evaluated on other test images than " + paths[0] + " (" + run.summary.dataset +
                                                     ", " + std::to_string(run.size()) + " images)"),
                             "runs");
        }
        ComparedRun c;
        c.path = paths[r];
        c.summary = run.summary;
        const std::vector<int64_t> predicted = longs(run.predicted);
        std::vector<int64_t> right(size_t(classes), 0), total(size_t(classes), 0);
        for (int64_t i = 0; i < out.images; ++i) {
            const size_t label = size_t(out.labels[size_t(i)]);
            ++total[label];
            right[label] += predicted[size_t(i)] == out.labels[size_t(i)];
        }
        for (int64_t k = 0; k < classes; ++k) {
            c.perClassAccuracy.push_back(total[size_t(k)] ? double(right[size_t(k)]) / double(total[size_t(k)])
                                                          : std::numeric_limits<double>::quiet_NaN());
        }
        for (int s = 0; s < kScoreCount; ++s) c.scoreMeans[size_t(s)] = run.scores[size_t(s)].to(torch::kFloat64).mean().item<double>();
        const auto p = floats(run.probabilities);
        c.ece = measureCalibration(p.data(), out.labels.data(), out.images, classes).ece;
        out.runs.push_back(c);
        out.predictions.push_back(predicted);
        out.topUncertain.push_back(topUncertain(floats(run.scores[size_t(int(score))]), highIsUncertain(score), topN));
    }
    for (int a = 0; a < int(runs.size()); ++a) {
        for (int b = a + 1; b < int(runs.size()); ++b) {
            RunPair pair;
            pair.first = a;
            pair.second = b;
            const auto& pa = out.predictions[size_t(a)];
            const auto& pb = out.predictions[size_t(b)];
            for (int64_t i = 0; i < out.images; ++i) {
                const bool ra = pa[size_t(i)] == out.labels[size_t(i)], rb = pb[size_t(i)] == out.labels[size_t(i)];
                pair.disagreements += pa[size_t(i)] != pb[size_t(i)];
                pair.onlyFirstRight += ra && !rb;
                pair.onlySecondRight += rb && !ra;
            }
            pair.mcnemarP = mcnemarExactP(pair.onlyFirstRight, pair.onlySecondRight);
            const std::set<int64_t> sa(out.topUncertain[size_t(a)].begin(), out.topUncertain[size_t(a)].end());
            int64_t both = 0;
            for (int64_t i : out.topUncertain[size_t(b)]) both += sa.count(i);
            const int64_t either = int64_t(sa.size() + out.topUncertain[size_t(b)].size()) - both;
            pair.uncertainJaccard = either > 0 ? double(both) / double(either) : 1.0;
            out.pairs.push_back(pair);
        }
    }
    for (int64_t i = 0; i < out.images; ++i) {
        for (size_t r = 1; r < out.predictions.size(); ++r) {
            if (out.predictions[r][size_t(i)] != out.predictions[0][size_t(i)]) {
                out.disagreementImages.push_back(i);
                break;
            }
        }
    }
    return out;
}

}  // namespace alx
