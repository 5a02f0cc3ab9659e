#include "pile_job.h"

#include <torch/torch.h>

#include <algorithm>
#include <map>
#include <unordered_map>

#include "alx/data/image_folder.h"
#include "alx/util/device.h"
#include "alx/util/errors.h"

namespace alx::jobs_detail {
namespace {

// The person's answers as the run folder keeps them: by path.
std::vector<PileLabelRow> fileRows(const PileState& state, const std::vector<std::string>& paths) {
    std::vector<PileLabelRow> rows;
    for (const PileLabel& l : state.labels) rows.push_back({paths[size_t(l.image)], l.status, l.className, l.round});
    return rows;
}

// Answers as an oracle file says: each pending image's label, or skipped
// when the file has none; then the batch is done.
std::function<PileAnswer(const PileQuery&, const PileState&)> oracleAnswers(const std::string& file,
                                                                            const LoadedDataset& data,
                                                                            const ActiveLearningJobCallbacks& callbacks,
                                                                            int64_t& misses) {
    auto labelOf = std::make_shared<std::map<std::string, std::string>>();
    for (const auto& [path, label] : readPathLabels(file)) (*labelOf)[path] = label;
    return [labelOf, &data, &misses, &callbacks](const PileQuery& query, const PileState& state) {
        if (callbacks.shouldStop && callbacks.shouldStop()) throw Cancelled();
        for (size_t row : query.rows) {
            const PileLabel& l = state.labels[row];
            if (l.status != LabelStatus::Pending) continue;
            const auto found = labelOf->find(data.poolPaths[size_t(l.image)]);
            if (found == labelOf->end() || found->second.empty()) {
                ++misses;
                return PileAnswer{int64_t(row), LabelStatus::Skipped, {}};
            }
            return PileAnswer{int64_t(row), LabelStatus::Labelled, found->second};
        }
        return PileAnswer{};
    };
}

// Asks the person through the job's callback, with the batch's images.
std::function<PileAnswer(const PileQuery&, const PileState&)> personAnswers(const ActiveLearningJobCallbacks& callbacks,
                                                                            const LoadedDataset& data, int64_t budget) {
    auto pileImages = std::make_shared<const ImageStack>(imageStack(data.pool.images));
    auto pilePaths = std::make_shared<const std::vector<std::string>>(data.poolPaths);
    return [&callbacks, &data, budget, pileImages, pilePaths](const PileQuery& query, const PileState& state) {
        PileQueryReport report;
        report.pileImages = pileImages;
        report.pilePaths = pilePaths;
        report.map = query.map ? query.map() : nullptr;
        report.answers = state.labels;
        report.round = query.round;
        report.withoutModel = query.withoutModel;
        std::vector<int64_t> images;
        for (size_t row : query.rows) {
            const PileLabel& l = state.labels[row];
            report.rows.push_back(int64_t(row));
            report.paths.push_back(data.poolPaths[size_t(l.image)]);
            report.given.push_back(l);
            images.push_back(l.image);
        }
        report.images = imageStack(data.pool.images, images);
        report.classNames = state.classNames;
        report.labelled = state.labelled();
        report.budget = budget;
        return callbacks.nextAnswer(report);
    };
}

TensorSet onDevice(const ImageSplit& split, const torch::Device& device) {
    if (split.size() == 0) return {};
    return {normaliseImages(split.images, device), split.labels.to(device)};
}

}  // namespace

PileState resumedState(const ActiveLearningRunFolder& folder, const LoadedDataset& data) {
    PileState state;
    state.classNames = data.classNames;
    std::unordered_map<std::string, int64_t> imageOf;
    for (size_t i = 0; i < data.poolPaths.size(); ++i) imageOf.emplace(data.poolPaths[i], int64_t(i));
    for (const PileLabelRow& row : folder.readLabels()) {
        const auto found = imageOf.find(row.path);
        if (found == imageOf.end()) {
            throw InputError(fileError(folder.labelsPath(), "'" + row.path + "' is no longer among the unlabelled images of " +
                                                                data.dir + " (put it back to resume)"),
                             "resume");
        }
        if (row.status == LabelStatus::Labelled && state.classIndex(row.className) < 0) state.classNames.push_back(row.className);
        state.labels.push_back({found->second, row.status, row.className, row.round});
    }
    return state;
}

ActiveLearningJobResult runPileJob(const ActiveLearningJobRequest& request, const ActiveLearningSettings& settings,
                                   const ActiveLearningRunFolder& folder, std::vector<CurveRow> rows,
                                   const ActiveLearningJobCallbacks& callbacks) {
    const Strategy strategy = settings.strategies.front();
    const LoadedDataset data = loadJobData(seededDataset(settings.data, settings.seed), callbacks.shouldStop,
                                           callbacks.onDataset, /*pileAllowed=*/true);
    const torch::Device device = resolveDevice(settings.device);
    PileData pile{normaliseImages(data.pool.images, device), onDevice(data.train, device), onDevice(data.test, device)};
    if (callbacks.onStart) callbacks.onStart(describeDevice(device), data.pool.size(), data.test.size());
    PileState state = resumedState(folder, data);

    ActiveLearningJobResult result;
    PileCallbacks loop;
    loop.shouldStop = callbacks.shouldStop;
    loop.nextAnswer = request.oracle.empty() ? personAnswers(callbacks, data, settings.loop.budget)
                                             : oracleAnswers(request.oracle, data, callbacks, result.oracleMisses);
    loop.onChange = [&](const PileState& s) { folder.writeLabels(fileRows(s, data.poolPaths)); };
    loop.onRound = [&](const ActiveLearningRound& r, const PileState& s) {
        if (r.labels < 1) return;  // trained on the folder's own labels only: not a point of the person's curve
        // A resumed run trains its last round again: its row is replaced, not repeated.
        rows.erase(std::remove_if(rows.begin(), rows.end(), [&](const CurveRow& c) { return c.labels >= r.labels; }), rows.end());
        rows.push_back({strategy, 0, r.labels, r.testAccuracy, r.ece, r.kappa});
        folder.writeCurve(rows);
        folder.writeSummary(rows, settings);
        if (callbacks.onRound) {
            callbacks.onRound({strategy, 0, r, imageStack(data.pool.images, r.acquired), r.acquiredLabels, s.classNames,
                               data.test.size() == 0});
        }
    };
    ActiveLearningConfig config = settings.loop;
    config.classes = int64_t(state.classNames.size());
    const bool finished = labelPile(strategy, config, pile, repeatSeed(settings.seed, 0), state, loop);
    folder.writeSummary(rows, settings);
    result.outcome = finished ? JobOutcome::Finished : JobOutcome::Cancelled;
    result.curve = rows;
    result.summary = summariseRun(rows, settings);
    return result;
}

}  // namespace alx::jobs_detail

namespace alx {

bool holdsPile(const DatasetRequest& data) {
    if (data.spec.format != DatasetFormat::ImageFolder || data.dataDir.empty()) return false;
    const ImageFolderIndex index = indexImageFolder(data.dataDir);
    return std::any_of(index.entries.begin(), index.entries.end(),
                       [](const ImageFolderEntry& e) { return e.role == ImageSplitRole::Pool; });
}

}  // namespace alx
