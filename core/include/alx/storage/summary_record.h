#pragma once
// A training or evaluation run's summary.json, parsed and checked without
// LibTorch (so that the parser can be fuzzed on its own). run_reader.h
// checks it against the run's other files.
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace alx {

// The version of the run files' layout, written as "format" in every
// summary.json; readers refuse versions they do not know.
inline constexpr int kRunFormat = 1;

struct SummaryRecord {
    int format = 0;        // 0: written before summary.json had "format"
    std::string version;   // alx_version
    std::string model, dataset, device, status;
    std::vector<std::string> classNames;
    int64_t trainImages = 0;
    double testAccuracy = 0;
    double trainSeconds = 0, evalSeconds = 0;
    int epochsPlanned = 0;
    std::vector<double> epochLoss, epochSeconds, validationAccuracy;
    std::vector<std::vector<int64_t>> confusion;  // square, non-negative
    std::optional<double> temperature;            // calibration.temperature: fitted on a validation split
    // The training settings as recorded (optimiser, learning_rate, batch_size,
    // epochs_planned, seed, validation_images, train_images, neighbours,
    // weights), as text, for a person to compare runs by; not used to compute.
    std::vector<std::pair<std::string, std::string>> settings;
};

// Throws InputError naming `path`: damaged JSON, not written by ALX, a
// format newer than this reader, no evaluation, an unknown model, a field
// missing or of the wrong type, a number that is not finite or out of
// range, a confusion matrix that is empty, not square or negative.
SummaryRecord parseSummaryRecord(const std::string& text, const std::string& path);

}  // namespace alx
