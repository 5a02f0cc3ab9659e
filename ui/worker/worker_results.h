#pragma once
// What the worker hands the widgets, made from the engine's results: plain
// vectors copied out of the tensors once, in the worker thread. The header
// names the engine's types only by declaration, so that it stays free of
// LibTorch like every header in ui/; worker_results.cpp includes LibTorch.
#include <string>
#include <vector>

#include "worker/run_data.h"

namespace at {
class Tensor;
}
namespace alx {
struct RunSummary;
struct Evaluation;
struct ScoreTable;
struct Neighbours;
struct OpenedActiveLearningRun;
struct RunComparison;
struct SavedRun;
}  // namespace alx

namespace alx::ui {

// The training images that training-set neighbours name (null pointers
// when the run has none), and the images' paths (null for IDX data).
struct TrainingSetSource {
    const Neighbours* neighbours = nullptr;
    const at::Tensor* images = nullptr;  // uint8 [M, C, H, W]
    const at::Tensor* labels = nullptr;  // int64 [M]
    const std::vector<std::string>* testPaths = nullptr;
    const std::vector<std::string>* trainPaths = nullptr;
};

RunResultsPtr makeResults(const RunSummary& summary, const at::Tensor& testImages, const Evaluation& evaluation,
                          const ScoreTable& scores, const TrainingSetSource& trainingSet);

// A map as the Map page draws it. For maps with training rows, the training
// images and labels (and predictions, when known) travel with it.
struct MapSource {
    std::string method, split, file;
    const at::Tensor* trainImages = nullptr;
    const at::Tensor* trainLabels = nullptr;
    const at::Tensor* trainPredicted = nullptr;
    int64_t testRows = 0;
};
MapDataPtr makeMap(const MapSource& source, const at::Tensor& xy, bool final, int iteration = 0, int iterations = 0);

// A comparison with what its window draws from the runs themselves (loss curves, the chosen score).
// `testImages` (uint8 [N, 28, 28], the runs' test images) may be null: no disagreement images then.
ComparisonDataPtr makeComparison(const RunComparison& comparison, const std::vector<SavedRun>& runs,
                                 const at::Tensor* testImages, const std::string& imagesProblem);

// An opened active-learning folder as the Active learning page shows and resumes it.
AlOpenedRun makeOpenedActiveLearningRun(const OpenedActiveLearningRun& run, const std::string& dir,
                                        const std::string& dataDir);

}  // namespace alx::ui
