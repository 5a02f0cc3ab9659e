#pragma once
#include <array>
#include <string>
#include <vector>

#include <torch/types.h>

#include "alx/scores.h"
#include "alx/trainer.h"

namespace alx {

// A run directory as `alx-cli train` (or the GUI's Save run) writes it,
// read back whole: nothing is half-loaded, and every inconsistency between
// its files is an InputError naming the file.
struct SavedRun {
    std::string version;  // alx_version of the writer
    std::string model, dataset, device, status;
    int64_t trainImages = 0;
    double testAccuracy = 0;
    double trainSeconds = 0, evalSeconds = 0;
    std::vector<EpochReport> epochs;
    torch::Tensor labels, predicted;            // int64 [N]
    torch::Tensor probabilities, embeddings;    // float [N, C], [N, D]
    std::array<torch::Tensor, kScoreCount> scores;  // float [N] each
    Neighbours neighbours;                      // indices from the CSV, similarities recomputed from the embeddings
    torch::Tensor confusion;                    // int64 [C, C]

    int64_t size() const { return labels.defined() ? labels.size(0) : 0; }
};

SavedRun readRun(const std::string& dir);

// A float32 (or float64) 2-D .npy file, as encodeNpy writes them.
torch::Tensor readNpy(const std::string& path);

}  // namespace alx
