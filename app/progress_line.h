#pragma once
// One line that moves within an epoch on a terminal (batches, images a
// second, time left in the epoch), redrawn at most a few times a second;
// silent when the output is a file or a pipe.
#include <chrono>
#include <cstdint>

#include "alx/training/trainer.h"

namespace alx::cli {

class ProgressLine {
public:
    explicit ProgressLine(bool enabled) : enabled_(enabled) {}
    void batch(const BatchReport& b, int64_t batchSize, double elapsedSeconds);
    void clear();  // before a line of its own is printed

private:
    bool enabled_;
    bool shown_ = false;
    int epoch_ = 0;
    int64_t startBatch_ = 0;
    double epochStart_ = 0;  // elapsed seconds when the epoch began
    std::chrono::steady_clock::time_point lastDraw_{};
};

}  // namespace alx::cli
