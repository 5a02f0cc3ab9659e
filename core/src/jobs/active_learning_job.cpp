#include "alx/jobs/active_learning_job.h"

#include <torch/torch.h>

#include <algorithm>

#include "alx/storage/atomic_file.h"
#include "alx/util/device.h"
#include "alx/util/errors.h"

namespace alx {
namespace {

std::vector<std::string> checkedStrategies(const ActiveLearningJobRequest& request) {
    std::vector<std::string> names;
    for (const std::string& name : request.strategies) {
        if (name.empty()) continue;
        const std::string canonical = strategyName(parseStrategy(name));
        if (std::find(names.begin(), names.end(), canonical) == names.end()) names.push_back(canonical);
    }
    if (names.empty()) throw InputError("choose at least one strategy", "strategies");
    if (request.personLabels && (names.size() != 1 || request.repeats != 1)) {
        throw InputError("a person labels one strategy, one repeat at a time", "strategies");
    }
    for (const std::string& name : names) requireModelFits(parseStrategy(name), request.loop.model);
    return names;
}

}  // namespace

ActiveLearningJobResult runActiveLearningJob(const ActiveLearningJobRequest& request,
                                             const ActiveLearningJobCallbacks& callbacks) {
    const std::vector<std::string> strategies = checkedStrategies(request);
    if (request.repeats < 1) throw InputError("the number of repeats must be at least 1", "repeats");
    if (request.onlyRepeat < -1 || request.onlyRepeat >= request.repeats) {
        throw InputError("the repeat to run is not one of the " + std::to_string(request.repeats) + " repeats", "repeats");
    }
    if (request.outDir.empty()) throw InputError("an active-learning run needs a folder to write to", "out_dir");
    if (request.personLabels && !callbacks.labeller) throw InputError("a person's labels need a labeller", "labeller");
    modelInfo(request.loop.model);

    const DatasetSpec& spec = datasetSpec(request.data.name);
    ActiveLearningSettings settings;
    settings.dataset = request.data.name;
    settings.loop = request.loop;
    settings.loop.classes = spec.classes;
    settings.repeats = request.repeats;
    settings.seed = request.seed;
    settings.personLabels = request.personLabels;
    settings.onlyRepeat = request.onlyRepeat;
    settings.trainImages = request.data.trainImages;
    settings.testImages = request.data.testImages;

    ensureWritableDirectory(request.outDir);
    const ActiveLearningRunFolder folder(request.outDir);
    std::vector<CurveRow> rows;  // the rounds a resumed run already has
    if (folder.holdsRun()) {
        if (!request.resume) {
            throw InputError(fileError(request.outDir, "already holds an active-learning run; resume it to continue"),
                             "resume");
        }
        if (folder.readSettings().personLabels && !request.personLabels) {
            throw InputError(fileError(folder.settingsPath(), "this run was labelled by a person; continue it in the app"),
                             "resume");
        }
        folder.requireSameSettings(settings);
        rows = folder.validate();
    }
    folder.writeSettings(settings);

    configureThreads(request.threads);
    const torch::Device device = resolveDevice(request.device);
    const LoadedDataset data = loadJobData(request.data, callbacks.shouldStop, callbacks.onDataset);
    const TensorSet pool{normaliseImages(data.train.images, device), data.train.labels.to(device)};
    const TensorSet test{normaliseImages(data.test.images, device), data.test.labels.to(device)};
    if (callbacks.onStart) callbacks.onStart(describeDevice(device), pool.size(), test.size());
    const auto trueLabelsOf = [&](const std::vector<int64_t>& indices) {
        std::vector<int64_t> out;
        for (int64_t i : indices) out.push_back(data.train.labels[i].item<int64_t>());
        return out;
    };

    ActiveLearningJobResult result;
    for (const std::string& name : strategies) {
        const Strategy strategy = parseStrategy(name);
        const int firstRepeat = request.onlyRepeat >= 0 ? request.onlyRepeat : 0;
        const int endRepeat = request.onlyRepeat >= 0 ? request.onlyRepeat + 1 : request.repeats;
        for (int repeat = firstRepeat; repeat < endRepeat; ++repeat) {
            const uint64_t seed = repeatSeed(request.seed, repeat);
            RepeatState state;
            if (const auto saved = folder.readState(name, repeat)) {
                state = *saved;
                // Keep only the curve rows the state accounts for.
                rows.erase(std::remove_if(rows.begin(), rows.end(), [&](const CurveRow& r) {
                               return r.strategy == name && r.repeat == repeat &&
                                      r.labels > int64_t(state.labelled.size());
                           }), rows.end());
                if (int64_t(state.labelled.size()) >= request.loop.budget) {  // this repeat is done
                    if (callbacks.onResumedRepeat) {
                        std::vector<CurveRow> mine;
                        for (const auto& r : rows) {
                            if (r.strategy == name && r.repeat == repeat) mine.push_back(r);
                        }
                        callbacks.onResumedRepeat(name, repeat, mine);
                    }
                    continue;
                }
            }
            const std::vector<int64_t> resumeLabelled = state.labelled;
            const std::vector<int64_t> resumeLabels = state.labels;
            if (state.labelled.empty()) {
                state.labelled = initialLabelledSet(pool.labels, settings.loop.initial, spec.classes, seed);
                state.labels.clear();
            }
            if (state.labels.empty()) state.labels = trueLabelsOf(state.labelled);

            ActiveLearningCallbacks loop;
            loop.shouldStop = callbacks.shouldStop;
            int round = 0;
            loop.onRound = [&](const ActiveLearningRound& r) {
                round = r.round;
                state.labelled.insert(state.labelled.end(), r.acquired.begin(), r.acquired.end());  // none in round 0
                state.labels.insert(state.labels.end(), r.acquiredLabels.begin(), r.acquiredLabels.end());
                rows.push_back({name, repeat, r.labels, r.testAccuracy, r.ece});
                // The state first: a curve row is only ever written with the labels it stands for.
                folder.writeState(name, repeat, state);
                folder.writeCurve(rows);
                folder.writeSummary(rows, strategies, settings);
                if (callbacks.onRound) {
                    callbacks.onRound({name, repeat, r, imageBytes(data.train.images, r.acquired), trueLabelsOf(r.acquired)});
                }
            };
            if (request.personLabels) {
                loop.labeller = [&](const std::vector<int64_t>& indices) {
                    return callbacks.labeller({name, round + 1, indices, imageBytes(data.train.images, indices)});
                };
            }
            ActiveLearningResult ran;
            try {
                ran = runActiveLearning(strategy, settings.loop, pool, test, seed, loop, resumeLabelled, resumeLabels);
            } catch (const Cancelled&) {
                ran.cancelled = true;
            }
            if (ran.cancelled) {
                folder.writeSummary(rows, strategies, settings);
                result.outcome = JobOutcome::Cancelled;
                result.curve = rows;
                result.summary = summariseRun(rows, strategies, settings);
                return result;
            }
        }
    }
    folder.writeSummary(rows, strategies, settings);
    result.curve = rows;
    result.summary = summariseRun(rows, strategies, settings);
    return result;
}

}  // namespace alx
