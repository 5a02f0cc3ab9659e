#pragma once
// A 2-D map of many points (70,000 and more), each coloured on its own: the
// points are rendered into an image off the GUI thread (never one pen per
// point through QCustomPlot), and a render asked for while one runs is
// coalesced into the next. Wheel zooms around the cursor, a drag pans,
// Shift+drag selects a rectangle, a click picks the nearest point, and
// hovering reports the point under the cursor.
#include <QFutureWatcher>
#include <QImage>
#include <QPointF>
#include <QRectF>
#include <QWidget>

#include <functional>
#include <memory>
#include <vector>

namespace alx::ui {

// What is drawn: positions, a colour per point and which points are marked.
struct MapScene {
    std::vector<float> xy;          // rows x 2, in map units
    std::vector<uint32_t> colours;  // rows, 0xAARRGGBB
    std::vector<uint8_t> marks;     // rows: 0 plain, 1 misclassified (a ring), 2 highlighted (larger, black ring)
    QRectF bounds;                  // of xy
    int64_t rows() const { return int64_t(xy.size() / 2); }
};

class MapView : public QWidget {
    Q_OBJECT
public:
    explicit MapView(QWidget* parent = nullptr);
    ~MapView() override;

    // A new scene; `keepView` keeps the zoom and pan (the same map, recoloured or moved on).
    void setScene(std::shared_ptr<const MapScene> scene, bool keepView);
    void resetView();
    // Whether the person zoomed or panned since the last resetView().
    bool userMovedView() const { return userMoved_; }

    // The row nearest to a widget position within `radius` pixels, or -1.
    int64_t rowAt(const QPointF& position, double radius = 6) const;
    // Rows inside a rectangle given in widget coordinates.
    std::vector<int64_t> rowsIn(const QRectF& widgetRect) const;
    // Where a row is drawn, in widget coordinates.
    QPointF widgetPosition(int64_t row) const;
    // The picture as it is drawn now, at `size`, rendered on the caller's thread (for export).
    QImage renderNow(const QSize& size) const;
    int rendersDone() const { return rendersDone_; }

Q_SIGNALS:
    void rowClicked(qint64 row);
    void rowsSelected(const std::vector<int64_t>& rows);
    void rowHovered(qint64 row, const QPoint& position);  // row -1: none

protected:
    void paintEvent(QPaintEvent*) override;
    void resizeEvent(QResizeEvent*) override;
    void wheelEvent(QWheelEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;
    void mouseReleaseEvent(QMouseEvent* event) override;
    void leaveEvent(QEvent* event) override;

private:
    struct View {
        QRectF visible;  // the map units shown
        QSize size;      // widget pixels
    };
    void requestRender();
    void buildIndex();
    QPointF toMap(const QPointF& widget) const;

    std::shared_ptr<const MapScene> scene_;
    View view_;
    QImage image_;         // the last finished render
    View imageView_;       // what it shows
    QFutureWatcher<QImage> watcher_;
    bool dirty_ = false;   // asked again while a render ran
    int rendersDone_ = 0;
    // A uniform grid over the bounds, for hover and clicks among 70,000 points.
    int gridSize_ = 0;
    std::vector<std::vector<int64_t>> cells_;
    int64_t hovered_ = -1;
    bool userMoved_ = false;
    QPointF pressAt_, lastDrag_;
    bool dragging_ = false, selecting_ = false;
    QRectF band_;
};

// The smallest rectangle holding the points of `xy` (rows x 2); empty for none.
QRectF boundsOf(const std::vector<float>& xy);

// The picture of `scene` showing `visible` (map units) at `size` pixels.
QImage renderMap(const MapScene& scene, const QRectF& visible, const QSize& size);

}  // namespace alx::ui
