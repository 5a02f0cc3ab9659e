#pragma once
// Labelling an unlabelled pile with a person: the first batch is chosen
// without a model (the cold start: typical.h, or at random), the person
// answers each image (a class, perhaps a new one; skip; not usable), a
// model is trained on what is labelled, the next batch is chosen by the
// strategy, and so on until the label budget is spent or the pile is.
// Every answer is handed out as it is given (onChange), so that whoever
// keeps the state (the job: labels.csv) loses none; a state handed back in
// continues where it stopped, its unanswered images asked first.
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include <torch/types.h>

#include "alx/active_learning/config.h"
#include "alx/active_learning/loop.h"
#include "alx/active_learning/pile_state.h"
#include "alx/active_learning/strategy.h"
#include "alx/data/tensor_set.h"

namespace alx {

struct PileData {
    torch::Tensor pile;  // normalised [N, C, H, W], on the device that trains
    TensorSet labelled;  // the dataset's own labelled training images (may be empty)
    TensorSet test;      // labelled test images; empty: accuracy by k-fold cross-validation of the labels
};

struct PileCallbacks {
    std::function<bool()> shouldStop;
    // The next answer about `query`, waiting for it as long as it takes;
    // throws Cancelled to stop, once it has handed over the answers given.
    std::function<PileAnswer(const PileQuery& query, const PileState& state)> nextAnswer;
    std::function<void(const PileState& state)> onChange;  // a batch was chosen or an answer given
    // A model was trained on the labels so far and measured: `labels` counts
    // the person's labels, `acquired` and `acquiredLabels` are the batch just
    // answered (-1: skipped or not usable).
    std::function<void(const ActiveLearningRound& round, const PileState& state)> onRound;
};

// The accuracy a round reports when the pile has no test images.
inline constexpr int kPileCrossValidationFolds = 5;

// Labels the pile until `config.budget` images are labelled, no image is
// left, or a stop (returns false). Batches are config.initial images, then
// config.acquire. A model is trained once two classes have labels; until
// then each batch is chosen as the cold start chooses (Balanced, which needs
// labels, chooses as Typical). Throws InputError for an answer about a row
// outside the batch or a class name that is empty.
bool labelPile(Strategy strategy, const ActiveLearningConfig& config, const PileData& data, uint64_t seed,
               PileState& state, const PileCallbacks& callbacks);

}  // namespace alx
