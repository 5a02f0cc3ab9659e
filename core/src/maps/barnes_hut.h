#pragma once
// A quadtree over the points of a 2-D map, rebuilt every t-SNE iteration,
// for Barnes-Hut's approximation of the repulsive forces (private to core/src/maps).
#include <cstdint>
#include <vector>

namespace alx {

class QuadTree {
public:
    // `xy` holds n points as x0, y0, x1, y1, ...; it must outlive the tree.
    // Points are inserted in the order of their Z-order (Morton) code, so
    // that nearby cells lie nearby in memory; order() gives that order, in
    // which queries also walk similar paths one after another.
    void build(const double* xy, int64_t n);
    const std::vector<int64_t>& order() const { return order_; }

    // For point i at (x, y): adds to *z the sum over every other point j of
    // w_ij = 1 / (1 + |y_i - y_j|^2), and to (*fx, *fy) the sum of
    // w_ij^2 (y_i - y_j), a cell of points summarised by its centre of mass
    // when its width is below theta times its distance.
    void repulsion(double x, double y, double theta, double* z, double* fx, double* fy) const;

private:
    struct Node {
        double cx = 0, cy = 0;    // centre of mass
        double x0 = 0, y0 = 0;    // lower-left corner of the square cell
        double width = 0;
        int32_t count = 0;
        int32_t firstChild = -1;  // the four children are consecutive; -1 for a leaf
        int32_t point = -1;       // a leaf's point (further identical points only add to count)
    };
    void insert(int64_t point);
    int64_t childFor(const Node& node, double x, double y) const;

    const double* xy_ = nullptr;
    std::vector<Node> nodes_;
    std::vector<int64_t> order_;
};

}  // namespace alx
