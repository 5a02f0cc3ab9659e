#pragma once
// A run as the runs list shows it: one line per folder, of whatever kind
// (training, evaluation, active learning, sweep), read from the folder's
// files without validating all of it. A folder whose files cannot be read
// is still listed (status "damaged", and why), never dropped.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace alx {

struct RunListing {
    std::string path;
    std::string kind;      // training, evaluation, active_learning, sweep
    std::string model, dataset, device;
    std::string status;    // finished, stopped, failed, running, damaged
    std::string started;   // the run's date and time as its folder or files say, ISO 8601
    std::optional<double> testAccuracy;  // last accuracy for active learning
    std::optional<double> ece;
    int epochs = 0;        // training: epochs done
    int64_t budget = 0;    // active learning: labels
    std::string options;   // active learning and sweeps: loopOptionsText (cold start, semi-supervised, stop at kappa)
    double trainSeconds = 0;
    std::string name, tags;  // a person's, from the index
    std::string problem;     // why it is damaged
};

// Reads one run folder's listing from its files (no index). A folder that
// holds no ALX run gives nullopt.
std::optional<RunListing> readRunListing(const std::string& path);

// Listings as `alx-cli runs list --json` prints them: a JSON array, an object per run.
std::string runListingsJson(const std::vector<RunListing>& runs);

}  // namespace alx
