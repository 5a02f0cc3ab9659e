#pragma once
// Throughput of training and of evaluation with all six scores, measured the
// way the notebook's pipeline is measured (docs/benchmarks.md): the job
// behind `alx-cli bench`.
#include <cstdint>
#include <functional>
#include <string>

#include "alx/jobs/job.h"

namespace alx {

struct BenchJobRequest {
    DatasetRequest data;        // trainImages / testImages: the images trained on and evaluated
    std::string model;
    int64_t batchSize = 0;      // 0 = the model's preset
    uint64_t seed = 0;
    std::string device = "auto";
    int threads = 0;
    bool warmUp = false;        // evaluate once, untimed, before the timed evaluation
};

struct BenchJobResult {
    JobOutcome outcome = JobOutcome::Finished;
    std::string device;
    int threads = 0;
    bool cuda = false;
    int64_t batchSize = 0;
    int64_t trainImages = 0, evalImages = 0;
    double trainImagesPerSecond = 0, evalImagesPerSecond = 0;
    double peakRssMiB = 0;  // the whole process's maximum resident set so far
};

BenchJobResult runBenchJob(const BenchJobRequest& request, const std::function<bool()>& shouldStop = {},
                           const std::function<void(const DatasetReport&)>& onDataset = {});

}  // namespace alx
