#pragma once
// Small helpers shared by the run store's readers and writers (private to core/src/storage).
#include <cstdint>
#include <filesystem>
#include <limits>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "alx/util/files.h"
#include "alx/util/errors.h"

namespace alx::storage_detail {

inline std::string pathIn(const std::string& dir, const std::string& name) {
    return (std::filesystem::path(dir) / name).string();
}

// Every refusal of a damaged file: an InputError "path: what".
[[noreturn]] inline void refuse(const std::string& path, const std::string& what) {
    throw InputError(fileError(path, what));
}

// A CSV line's fields, split at every comma ("a,,b," gives a, "", b, "").
inline std::vector<std::string> splitCsvLine(const std::string& line) {
    std::vector<std::string> fields(1);
    for (char c : line) {
        if (c == ',') {
            fields.emplace_back();
        } else {
            fields.back() += c;
        }
    }
    return fields;
}

inline nlohmann::json readJsonFile(const std::string& path) {
    const auto bytes = readWholeFile(path);
    try {
        return nlohmann::json::parse(bytes.begin(), bytes.end());
    } catch (const nlohmann::json::exception& e) {
        refuse(path, std::string("damaged JSON: ") + e.what());
    }
}

// Integers read from a file. nlohmann's get<int>() converts a JSON float with
// a plain cast, which is undefined for values out of range (the run-file
// fuzzer found 1e300 in summary.json), and it narrows int64 to int silently:
// these accept only a JSON integer within [low, high] and refuse anything
// else, naming the file and the key.
inline int64_t integerValue(const nlohmann::json& v, const std::string& key, const std::string& path, int64_t low,
                            int64_t high) {
    if (!v.is_number_integer()) refuse(path, key + " is not an integer");
    if (v.is_number_unsigned() && v.get<uint64_t>() > uint64_t(std::numeric_limits<int64_t>::max())) {
        refuse(path, key + " is out of range");
    }
    const int64_t value = v.get<int64_t>();
    if (value < low || value > high) {
        refuse(path, key + " is " + std::to_string(value) + ", outside " + std::to_string(low) + ".." +
                         std::to_string(high));
    }
    return value;
}

inline int64_t integerField(const nlohmann::json& j, const std::string& key, const std::string& path, int64_t low,
                            int64_t high) {
    if (!j.contains(key)) refuse(path, "has no " + key);
    return integerValue(j.at(key), key, path, low, high);
}

inline int64_t optionalIntegerField(const nlohmann::json& j, const std::string& key, const std::string& path,
                                    int64_t fallback, int64_t low, int64_t high) {
    return j.contains(key) ? integerValue(j.at(key), key, path, low, high) : fallback;
}

inline uint64_t unsignedField(const nlohmann::json& j, const std::string& key, const std::string& path) {
    if (!j.contains(key)) refuse(path, "has no " + key);
    const auto& v = j.at(key);
    if (!v.is_number_unsigned()) refuse(path, key + " is not a non-negative integer");
    return v.get<uint64_t>();
}

inline std::vector<int64_t> integerList(const nlohmann::json& v, const std::string& key, const std::string& path,
                                        int64_t low, int64_t high) {
    if (!v.is_array()) refuse(path, key + " is not a list");
    std::vector<int64_t> values;
    values.reserve(v.size());
    for (const auto& item : v) values.push_back(integerValue(item, key, path, low, high));
    return values;
}

constexpr int64_t kInt32Max = std::numeric_limits<int32_t>::max();
constexpr int64_t kInt64Max = std::numeric_limits<int64_t>::max();

}  // namespace alx::storage_detail
