#include "alx/jobs/active_learning_job.h"

#include <torch/torch.h>

#include <algorithm>

#include "alx/active_learning/stopping.h"
#include "alx/storage/weights_file.h"
#include "alx/util/device.h"
#include "alx/util/digest.h"
#include "alx/util/errors.h"
#include "alx/util/files.h"
#include "pile_job.h"

namespace alx {
namespace {

// What can be refused before anything is written or loaded.
void checkRequest(const ActiveLearningJobRequest& request, const ActiveLearningSettings& s,
                  const ActiveLearningJobCallbacks& callbacks, bool pile) {
    if (s.strategies.empty()) throw InputError("choose at least one strategy", "strategies");
    if ((s.personLabels || pile) && (distinctStrategies(s.strategies).size() != 1 || s.repeats != 1)) {
        throw InputError(pile ? "a pile of unlabelled images is labelled with one strategy, one repeat: choose one of each"
                              : "a person labels one strategy, one repeat at a time",
                         "strategies");
    }
    if (pile && request.oracle.empty() && !callbacks.nextAnswer) {
        throw InputError("the unlabelled images in " + s.data.dataDir + " need a person to label them: give --oracle FILE "
                         "(a path,label CSV) or label them in the app",
                         "oracle");
    }
    if (!pile && !request.oracle.empty()) {
        throw InputError("--oracle answers for a person on unlabelled images, and " + s.data.spec.name +
                             (s.data.dataDir.empty() ? std::string() : " in " + s.data.dataDir) + " has none",
                         "oracle");
    }
    for (Strategy strategy : s.strategies) requireModelFits(strategy, s.loop.model);
    if (s.repeats < 1) throw InputError("the number of repeats must be at least 1", "repeats");
    if (s.onlyRepeat < -1 || s.onlyRepeat >= s.repeats) {
        throw InputError("the repeat to run is not one of the " + std::to_string(s.repeats) + " repeats", "repeats");
    }
    if (request.outDir.empty()) throw InputError("an active-learning run needs a folder to write to", "out_dir");
    if (s.personLabels && !pile && !callbacks.labeller) throw InputError("a person's labels need a labeller", "labeller");
    modelInfo(s.loop.model);
}

// The rows of the run already in the folder (none for a new run), once the
// folder is known to hold this very run.
std::vector<CurveRow> resumedRows(const ActiveLearningRunFolder& folder, const ActiveLearningJobRequest& request,
                                  const ActiveLearningSettings& settings) {
    if (!folder.holdsRun()) return {};
    if (!request.resume) {
        throw InputError(fileError(request.outDir, "already holds an active-learning run; resume it to continue"), "resume");
    }
    if (folder.readSettings().personLabels && !settings.personLabels) {
        throw InputError(fileError(folder.settingsPath(), "this run was labelled by a person; continue it in the app"),
                         "resume");
    }
    folder.requireSameSettings(settings);
    return folder.validate();
}

std::vector<int64_t> labelsAt(const torch::Tensor& labels, const std::vector<int64_t>& indices) {
    std::vector<int64_t> out;
    for (int64_t i : indices) out.push_back(labels[i].item<int64_t>());
    return out;
}

// What every repeat of the job shares.
struct JobContext {
    const ActiveLearningSettings& settings;
    const ActiveLearningRunFolder& folder;
    const LoadedDataset& data;
    const TensorSet& pool;
    const TensorSet& test;
    const ActiveLearningJobCallbacks& callbacks;
    std::vector<CurveRow>& rows;  // the folder's curve as it grows
};

// One repeat as it goes: the labelled images so far and the round reached.
struct RepeatProgress {
    Strategy strategy;
    int repeat = 0;
    RepeatState state;
    int round = 0;
    std::vector<std::optional<double>> kappas;  // of the rounds resumed, in order
};

// What a repeat's saved models are: the loop's model for the data's shape and classes.
WeightsInfo roundModelInfo(const JobContext& job) {
    return {job.settings.loop.model, {shapeOf(job.pool.images), job.settings.loop.classes}};
}

// Each finished round is written before the next starts: the state first,
// so that a curve row is only ever written with the labels it stands for.
ActiveLearningCallbacks loopCallbacks(JobContext& job, RepeatProgress& progress) {
    ActiveLearningCallbacks loop;
    loop.shouldStop = job.callbacks.shouldStop;
    loop.onRound = [&job, &progress](const ActiveLearningRound& r) {
        progress.round = r.round;
        RepeatState& state = progress.state;
        state.labelled.insert(state.labelled.end(), r.acquired.begin(), r.acquired.end());  // none in round 0
        state.labels.insert(state.labels.end(), r.acquiredLabels.begin(), r.acquiredLabels.end());
        job.rows.push_back({progress.strategy, progress.repeat, r.labels, r.testAccuracy, r.ece, r.kappa});
        job.folder.writeState(progress.strategy, progress.repeat, state);  // and removes the older models
        job.folder.writeCurve(job.rows);
        job.folder.writeSummary(job.rows, job.settings);
        if (job.callbacks.onRound) {
            job.callbacks.onRound({progress.strategy, progress.repeat, r, imageStack(job.data.train.images, r.acquired),
                                   labelsAt(job.data.train.labels, r.acquired), job.data.classNames, false});
        }
    };
    loop.onRoundModel = [&job, &progress](Classifier& model, int64_t labels) {
        job.folder.writeModel(progress.strategy, progress.repeat, labels, model, roundModelInfo(job));
    };
    if (job.settings.personLabels) {
        loop.labeller = [&job, &progress](const std::vector<int64_t>& indices) {
            return job.callbacks.labeller(
                {progress.strategy, progress.round + 1, indices, imageStack(job.data.train.images, indices)});
        };
    }
    return loop;
}

// A saved repeat's state, with the curve cut to the rounds it accounts for;
// true when the repeat is already finished (and reported as resumed).
bool resumeState(JobContext& job, RepeatProgress& progress) {
    const auto saved = job.folder.readState(progress.strategy, progress.repeat);
    if (!saved) return false;
    progress.state = *saved;
    const auto mine = [&](const CurveRow& r) { return r.strategy == progress.strategy && r.repeat == progress.repeat; };
    const int64_t accounted = int64_t(saved->labelled.size());
    job.rows.erase(std::remove_if(job.rows.begin(), job.rows.end(),
                                  [&](const CurveRow& r) { return mine(r) && r.labels > accounted; }),
                   job.rows.end());
    const std::vector<CurveRow> kept = repeatRounds(job.rows, progress.strategy, progress.repeat);
    progress.kappas = kappasOf(kept);
    const bool stopped = stoppedByKappa(progress.kappas, job.settings.loop.stopAtKappa);
    if (accounted < job.settings.loop.budget && !stopped) return false;
    if (job.callbacks.onResumedRepeat) job.callbacks.onResumedRepeat(progress.strategy, progress.repeat, kept);
    return true;
}

// Runs one repeat of one strategy, or what is left of it; false when stopped.
bool runRepeat(JobContext& job, Strategy strategy, int repeat) {
    const uint64_t seed = repeatSeed(job.settings.seed, repeat);
    RepeatProgress progress{strategy, repeat, {}, 0, {}};
    if (resumeState(job, progress)) return true;
    const std::vector<int64_t> resumeLabelled = progress.state.labelled, resumeLabels = progress.state.labels;
    RepeatState& state = progress.state;
    std::vector<int64_t> firstSet;
    if (state.labelled.empty()) {
        const ActiveLearningConfig& c = job.settings.loop;
        firstSet = state.labelled = firstLabelledSet(c.coldStart, job.pool, c.initial, c.classes, seed);
        state.labels.clear();
    }
    if (state.labels.empty()) state.labels = labelsAt(job.data.train.labels, state.labelled);
    // The model a warm-started repeat's next round continues from.
    ClassifierPtr resumeModel;
    if (!resumeLabelled.empty() && job.settings.loop.warmSteps > 0 && !job.settings.loop.semiSupervised) {
        resumeModel = job.folder.readModel(strategy, repeat, int64_t(resumeLabelled.size()), roundModelInfo(job),
                                           job.settings.loop.reinitialise);
    }
    ActiveLearningResult ran;
    try {
        ran = runActiveLearning(strategy, job.settings.loop, job.pool, job.test, seed, loopCallbacks(job, progress),
                                resumeLabelled, resumeLabels, firstSet, progress.kappas, resumeModel);
    } catch (const Cancelled&) {
        ran.cancelled = true;
    }
    if (!ran.cancelled) job.folder.removeModels(strategy, repeat);  // nothing continues from them
    return !ran.cancelled;
}

}  // namespace

ActiveLearningJobResult runActiveLearningJob(const ActiveLearningJobRequest& request,
                                             const ActiveLearningJobCallbacks& callbacks) {
    ActiveLearningSettings settings = request.settings;
    settings.strategies = distinctStrategies(settings.strategies);
    const bool pile = holdsPile(settings.data);
    if (pile) {
        // Balanced needs the labels a pile does not have; the person is the labeller unless an oracle stands in.
        if (settings.loop.coldStart == ColdStart::Balanced) settings.loop.coldStart = ColdStart::Typical;
        settings.loop.warmSteps = 0;  // a pile's rounds train from scratch (pile_loop.cpp)
        settings.personLabels = request.oracle.empty();
    }
    checkRequest(request, settings, callbacks, pile);
    if (isModelFile(settings.loop.model)) {
        // Recorded by its bytes too: a resume refuses a file changed since (as other settings).
        const std::vector<uint8_t> bytes = readWholeFile(settings.loop.model);
        settings.loop.modelSha256 = sha256Hex(bytes.data(), bytes.size());
    }

    ensureWritableDirectory(request.outDir);
    const ActiveLearningRunFolder folder(request.outDir);
    std::vector<CurveRow> rows = resumedRows(folder, request, settings);
    folder.writeSettings(settings);
    if (pile) {
        configureThreads(settings.threads);
        return jobs_detail::runPileJob(request, settings, folder, rows, callbacks);
    }

    configureThreads(settings.threads);
    const torch::Device device = resolveDevice(settings.device);
    const LoadedDataset data = loadJobData(seededDataset(settings.data, settings.seed), callbacks.shouldStop, callbacks.onDataset);
    settings.loop.classes = data.classes();
    const TensorSet pool{normaliseImages(data.train.images, device), data.train.labels.to(device)};
    const TensorSet test{normaliseImages(data.test.images, device), data.test.labels.to(device)};
    if (callbacks.onStart) callbacks.onStart(describeDevice(device), pool.size(), test.size());

    JobContext job{settings, folder, data, pool, test, callbacks, rows};
    ActiveLearningJobResult result;
    for (Strategy strategy : settings.strategies) {
        for (int repeat = firstRepeat(settings); repeat < endRepeat(settings); ++repeat) {
            if (runRepeat(job, strategy, repeat)) continue;
            result.outcome = JobOutcome::Cancelled;
            break;
        }
        if (result.outcome == JobOutcome::Cancelled) break;
    }
    folder.writeSummary(rows, settings);
    result.curve = rows;
    result.summary = summariseRun(rows, settings);
    return result;
}

}  // namespace alx
