#include "alx/data/downloader.h"

#include "alx/build_options.h"
#if ALX_WITH_DOWNLOAD
#include <curl/curl.h>
#endif
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <memory>

#include "alx/util/files.h"
#include "alx/util/errors.h"
#include "alx/data/idx_reader.h"
#include "alx/util/digest.h"

namespace fs = std::filesystem;

namespace alx {
#if ALX_WITH_DOWNLOAD
namespace {

struct TransferState {
    FILE* out = nullptr;
    DownloadProgress progress;
    const DownloadOptions* options = nullptr;
    bool cancelled = false;
};

size_t writeToFile(char* data, size_t size, size_t count, void* user) {
    auto* state = static_cast<TransferState*>(user);
    return std::fwrite(data, size, count, state->out) * size;
}

int onTransferProgress(void* user, curl_off_t total, curl_off_t received, curl_off_t, curl_off_t) {
    auto* state = static_cast<TransferState*>(user);
    if (state->options->shouldStop && state->options->shouldStop()) {
        state->cancelled = true;
        return 1;  // makes curl abort the transfer
    }
    state->progress.received = received;
    state->progress.total = total;
    if (state->options->onProgress) state->options->onProgress(state->progress);
    return 0;
}

// curl_global_init is not thread-safe; do it once, before any transfer.
void initCurlOnce() {
    static const bool done = [] { return curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK; }();
    if (!done) throw RunError("libcurl failed to initialise");
}

// Fetches url into path; returns an empty string on success, else why not.
std::string fetch(const std::string& url, const std::string& path, TransferState& state) {
    std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> curl(curl_easy_init(), curl_easy_cleanup);
    if (!curl) return "libcurl could not start a transfer";
    state.out = std::fopen(path.c_str(), "wb");
    if (!state.out) return fileError(path, "cannot write");
    char errorBuffer[CURL_ERROR_SIZE] = {0};
    curl_easy_setopt(curl.get(), CURLOPT_URL, url.c_str());
    curl_easy_setopt(curl.get(), CURLOPT_FOLLOWLOCATION, 1L);
    curl_easy_setopt(curl.get(), CURLOPT_FAILONERROR, 1L);
    curl_easy_setopt(curl.get(), CURLOPT_CONNECTTIMEOUT, state.options->connectTimeoutSeconds);
    // Give up on a stalled connection: under 1 kB/s for 30 s.
    curl_easy_setopt(curl.get(), CURLOPT_LOW_SPEED_LIMIT, 1024L);
    curl_easy_setopt(curl.get(), CURLOPT_LOW_SPEED_TIME, 30L);
    curl_easy_setopt(curl.get(), CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl.get(), CURLOPT_ERRORBUFFER, errorBuffer);
    curl_easy_setopt(curl.get(), CURLOPT_USERAGENT, "alx-dataset-fetch");
    curl_easy_setopt(curl.get(), CURLOPT_WRITEFUNCTION, writeToFile);
    curl_easy_setopt(curl.get(), CURLOPT_WRITEDATA, &state);
    curl_easy_setopt(curl.get(), CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(curl.get(), CURLOPT_XFERINFOFUNCTION, onTransferProgress);
    curl_easy_setopt(curl.get(), CURLOPT_XFERINFODATA, &state);
    const CURLcode code = curl_easy_perform(curl.get());
    const bool closedOk = std::fclose(state.out) == 0;
    state.out = nullptr;
    if (state.cancelled) return "cancelled";
    if (code != CURLE_OK) return errorBuffer[0] ? errorBuffer : curl_easy_strerror(code);
    if (!closedOk) return fileError(path, "write failed");
    return {};
}

}  // namespace

void downloadDataset(const DatasetSpec& spec, const std::string& destDir, const DownloadOptions& options) {
    const std::vector<std::string>& mirrors = options.mirrors.empty() ? spec.mirrors : options.mirrors;
    if (mirrors.empty()) throw InputError(spec.displayName + " has no download mirrors");
    ensureWritableDirectory(destDir);
    initCurlOnce();

    int index = 0;
    for (const DatasetFile& file : spec.files) {
        const int fileIndex = index++;
        if (findDatasetFile(destDir, file)) continue;  // already here and complete (only whole files get a real name)
        const std::string finalPath = (fs::path(destDir) / (file.stem + ".gz")).string();
        const std::string partPath = finalPath + ".part-" + std::to_string(::getpid());
        std::string failures;
        bool done = false;
        for (const std::string& mirror : mirrors) {
            const std::string base = (!mirror.empty() && mirror.back() == '/') ? mirror : mirror + "/";
            TransferState state;
            state.options = &options;
            state.progress = {file.stem + ".gz", fileIndex, int(spec.files.size()), 0, 0};
            std::string error = fetch(base + file.stem + ".gz", partPath, state);
            if (state.cancelled) {
                std::remove(partPath.c_str());
                throw Cancelled();
            }
            if (error.empty()) {
                try {
                    const std::string actual = md5Hex(gunzipIfCompressed(readWholeFile(partPath), partPath));
                    if (actual != file.rawMd5) {
                        error = "checksum mismatch (MD5 " + actual + ", expected " + file.rawMd5 + "); discarded";
                    }
                } catch (const std::exception& e) {
                    error = std::string(e.what()) + "; discarded";
                }
            }
            if (error.empty()) {
                if (std::rename(partPath.c_str(), finalPath.c_str()) != 0) {
                    std::remove(partPath.c_str());
                    throw RunError(fileError(finalPath, "cannot move the download into place"));
                }
                done = true;
                break;
            }
            std::remove(partPath.c_str());
            failures += (failures.empty() ? "" : "; ") + base + file.stem + ".gz: " + error;
        }
        if (!done) throw RunError("could not download " + spec.displayName + " " + file.stem + ".gz: " + failures);
    }
}

#else  // built without libcurl (-DALX_WITH_DOWNLOAD=OFF), e.g. on a server that has only LibTorch

void downloadDataset(const DatasetSpec& spec, const std::string& destDir, const DownloadOptions&) {
    throw RunError("this build of ALX has no download support (configured with -DALX_WITH_DOWNLOAD=OFF); copy " +
                   spec.displayName + "'s four files (.gz or not) into " + destDir + " by hand");
}

#endif

}  // namespace alx
