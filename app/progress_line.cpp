#include "progress_line.h"

#include <cstdio>

namespace alx::cli {

void ProgressLine::batch(const BatchReport& b, int64_t batchSize, double elapsedSeconds) {
    if (!enabled_) return;
    if (b.epoch != epoch_) {
        // The first report of an epoch comes some batches in: time from there.
        epoch_ = b.epoch;
        startBatch_ = b.batch;
        epochStart_ = elapsedSeconds;
        lastDraw_ = {};
        return;
    }
    const auto now = std::chrono::steady_clock::now();
    if (now - lastDraw_ < std::chrono::milliseconds(250)) return;
    lastDraw_ = now;
    const double seconds = elapsedSeconds - epochStart_;
    if (seconds <= 0) return;
    if (b.batch <= startBatch_) return;
    const double perBatch = seconds / double(b.batch - startBatch_);  // timed since the epoch's first report
    const double left = perBatch * double(b.batches - b.batch);
    const double rate = double(batchSize) / perBatch;
    std::printf("\r\033[KEpoch %d: batch %lld/%lld (%3.0f%%), %.0f images/s, %d:%02d left in the epoch, loss %.4f",
                b.epoch, static_cast<long long>(b.batch), static_cast<long long>(b.batches),
                100.0 * double(b.batch) / double(b.batches), rate, int(left) / 60, int(left) % 60, b.recentLoss);
    std::fflush(stdout);
    shown_ = true;
}

void ProgressLine::clear() {
    if (!shown_) return;
    std::printf("\r\033[K");
    std::fflush(stdout);
    shown_ = false;
}

}  // namespace alx::cli
