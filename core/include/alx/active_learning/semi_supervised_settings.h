#pragma once
// The choices of the semi-supervised rounds (semi_supervised.h) and of the
// label spreading they use (label_spreading.h). No LibTorch here: the run
// store records them in an active-learning run's settings.json, so that a
// run is never resumed by a build whose rounds learn otherwise.
#include <cstdint>

namespace alx {

struct SpreadingSettings {
    double alpha = 0.99;    // how much an image takes from its neighbours rather than its own label
    // At alpha 0.99 the shares are still moving after 30 steps (labels have
    // not yet reached the far ends of a class); past 60 they hardly change.
    int iterations = 60;
    double power = 6;       // edge weight = max(cosine similarity, 0) ^ power: the nearest count most
};

struct SemiSupervisedSettings {
    // The pixel graph is noisier than a trained network's: fewer, nearer
    // neighbours carry fewer wrong edges there, more carry the labels
    // further in the network's.
    int64_t pixelNeighbours = 5;
    int64_t pixelShift = 1;        // the pixel graph forgives moves of up to this many pixels (pixel_graph.h)
    int64_t graphNeighbours = 20;  // of the trained network's graph, for a pass after the first
    int64_t graphDimensions = 32;  // of the trained network's embedding (principal components) for its graph
    // Spread, train; a next pass spreads over the trained network's graph.
    // Over the shift-tolerant pixel graph one pass with all the steps
    // teaches the round's model more than two that share them.
    int passes = 1;
    // Training steps, in batches of batchSize drawn over the whole pool: a
    // pass before the last only gives the next pass its graph, which a
    // shorter training already groups well; the last pass's network is the
    // round's model, and more steps there teach it more of its targets.
    int64_t steps = 200;           // each pass before the last
    int64_t lastPassSteps = 1100;  // the last pass
    int64_t maxEpochs = 20;       // but no more than this many passes over a small pool
    int64_t batchSize = 128;
    double learningRate = 1e-3;
    SpreadingSettings spreading;
};

}  // namespace alx
