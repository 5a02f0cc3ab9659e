// alx-cli's commands that list or write out what is already there (the
// runs, the models, a run's model or labels): no job runs, nothing trains.
#include "cli_jobs.h"

#include <cstdio>
#include <iostream>
#include <optional>

#include "alx/storage/active_learning_run.h"
#include "alx/storage/runs_library.h"
#include "alx/util/timing.h"
#include "alx/vocabulary.h"

namespace alx::cli {

int exportModel(const ModelExportOptions& options) {
    const ModelExport written = exportRunModel(options.runDir, options.out);
    std::printf("Wrote %s: %s as TorchScript (%s), pixels in [0, 1] of %s images, %lld classes\n", options.out.c_str(),
                written.model.c_str(), written.embedding.c_str(), written.input.image.text().c_str(),
                static_cast<long long>(written.input.classes));
    return kOk;
}

int exportLabels(const LabelsExportOptions& options) {
    const int64_t written = ActiveLearningRunFolder(options.runDir).exportLabels(options.out);
    std::printf("Wrote %lld label%s to %s\n", static_cast<long long>(written), written == 1 ? "" : "s", options.out.c_str());
    return kOk;
}

int listRuns(const RunsListOptions& options) {
    RunsLibrary library(options.runsDir.empty() ? defaultRunsDir() : options.runsDir);
    const auto start = std::chrono::steady_clock::now();
    const std::vector<RunListing> runs = library.list();
    const double listSeconds = secondsSince(start);
    if (!library.indexProblem().empty()) std::cerr << "alx-cli: " << library.indexProblem() << std::endl;
    if (options.json) {
        std::cout << runListingsJson(runs) << std::endl;
        return kOk;
    }
    std::printf("%-19s  %-15s  %-9s  %-13s  %8s  %7s  %6s  %-8s  %s\n", "started", "kind", "model", "dataset", "accuracy",
                "ECE", "epochs", "status", "path");
    for (const RunListing& r : runs) {
        const auto percent = [](const std::optional<double>& v) {
            if (!v) return std::string("-");
            char text[32];
            std::snprintf(text, sizeof text, "%.2f %%", 100 * *v);
            return std::string(text);
        };
        const std::string accuracy = percent(r.testAccuracy), ece = percent(r.ece);
        const std::string size = r.kind == "active_learning" ? std::to_string(r.budget) + " lbl" : std::to_string(r.epochs);
        std::printf("%-19s  %-15s  %-9s  %-13s  %8s  %7s  %6s  %-8s  %s\n", r.started.c_str(), r.kind.c_str(), r.model.c_str(),
                    r.dataset.c_str(), accuracy.c_str(), ece.c_str(), size.c_str(), r.status.c_str(), r.path.c_str());
        if (!r.options.empty()) std::printf("%21s%s\n", "", r.options.c_str());  // an active-learning run's choices
    }
    std::printf("%zu runs in %s (listed in %.0f ms, %lld read from their folders, the rest from the index)\n", runs.size(),
                library.dir().c_str(), 1000 * listSeconds, static_cast<long long>(library.readLastTime()));
    return kOk;
}

int listModels() {
    std::vector<ModelInfo> models = modelCatalogue();
    ModelInfo file = modelInfo("FILE.pt");  // what any TorchScript file gets
    file.displayName = "TorchScript";
    file.summary += " (docs/torchscript.md)";
    models.push_back(file);
    for (const ModelInfo& m : models) {
        std::printf("%-10s %-10s %s; %s lr %g%s, batch %lld, %d epochs\n", m.name.c_str(), m.displayName.c_str(),
                    m.summary.c_str(), optimiserName(m.preset.optimiser).c_str(), m.preset.learningRate,
                    m.preset.optimiser == OptimiserKind::Sgd ? " momentum 0.9" : "",
                    static_cast<long long>(m.preset.batchSize), m.preset.epochs);
    }
    return kOk;
}

}  // namespace alx::cli
