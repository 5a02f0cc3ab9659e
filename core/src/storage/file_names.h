#pragma once
// The name of every file ALX keeps, in one place (private to the run store,
// core/src/storage). Everything else asks a folder class for a path:
// RunFolder, ActiveLearningRunFolder, AuditFolder, SweepFolder, RunsLibrary.

namespace alx::storage_detail::names {

// A training or evaluation run (alx-cli train/eval, the app's Save run).
inline constexpr const char* kSummary = "summary.json";
inline constexpr const char* kWeights = "model.pt";
inline constexpr const char* kScriptedModel = "torchscript.pt";  // a TorchScript model's run: the trained module
inline constexpr const char* kPerSample = "per_sample.csv";
inline constexpr const char* kProbabilities = "probabilities.npy";
inline constexpr const char* kEmbeddings = "embeddings.npy";
inline constexpr const char* kTrainNeighbours = "train_neighbours.npy";
inline constexpr const char* kTrainSimilarities = "train_neighbour_similarities.npy";
inline constexpr const char* kTrainEmbeddings = "train_embeddings.npy";
inline constexpr const char* kMapPrefix = "map_";  // map_<method>_<split>.npy
inline constexpr const char* kLabelReview = "label_review.csv";  // also in an audit folder
inline constexpr const char* kTrainingAudit = "training_audit";  // the app's audit of the run's training images (an audit folder)

// An active-learning run (alx-cli al; each task of a sweep).
inline constexpr const char* kSettings = "settings.json";
inline constexpr const char* kCurve = "curve.csv";
inline constexpr const char* kStates = "state";  // state/<strategy>-<repeat>.json
inline constexpr const char* kPileLabels = "labels.csv";  // a pile labelled by a person

// A label audit (alx-cli audit).
inline constexpr const char* kLabelIssues = "label_issues.csv";
inline constexpr const char* kLabelQuality = "label_quality.json";
inline constexpr const char* kFolds = "folds";  // folds/plan.json, folds/fold_<f>.npy
inline constexpr const char* kFoldPlan = "plan.json";

// A comparison (alx-cli compare).
inline constexpr const char* kComparison = "comparison.json";
inline constexpr const char* kDisagreements = "disagreements.csv";

// A sweep (alx-cli sweep; the curve and summary of its merge are named as an al run's).
inline constexpr const char* kPlan = "sweep.json";
inline constexpr const char* kSubmissions = "submissions.json";
inline constexpr const char* kScript = "sweep.sbatch";
inline constexpr const char* kLogs = "logs";
inline constexpr const char* kLocalRunnerLog = "local-runner.log";
inline constexpr const char* kTasks = "tasks";
inline constexpr const char* kTaskRecord = "task.json";
inline constexpr const char* kTaskLock = "lock";
inline constexpr const char* kMergeLock = "merge.lock";

// The runs folder.
inline constexpr const char* kIndex = "runs.sqlite";
inline constexpr const char* kRegistered = "registered.json";
inline constexpr const char* kNote = "note.json";

}  // namespace alx::storage_detail::names
