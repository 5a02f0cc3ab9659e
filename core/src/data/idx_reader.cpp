#include "alx/data/idx_reader.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <limits>

#include <zlib.h>

#include "alx/util/errors.h"
#include "alx/util/files.h"

namespace alx {
namespace {

constexpr uint8_t kUnsignedByteType = 0x08;
// The largest single dimension we accept: far above any image dataset
// (MNIST has 60,000 items), low enough that products cannot overflow.
constexpr int64_t kMaxDimension = int64_t(1) << 28;

uint32_t readBigEndian32(const uint8_t* p) {
    return (uint32_t(p[0]) << 24) | (uint32_t(p[1]) << 16) | (uint32_t(p[2]) << 8) | uint32_t(p[3]);
}

}  // namespace

bool isGzip(const std::vector<uint8_t>& bytes) { return bytes.size() >= 2 && bytes[0] == 0x1f && bytes[1] == 0x8b; }

std::vector<uint8_t> gunzipIfCompressed(const std::vector<uint8_t>& bytes, const std::string& name,
                                        size_t maxBytes, const std::function<bool()>& shouldStop) {
    if (!isGzip(bytes)) return bytes;

    z_stream stream{};
    // 16 + MAX_WBITS: expect a gzip header and trailer (checks the CRC).
    if (inflateInit2(&stream, 16 + MAX_WBITS) != Z_OK) throw RunError(fileError(name, "zlib failed to start"));
    std::vector<uint8_t> out;
    out.reserve(std::min(maxBytes, bytes.size() * 4));
    stream.next_in = const_cast<Bytef*>(bytes.data());
    stream.avail_in = static_cast<uInt>(bytes.size());
    if (bytes.size() > std::numeric_limits<uInt>::max()) {
        inflateEnd(&stream);
        throw InputError(fileError(name, "compressed file too large"));
    }
    uint8_t buffer[1 << 16];
    int status = Z_OK;
    while (status != Z_STREAM_END) {
        if (shouldStop && shouldStop()) {
            inflateEnd(&stream);
            throw Cancelled();
        }
        stream.next_out = buffer;
        stream.avail_out = sizeof buffer;
        status = inflate(&stream, Z_NO_FLUSH);
        if (status != Z_OK && status != Z_STREAM_END) {
            std::string why = stream.msg ? stream.msg : "invalid data";
            inflateEnd(&stream);
            if (status == Z_BUF_ERROR) why = "truncated (the gzip stream ends early)";
            throw InputError(fileError(name, "corrupt gzip data: " + why));
        }
        const size_t produced = sizeof buffer - stream.avail_out;
        if (out.size() + produced > maxBytes) {
            inflateEnd(&stream);
            throw InputError(fileError(name, "decompresses to more than the allowed size"));
        }
        out.insert(out.end(), buffer, buffer + produced);
        if (status == Z_OK && stream.avail_in == 0 && produced == 0) {
            inflateEnd(&stream);
            throw InputError(fileError(name, "corrupt gzip data: truncated (the gzip stream ends early)"));
        }
    }
    inflateEnd(&stream);
    return out;
}

IdxArray parseIdx(const std::vector<uint8_t>& bytes, int expectedRank, const std::string& name) {
    if (bytes.size() < 4) throw InputError(fileError(name, "too short to be an IDX file (" + std::to_string(bytes.size()) + " bytes)"));
    if (bytes[0] != 0 || bytes[1] != 0) {
        throw InputError(fileError(name, "bad magic number: not an IDX file"));
    }
    if (bytes[2] != kUnsignedByteType) {
        throw InputError(fileError(name, "unsupported IDX element type 0x" + [&] {
            char hex[3];
            std::snprintf(hex, sizeof hex, "%02x", bytes[2]);
            return std::string(hex);
        }() + " (expected 0x08, unsigned bytes)"));
    }
    const int rank = bytes[3];
    if (rank != expectedRank) {
        throw InputError(fileError(name, "has " + std::to_string(rank) + " dimension(s), expected " +
                                             std::to_string(expectedRank) +
                                             (expectedRank == 1 ? " (a label file)" : " (an image file)")));
    }
    const size_t headerSize = 4 + 4 * size_t(rank);
    if (bytes.size() < headerSize) throw InputError(fileError(name, "truncated IDX header"));

    IdxArray array;
    int64_t payload = 1;
    for (int i = 0; i < rank; ++i) {
        const int64_t dim = readBigEndian32(&bytes[4 + 4 * size_t(i)]);
        if (dim == 0 || dim > kMaxDimension) {
            throw InputError(fileError(name, "dimension " + std::to_string(i) + " is " + std::to_string(dim)));
        }
        payload *= dim;
        if (payload > (int64_t(1) << 34)) throw InputError(fileError(name, "dimensions describe an impossibly large array"));
        array.dims.push_back(dim);
    }
    const int64_t actual = int64_t(bytes.size() - headerSize);
    if (actual < payload) {
        throw InputError(fileError(name, "truncated: header promises " + std::to_string(payload) +
                                             " data bytes, file has " + std::to_string(actual)));
    }
    if (actual > payload) {
        throw InputError(fileError(name, "has " + std::to_string(actual - payload) +
                                             " bytes after the data the header describes"));
    }
    array.data.assign(bytes.begin() + std::ptrdiff_t(headerSize), bytes.end());
    return array;
}

IdxArray readIdxFile(const std::string& path, int expectedRank) {
    return parseIdx(gunzipIfCompressed(readWholeFile(path), path), expectedRank, path);
}

}  // namespace alx
