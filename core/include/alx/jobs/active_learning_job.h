#pragma once
// Pool-based active learning, strategies compared over repeats, written to
// a run folder round by round (storage/active_learning_run.h) so that an
// interrupted run keeps every finished round and a resumed one continues
// without repeating any: the job behind `alx-cli al` and the app's Active
// learning page, which can each resume what the other started.
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "alx/active_learning/loop.h"
#include "alx/active_learning/pile_loop.h"
#include "alx/jobs/active_learning_request.h"
#include "alx/jobs/job.h"
#include "alx/storage/active_learning_run.h"

namespace alx {

struct ActiveLearningRoundReport {
    Strategy strategy = Strategy::Random;
    int repeat = 0;
    ActiveLearningRound round;
    ImageStack acquiredImages;            // one per round.acquired
    std::vector<int64_t> trueLabels;      // the dataset's labels of the acquired images (a pile's: the person's, -1 skipped)
    std::vector<std::string> classNames;  // the dataset's; a pile's grow as the person names new classes
    bool crossValidated = false;          // accuracy by k-fold cross-validation of the labels (no test images)
};

struct ActiveLearningQuery {
    Strategy strategy = Strategy::Random;
    int round = 0;  // the round these labels will train
    std::vector<int64_t> indices;  // training-set indices
    ImageStack images;             // one per index
};

// A batch of an unlabelled pile for the person to label (see pile_loop.h).
struct PileQueryReport {
    int round = 0;
    bool withoutModel = false;           // chosen by the cold start
    std::vector<int64_t> rows;           // rows of the run's labels: what answers name
    std::vector<std::string> paths;      // one per row, in the dataset's folder
    ImageStack images;                   // one per row
    std::vector<PileLabel> given;        // one per row: what is known already (a resumed batch)
    std::vector<std::string> classNames; // so far
    int64_t labelled = 0, budget = 0;    // the person's labels so far, and the goal
    // The whole pile, for its map and a selection there: every image (one
    // stack for the whole job), its path, its place on the map (N x 2, the
    // round's), and every answer so far.
    std::shared_ptr<const ImageStack> pileImages;
    std::shared_ptr<const std::vector<std::string>> pilePaths;
    std::shared_ptr<const std::vector<float>> map;
    std::vector<PileLabel> answers;
};

struct ActiveLearningJobCallbacks {
    std::function<bool()> shouldStop;
    std::function<void(const DatasetReport&)> onDataset;
    std::function<void(const std::string& device, int64_t pool, int64_t test)> onStart;
    // A repeat found finished in a resumed run, with its rows from curve.csv.
    std::function<void(Strategy strategy, int repeat, const std::vector<CurveRow>& rows)> onResumedRepeat;
    std::function<void(const ActiveLearningRoundReport&)> onRound;
    // settings.personLabels: the person's labels for `query` (same order); throwing
    // Cancelled ends the job like a Stop.
    std::function<std::vector<int64_t>(const ActiveLearningQuery& query)> labeller;
    // On an unlabelled pile (without request.oracle): the person's next
    // answer about the batch, waited for; throwing Cancelled ends the job
    // like a Stop. Every answer is in labels.csv before the next is asked.
    std::function<PileAnswer(const PileQueryReport& query)> nextAnswer;
};

struct ActiveLearningJobResult {
    JobOutcome outcome = JobOutcome::Finished;
    std::vector<CurveRow> curve;  // everything in the folder's curve.csv, resumed rows included
    std::vector<StrategySummary> summary;
    int64_t oracleMisses = 0;  // pile images the oracle had no label for (skipped)
};

// Whether the data holds an unlabelled pile (an image folder with
// unlabelled images, found without decoding any): a run on it is labelled
// by a person, or an oracle, with one strategy and one repeat.
bool holdsPile(const DatasetRequest& data);

// Throws InputError (with the request field at fault) before any training
// when the request cannot be run, or names the file when the folder holds
// another run or a damaged one.
ActiveLearningJobResult runActiveLearningJob(const ActiveLearningJobRequest& request,
                                             const ActiveLearningJobCallbacks& callbacks = {});

}  // namespace alx
