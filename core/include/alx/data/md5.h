#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace alx {

// Lower-case hex MD5 of a buffer (OpenSSL). Used only to recognise the
// published dataset files, not for security.
std::string md5Hex(const uint8_t* data, size_t size);
inline std::string md5Hex(const std::vector<uint8_t>& bytes) { return md5Hex(bytes.data(), bytes.size()); }

}  // namespace alx
