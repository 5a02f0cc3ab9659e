#pragma once
// Decoding one PNG or JPEG file into 8-bit pixels, for datasets kept as
// folders of images (image_folder.h indexes them; this reads one). Plain
// C++ over Debian's libpng and libjpeg-turbo: no LibTorch, no Qt.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace alx {

// One decoded image: 8-bit samples, interleaved row by row (height x width x
// channels), channels 1 (grey) or 3 (RGB).
struct DecodedImage {
    int width = 0, height = 0, channels = 0;
    std::vector<uint8_t> pixels;
};

struct DecodeLimits {
    // The most pixels (width x height) an image may have. It is checked from
    // the header, before any pixel buffer is allocated, so that a damaged or
    // hostile header cannot make us allocate gigabytes.
    int64_t maxPixels = int64_t(1) << 26;  // 67 MP
};

// Decodes a PNG or a JPEG, told apart by their first bytes, never by the
// file's extension (a PNG named x.jpg decodes).
//
// PNG: grey, grey + alpha, RGB, RGBA and palette images (with or without a
// tRNS chunk), at 1, 2, 4, 8 or 16 bits. Alpha, and tRNS transparency, is
// composited on white (a fully transparent pixel becomes 255). 16-bit
// samples are scaled to 8 bits rounding to nearest (v / 257: 0xABCD gives
// 0xAB, 0x12FF gives 0x13), not truncated. Images without colour (grey,
// grey + alpha) give 1 channel, and so does a palette image whose every
// entry is grey; the others give 3. Gamma and colour profiles are ignored:
// samples are returned as stored.
// JPEG: greyscale gives 1 channel; YCbCr and RGB give 3 (RGB). CMYK and
// YCCK images are refused. Corrupt entropy-coded data and a file that ends
// early are refused, where libjpeg itself would only warn and fill in grey.
//
// Throws InputError(fileError(path, reason)) for an empty input, a format
// that is neither ("not a PNG or JPEG image"), truncated or damaged data
// ("damaged PNG image: ...", "damaged or unsupported JPEG image: ..." with
// the library's reason; a 12-bit JPEG is unsupported), zero width or
// height, and width x height above limits.maxPixels. Never prints, and
// never exits, whatever the bytes.
DecodedImage decodeImage(const uint8_t* bytes, size_t size, const std::string& path,
                         const DecodeLimits& limits = {});

// Reads the whole file (readWholeFile, util/files.h) and decodes it.
DecodedImage readImageFile(const std::string& path, const DecodeLimits& limits = {});

}  // namespace alx
