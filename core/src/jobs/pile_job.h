#pragma once
// The active-learning job on a dataset with an unlabelled pile: a person
// (the app, through nextAnswer) or an oracle file (alx-cli al --oracle)
// labels the batches pile_loop.h chooses; labels.csv keeps every answer as
// it is given, and a resumed run continues from it. Private to core/jobs.
#include <vector>

#include "alx/active_learning/pile_state.h"
#include "alx/data/dataset_loader.h"
#include "alx/jobs/active_learning_job.h"

namespace alx::jobs_detail {

// A run's answers (labels.csv), back on the pile as `data` loads it now; the
// classes are the dataset's, then the new ones in the order labels.csv first
// gives them. Refuses an answered image no longer in the pile, naming it.
PileState resumedState(const ActiveLearningRunFolder& folder, const LoadedDataset& data);

ActiveLearningJobResult runPileJob(const ActiveLearningJobRequest& request, const ActiveLearningSettings& settings,
                                   const ActiveLearningRunFolder& folder, std::vector<CurveRow> rows,
                                   const ActiveLearningJobCallbacks& callbacks);

}  // namespace alx::jobs_detail
