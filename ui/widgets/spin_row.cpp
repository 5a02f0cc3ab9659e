#include "widgets/spin_row.h"

#include <QFormLayout>
#include <QSpinBox>

namespace alx::ui {

QSpinBox* addSpinRow(QFormLayout* form, QWidget* parent, const SpinRow& row) {
    auto* box = new QSpinBox(parent);
    box->setRange(row.low, row.high);
    box->setValue(row.value);
    box->setSingleStep(row.step);
    box->setToolTip(row.tip);
    form->addRow(row.label, box);
    return box;
}

}  // namespace alx::ui
