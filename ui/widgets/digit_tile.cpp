#include "widgets/digit_tile.h"

#include <QMouseEvent>
#include <QPainter>

namespace alx::ui {

QImage digitImage(const uint8_t* pixels) { return QImage(pixels, 28, 28, 28, QImage::Format_Grayscale8).copy(); }

DigitTile::DigitTile(const uint8_t* pixels, int64_t index, const QString& caption, int pixelSize, QWidget* parent,
                     const QColor& frame)
    : QWidget(parent), image_(digitImage(pixels)), index_(index), caption_(caption), size_(pixelSize), frame_(frame) {
    setCursor(Qt::PointingHandCursor);
    setToolTip(tr("Test image #%1: click for details").arg(index));
    setSizePolicy(QSizePolicy::Fixed, QSizePolicy::Fixed);
}

QSize DigitTile::sizeHint() const {
    const int lines = caption_.count('\n') + 1;
    return {std::max(size_, fontMetrics().horizontalAdvance(caption_.section('\n', 0, 0)) + 4) + 4,
            size_ + 6 + lines * fontMetrics().height()};
}

void DigitTile::paintEvent(QPaintEvent*) {
    QPainter p(this);
    const int x = (width() - size_) / 2;
    // Nearest-neighbour scaling keeps the pixels honest.
    p.drawImage(QRect(x, 2, size_, size_), image_);
    if (frame_.isValid()) {
        p.setPen(QPen(frame_, 2));
        p.drawRect(QRect(x, 2, size_, size_).adjusted(-1, -1, 0, 0));
    }
    p.setPen(palette().color(QPalette::WindowText));
    p.drawText(QRect(0, size_ + 4, width(), height() - size_ - 4), Qt::AlignHCenter | Qt::AlignTop, caption_);
}

void DigitTile::setClickable(bool clickable) {
    clickable_ = clickable;
    setCursor(clickable ? Qt::PointingHandCursor : Qt::ArrowCursor);
}

void DigitTile::mouseReleaseEvent(QMouseEvent* event) {
    if (clickable_ && event->button() == Qt::LeftButton) Q_EMIT clicked(index_);
}

}  // namespace alx::ui
