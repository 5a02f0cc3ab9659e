#pragma once
// The settings of one active-learning loop (one strategy, one repeat), without
// LibTorch; a run's whole settings are alx/active_learning/settings.h.
#include <cstdint>
#include <string>
#include <vector>

#include "alx/active_learning/cold_start.h"

namespace alx {

struct ActiveLearningConfig {
    std::string model = "gal";
    bool reinitialise = false;  // a TorchScript model: parameters drawn afresh each round, not the file's
    std::string modelSha256;    // a TorchScript model: its file's, filled by the job (a resume refuses a changed file)
    int64_t initial = 20;      // the first images labelled, chosen by coldStart
    ColdStart coldStart = ColdStart::Balanced;
    int64_t acquire = 10;      // per round
    int64_t budget = 1000;     // all labelled images, the initial ones included
    int64_t poolSubset = 2000; // candidates scored per round, drawn at random from the pool; 0 = the whole pool
    int mcSamples = 20;
    int64_t neighbours = 5;    // kl_neighbours
    // Training per round, capped so a round's cost does not grow with the
    // labelled set: `epochsPerRound` passes over the labelled images in
    // batches of `batchSize`, but never more than `maxStepsPerRound` steps.
    int epochsPerRound = 50;
    int64_t maxStepsPerRound = 300;
    int64_t batchSize = 64;
    double learningRate = 1e-3;
    // Each round after the first continues from the last round's model for
    // at most this many steps (within the cap above) instead of training a
    // new one from scratch: it has already learnt all but the last few
    // labels. 0 trains every round from scratch, as runs recorded before
    // this setting did. The semi-supervised rounds always start afresh:
    // their targets change with every label.
    int64_t warmSteps = 50;
    // End a repeat once the stopping rule holds at this kappa (stopping.h)
    // before the budget is spent; 0 runs every repeat to its budget.
    double stopAtKappa = 0;
    // Each round's model also learns from the unlabelled pool
    // (semi_supervised.h) instead of from the labelled images alone.
    bool semiSupervised = false;
    int64_t classes = 0;       // the dataset's (the jobs set it from the loaded data)
    // How, not what: on a GPU each round's training steps are replayed from
    // a CUDA graph (TrainConfig::cudaGraphs). Not part of a run's settings.
    bool cudaGraphs = true;
};

// The choices that set one loop apart from another of the same model and
// budget, in a few words, as the runs list shows them: "cold start typical,
// semi-supervised, stop at kappa 0.990" (warm starts named where they are
// not the default's: "from scratch each round"). `coldStarts` and
// `semiSupervised`, when given, are named instead of config's own (a sweep's
// values, in its plan's order).
std::string loopOptionsText(const ActiveLearningConfig& config, const std::vector<ColdStart>& coldStarts = {},
                            const std::vector<bool>& semiSupervised = {});

// A yes-or-no setting's values as a sweep names them: --semi-supervised=yes,no,
// the merged curves' columns and the status table (sweep.json holds booleans).
std::string yesNoName(bool value);
bool parseYesNo(const std::string& text, const std::string& field);  // yes/no, true/false, on/off; InputError naming field

// The seed of repeat `repeat` of a run seeded with `seed`: the one place it
// is derived, so that the CLI, the app and a sweep's tasks agree.
inline uint64_t repeatSeed(uint64_t seed, int repeat) { return seed * 1000 + uint64_t(repeat); }

}  // namespace alx
