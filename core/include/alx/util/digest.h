#pragma once
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace alx {

// Lower-case hex digests of a buffer (OpenSSL EVP).

// MD5 of a buffer (OpenSSL). Used only to recognise the
// published dataset files, not for security. `shouldStop` is polled between
// blocks of a few MiB (throws Cancelled).
std::string md5Hex(const uint8_t* data, size_t size, const std::function<bool()>& shouldStop = {});
inline std::string md5Hex(const std::vector<uint8_t>& bytes, const std::function<bool()>& shouldStop = {}) {
    return md5Hex(bytes.data(), bytes.size(), shouldStop);
}

// SHA-256: what a run records of a model file it was given (a TorchScript model).
std::string sha256Hex(const uint8_t* data, size_t size);

}  // namespace alx
