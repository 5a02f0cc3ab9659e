#include "settings_json.h"

#include "alx/active_learning/semi_supervised_settings.h"
#include "alx/util/errors.h"
#include "file_helpers.h"

namespace alx::storage_detail {
namespace {

nlohmann::json orNull(const std::optional<double>& v) { return v ? nlohmann::json(*v) : nlohmann::json(nullptr); }

void checkRanges(const ActiveLearningSettings& s, const std::string& path) {
    const ActiveLearningConfig& c = s.loop;
    if (c.initial < 1 || c.acquire < 1 || c.budget < c.initial || s.repeats < 1 || c.poolSubset < 0 || c.mcSamples < 1 ||
        c.maxStepsPerRound < 1 || c.epochsPerRound < 1 || c.batchSize < 1 || s.data.trainImages < 0 ||
        !(c.stopAtKappa >= 0 && c.stopAtKappa <= 1) ||
        s.data.testImages < 0) {
        refuse(path, "a setting is out of range");
    }
}

// What the semi-supervised rounds of this build do, beyond the switch. The
// loop always runs with these defaults, so a run begun by a build with other
// ones differs here and is refused on resume rather than mixing two methods
// in one curve.
nlohmann::json semiSupervisedMethodJson(const SemiSupervisedSettings& s) {
    return {{"pixel_neighbours", s.pixelNeighbours},
            {"pixel_shift", s.pixelShift},
            {"graph_neighbours", s.graphNeighbours},
            {"graph_dimensions", s.graphDimensions},
            {"passes", s.passes},
            {"steps", s.steps},
            {"last_pass_steps", s.lastPassSteps},
            {"max_epochs", s.maxEpochs},
            {"batch_size", s.batchSize},
            {"learning_rate", s.learningRate},
            {"spreading_alpha", s.spreading.alpha},
            {"spreading_steps", s.spreading.iterations},
            {"spreading_power", s.spreading.power}};
}

}  // namespace

nlohmann::json settingsJson(const ActiveLearningSettings& s) {
    const ActiveLearningConfig& c = s.loop;
    nlohmann::json j = {{"model", c.model},
                        {"dataset", s.data.spec.name},
                        {"initial", c.initial},
                        {"acquire", c.acquire},
                        {"budget", c.budget},
                        {"pool_subset", c.poolSubset},
                        {"mc_samples", c.mcSamples},
                        {"repeats", s.repeats},
                        {"seed", s.seed},
                        {"max_steps_per_round", c.maxStepsPerRound},
                        {"epochs_per_round", c.epochsPerRound},
                        {"batch_size", c.batchSize}};
    // Absent when not used, so that the settings of every earlier run still match.
    if (s.personLabels) j["labeller"] = "person";
    if (c.coldStart != ColdStart::Balanced) j["cold_start"] = coldStartName(c.coldStart);
    if (c.reinitialise) j["reinit"] = true;
    if (c.stopAtKappa > 0) j["stop_at_kappa"] = c.stopAtKappa;
    if (c.semiSupervised) {
        j["semi_supervised"] = true;
        j["semi_supervised_method"] = semiSupervisedMethodJson(SemiSupervisedSettings{});
    }
    if (c.warmSteps > 0) j["warm_steps"] = c.warmSteps;
    if (!c.modelSha256.empty()) j["model_sha256"] = c.modelSha256;
    if (s.data.trainImages > 0) j["train_images"] = s.data.trainImages;
    if (s.data.testImages > 0) j["test_images"] = s.data.testImages;
    if (s.onlyRepeat >= 0) j["only_repeat"] = s.onlyRepeat;
    if (s.data.spec.format == DatasetFormat::ImageFolder) {
        const ImageFolderOptions& f = s.data.folder;
        j["data_dir"] = s.data.dataDir;
        j["image_size"] = {f.height, f.width};
        j["channels"] = f.channels;
        j["test_fraction"] = f.testFraction;
    }
    return j;
}

nlohmann::json settingsToMatch(nlohmann::json settings) {
    if (settings.is_object() && settings.value("labeller", std::string()) == "person") {
        settings.erase("semi_supervised_method");
    }
    return settings;
}

namespace {

// An image folder's place, size, channels and split, as settingsJson writes them.
void readFolderOptions(const nlohmann::json& j, const std::string& path, DatasetRequest& data) {
    data.dataDir = j.value("data_dir", std::string());
    const auto size = j.value("image_size", std::vector<int64_t>{0, 0});
    if (size.size() != 2 || size[0] < 0 || size[1] < 0) refuse(path, "image_size is not [height, width]");
    data.folder.height = size[0];
    data.folder.width = size[1];
    data.folder.channels = optionalIntegerField(j, "channels", path, 0, 0, 3);
    data.folder.testFraction = j.value("test_fraction", 0.2);
    if (!(data.folder.testFraction > 0 && data.folder.testFraction < 1)) refuse(path, "test_fraction is not in (0, 1)");
}

}  // namespace

ActiveLearningSettings settingsFromJson(const nlohmann::json& j, const std::string& path) {
    ActiveLearningSettings s;
    ActiveLearningConfig& c = s.loop;
    try {
        if (!j.is_object()) refuse(path, "not active-learning settings (not a JSON object)");
        c.model = j.at("model").get<std::string>();
        try {
            s.data.spec = datasetSpec(j.at("dataset").get<std::string>());
        } catch (const InputError& e) {
            refuse(path, e.what());
        }
        c.initial = integerField(j, "initial", path, 1, kInt64Max);
        c.acquire = integerField(j, "acquire", path, 1, kInt64Max);
        c.budget = integerField(j, "budget", path, 1, kInt64Max);
        c.poolSubset = integerField(j, "pool_subset", path, 0, kInt64Max);
        c.mcSamples = int(integerField(j, "mc_samples", path, 1, kInt32Max));
        s.repeats = int(integerField(j, "repeats", path, 1, kInt32Max));
        s.seed = unsignedField(j, "seed", path);
        c.maxStepsPerRound = integerField(j, "max_steps_per_round", path, 1, kInt64Max);
        c.epochsPerRound = int(integerField(j, "epochs_per_round", path, 1, kInt32Max));
        c.batchSize = integerField(j, "batch_size", path, 1, kInt64Max);
        s.personLabels = j.value("labeller", std::string()) == "person";
        c.reinitialise = j.value("reinit", false);
        c.modelSha256 = j.value("model_sha256", std::string());
        c.stopAtKappa = j.value("stop_at_kappa", 0.0);
        c.semiSupervised = j.value("semi_supervised", false);
        c.warmSteps = optionalIntegerField(j, "warm_steps", path, 0, 0, kInt64Max);  // absent: from scratch, as before
        try {
            c.coldStart = parseColdStart(j.value("cold_start", std::string("balanced")));
        } catch (const InputError& e) {
            refuse(path, e.what());
        }
        s.data.trainImages = optionalIntegerField(j, "train_images", path, 0, 0, kInt64Max);
        s.data.testImages = optionalIntegerField(j, "test_images", path, 0, 0, kInt64Max);
        s.onlyRepeat = int(optionalIntegerField(j, "only_repeat", path, -1, 0, s.repeats - 1));
        if (s.data.spec.format == DatasetFormat::ImageFolder) readFolderOptions(j, path, s.data);
    } catch (const nlohmann::json::exception& e) {
        refuse(path, std::string("missing or wrong field: ") + e.what());
    }
    checkRanges(s, path);
    return s;
}

nlohmann::json strategySummaryJson(const StrategySummary& s) {
    nlohmann::json entry;
    entry["labels_to_90"] = orNull(s.labelsTo90);
    entry["labels_to_95"] = orNull(s.labelsTo95);
    entry["final_accuracy"] = orNull(s.finalAccuracy);
    // The spread over the repeats: [least, most]; most is null when a repeat never got there.
    entry["labels_to_90_spread"] = {orNull(s.labelsTo90Spread.least), orNull(s.labelsTo90Spread.most)};
    entry["labels_to_95_spread"] = {orNull(s.labelsTo95Spread.least), orNull(s.labelsTo95Spread.most)};
    entry["final_accuracy_spread"] = {orNull(s.finalAccuracySpread.least), orNull(s.finalAccuracySpread.most)};
    entry["labels_at_stop"] = orNull(s.labelsAtStop);
    entry["labels_at_stop_spread"] = {orNull(s.labelsAtStopSpread.least), orNull(s.labelsAtStopSpread.most)};
    entry["accuracy_at_stop"] = orNull(s.accuracyAtStop);
    entry["repeats_with_rounds"] = s.repeatsWithRounds;
    entry["description"] = strategyDescription(s.strategy);
    return entry;
}

}  // namespace alx::storage_detail
