#include "barnes_hut.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace alx {
namespace {

// Deeper cells than this are narrower than a float's resolution of any map
// t-SNE makes; points that still share one are counted as one place.
constexpr int kMaxDepth = 48;

}  // namespace

void QuadTree::build(const double* xy, int64_t n) {
    xy_ = xy;
    nodes_.clear();
    nodes_.reserve(size_t(4 * n + 16));
    double minX = std::numeric_limits<double>::infinity(), minY = minX, maxX = -minX, maxY = -minX;
    for (int64_t i = 0; i < n; ++i) {
        minX = std::min(minX, xy[2 * i]);
        maxX = std::max(maxX, xy[2 * i]);
        minY = std::min(minY, xy[2 * i + 1]);
        maxY = std::max(maxY, xy[2 * i + 1]);
    }
    Node root;
    const double width = std::max({maxX - minX, maxY - minY, 1e-12}) * (1 + 1e-6);
    root.x0 = minX;
    root.y0 = minY;
    root.width = width;
    nodes_.push_back(root);
    // Z-order: interleave the bits of 16-bit grid coordinates.
    auto spread = [](uint32_t v) {
        uint32_t x = v & 0xffff;
        x = (x | (x << 8)) & 0x00ff00ff;
        x = (x | (x << 4)) & 0x0f0f0f0f;
        x = (x | (x << 2)) & 0x33333333;
        x = (x | (x << 1)) & 0x55555555;
        return x;
    };
    std::vector<std::pair<uint32_t, int64_t>> keys(static_cast<size_t>(n));
    for (int64_t i = 0; i < n; ++i) {
        const auto gx = uint32_t((xy[2 * i] - minX) / width * 65535.0);
        const auto gy = uint32_t((xy[2 * i + 1] - minY) / width * 65535.0);
        keys[size_t(i)] = {spread(gx) | (spread(gy) << 1), i};
    }
    std::sort(keys.begin(), keys.end());
    order_.resize(size_t(n));
    for (int64_t i = 0; i < n; ++i) order_[size_t(i)] = keys[size_t(i)].second;
    for (int64_t i : order_) insert(i);
}

int64_t QuadTree::childFor(const Node& node, double x, double y) const {
    const double half = node.width / 2;
    return node.firstChild + (x >= node.x0 + half ? 1 : 0) + (y >= node.y0 + half ? 2 : 0);
}

void QuadTree::insert(int64_t point) {
    const double x = xy_[2 * point], y = xy_[2 * point + 1];
    int64_t at = 0;
    for (int depth = 0;; ++depth) {
        {
            Node& node = nodes_[size_t(at)];
            node.cx = (node.cx * double(node.count) + x) / double(node.count + 1);
            node.cy = (node.cy * double(node.count) + y) / double(node.count + 1);
            ++node.count;
            if (node.firstChild < 0) {
                if (node.count == 1) {
                    node.point = int32_t(point);
                    return;
                }
                const double ox = xy_[2 * node.point], oy = xy_[2 * node.point + 1];
                if (depth >= kMaxDepth || (ox == x && oy == y)) return;  // the same place: counted only
            }
        }
        if (nodes_[size_t(at)].firstChild < 0) {
            // Split the leaf: its point moves into the child that covers it.
            const Node parent = nodes_[size_t(at)];
            const double half = parent.width / 2;
            const int64_t first = int64_t(nodes_.size());
            for (int c = 0; c < 4; ++c) {
                Node child;
                child.x0 = parent.x0 + ((c & 1) ? half : 0);
                child.y0 = parent.y0 + ((c & 2) ? half : 0);
                child.width = half;
                nodes_.push_back(child);
            }
            nodes_[size_t(at)].firstChild = int32_t(first);
            const int64_t old = parent.point;
            nodes_[size_t(at)].point = -1;
            Node& moved = nodes_[size_t(childFor(nodes_[size_t(at)], xy_[2 * old], xy_[2 * old + 1]))];
            moved.cx = xy_[2 * old];
            moved.cy = xy_[2 * old + 1];
            moved.count = parent.count - 1;  // the old point, and any identical to it
            moved.point = int32_t(old);
        }
        at = childFor(nodes_[size_t(at)], x, y);
    }
}

void QuadTree::repulsion(double x, double y, double theta, double* z, double* fx, double* fy) const {
    const double theta2 = theta * theta;
    int64_t stack[4 * kMaxDepth + 8];
    int top = 0;
    stack[top++] = 0;
    double sumW = 0, sumX = 0, sumY = 0;
    while (top > 0) {
        const Node& node = nodes_[size_t(stack[--top])];
        if (node.count == 0) continue;
        const double dx = x - node.cx, dy = y - node.cy;
        const double d2 = dx * dx + dy * dy;
        const bool leaf = node.firstChild < 0;
        if (leaf || node.width * node.width < theta2 * d2) {
            if (d2 == 0) {
                // The point itself, and any others at the very same place (w = 1, no force).
                if (leaf) sumW += double(node.count - 1);
                continue;
            }
            const double w = 1.0 / (1.0 + d2);
            const double count = double(node.count);
            sumW += count * w;
            sumX += count * w * w * dx;
            sumY += count * w * w * dy;
        } else {
            for (int c = 0; c < 4; ++c) stack[top++] = node.firstChild + c;
        }
    }
    *z += sumW;
    *fx += sumX;
    *fy += sumY;
}

}  // namespace alx
