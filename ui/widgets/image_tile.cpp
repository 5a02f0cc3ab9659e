#include "widgets/image_tile.h"

#include <QMouseEvent>
#include <QPainter>

namespace alx::ui {

QImage tileImage(const uint8_t* pixels, const ImageShape& shape) {
    if (!pixels || shape.empty()) return {};
    const int w = int(shape.width), h = int(shape.height);
    if (shape.channels == 1) return QImage(pixels, w, h, w, QImage::Format_Grayscale8).copy();
    // Stored planar (R plane, G plane, B plane); QImage wants them interleaved.
    QImage image(w, h, QImage::Format_RGB888);
    const size_t plane = size_t(w) * size_t(h);
    for (int y = 0; y < h; ++y) {
        uchar* line = image.scanLine(y);
        for (int x = 0; x < w; ++x) {
            const size_t at = size_t(y) * size_t(w) + size_t(x);
            for (int c = 0; c < 3; ++c) line[3 * x + c] = pixels[size_t(c) * plane + at];
        }
    }
    return image;
}

QRect fittedRect(const QRect& box, const QSize& image) {
    if (image.isEmpty()) return box;
    const QSize size = image.scaled(box.size(), Qt::KeepAspectRatio);
    return QRect(box.x() + (box.width() - size.width()) / 2, box.y() + (box.height() - size.height()) / 2, size.width(),
                 size.height());
}

ImageTile::ImageTile(const QImage& image, int64_t index, const QString& caption, int pixelSize, QWidget* parent,
                     const QColor& frame)
    : QWidget(parent), image_(image), index_(index), caption_(caption), size_(pixelSize), frame_(frame) {
    setCursor(Qt::PointingHandCursor);
    setToolTip(tr("Test image #%1: click for details").arg(index));
    setSizePolicy(QSizePolicy::Fixed, QSizePolicy::Fixed);
}

QSize ImageTile::sizeHint() const {
    const int lines = caption_.count('\n') + 1;
    return {std::max(size_, fontMetrics().horizontalAdvance(caption_.section('\n', 0, 0)) + 4) + 4,
            size_ + 6 + lines * fontMetrics().height()};
}

void ImageTile::paintEvent(QPaintEvent*) {
    QPainter p(this);
    const int x = (width() - size_) / 2;
    // Nearest-neighbour scaling keeps the pixels honest.
    const QRect box = fittedRect(QRect(x, 2, size_, size_), image_.size());
    p.drawImage(box, image_);
    if (frame_.isValid()) {
        p.setPen(QPen(frame_, 2));
        p.drawRect(box.adjusted(-1, -1, 0, 0));
    }
    p.setPen(palette().color(QPalette::WindowText));
    p.drawText(QRect(0, size_ + 4, width(), height() - size_ - 4), Qt::AlignHCenter | Qt::AlignTop, caption_);
}

void ImageTile::setClickable(bool clickable) {
    clickable_ = clickable;
    setCursor(clickable ? Qt::PointingHandCursor : Qt::ArrowCursor);
}

void ImageTile::setCaption(const QString& caption) {
    caption_ = caption;
    updateGeometry();
    update();
}

void ImageTile::setFrame(const QColor& frame) {
    frame_ = frame;
    update();
}

void ImageTile::mouseReleaseEvent(QMouseEvent* event) {
    if (clickable_ && event->button() == Qt::LeftButton) Q_EMIT clicked(index_);
}

}  // namespace alx::ui
