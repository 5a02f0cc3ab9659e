#pragma once
// Small helpers shared by the run store's readers and writers (private to core/src/storage).
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

#include "alx/data/idx_reader.h"
#include "alx/util/errors.h"

namespace alx::storage_detail {

inline std::string pathIn(const std::string& dir, const std::string& name) {
    return (std::filesystem::path(dir) / name).string();
}

// Every refusal of a damaged file: an InputError "path: what".
[[noreturn]] inline void refuse(const std::string& path, const std::string& what) {
    throw InputError(fileError(path, what));
}

inline nlohmann::json readJsonFile(const std::string& path) {
    const auto bytes = readWholeFile(path);
    try {
        return nlohmann::json::parse(bytes.begin(), bytes.end());
    } catch (const nlohmann::json::exception& e) {
        refuse(path, std::string("damaged JSON: ") + e.what());
    }
}

}  // namespace alx::storage_detail
