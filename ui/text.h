#pragma once
// Text between the engine (std::string, UTF-8) and Qt (QString), spelled
// once for every widget.
#include <QLocale>
#include <QString>

#include <string>

namespace alx::ui {

inline QString q(const std::string& text) { return QString::fromStdString(text); }
inline std::string s(const QString& text) { return text.toStdString(); }

// A number as the person's language writes it (87,40 in German), with
// `digits` after the decimal separator: the screen follows the locale that
// QApplication sets, where files never do.
inline QString decimal(double value, int digits) { return QLocale().toString(value, 'f', digits); }
// The same with `digits` significant digits (0,1235; 1,235e-05).
inline QString significantDigits(double value, int digits) { return QLocale().toString(value, 'g', digits); }

}  // namespace alx::ui
