#pragma once
// PNG and JPEG files written with libpng and libjpeg, for the tests that
// need real image files (the decoder's, and image-folder datasets').
#include <cstdint>
#include <string>
#include <vector>

#include <jpeglib.h>
#include <png.h>

namespace alx::test {

using Bytes = std::vector<uint8_t>;

struct PngSpec {
    int width, height, colourType, bitDepth;
    Bytes rows;  // packed as PNG stores them, 16-bit samples big-endian
    std::vector<png_color> palette = {};
    Bytes alphas = {};  // tRNS: one per palette entry
    bool interlaced = false;
};

Bytes encodePng(const PngSpec& spec);

// Quality 100 and no chroma subsampling, so that colours come back within a few levels.
Bytes encodeJpeg(int width, int height, int components, J_COLOR_SPACE space, const Bytes& pixels);

// An 8-bit grey (1 channel) or RGB (3, interleaved) image written to `path`
// as a PNG, or as a JPEG when the path ends in .jpg; folders made.
void writeImage(const std::string& path, int width, int height, int channels, const Bytes& pixels);

}  // namespace alx::test
