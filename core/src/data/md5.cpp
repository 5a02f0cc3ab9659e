#include "alx/data/md5.h"

#include <openssl/evp.h>

#include <algorithm>
#include <memory>

#include "alx/util/errors.h"

namespace alx {

std::string md5Hex(const uint8_t* data, size_t size, const std::function<bool()>& shouldStop) {
    std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
    if (!ctx || EVP_DigestInit_ex(ctx.get(), EVP_md5(), nullptr) != 1) throw RunError("MD5 computation failed (OpenSSL)");
    constexpr size_t kBlock = size_t(4) << 20;
    for (size_t done = 0; done < size; done += kBlock) {
        if (shouldStop && shouldStop()) throw Cancelled();
        if (EVP_DigestUpdate(ctx.get(), data + done, std::min(kBlock, size - done)) != 1) {
            throw RunError("MD5 computation failed (OpenSSL)");
        }
    }
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    if (EVP_DigestFinal_ex(ctx.get(), digest, &length) != 1) throw RunError("MD5 computation failed (OpenSSL)");
    static const char* hex = "0123456789abcdef";
    std::string out;
    for (unsigned int i = 0; i < length; ++i) {
        out += hex[digest[i] >> 4];
        out += hex[digest[i] & 15];
    }
    return out;
}

}  // namespace alx
