#pragma once
// A quadtree over the points of a 2-D map, rebuilt every t-SNE iteration,
// for Barnes-Hut's approximation of the repulsive forces (private to core/src/maps).
#include <cstdint>
#include <vector>

namespace alx {

class QuadTree {
public:
    // `xy` holds n points as x0, y0, x1, y1, ...; it must outlive the tree.
    // The points are sorted by their Z-order (Morton) code, so that every
    // cell's points are one range of that order and nearby cells lie nearby
    // in memory; the tree is then cut from that order, level by level.
    void build(const double* xy, int64_t n);

    // The groups the walks are made for: the largest cells of at most
    // `kGroup` points, each as a range [begin, end) of the sorted order.
    struct Range {
        int64_t begin = 0, end = 0;
    };
    const std::vector<Range>& groups() const { return groups_; }
    static constexpr int64_t kGroup = 64;

    // For the points of one group: adds to z[i] the sum over every other
    // point j of w_ij = 1 / (1 + |y_i - y_j|^2), and to (f[2i], f[2i + 1])
    // the sum of w_ij^2 (y_i - y_j). A cell counts as one mass at its centre
    // when its width is below theta times the distance from that centre to
    // the group's bounding box, so for every point of the group (the
    // grouped walk of Barnes 1990): the tree is walked once for the group,
    // not once per point, and what the walk keeps is summed for each point
    // in one branch-free loop. `scratch` is the caller's, reused.
    struct Interactions {
        std::vector<double> x, y, count;
    };
    void repulsion(const Range& group, double theta, Interactions& scratch, double* z, double* f) const;

private:
    struct Node {
        double cx = 0, cy = 0;   // centre of mass
        double width = 0;        // of the square cell
        int32_t count = 0;       // points in the cell: order_[begin, begin + count)
        int32_t begin = 0;
        int32_t firstChild = -1;  // children (non-empty) are consecutive; -1 for a leaf
        int32_t children = 0;
    };
    // The points in Z-order (order_), their codes returned; *width: the root cell's.
    std::vector<uint64_t> sortByCode(int64_t n, double* width);
    // The cells, breadth first, and the groups.
    void cut(const std::vector<uint64_t>& code, double width);
    // Each cell's centre of mass.
    void weigh();

    const double* xy_ = nullptr;
    std::vector<Node> nodes_;
    std::vector<int64_t> order_;  // the points in Z-order
    std::vector<Range> groups_;
};

}  // namespace alx
