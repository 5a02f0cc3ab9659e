#pragma once
// A labelled spin box added to a form in one call, for the pages' settings.
#include <QString>

class QFormLayout;
class QSpinBox;
class QWidget;

namespace alx::ui {

// A spin box from `low` to `high`, at `value`, moving by `step`, with a tooltip.
struct SpinRow {
    QString label;
    int low, high, value, step;
    QString tip;
};

QSpinBox* addSpinRow(QFormLayout* form, QWidget* parent, const SpinRow& row);

}  // namespace alx::ui
