#pragma once
// The active-learning job on a dataset with an unlabelled pile: a person
// (the app, through nextAnswer) or an oracle file (alx-cli al --oracle)
// labels the batches pile_loop.h chooses; labels.csv keeps every answer as
// it is given, and a resumed run continues from it. Private to core/jobs.
#include <vector>

#include "alx/jobs/active_learning_job.h"

namespace alx::jobs_detail {

ActiveLearningJobResult runPileJob(const ActiveLearningJobRequest& request, const ActiveLearningSettings& settings,
                                   const ActiveLearningRunFolder& folder, std::vector<CurveRow> rows,
                                   const ActiveLearningJobCallbacks& callbacks);

}  // namespace alx::jobs_detail
