#pragma once
// What an active-learning run is asked to do (runActiveLearningJob,
// active_learning_job.h), without LibTorch: the app's Active learning page
// fills it as it is.
#include <string>

#include "alx/active_learning/settings.h"

namespace alx {

struct ActiveLearningJobRequest {
    ActiveLearningSettings settings;  // what to run, on which data, where
    std::string outDir;               // the run folder (required)
    bool resume = false;              // continue the run in outDir (its settings must match)
    // A `path,label` CSV that answers for a person on an unlabelled pile
    // (headless runs and tests); paths relative to the dataset's folder.
    std::string oracle;
};

}  // namespace alx
