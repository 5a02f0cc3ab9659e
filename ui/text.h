#pragma once
// Text between the engine (std::string, UTF-8) and Qt (QString), spelled
// once for every widget.
#include <QString>

#include <string>

namespace alx::ui {

inline QString q(const std::string& text) { return QString::fromStdString(text); }
inline std::string s(const QString& text) { return text.toStdString(); }

}  // namespace alx::ui
