#pragma once
// alx-cli's subcommands: what each takes (built from the option groups of
// cli_options.h) and which function runs it. main() parses into these and
// calls run(); the man page and docs/cli.md's option tables are generated
// from the same definitions (cli_reference.h).
#include <CLI/CLI.hpp>

#include <string>
#include <vector>

#include "cli_jobs.h"
#include "cli_sweep.h"

namespace alx::cli {

struct SweepCommands {
    CLI::App *create = nullptr, *submit = nullptr, *resubmit = nullptr, *runTask = nullptr, *status = nullptr,
             *cancel = nullptr, *merge = nullptr;
    SweepCreateOptions createOptions;
    SubmitChoice submitOptions, resubmitOptions;
    SweepTaskOptions taskOptions;
    SweepDirOptions statusOptions, cancelOptions, mergeOptions;
};

class Commands {
public:
    // Adds every subcommand to `app`, bound to this object's fields.
    explicit Commands(CLI::App& app);
    Commands(const Commands&) = delete;
    Commands& operator=(const Commands&) = delete;
    // Runs the subcommand that was parsed; its exit code.
    int run();

private:
    void addTrainingCommands(CLI::App& app);
    void addInspectionCommands(CLI::App& app);
    void addActiveLearningCommands(CLI::App& app);
    void addListingCommands(CLI::App& app);

    CLI::App *train_ = nullptr, *eval_ = nullptr, *fetch_ = nullptr, *bench_ = nullptr, *al_ = nullptr, *labelsExport_ = nullptr, *map_ = nullptr,
             *audit_ = nullptr, *export_ = nullptr, *compare_ = nullptr, *runsList_ = nullptr, *models_ = nullptr, *datasets_ = nullptr;
    TrainJobRequest trainRequest_, evalRequest_;
    std::string trainRunsDir_, evalRunsDir_;
    FetchOptions fetchOptions_;
    BenchOptions benchOptions_;
    ActiveLearningOptions alOptions_;
    LabelsExportOptions labelsExportOptions_;
    SweepCommands sweep_;
    MapJobRequest mapRequest_;
    AuditOptions auditOptions_;
    ModelExportOptions exportOptions_;
    CompareOptions compareOptions_;
    RunsListOptions runsListOptions_;
    std::string datasetsDir_;
};

}  // namespace alx::cli
