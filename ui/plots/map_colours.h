#pragma once
// The colours points of a map take by class, shared by the Map page and the
// pile's map: ten that stay apart (the "tab10" set), repeating beyond ten.
#include <QColor>

#include <array>

namespace alx::ui {

inline QRgb labelColour(int label) {
    static const std::array<QRgb, 10> colours = {0xff1f77b4, 0xffff7f0e, 0xff2ca02c, 0xffd62728, 0xff9467bd,
                                                 0xff8c564b, 0xffe377c2, 0xff7f7f7f, 0xffbcbd22, 0xff17becf};
    return colours[size_t(label % 10)];
}
constexpr QRgb kUnknownColour = 0xffd0d0d0;  // no label known

}  // namespace alx::ui
