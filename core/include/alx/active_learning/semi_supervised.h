#pragma once
// A round's model that learns from the unlabelled pool as well as from the
// labelled images (`--semi-supervised`): the labels are spread over the
// pool's neighbour graph (label_spreading.h, Zhou et al. 2004), and the
// network is trained on every pool image with the spread class as its
// target, weighted by how sure the spreading is: self-training on graph
// pseudo-labels, as in Iscen, Tolias, Avrithis and Chum 2019 ("Label
// Propagation for Deep Semi-supervised Learning"). The first pass spreads
// over the pool's pixel graph (pixel_graph.h); a later pass, where the
// settings ask for one, over the graph of the network just trained. A round
// is a function of its labelled set and its seed alone, so a resumed run
// repeats it exactly.
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include <torch/types.h>

#include "alx/active_learning/label_spreading.h"
#include "alx/active_learning/pixel_graph.h"
#include "alx/active_learning/semi_supervised_settings.h"
#include "alx/models/model.h"
#include "alx/scoring/neighbours.h"
#include "alx/training/trainer.h"

namespace alx {

// Trains `model` on all of `images` (normalised, on the model's device)
// against `targets`, with the loss of each image weighted (the weighted
// mean of the cross-entropy), for `steps` batches (at most `maxEpochs` passes
// over the images) in a seeded order, each
// image shifted by a random whole number of pixels (up to a fourteenth of
// its side, edges repeated) so that the network learns the digit, not its
// exact pixels. Stops between batches when shouldStop() turns true or the
// loss stops being finite.
TrainResult trainOnWeightedTargets(Classifier& model, const torch::Tensor& images, const torch::Tensor& targets,
                                   const torch::Tensor& weights, const SemiSupervisedSettings& settings, uint64_t seed,
                                   const std::function<bool()>& shouldStop = {});

struct SemiSupervisedRound {
    std::string model;          // a catalogue name or a TorchScript file, as makeModel takes it
    bool reinitialise = false;
    int64_t classes = 0;
    torch::Tensor images;       // the pool, normalised, on the training device
    const Neighbours* graph = nullptr;  // pixelGraph(images)
    std::vector<int64_t> labelled;      // pool indices
    std::vector<int64_t> labels;        // their classes
    uint64_t seed = 0;                  // the round's
};

struct SemiSupervisedResult {
    ClassifierPtr model;  // the last pass's
    TrainResult training;  // the last pass's, or the one that was cancelled or diverged
};

SemiSupervisedResult trainSemiSupervised(const SemiSupervisedRound& round, const SemiSupervisedSettings& settings = {},
                                         const std::function<bool()>& shouldStop = {});

}  // namespace alx
