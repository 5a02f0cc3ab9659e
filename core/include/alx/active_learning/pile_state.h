#pragma once
// What a person has said about the images of an unlabelled pile, without
// LibTorch: the loop (pile_loop.h) grows it, the run store keeps it
// (ActiveLearningRunFolder's labels.csv), the app shows it.
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace alx {

enum class LabelStatus { Pending, Labelled, Skipped, Unusable };
std::string labelStatusName(LabelStatus status);     // pending, labelled, skipped, unusable
LabelStatus parseLabelStatus(const std::string& name);  // InputError (field "status")

struct PileLabel {
    int64_t image = 0;  // index into the pile
    LabelStatus status = LabelStatus::Pending;
    std::string className;  // when Labelled
    int round = 0;          // the batch that showed it: 0 is the cold start
};

struct PileState {
    std::vector<std::string> classNames;  // the dataset's, then each new one in the order first given
    std::vector<PileLabel> labels;        // every image shown, in the order shown
    int64_t labelled() const;             // rows with a class
    int64_t classIndex(const std::string& name) const;  // -1 when unknown
};

// The batch being labelled: rows of PileState::labels.
struct PileQuery {
    int round = 0;
    std::vector<size_t> rows;
    bool withoutModel = false;  // chosen by the cold start, no model yet
    // The whole pile on a 2-D map (N x 2 floats), the same for every batch of
    // a run: t-SNE of the cold start's features (PCA beyond 10,000 images).
    // Made when first called, then shared.
    std::function<std::shared_ptr<const std::vector<float>>()> map;
};

struct PileAnswer {
    static constexpr int64_t kDone = -1;
    int64_t row = kDone;  // a row of the query; kDone: the batch is finished (rows left pending are skipped)
    LabelStatus status = LabelStatus::Labelled;
    std::string className;  // for Labelled: a known class or a new one
    // With row kDone: an answer about this image of the pile instead, in the
    // batch or not (a selection on the map); an image not shown before joins
    // this round's rows.
    int64_t image = -1;
};

}  // namespace alx
