#pragma once
// One 28x28 image drawn large enough to read, with a caption below it.
// Emits clicked() with the image's index in the evaluated set.
#include <QImage>
#include <QWidget>

#include <cstdint>

namespace alx::ui {

QImage digitImage(const uint8_t* pixels);  // a copy; white digit on black, as stored

class DigitTile : public QWidget {
    Q_OBJECT
public:
    DigitTile(const uint8_t* pixels, int64_t index, const QString& caption, int pixelSize, QWidget* parent = nullptr,
              const QColor& frame = QColor());
    int64_t index() const { return index_; }
    // A training image: no test-image dialog behind it, so no click.
    void setClickable(bool clickable);
    bool clickable() const { return clickable_; }
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
