#include "alx/active_learning/pile_loop.h"

#include <torch/torch.h>

#include <chrono>
#include <optional>
#include <set>

#include "alx/active_learning/acquisition.h"
#include "alx/active_learning/typical.h"
#include "alx/data/dataset_loader.h"
#include "alx/maps/pca.h"
#include "alx/maps/tsne.h"
#include "alx/models/model_registry.h"
#include "alx/util/errors.h"
#include "cross_validation.h"
#include "round.h"

namespace alx {
namespace {

using namespace active_learning_detail;

// Piles up to this size are mapped by t-SNE (seconds), larger ones by PCA.
constexpr int64_t kPileTsneLimit = 10000;

// The loop's working state beside the person's answers.
struct PileRun {
    const ActiveLearningConfig& config;
    const PileData& data;
    uint64_t seed;
    const PileCallbacks& callbacks;
    PileState& state;
    torch::Tensor features;  // the cold start's, computed when first needed (coldStartFeaturesOf)
    std::shared_ptr<const std::vector<float>> map;  // the pile's map, N x 2, made when first asked for
    ClassifierPtr model;     // the last round's, once two classes have labels
    TensorSet train;         // what it was trained on
    torch::Tensor pool;      // --semi-supervised: the dataset's labelled images, then the pile
    std::optional<Neighbours> graph;  // and the pool's pixel graph, both made once per run
};

std::vector<size_t> rowsOfRound(const PileState& state, int round) {
    std::vector<size_t> rows;
    for (size_t i = 0; i < state.labels.size(); ++i) {
        if (state.labels[i].round == round) rows.push_back(i);
    }
    return rows;
}

bool anyPending(const PileState& state, const std::vector<size_t>& rows) {
    for (size_t r : rows) {
        if (state.labels[r].status == LabelStatus::Pending) return true;
    }
    return false;
}

// The cold start's features of the pile, computed once per run.
const torch::Tensor& coldStartFeaturesOf(PileRun& run) {
    if (!run.features.defined()) run.features = coldStartFeatures(run.data.pile);
    return run.features;
}

// The pile in two dimensions, made once per run so that it keeps its layout
// from batch to batch: t-SNE of the cold start's features (pixels, no
// model: a model trained on a few labels would draw what it was told, and
// move every round), or their PCA map for a pile too large to wait for.
std::shared_ptr<const std::vector<float>> pileMap(PileRun& run) {
    if (run.map) return run.map;
    const int64_t n = run.data.pile.size(0);
    if (n < 3) return run.map = std::make_shared<const std::vector<float>>(size_t(2 * n), 0.f);
    torch::Tensor xy;
    const torch::Tensor& features = coldStartFeaturesOf(run);
    if (n <= kPileTsneLimit) {
        TsneConfig tsne;
        tsne.perplexity = std::min(30.0, double(n - 1) / 3);
        tsne.iterations = 500;
        TsneCallbacks callbacks;
        callbacks.shouldStop = run.callbacks.shouldStop;
        xy = tsneMap(features, tsne, callbacks);
    } else {
        xy = pcaMap(features);
    }
    xy = xy.to(torch::kCPU, torch::kFloat32).contiguous();
    return run.map = std::make_shared<const std::vector<float>>(xy.data_ptr<float>(), xy.data_ptr<float>() + xy.numel());
}

// Records one answer; false when it finishes the batch.
bool applyAnswer(PileState& state, const PileQuery& query, PileAnswer answer, int64_t pileSize) {
    if (answer.row == PileAnswer::kDone && answer.image >= 0) {  // an image picked on the map
        if (answer.image >= pileSize) throw InputError("an answer about image " + std::to_string(answer.image) + ", outside the pile", "image");
        const auto known = std::find_if(state.labels.begin(), state.labels.end(),
                                        [&](const PileLabel& l) { return l.image == answer.image; });
        if (known == state.labels.end()) {
            state.labels.push_back({answer.image, LabelStatus::Pending, {}, query.round});
            answer.row = int64_t(state.labels.size()) - 1;
        } else {
            answer.row = int64_t(known - state.labels.begin());
        }
    } else if (answer.row == PileAnswer::kDone) {
        for (size_t r : query.rows) {
            if (state.labels[r].status == LabelStatus::Pending) state.labels[r].status = LabelStatus::Skipped;
        }
        return false;
    }
    if (answer.image < 0 && std::find(query.rows.begin(), query.rows.end(), size_t(answer.row)) == query.rows.end()) {
        throw InputError("an answer about row " + std::to_string(answer.row) + ", which this batch does not show", "row");
    }
    PileLabel& label = state.labels[size_t(answer.row)];
    label.status = answer.status;
    label.className.clear();
    if (answer.status == LabelStatus::Labelled) {
        if (answer.className.empty()) throw InputError("a class name cannot be empty", "class");
        if (state.classIndex(answer.className) < 0) state.classNames.push_back(answer.className);
        label.className = answer.className;
    }
    return true;
}

// Asks about the batch until the answerer says it is finished.
void askBatch(PileRun& run, int round, bool withoutModel) {
    PileQuery query{round, rowsOfRound(run.state, round), withoutModel, [&run] { return pileMap(run); }};
    if (!anyPending(run.state, query.rows)) return;  // answered before a stop: nothing to ask
    // The answerer honours a stop (throwing Cancelled), after handing over
    // the answers a person gave before it: each is then recorded here.
    while (true) {
        const PileAnswer answer = run.callbacks.nextAnswer(query, run.state);
        const bool more = applyAnswer(run.state, query, answer, run.data.pile.size(0));
        if (run.callbacks.onChange) run.callbacks.onChange(run.state);
        if (!more) return;
    }
}

// The dataset's labelled images and the person's labels, as one training set.
TensorSet trainingSet(const PileRun& run) {
    std::vector<int64_t> rows, labels;
    for (const PileLabel& l : run.state.labels) {
        if (l.status != LabelStatus::Labelled) continue;
        rows.push_back(l.image);
        labels.push_back(run.state.classIndex(l.className));
    }
    const torch::Device device = run.data.pile.device();
    TensorSet set{run.data.pile.index_select(0, indexTensor(rows, device)), torch::tensor(labels, torch::kInt64).to(device)};
    if (run.data.labelled.size() > 0) {
        set.images = torch::cat({run.data.labelled.images, set.images});
        set.labels = torch::cat({run.data.labelled.labels.to(device), set.labels});
    }
    return set;
}

// With --semi-supervised: the round's model learns from every image of the
// pile as well, the person's labels spread over the pile's neighbour graph
// (semi_supervised.h), as the simulated loop's rounds do.
TrainResult trainOnThePile(PileRun& run, int round, int64_t classes) {
    const int64_t known = run.data.labelled.size();
    if (!run.graph) {
        run.pool = known > 0 ? torch::cat({run.data.labelled.images, run.data.pile}) : run.data.pile;
        const SemiSupervisedSettings method;
        run.graph = pixelGraph(run.pool, method.pixelNeighbours, method.pixelShift, run.callbacks.shouldStop);
    }
    std::vector<int64_t> labelled, labels;
    if (known > 0) {
        const torch::Tensor given = run.data.labelled.labels.to(torch::kCPU, torch::kInt64).contiguous();
        labels.assign(given.data_ptr<int64_t>(), given.data_ptr<int64_t>() + known);
        for (int64_t i = 0; i < known; ++i) labelled.push_back(i);
    }
    for (const PileLabel& l : run.state.labels) {
        if (l.status != LabelStatus::Labelled) continue;
        labelled.push_back(known + l.image);
        labels.push_back(run.state.classIndex(l.className));
    }
    SemiSupervisedResult trained = semiSupervisedModel(run.config, classes, run.pool, *run.graph, std::move(labelled),
                                                       std::move(labels), run.seed, round, run.callbacks.shouldStop);
    run.model = trained.model;
    return trained.training;
}

// Trains and measures on what is labelled; false (no model) until two classes have labels.
bool trainRound(PileRun& run, int round, ActiveLearningRound& r) {
    run.train = trainingSet(run);
    const torch::Tensor labels = run.train.labels.to(torch::kCPU).contiguous();
    const std::set<int64_t> present(labels.data_ptr<int64_t>(), labels.data_ptr<int64_t>() + labels.numel());
    if (present.size() < 2) {
        run.model.reset();
        return false;
    }
    const int64_t classes = int64_t(run.state.classNames.size());
    TrainResult trained;
    if (run.config.semiSupervised) {
        trained = trainOnThePile(run, round, classes);
    } else {
        torch::manual_seed(roundSeed(run.seed, SeedPurpose::Weights, round));
        run.model = makeModel(run.config.model, {shapeOf(run.data.pile), classes}, run.config.reinitialise);
        run.model->to(run.data.pile.device());
        TrainCallbacks callbacks;
        callbacks.shouldStop = run.callbacks.shouldStop;
        trained = trainModel(*run.model, run.train, {}, roundTrainConfig(run.config, run.train.size(), run.seed, round),
                             callbacks);
    }
    if (trained.outcome == TrainOutcome::Cancelled) throw Cancelled();
    if (trained.outcome == TrainOutcome::Diverged) throw RunError(trained.message);
    if (run.data.test.size() > 0) {
        measureRound(*run.model, run.data.test, run.callbacks.shouldStop, r);
        return true;
    }
    const auto cv = crossValidate(run.config, run.train, classes, kPileCrossValidationFolds, run.seed, round,
                                  run.callbacks.shouldStop);
    if (!cv) {
        if (run.callbacks.shouldStop && run.callbacks.shouldStop()) throw Cancelled();
        return false;
    }
    r.testAccuracy = cv->accuracy;
    r.ece = cv->ece;
    return true;
}

// The next batch: by the strategy once a model exists, else as the cold start chooses.
std::vector<int64_t> chooseBatch(PileRun& run, Strategy strategy, int round, int64_t count) {
    std::set<int64_t> taken;
    for (const PileLabel& l : run.state.labels) taken.insert(l.image);
    const int64_t size = run.data.pile.size(0);
    count = std::min(count, size - int64_t(taken.size()));
    if (count <= 0) return {};
    if (run.model) {
        const std::vector<int64_t> candidates = candidatesFor(size, taken, run.config, run.seed, round);
        AcquisitionInput in;
        in.model = run.model.get();
        in.candidateImages = run.data.pile.index_select(0, indexTensor(candidates, run.data.pile.device()));
        in.labelledImages = run.train.images;
        in.count = std::min<int64_t>(count, int64_t(candidates.size()));
        in.mcSamples = run.config.mcSamples;
        in.neighbours = run.config.neighbours;
        in.seed = roundSeed(run.seed, SeedPurpose::Acquisition, round);
        const auto picks = acquire(strategy, in).chosen.to(torch::kCPU);
        std::vector<int64_t> batch;
        for (int64_t j = 0; j < picks.size(0); ++j) batch.push_back(candidates[size_t(picks[j].item<int64_t>())]);
        return batch;
    }
    const uint64_t seed = roundSeed(run.seed, SeedPurpose::Candidates, round);
    if (run.config.coldStart == ColdStart::Random) return randomFreeImages(size, count, taken, seed);
    return typicalImages(coldStartFeaturesOf(run), count, std::vector<int64_t>(taken.begin(), taken.end()), seed);
}

// The batch that was answered before round `round`'s training, for its report.
void describeBatch(const PileState& state, int round, ActiveLearningRound& r) {
    for (size_t row : rowsOfRound(state, round)) {
        const PileLabel& l = state.labels[row];
        r.acquired.push_back(l.image);
        r.acquiredLabels.push_back(l.status == LabelStatus::Labelled ? state.classIndex(l.className) : -1);
    }
}

}  // namespace

bool labelPile(Strategy strategy, const ActiveLearningConfig& config, const PileData& data, uint64_t seed,
               PileState& state, const PileCallbacks& callbacks) {
    if (config.initial < 1 || config.acquire < 1) throw InputError("batches must hold at least one image", "acquire");
    if (!callbacks.nextAnswer) throw InputError("labelling a pile needs someone to answer", "labeller");
    PileRun run{config, data, seed, callbacks, state, {}, {}, {}, {}, {}, {}};
    int round = state.labels.empty() ? 0 : state.labels.back().round;
    try {
        if (state.labels.empty()) {
            for (int64_t image : chooseBatch(run, strategy, 0, config.initial)) state.labels.push_back({image, LabelStatus::Pending, {}, 0});
            if (state.labels.empty()) return true;  // an empty pile
            if (callbacks.onChange) callbacks.onChange(state);
        }
        auto roundStart = std::chrono::steady_clock::now();
        while (true) {
            askBatch(run, round, !run.model);
            ActiveLearningRound r;
            r.round = round;
            if (trainRound(run, round, r)) {
                r.labels = state.labelled();
                describeBatch(state, round, r);
                r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - roundStart).count();
                if (callbacks.onRound) callbacks.onRound(r, state);
            }
            roundStart = std::chrono::steady_clock::now();
            if (state.labelled() >= config.budget) return true;
            const int64_t wanted = std::min(config.acquire, config.budget - state.labelled());
            const std::vector<int64_t> batch = chooseBatch(run, strategy, round + 1, wanted);
            if (batch.empty()) return true;  // every image has been shown
            ++round;
            for (int64_t image : batch) state.labels.push_back({image, LabelStatus::Pending, {}, round});
            if (callbacks.onChange) callbacks.onChange(state);
        }
    } catch (const Cancelled&) {
        return false;
    }
}

}  // namespace alx
