#include "alx/util/digest.h"

#include <openssl/evp.h>

#include <algorithm>
#include <memory>

#include "alx/util/errors.h"

namespace alx {

namespace {

std::string hexDigest(const EVP_MD* kind, const char* name, const uint8_t* data, size_t size,
                      const std::function<bool()>& shouldStop) {
    const std::string failed = std::string(name) + " computation failed (OpenSSL)";
    std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
    if (!ctx || EVP_DigestInit_ex(ctx.get(), kind, nullptr) != 1) throw RunError(failed);
    constexpr size_t kBlock = size_t(4) << 20;
    for (size_t done = 0; done < size; done += kBlock) {
        if (shouldStop && shouldStop()) throw Cancelled();
        if (EVP_DigestUpdate(ctx.get(), data + done, std::min(kBlock, size - done)) != 1) {
            throw RunError(failed);
        }
    }
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    if (EVP_DigestFinal_ex(ctx.get(), digest, &length) != 1) throw RunError(failed);
    static const char* hex = "0123456789abcdef";
    std::string out;
    for (unsigned int i = 0; i < length; ++i) {
        out += hex[digest[i] >> 4];
        out += hex[digest[i] & 15];
    }
    return out;
}

}  // namespace

std::string md5Hex(const uint8_t* data, size_t size, const std::function<bool()>& shouldStop) {
    return hexDigest(EVP_md5(), "MD5", data, size, shouldStop);
}

std::string sha256Hex(const uint8_t* data, size_t size) { return hexDigest(EVP_sha256(), "SHA-256", data, size, {}); }

}  // namespace alx
