#pragma once
// One image drawn large enough to read, at its own aspect, with a caption
// below it. Emits clicked() with the image's index in the evaluated set.
#include <QImage>
#include <QWidget>

#include <cstdint>

#include "alx/data/image_shape.h"

namespace alx::ui {

// A copy of one stored image (C x H x W, channel planes one after another):
// grey as grey, three planes as RGB. A null image for null pixels.
QImage tileImage(const uint8_t* pixels, const ImageShape& shape);
inline QImage tileImage(const ImageStack& stack, size_t i) { return tileImage(stack.image(i), stack.shape); }

// The largest rectangle of the image's aspect centred in box.
QRect fittedRect(const QRect& box, const QSize& image);

class ImageTile : public QWidget {
    Q_OBJECT
public:
    ImageTile(const QImage& image, int64_t index, const QString& caption, int pixelSize, QWidget* parent = nullptr,
              const QColor& frame = QColor());
    int64_t index() const { return index_; }
    // A training image: no test-image dialog behind it, so no click.
    void setClickable(bool clickable);
    bool clickable() const { return clickable_; }
    void setCaption(const QString& caption);
    void setFrame(const QColor& frame);  // an invalid colour: none
    QString caption() const { return caption_; }
    QSize sizeHint() const override;

Q_SIGNALS:
    void clicked(qint64 index);

protected:
    void paintEvent(QPaintEvent* event) override;
    void mouseReleaseEvent(QMouseEvent* event) override;

private:
    QImage image_;
    int64_t index_;
    QString caption_;
    int size_;
    QColor frame_;
    bool clickable_ = true;
};

}  // namespace alx::ui
