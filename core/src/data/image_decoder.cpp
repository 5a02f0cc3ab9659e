#include "alx/data/image_decoder.h"

#include <csetjmp>
#include <cstdio>  // jpeglib.h uses FILE without including it
#include <cstring>

#include <jpeglib.h>
#include <jerror.h>  // the warning codes, after jpeglib.h which it needs
#include <png.h>

#include "alx/util/errors.h"
#include "alx/util/files.h"

// libpng and libjpeg report errors by longjmp. Every setjmp below sits in a
// small function that holds no C++ object with a destructor, so a longjmp
// skips no destructor: it records its message in a plain char buffer and
// returns false, and the caller throws once the C frames are gone. The
// libraries' own state is freed by a guard in the caller's frame, which no
// longjmp crosses. Pixel buffers are allocated by the caller between two
// such steps, never while a jump could land.

namespace alx {
namespace {

constexpr size_t kMessageSize = JMSG_LENGTH_MAX;
// A progressive JPEG may hold any number of scans, each a pass over the whole
// image, so a small hostile file could keep the decoder busy almost without
// end. Encoders write a few dozen at most.
constexpr int kMaxJpegScans = 500;

void copyMessage(char* out, const char* text) {
    std::strncpy(out, text ? text : "unknown error", kMessageSize - 1);
    out[kMessageSize - 1] = '\0';
}

[[noreturn]] void refuse(const std::string& path, const std::string& why) { throw InputError(fileError(path, why)); }

void checkSize(uint64_t width, uint64_t height, const DecodeLimits& limits, const std::string& path) {
    if (width == 0 || height == 0) refuse(path, "the image has no pixels (zero width or height)");
    // Both are below 2^32, so the product cannot overflow 64 bits.
    if (width * height > uint64_t(limits.maxPixels)) {
        refuse(path, "the image is " + std::to_string(width) + " x " + std::to_string(height) +
                         " pixels, more than the limit of " + std::to_string(limits.maxPixels));
    }
}

// Composites `stored` channels per pixel (colour samples, then alpha when
// there are 2 or 4) on white, in place, keeping 1 channel when `grey` (the
// first sample stands for all three) and 3 otherwise.
int compositeOnWhite(std::vector<uint8_t>& pixels, size_t count, int stored, bool grey) {
    const bool alpha = stored == 2 || stored == 4;
    const int out = grey ? 1 : 3;
    if (!alpha && out == stored) return out;
    const int colour = alpha ? stored - 1 : stored;
    for (size_t i = 0; i < count; ++i) {
        const uint8_t* in = &pixels[i * size_t(stored)];
        const unsigned a = alpha ? in[colour] : 255u;
        uint8_t mixed[3];
        for (int c = 0; c < out; ++c) mixed[c] = uint8_t((in[c] * a + 255u * (255u - a) + 127u) / 255u);
        std::memcpy(&pixels[i * size_t(out)], mixed, size_t(out));  // never ahead of what is still to read
    }
    pixels.resize(count * size_t(out));
    return out;
}

// ---- PNG ------------------------------------------------------------------

struct PngJob {
    const uint8_t* data = nullptr;
    size_t size = 0, offset = 0;
    png_structp png = nullptr;
    png_infop info = nullptr;
    png_bytepp rows = nullptr;
    uint32_t width = 0, height = 0;
    int channels = 0;  // per pixel in the rows libpng hands back: 1 to 4
    size_t rowBytes = 0;
    bool greyPalette = false;
    char message[kMessageSize] = {};
};

void pngOnError(png_structp png, png_const_charp message) {
    copyMessage(static_cast<PngJob*>(png_get_error_ptr(png))->message, message);
    png_longjmp(png, 1);
}

void pngOnWarning(png_structp, png_const_charp) {}  // benign defects: decode anyway, and keep stderr quiet

void pngReadBytes(png_structp png, png_bytep out, png_size_t length) {
    auto* job = static_cast<PngJob*>(png_get_io_ptr(png));
    if (length > job->size - job->offset) png_error(png, "the file ends early (truncated)");
    std::memcpy(out, job->data + job->offset, length);
    job->offset += length;
}

bool pngReadHeader(PngJob& job) {
    if (setjmp(png_jmpbuf(job.png))) return false;
    png_set_read_fn(job.png, &job, pngReadBytes);
    png_read_info(job.png, job.info);
    job.width = png_get_image_width(job.png, job.info);
    job.height = png_get_image_height(job.png, job.info);
    return true;
}

// Asks libpng for 8-bit grey, grey + alpha, RGB or RGBA rows.
bool pngChooseTransforms(PngJob& job) {
    if (setjmp(png_jmpbuf(job.png))) return false;
    png_set_expand(job.png);  // palette to RGB, 1/2/4-bit grey to 8, tRNS to alpha
    png_set_scale_16(job.png);
    png_set_interlace_handling(job.png);
    if (png_get_color_type(job.png, job.info) == PNG_COLOR_TYPE_PALETTE) {
        png_colorp palette = nullptr;
        int entries = 0;
        png_get_PLTE(job.png, job.info, &palette, &entries);
        job.greyPalette = entries > 0;
        for (int i = 0; i < entries; ++i) {
            if (palette[i].red != palette[i].green || palette[i].red != palette[i].blue) job.greyPalette = false;
        }
    }
    png_read_update_info(job.png, job.info);
    job.channels = png_get_channels(job.png, job.info);
    job.rowBytes = png_get_rowbytes(job.png, job.info);
    return true;
}

bool pngReadRows(PngJob& job) {
    if (setjmp(png_jmpbuf(job.png))) return false;
    png_read_image(job.png, job.rows);
    png_read_end(job.png, nullptr);  // a file cut after its last row is damaged too
    return true;
}

// Frees libpng's state however the decoding ended.
struct PngGuard {
    PngJob& job;
    ~PngGuard() { png_destroy_read_struct(&job.png, job.info ? &job.info : nullptr, nullptr); }
};

DecodedImage decodePng(const uint8_t* bytes, size_t size, const std::string& path, const DecodeLimits& limits) {
    PngJob job;
    job.data = bytes;
    job.size = size;
    job.png = png_create_read_struct(PNG_LIBPNG_VER_STRING, &job, pngOnError, pngOnWarning);
    if (!job.png) throw RunError(fileError(path, "libpng failed to start"));
    PngGuard guard{job};
    job.info = png_create_info_struct(job.png);
    if (!job.info) throw RunError(fileError(path, "libpng failed to start"));

    const auto damaged = [&] { return "damaged PNG image: " + std::string(job.message); };
    if (!pngReadHeader(job)) refuse(path, damaged());
    checkSize(job.width, job.height, limits, path);
    if (!pngChooseTransforms(job)) refuse(path, damaged());
    if (job.channels < 1 || job.channels > 4 || job.rowBytes != size_t(job.width) * size_t(job.channels)) {
        refuse(path, "unsupported PNG pixel format");
    }

    DecodedImage image;
    image.width = int(job.width);
    image.height = int(job.height);
    image.pixels.resize(job.rowBytes * job.height);
    std::vector<png_bytep> rows(job.height);
    for (size_t y = 0; y < rows.size(); ++y) rows[y] = image.pixels.data() + y * job.rowBytes;
    job.rows = rows.data();
    if (!pngReadRows(job)) refuse(path, damaged());

    const bool grey = job.channels <= 2 || job.greyPalette;
    image.channels = compositeOnWhite(image.pixels, size_t(job.width) * job.height, job.channels, grey);
    return image;
}

// ---- JPEG -----------------------------------------------------------------

struct JpegJob {
    jpeg_decompress_struct info;
    jpeg_error_mgr errors;
    jpeg_progress_mgr progress;
    std::jmp_buf jump;
    char message[kMessageSize];
    JSAMPROW* rows;
};

JpegJob& jobOf(j_common_ptr info) { return *static_cast<JpegJob*>(info->client_data); }

[[noreturn]] void jpegFail(j_common_ptr info) {
    JpegJob& job = jobOf(info);
    (*info->err->format_message)(info, job.message);
    std::longjmp(job.jump, 1);
}

// libjpeg only warns about data it cannot decode and fills the rest of the
// image with grey; for a dataset such an image is damaged, so those
// warnings end the decoding. Harmless ones (stray bytes between markers, an
// unknown JFIF version) are let through, as every viewer does.
void jpegOnMessage(j_common_ptr info, int level) {
    if (level >= 0) return;  // trace output
    switch (info->err->msg_code) {
        case JWRN_JPEG_EOF:
        case JWRN_HIT_MARKER:
        case JWRN_MUST_RESYNC:
        case JWRN_HUFF_BAD_CODE:
        case JWRN_ARITH_BAD_CODE:
            jpegFail(info);
        default:
            return;
    }
}

void jpegOnOutput(j_common_ptr) {}  // never stderr

void jpegOnProgress(j_common_ptr info) {
    auto* decompress = reinterpret_cast<j_decompress_ptr>(info);
    if (decompress->input_scan_number > kMaxJpegScans) {
        JpegJob& job = jobOf(info);
        copyMessage(job.message, "more than 500 progressive scans");
        std::longjmp(job.jump, 1);
    }
}

bool jpegReadHeader(JpegJob& job, const uint8_t* bytes, size_t size) {
    if (setjmp(job.jump)) return false;
    jpeg_create_decompress(&job.info);  // may fail for want of memory, so within the jump too
    job.progress.progress_monitor = jpegOnProgress;
    job.info.progress = &job.progress;
    jpeg_mem_src(&job.info, bytes, static_cast<unsigned long>(size));
    jpeg_read_header(&job.info, TRUE);
    return true;
}

bool jpegStart(JpegJob& job) {
    if (setjmp(job.jump)) return false;
    jpeg_start_decompress(&job.info);
    return true;
}

bool jpegReadRows(JpegJob& job) {
    if (setjmp(job.jump)) return false;
    while (job.info.output_scanline < job.info.output_height) {
        jpeg_read_scanlines(&job.info, job.rows + job.info.output_scanline,
                            job.info.output_height - job.info.output_scanline);
    }
    jpeg_finish_decompress(&job.info);  // a file cut after its last row is damaged too
    return true;
}

// Frees libjpeg's state however the decoding ended (a zeroed struct too).
struct JpegGuard {
    JpegJob& job;
    ~JpegGuard() { jpeg_destroy_decompress(&job.info); }
};

DecodedImage decodeJpeg(const uint8_t* bytes, size_t size, const std::string& path, const DecodeLimits& limits) {
    JpegJob job;
    std::memset(&job, 0, sizeof job);  // a plain C struct: destroying it is safe from the start
    job.info.err = jpeg_std_error(&job.errors);
    job.errors.error_exit = jpegFail;
    job.errors.emit_message = jpegOnMessage;
    job.errors.output_message = jpegOnOutput;
    job.info.client_data = &job;  // jpeg_create_decompress keeps it and `err`, and zeroes the rest
    JpegGuard guard{job};

    const auto damaged = [&] { return "damaged or unsupported JPEG image: " + std::string(job.message); };
    if (!jpegReadHeader(job, bytes, size)) refuse(path, damaged());
    checkSize(job.info.image_width, job.info.image_height, limits, path);
    const J_COLOR_SPACE space = job.info.jpeg_color_space;
    if (space == JCS_CMYK || space == JCS_YCCK) refuse(path, "CMYK JPEG images are not supported");
    job.info.out_color_space = space == JCS_GRAYSCALE ? JCS_GRAYSCALE : JCS_RGB;
    if (!jpegStart(job)) refuse(path, damaged());

    DecodedImage image;
    image.width = int(job.info.output_width);
    image.height = int(job.info.output_height);
    image.channels = job.info.output_components;
    if (image.channels != 1 && image.channels != 3) refuse(path, "unsupported JPEG pixel format");
    const size_t rowBytes = size_t(image.width) * size_t(image.channels);
    image.pixels.resize(rowBytes * size_t(image.height));
    std::vector<JSAMPROW> rows(size_t(image.height));
    for (size_t y = 0; y < rows.size(); ++y) rows[y] = image.pixels.data() + y * rowBytes;
    job.rows = rows.data();
    if (!jpegReadRows(job)) refuse(path, damaged());
    return image;
}

bool startsWith(const uint8_t* bytes, size_t size, const uint8_t* magic, size_t length) {
    return size >= length && std::memcmp(bytes, magic, length) == 0;
}

}  // namespace

DecodedImage decodeImage(const uint8_t* bytes, size_t size, const std::string& path, const DecodeLimits& limits) {
    static const uint8_t kPng[] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    static const uint8_t kJpeg[] = {0xff, 0xd8, 0xff};
    if (size == 0) refuse(path, "empty file");
    if (startsWith(bytes, size, kPng, sizeof kPng)) return decodePng(bytes, size, path, limits);
    if (startsWith(bytes, size, kJpeg, sizeof kJpeg)) return decodeJpeg(bytes, size, path, limits);
    refuse(path, "not a PNG or JPEG image");
}

DecodedImage readImageFile(const std::string& path, const DecodeLimits& limits) {
    const std::vector<uint8_t> bytes = readWholeFile(path);
    return decodeImage(bytes.data(), bytes.size(), path, limits);
}

}  // namespace alx
