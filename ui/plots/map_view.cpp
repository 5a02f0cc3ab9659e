#include "plots/map_view.h"

#include <QMouseEvent>
#include <QPainter>
#include <QWheelEvent>
#include <QtConcurrent/QtConcurrentRun>

#include <algorithm>
#include <cmath>

namespace alx::ui {
namespace {

constexpr int kGrid = 256;  // cells per side of the hover index

QRectF padded(const QRectF& r) {
    const double w = std::max(r.width(), 1e-6), h = std::max(r.height(), 1e-6);
    return QRectF(r.left() - 0.05 * w, r.top() - 0.05 * h, w * 1.1, h * 1.1);
}

// Keeps the map's aspect ratio: the visible rectangle grows in one direction
// to match the widget's.
QRectF fitted(const QRectF& r, const QSize& size) {
    if (size.isEmpty()) return r;
    const double want = double(size.width()) / double(size.height());
    QRectF out = r;
    if (r.width() / r.height() < want) {
        out.setWidth(r.height() * want);
    } else {
        out.setHeight(r.width() / want);
    }
    out.moveCenter(r.center());
    return out;
}

}  // namespace

QImage renderMap(const MapScene& scene, const QRectF& visible, const QSize& size) {
    QImage image(size, QImage::Format_ARGB32_Premultiplied);
    image.fill(Qt::white);
    if (scene.rows() == 0 || visible.isEmpty()) return image;
    QPainter painter(&image);
    painter.setRenderHint(QPainter::Antialiasing, false);
    const double sx = double(size.width()) / visible.width(), sy = double(size.height()) / visible.height();
    // Point size follows the density: small for 70,000, larger for a few hundred.
    const int dot = scene.rows() > 20000 ? 2 : scene.rows() > 3000 ? 3 : 5;
    auto at = [&](int64_t i) {
        return QPointF((scene.xy[size_t(2 * i)] - visible.left()) * sx, (visible.bottom() - scene.xy[size_t(2 * i + 1)]) * sy);
    };
    // Plain points first, then marked ones on top, so that marks stay visible.
    for (int pass = 0; pass < 3; ++pass) {
        for (int64_t i = 0; i < scene.rows(); ++i) {
            const uint8_t mark = scene.marks.empty() ? 0 : scene.marks[size_t(i)];
            if (mark != pass) continue;
            const QPointF p = at(i);
            if (p.x() < -8 || p.y() < -8 || p.x() > size.width() + 8 || p.y() > size.height() + 8) continue;
            const QColor colour = QColor::fromRgba(scene.colours[size_t(i)]);
            if (mark == 0) {
                painter.fillRect(QRectF(p.x() - dot / 2.0, p.y() - dot / 2.0, dot, dot), colour);
            } else {
                const double r = mark == 2 ? dot + 3 : dot + 1;
                painter.setRenderHint(QPainter::Antialiasing, true);
                painter.setBrush(colour);
                painter.setPen(QPen(mark == 2 ? Qt::black : QColor(200, 0, 0), mark == 2 ? 2 : 1));
                painter.drawEllipse(p, r, r);
                painter.setRenderHint(QPainter::Antialiasing, false);
            }
        }
    }
    return image;
}

MapView::MapView(QWidget* parent) : QWidget(parent) {
    setMouseTracking(true);
    setMinimumSize(320, 240);
    setFocusPolicy(Qt::StrongFocus);
    connect(&watcher_, &QFutureWatcher<QImage>::finished, this, [this] {
        image_ = watcher_.result();
        ++rendersDone_;
        update();
        if (dirty_) {
            dirty_ = false;
            requestRender();
        }
    });
}

MapView::~MapView() { watcher_.waitForFinished(); }

void MapView::setScene(std::shared_ptr<const MapScene> scene, bool keepView) {
    scene_ = std::move(scene);
    if (!scene_) image_ = QImage();  // nothing drawn until the next scene
    buildIndex();
    if (!keepView || view_.visible.isEmpty()) resetView();
    requestRender();
}

void MapView::resetView() {
    userMoved_ = false;
    view_.visible = scene_ ? fitted(padded(scene_->bounds), size()) : QRectF();
    requestRender();
}

void MapView::buildIndex() {
    cells_.assign(size_t(kGrid * kGrid), {});
    gridSize_ = kGrid;
    if (!scene_ || scene_->rows() == 0) return;
    const QRectF b = scene_->bounds;
    const double w = std::max(b.width(), 1e-9), h = std::max(b.height(), 1e-9);
    for (int64_t i = 0; i < scene_->rows(); ++i) {
        const int cx = std::clamp(int((scene_->xy[size_t(2 * i)] - b.left()) / w * kGrid), 0, kGrid - 1);
        const int cy = std::clamp(int((scene_->xy[size_t(2 * i + 1)] - b.top()) / h * kGrid), 0, kGrid - 1);
        cells_[size_t(cy * kGrid + cx)].push_back(i);
    }
}

void MapView::requestRender() {
    view_.size = size();
    if (!scene_ || view_.size.isEmpty()) {
        update();
        return;
    }
    if (watcher_.isRunning()) {
        dirty_ = true;  // coalesced: one more render when this one ends
        return;
    }
    imageView_ = view_;
    watcher_.setFuture(QtConcurrent::run([scene = scene_, visible = view_.visible, size = view_.size] {
        return renderMap(*scene, visible, size);
    }));
}

QPointF MapView::toMap(const QPointF& w) const {
    const QRectF& v = view_.visible;
    return QPointF(v.left() + w.x() / width() * v.width(), v.bottom() - w.y() / height() * v.height());
}

QPointF MapView::widgetPosition(int64_t row) const {
    const QRectF& v = view_.visible;
    return QPointF((scene_->xy[size_t(2 * row)] - v.left()) / v.width() * width(),
                   (v.bottom() - scene_->xy[size_t(2 * row + 1)]) / v.height() * height());
}

int64_t MapView::rowAt(const QPointF& position, double radius) const {
    if (!scene_ || scene_->rows() == 0 || view_.visible.isEmpty()) return -1;
    const QPointF centre = toMap(position);
    const double rx = radius / width() * view_.visible.width(), ry = radius / height() * view_.visible.height();
    const QRectF b = scene_->bounds;
    const double w = std::max(b.width(), 1e-9), h = std::max(b.height(), 1e-9);
    const int x0 = std::clamp(int((centre.x() - rx - b.left()) / w * kGrid), 0, kGrid - 1);
    const int x1 = std::clamp(int((centre.x() + rx - b.left()) / w * kGrid), 0, kGrid - 1);
    const int y0 = std::clamp(int((centre.y() - ry - b.top()) / h * kGrid), 0, kGrid - 1);
    const int y1 = std::clamp(int((centre.y() + ry - b.top()) / h * kGrid), 0, kGrid - 1);
    int64_t best = -1;
    double bestDistance = radius * radius;
    for (int cy = y0; cy <= y1; ++cy) {
        for (int cx = x0; cx <= x1; ++cx) {
            for (int64_t i : cells_[size_t(cy * kGrid + cx)]) {
                const QPointF p = widgetPosition(i) - position;
                const double d = p.x() * p.x() + p.y() * p.y();
                if (d <= bestDistance) {
                    bestDistance = d;
                    best = i;
                }
            }
        }
    }
    return best;
}

std::vector<int64_t> MapView::rowsIn(const QRectF& widgetRect) const {
    std::vector<int64_t> rows;
    if (!scene_) return rows;
    const QRectF r = widgetRect.normalized();
    for (int64_t i = 0; i < scene_->rows(); ++i) {
        if (r.contains(widgetPosition(i))) rows.push_back(i);
    }
    return rows;
}

QImage MapView::renderNow(const QSize& size) const {
    return scene_ ? renderMap(*scene_, fitted(view_.visible, size), size) : QImage();
}

void MapView::paintEvent(QPaintEvent*) {
    QPainter painter(this);
    painter.fillRect(rect(), Qt::white);
    if (!image_.isNull()) {
        // A render of another view (a zoom in progress) is stretched to fit until the new one lands.
        const QRectF& from = imageView_.visible;
        const QRectF& to = view_.visible;
        if (from == to || from.isEmpty()) {
            painter.drawImage(rect(), image_);
        } else {
            const QRectF target((from.left() - to.left()) / to.width() * width(),
                                (to.bottom() - from.bottom()) / to.height() * height(),
                                from.width() / to.width() * width(), from.height() / to.height() * height());
            painter.drawImage(target, image_);
        }
    } else if (!scene_) {
        painter.setPen(palette().color(QPalette::PlaceholderText));
        painter.drawText(rect(), Qt::AlignCenter, tr("No map yet: compute one (t-SNE or PCA) above."));
    }
    if (selecting_) {
        painter.setPen(QPen(Qt::black, 1, Qt::DashLine));
        painter.setBrush(QColor(0, 120, 215, 40));
        painter.drawRect(band_.normalized());
    }
}

void MapView::resizeEvent(QResizeEvent*) {
    if (scene_) view_.visible = fitted(view_.visible, size());
    requestRender();
}

void MapView::wheelEvent(QWheelEvent* event) {
    if (!scene_) return;
    const double factor = std::pow(0.85, event->angleDelta().y() / 120.0);
    const QPointF anchor = toMap(event->position());
    userMoved_ = true;
    QRectF& v = view_.visible;
    v = QRectF(anchor.x() - (anchor.x() - v.left()) * factor, anchor.y() - (anchor.y() - v.top()) * factor,
               v.width() * factor, v.height() * factor);
    requestRender();
    update();
}

void MapView::mousePressEvent(QMouseEvent* event) {
    pressAt_ = lastDrag_ = event->position();
    selecting_ = event->modifiers() & Qt::ShiftModifier;
    dragging_ = false;
    band_ = QRectF(pressAt_, pressAt_);
}

void MapView::mouseMoveEvent(QMouseEvent* event) {
    if (!(event->buttons() & Qt::LeftButton)) {
        const int64_t row = rowAt(event->position());
        if (row != hovered_) {
            hovered_ = row;
            Q_EMIT rowHovered(row, event->position().toPoint());
        }
        return;
    }
    if ((event->position() - pressAt_).manhattanLength() > 4) dragging_ = true;
    if (selecting_) {
        band_ = QRectF(pressAt_, event->position());
        update();
        return;
    }
    if (!dragging_ || !scene_) return;
    userMoved_ = true;
    const QPointF delta = event->position() - lastDrag_;
    lastDrag_ = event->position();
    view_.visible.translate(-delta.x() / width() * view_.visible.width(), delta.y() / height() * view_.visible.height());
    requestRender();
    update();
}

void MapView::mouseReleaseEvent(QMouseEvent* event) {
    if (selecting_) {
        selecting_ = false;
        band_ = QRectF(pressAt_, event->position());  // where the button came up, whatever moves were seen
        update();
        Q_EMIT rowsSelected(rowsIn(band_));
        return;
    }
    if (!dragging_) {
        const int64_t row = rowAt(event->position());
        if (row >= 0) Q_EMIT rowClicked(row);
    }
    dragging_ = false;
}

void MapView::leaveEvent(QEvent*) {
    if (hovered_ >= 0) {
        hovered_ = -1;
        Q_EMIT rowHovered(-1, QPoint());
    }
}

QRectF boundsOf(const std::vector<float>& xy) {
    if (xy.size() < 2) return {};
    float minX = xy[0], maxX = xy[0], minY = xy[1], maxY = xy[1];
    for (size_t i = 2; i + 1 < xy.size(); i += 2) {
        minX = std::min(minX, xy[i]);
        maxX = std::max(maxX, xy[i]);
        minY = std::min(minY, xy[i + 1]);
        maxY = std::max(maxY, xy[i + 1]);
    }
    return QRectF(minX, minY, maxX - minX, maxY - minY);
}

}  // namespace alx::ui
