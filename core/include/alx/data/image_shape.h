#pragma once
// The shape of a dataset's images, channels x height x width, taken from the
// data (an IDX file's header, an image folder's images or --image-size) and
// passed to everything that builds a model or draws an image. No LibTorch.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace alx {

struct ImageShape {
    constexpr ImageShape() = default;
    constexpr ImageShape(int64_t channels, int64_t height, int64_t width)
        : channels(channels), height(height), width(width) {}

    int64_t channels = 0;  // 1 (grey) or 3 (RGB)
    int64_t height = 0;
    int64_t width = 0;

    int64_t pixels() const { return channels * height * width; }  // bytes per image as stored (uint8)
    bool empty() const { return pixels() == 0; }
    bool operator==(const ImageShape& o) const {
        return channels == o.channels && height == o.height && width == o.width;
    }
    bool operator!=(const ImageShape& o) const { return !(*this == o); }
    // "28x28 grey", "64x48 RGB": as a person reads it.
    std::string text() const {
        return std::to_string(height) + "x" + std::to_string(width) + (channels == 1 ? " grey" : " RGB");
    }
};

// Several images' pixels as stored (uint8, each C x H x W, its channel
// planes one after the other), for a front-end to draw.
struct ImageStack {
    ImageShape shape;
    std::vector<uint8_t> pixels;

    size_t count() const { return shape.empty() ? 0 : pixels.size() / size_t(shape.pixels()); }
    const uint8_t* image(size_t i) const { return pixels.data() + i * size_t(shape.pixels()); }
};

// "64x48" (or "64X48") as height 64 and width 48: digits only, each side 1
// to 99,999. False, leaving them as they were, for anything else.
inline bool parseImageSize(const std::string& text, int64_t& height, int64_t& width) {
    const auto side = [](const std::string& digits, int64_t& value) {
        if (digits.empty() || digits.size() > 5 || digits.find_first_not_of("0123456789") != std::string::npos) return false;
        value = std::stoll(digits);
        return value > 0;
    };
    const auto x = text.find_first_of("xX");
    int64_t h = 0, w = 0;
    if (x == std::string::npos || !side(text.substr(0, x), h) || !side(text.substr(x + 1), w)) return false;
    height = h;
    width = w;
    return true;
}

// Runs and weight files written before the shape was recorded all held
// MNIST-format images: this is what their missing record means.
inline constexpr ImageShape kUnrecordedImageShape{1, 28, 28};

}  // namespace alx
