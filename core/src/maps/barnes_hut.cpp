#include "barnes_hut.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <utility>

#include "kernels/vector_clones.h"

namespace alx {
namespace {

// 32 bits a coordinate: cells deeper than this are narrower than a double's
// resolution of any map t-SNE makes; the points of such a cell stay in one
// leaf, each still counted on its own.
constexpr int kLevels = 32;
// A cell of at most this many points is a leaf: walks list its points one by one.
constexpr int32_t kLeafPoints = 8;

// The bits of v spread to the even bits of the result.
uint64_t spread(uint64_t v) {
    v &= 0xffffffffULL;
    v = (v | (v << 16)) & 0x0000ffff0000ffffULL;
    v = (v | (v << 8)) & 0x00ff00ff00ff00ffULL;
    v = (v | (v << 4)) & 0x0f0f0f0f0f0f0f0fULL;
    v = (v | (v << 2)) & 0x3333333333333333ULL;
    v = (v | (v << 1)) & 0x5555555555555555ULL;
    return v;
}

// Adds to *z, *fx, *fy the sums over the m interactions (x, y, count) of
// count w, count w^2 (px - x) and count w^2 (py - y), w = 1 / (1 + d^2),
// less the point itself: the one entry at distance 0 (w_ii = 1, no force;
// other points at the very same place count, as they should). Eight lanes
// summed apart, then in a fixed order: the compiler makes vectors of them
// without reordering a sum, and the same input gives the same sums
// whatever thread runs it.
ALX_VECTOR_CLONES
void sumInteractions(const double* ex, const double* ey, const double* ec, size_t m, double px, double py, double* z,
                     double* fx, double* fy) {
    constexpr size_t kLanes = 8;
    double sumW[kLanes] = {}, sumX[kLanes] = {}, sumY[kLanes] = {}, self[kLanes] = {};
    auto add = [&](size_t lane, size_t e) {
        const double dx = px - ex[e], dy = py - ey[e];
        const double d2 = dx * dx + dy * dy;
        const double w = 1.0 / (1.0 + d2);
        const double cw = ec[e] * w;
        sumW[lane] += cw;
        sumX[lane] += cw * w * dx;
        sumY[lane] += cw * w * dy;
        self[lane] = d2 == 0 ? 1.0 : self[lane];
    };
    size_t e = 0;
    for (; e + kLanes <= m; e += kLanes) {
        for (size_t lane = 0; lane < kLanes; ++lane) add(lane, e + lane);
    }
    for (size_t lane = 0; e < m; ++e, ++lane) add(lane, e);
    double w = 0, x = 0, y = 0, here = 0;
    for (size_t lane = 0; lane < kLanes; ++lane) {
        w += sumW[lane];
        x += sumX[lane];
        y += sumY[lane];
        here = std::max(here, self[lane]);
    }
    *z += w - here;
    *fx += x;
    *fy += y;
}

}  // namespace

void QuadTree::build(const double* xy, int64_t n) {
    xy_ = xy;
    double width = 0;
    const std::vector<uint64_t> code = sortByCode(n, &width);
    cut(code, width);
    weigh();
}

std::vector<uint64_t> QuadTree::sortByCode(int64_t n, double* width) {
    double minX = std::numeric_limits<double>::infinity(), minY = minX, maxX = -minX, maxY = -minX;
    for (int64_t i = 0; i < n; ++i) {
        minX = std::min(minX, xy_[2 * i]);
        maxX = std::max(maxX, xy_[2 * i]);
        minY = std::min(minY, xy_[2 * i + 1]);
        maxY = std::max(maxY, xy_[2 * i + 1]);
    }
    *width = std::max({maxX - minX, maxY - minY, 1e-12}) * (1 + 1e-6);  // the highest point inside the root
    const double toGrid = 4294967295.0 / *width;
    std::vector<std::pair<uint64_t, int64_t>> keys(static_cast<size_t>(n));
    for (int64_t i = 0; i < n; ++i) {
        const auto gx = uint64_t((xy_[2 * i] - minX) * toGrid);
        const auto gy = uint64_t((xy_[2 * i + 1] - minY) * toGrid);
        keys[size_t(i)] = {spread(gx) | (spread(gy) << 1), i};
    }
    std::sort(keys.begin(), keys.end());
    std::vector<uint64_t> code(static_cast<size_t>(n));
    order_.resize(size_t(n));
    for (int64_t i = 0; i < n; ++i) {
        code[size_t(i)] = keys[size_t(i)].first;
        order_[size_t(i)] = keys[size_t(i)].second;
    }
    return code;
}

void QuadTree::cut(const std::vector<uint64_t>& code, double width) {
    // Breadth first, so that each cell's children are consecutive and come after it.
    nodes_.clear();
    groups_.clear();
    Node root;
    root.width = width;
    root.count = int32_t(code.size());
    nodes_.push_back(root);
    std::vector<int8_t> level{0};
    std::vector<int8_t> grouped{0};  // inside a cell already taken as a group
    for (int32_t at = 0; at < int32_t(nodes_.size()); ++at) {
        const Node node = nodes_[size_t(at)];
        const bool leaf = node.count <= kLeafPoints || level[size_t(at)] == kLevels;
        const bool inGroup = grouped[size_t(at)] != 0;
        if (!inGroup && (leaf || node.count <= kGroup)) groups_.push_back({node.begin, node.begin + node.count});
        if (leaf) continue;
        // The points of each quadrant are one run of the sorted codes.
        const int shift = 2 * (kLevels - 1 - level[size_t(at)]);
        auto quadrant = [&](int32_t k) { return int((code[size_t(k)] >> shift) & 3); };
        nodes_[size_t(at)].firstChild = int32_t(nodes_.size());
        for (int32_t k = node.begin, end = node.begin + node.count; k < end;) {
            int32_t stop = k + 1;
            while (stop < end && quadrant(stop) == quadrant(k)) ++stop;
            Node child;
            child.width = node.width / 2;
            child.begin = k;
            child.count = stop - k;
            nodes_.push_back(child);
            level.push_back(int8_t(level[size_t(at)] + 1));
            grouped.push_back(inGroup || node.count <= kGroup ? 1 : 0);
            ++nodes_[size_t(at)].children;
            k = stop;
        }
    }
}

void QuadTree::weigh() {
    // Children come after their parents: from the last cell back, each
    // cell's children are weighed before it.
    for (auto node = nodes_.rbegin(); node != nodes_.rend(); ++node) {
        double sx = 0, sy = 0;
        if (node->firstChild < 0) {
            for (int32_t k = node->begin; k < node->begin + node->count; ++k) {
                sx += xy_[2 * order_[size_t(k)]];
                sy += xy_[2 * order_[size_t(k)] + 1];
            }
        } else {
            for (int32_t c = node->firstChild; c < node->firstChild + node->children; ++c) {
                sx += nodes_[size_t(c)].cx * nodes_[size_t(c)].count;
                sy += nodes_[size_t(c)].cy * nodes_[size_t(c)].count;
            }
        }
        node->cx = sx / node->count;
        node->cy = sy / node->count;
    }
}

void QuadTree::repulsion(const Range& group, double theta, Interactions& list, double* z, double* f) const {
    double x0 = std::numeric_limits<double>::infinity(), y0 = x0, x1 = -x0, y1 = -x0;
    for (int64_t k = group.begin; k < group.end; ++k) {
        const int64_t i = order_[size_t(k)];
        x0 = std::min(x0, xy_[2 * i]);
        x1 = std::max(x1, xy_[2 * i]);
        y0 = std::min(y0, xy_[2 * i + 1]);
        y1 = std::max(y1, xy_[2 * i + 1]);
    }
    list.x.clear();
    list.y.clear();
    list.count.clear();
    const double theta2 = theta * theta;
    int32_t stack[4 * kLevels + 8];
    int top = 0;
    stack[top++] = 0;
    while (top > 0) {
        const Node& node = nodes_[size_t(stack[--top])];
        // The distance from the centre of mass to the nearest point of the group's box.
        const double dx = std::max({x0 - node.cx, 0.0, node.cx - x1});
        const double dy = std::max({y0 - node.cy, 0.0, node.cy - y1});
        if (node.firstChild >= 0 && node.width * node.width < theta2 * (dx * dx + dy * dy)) {
            list.x.push_back(node.cx);
            list.y.push_back(node.cy);
            list.count.push_back(double(node.count));
        } else if (node.firstChild >= 0) {
            for (int32_t c = 0; c < node.children; ++c) stack[top++] = node.firstChild + c;
        } else {
            for (int32_t k = node.begin; k < node.begin + node.count; ++k) {
                list.x.push_back(xy_[2 * order_[size_t(k)]]);
                list.y.push_back(xy_[2 * order_[size_t(k)] + 1]);
                list.count.push_back(1.0);
            }
        }
    }
    for (int64_t k = group.begin; k < group.end; ++k) {
        const int64_t i = order_[size_t(k)];
        sumInteractions(list.x.data(), list.y.data(), list.count.data(), list.x.size(), xy_[2 * i], xy_[2 * i + 1],
                        &z[i], &f[2 * i], &f[2 * i + 1]);
    }
}

}  // namespace alx
