// LibTorch before Qt: Qt's `slots` macro breaks LibTorch headers that follow it.
#include <torch/types.h>

#include "alx/compare/run_comparison.h"
#include "alx/jobs/run_folder_job.h"
#include "alx/jobs/job.h"
#include "alx/models/model_registry.h"
#include "alx/scoring/evaluator.h"
#include "alx/scoring/neighbours.h"
#include "alx/scoring/scores.h"
#include "alx/storage/run_folder.h"

#include "worker/worker_results.h"

#include <algorithm>

namespace alx::ui {
namespace {

template <typename T>
std::vector<T> toVector(const torch::Tensor& t) {
    const auto c = t.to(torch::kCPU).contiguous();
    return std::vector<T>(c.data_ptr<T>(), c.data_ptr<T>() + c.numel());
}

std::vector<int> toIntVector(const torch::Tensor& t) {
    const auto v = toVector<int64_t>(t.to(torch::kInt64));
    return std::vector<int>(v.begin(), v.end());
}

// Only the training images the neighbours name travel to the GUI (at most
// N x m of the 60,000), sorted by index so the views find them by bisection.
void addTrainingSet(RunResults& r, const TrainingSetSource& source) {
    if (!source.neighbours || !source.neighbours->indices.defined() || !source.images || !source.labels) return;
    r.trainNeighboursPerImage = int(source.neighbours->indices.size(1));
    r.trainNeighbours = toVector<int64_t>(source.neighbours->indices.to(torch::kInt64));
    r.trainNeighbourSimilarity = toVector<float>(source.neighbours->similarity.to(torch::kFloat32));
    r.trainIndex = r.trainNeighbours;
    std::sort(r.trainIndex.begin(), r.trainIndex.end());
    r.trainIndex.erase(std::unique(r.trainIndex.begin(), r.trainIndex.end()), r.trainIndex.end());
    const auto index = torch::tensor(r.trainIndex, torch::kInt64);
    r.trainImages = imageStack(source.images->index_select(0, index));
    r.trainLabels = toIntVector(source.labels->index_select(0, index));
}

}  // namespace

RunResultsPtr makeResults(const RunSummary& summary, const at::Tensor& testImages, const Evaluation& evaluation,
                          const ScoreTable& scores, const TrainingSetSource& trainingSet) {
    auto r = std::make_shared<RunResults>();
    r->summary = summary;
    r->classNames = summary.classNames;
    r->count = evaluation.labels.size(0);
    r->classes = int(evaluation.probabilities.size(1));
    r->neighboursPerImage = int(scores.neighbours.indices.size(1));
    r->summary.testAccuracy = evaluation.accuracy;
    r->images = imageStack(testImages);
    r->labels = toIntVector(evaluation.labels);
    r->predicted = toIntVector(evaluation.predicted);
    r->probabilities = toVector<float>(evaluation.probabilities.to(torch::kFloat32));
    for (int s = 0; s < kScoreCount; ++s) r->scores[size_t(s)] = toVector<float>(scores.values[size_t(s)].to(torch::kFloat32));
    r->neighbours = toVector<int64_t>(scores.neighbours.indices.to(torch::kInt64));
    r->neighbourSimilarity = toVector<float>(scores.neighbours.similarity.to(torch::kFloat32));
    r->confusion = toVector<int64_t>(evaluation.confusion.to(torch::kInt64));
    addTrainingSet(*r, trainingSet);
    if (trainingSet.testPaths) r->testPaths = *trainingSet.testPaths;
    if (trainingSet.trainPaths) r->trainPaths = *trainingSet.trainPaths;
    return r;
}

MapDataPtr makeMap(const MapSource& source, const at::Tensor& xy, bool final, int iteration, int iterations) {
    auto map = std::make_shared<MapData>();
    map->method = source.method;
    map->split = source.split;
    map->file = source.file;
    map->final = final;
    map->iteration = iteration;
    map->iterations = iterations;
    map->xy = toVector<float>(xy.to(torch::kFloat32));
    map->testRows = source.testRows;
    map->trainRows = xy.size(0) - source.testRows;
    // Progress frames carry the points only: the page keeps the images from the final map.
    if (final && map->trainRows > 0 && source.trainLabels && source.trainImages) {
        map->trainLabels = toIntVector(*source.trainLabels);
        if (source.trainPredicted && source.trainPredicted->defined()) map->trainPredicted = toIntVector(*source.trainPredicted);
        map->trainImages = imageStack(*source.trainImages);
    }
    return map;
}

ComparisonDataPtr makeComparison(const RunComparison& c, const std::vector<SavedRun>& runs, const at::Tensor* testImages,
                                 const std::string& imagesProblem) {
    auto out = std::make_shared<ComparisonData>();
    out->comparison = c;
    out->imagesProblem = imagesProblem;
    const RunSummary& first = runs.front().summary;
    out->classNames = first.classNames;
    for (const SavedRun& run : runs) {
        std::array<std::vector<float>, kScoreCount> values;
        for (int k = 0; k < kScoreCount; ++k) values[size_t(k)] = toVector<float>(run.scores[size_t(k)].to(torch::kFloat32));
        out->scoreValues.push_back(std::move(values));
    }
    if (!testImages || !testImages->defined()) return out;
    constexpr size_t kShown = 120;  // a window of thousands of tiles helps nobody
    const size_t shown = std::min(kShown, c.disagreementImages.size());
    out->shownDisagreements.assign(c.disagreementImages.begin(), c.disagreementImages.begin() + std::ptrdiff_t(shown));
    const auto index = torch::tensor(out->shownDisagreements, torch::kInt64);
    out->shownImages = imageStack(testImages->index_select(0, index));
    for (int64_t i : out->shownDisagreements) out->shownLabels.push_back(int(c.labels[size_t(i)]));
    for (size_t r = 0; r < runs.size(); ++r) {
        std::vector<int> predictions;
        std::vector<float> probabilities;
        const auto p = runs[r].probabilities.to(torch::kCPU, torch::kFloat32).contiguous();
        for (int64_t i : out->shownDisagreements) {
            const int predicted = int(c.predictions[r][size_t(i)]);
            predictions.push_back(predicted);
            probabilities.push_back(p[i][predicted].item<float>());
        }
        out->shownPredictions.push_back(predictions);
        out->shownProbabilities.push_back(probabilities);
    }
    return out;
}

AlOpenedRun makeOpenedActiveLearningRun(const OpenedActiveLearningRun& run, const std::string& dir,
                                        const std::string& dataDir) {
    AlOpenedRun opened;
    opened.dir = dir;
    opened.request.settings = run.settings;
    // An image folder resumes from its recorded place while it is there (its settings record it).
    opened.request.settings.data.dataDir = recordedOrGivenDir(run.settings.data.dataDir, dataDir);
    opened.request.outDir = dir;
    opened.request.resume = true;
    const std::string you = run.settings.personLabels ? " (you)" : "";
    for (const CurveRow& row : run.curve) {
        AlRoundPoint point;
        point.strategy = strategyName(row.strategy) + you;
        point.repeat = row.repeat;
        point.labels = row.labels;
        point.accuracy = row.accuracy;
        point.kappa = row.kappa;
        opened.rounds.push_back(point);
    }
    if (!opened.rounds.empty()) {
        AlRoundPoint& last = opened.rounds.back();
        last.round = run.lastRound;
        last.acquired = run.lastAcquired;
        last.images = run.lastImages;
        last.classNames = run.classNames;
        for (int64_t label : run.lastTrueLabels) last.trueLabels.push_back(int(label));
        for (int64_t label : run.lastUsedLabels) last.usedLabels.push_back(int(label));
    }
    return opened;
}

}  // namespace alx::ui
