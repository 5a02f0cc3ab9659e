#include "active_learning_page.h"

#include <QCheckBox>
#include <QComboBox>
#include <QFormLayout>
#include <QGridLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QRegularExpressionValidator>
#include <QScrollArea>
#include <QSpinBox>
#include <QSplitter>
#include <QTableWidget>
#include <QVBoxLayout>
#include <qcustomplot.h>

#include <algorithm>

#include "alx/learning_curve.h"
#include "digit_tile.h"

namespace alx::ui {
namespace {

QColor colourFor(int i) {
    static const QColor palette[] = {{31, 119, 180}, {255, 127, 14}, {44, 160, 44},  {214, 39, 40},  {148, 103, 189},
                                     {140, 86, 75},  {227, 119, 194}, {127, 127, 127}, {188, 189, 34}, {23, 190, 207}};
    return palette[i % 10];
}

QSpinBox* spin(QWidget* parent, int low, int high, int value, int step = 1) {
    auto* s = new QSpinBox(parent);
    s->setRange(low, high);
    s->setValue(value);
    s->setSingleStep(step);
    return s;
}

}  // namespace

ActiveLearningPage::ActiveLearningPage(QWidget* parent) : QWidget(parent) {
    auto* outer = new QHBoxLayout(this);
    auto* controls = new QGroupBox(tr("Active learning"), this);
    controls->setMaximumWidth(330);
    auto* column = new QVBoxLayout(controls);
    auto* form = new QFormLayout;
    strategies_ = new QListWidget(controls);
    for (const auto& [name, description] : strategyChoices()) {
        auto* item = new QListWidgetItem(QString::fromStdString(name), strategies_);
        item->setFlags(item->flags() | Qt::ItemIsUserCheckable);
        item->setCheckState(name == "random" || name == "entropy" || name == "bald" ? Qt::Checked : Qt::Unchecked);
        item->setToolTip(QString::fromStdString(description));
    }
    strategies_->setFixedHeight(strategies_->sizeHintForRow(0) * strategies_->count() + 6);
    column->addWidget(new QLabel(tr("Strategies (hover for what each does):"), controls));
    column->addWidget(strategies_);
    column->addLayout(form);
    model_ = new QComboBox(controls);
    for (const ModelChoice& m : modelChoices()) {
        model_->addItem(QString::fromStdString(m.displayName), QString::fromStdString(m.name));
    }
    model_->setCurrentIndex(model_->findData("gal"));
    form->addRow(tr("Model:"), model_);
    initial_ = spin(controls, 10, 1000, 20, 10);
    initial_->setToolTip(tr("Labelled at the start, balanced over the 10 classes"));
    form->addRow(tr("Initial labels:"), initial_);
    acquire_ = spin(controls, 1, 1000, 10);
    form->addRow(tr("Labels per round:"), acquire_);
    budget_ = spin(controls, 20, 60000, 1000, 50);
    form->addRow(tr("Budget (all labels):"), budget_);
    poolSubset_ = spin(controls, 0, 60000, 2000, 500);
    poolSubset_->setSpecialValueText(tr("whole pool"));
    poolSubset_->setToolTip(tr("Candidates scored each round, drawn at random from the unlabelled pool"));
    form->addRow(tr("Scored per round:"), poolSubset_);
    mcSamples_ = spin(controls, 1, 200, 20);
    form->addRow(tr("MC dropout passes:"), mcSamples_);
    maxSteps_ = spin(controls, 10, 5000, 300, 50);
    maxSteps_->setToolTip(tr("Training per round: 50 epochs of the labelled set or this many steps, whichever is fewer"));
    form->addRow(tr("Steps per round (max):"), maxSteps_);
    repeats_ = spin(controls, 1, 20, 3);
    form->addRow(tr("Repeats:"), repeats_);
    human_ = new QCheckBox(tr("I label the acquired images myself"), controls);
    human_->setToolTip(tr("The first checked strategy, one repeat: the app shows each round's images without labels"));
    form->addRow(human_);
    auto* buttons = new QHBoxLayout;
    run_ = new QPushButton(tr("Run"), controls);
    stop_ = new QPushButton(tr("Stop"), controls);
    stop_->setEnabled(false);
    buttons->addWidget(run_);
    buttons->addWidget(stop_);
    form->addRow(buttons);
    column->addStretch();
    outer->addWidget(controls);

    auto* right = new QSplitter(Qt::Vertical, this);
    plot_ = new QCustomPlot(right);
    plot_->xAxis->setLabel(tr("labelled images"));
    plot_->yAxis->setLabel(tr("test accuracy"));
    plot_->yAxis->setRange(0, 1);
    plot_->legend->setVisible(false);  // shown once there are curves
    plot_->axisRect()->insetLayout()->setInsetAlignment(0, Qt::AlignBottom | Qt::AlignRight);
    plot_->setMinimumHeight(260);
    right->addWidget(plot_);

    table_ = new QTableWidget(0, 4, right);
    table_->setHorizontalHeaderLabels({tr("strategy"), tr("labels to 90 %"), tr("labels to 95 %"), tr("last accuracy")});
    table_->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
    table_->setEditTriggers(QAbstractItemView::NoEditTriggers);
    table_->setToolTip(tr("Median over repeats; a repeat that never gets there counts as more than any other"));
    right->addWidget(table_);

    auto* lastBox = new QWidget(right);
    auto* lastLayout = new QVBoxLayout(lastBox);
    lastLayout->setContentsMargins(0, 0, 0, 0);
    lastRoundTitle_ = new QLabel(tr("Images acquired in the last round appear here."), lastBox);
    lastLayout->addWidget(lastRoundTitle_);
    auto* scroll = new QScrollArea(lastBox);
    scroll->setWidgetResizable(true);
    lastRound_ = new QWidget(scroll);
    lastRoundLayout_ = new QGridLayout(lastRound_);
    lastRoundLayout_->setAlignment(Qt::AlignLeft | Qt::AlignTop);
    scroll->setWidget(lastRound_);
    lastLayout->addWidget(scroll);
    right->addWidget(lastBox);

    labelPanel_ = new QGroupBox(tr("Label these images (type a digit in each field; Tab or typing moves on)"), right);
    auto* labelOuter = new QVBoxLayout(labelPanel_);
    auto* labelGrid = new QWidget(labelPanel_);
    labelLayout_ = new QGridLayout(labelGrid);
    labelLayout_->setAlignment(Qt::AlignLeft);
    labelOuter->addWidget(labelGrid);
    submit_ = new QPushButton(tr("Submit labels"), labelPanel_);
    labelOuter->addWidget(submit_, 0, Qt::AlignLeft);
    labelPanel_->setVisible(false);
    right->addWidget(labelPanel_);
    outer->addWidget(right, 1);

    connect(run_, &QPushButton::clicked, this, [this] { Q_EMIT runRequested(request()); });
    connect(stop_, &QPushButton::clicked, this, &ActiveLearningPage::stopRequested);
    connect(submit_, &QPushButton::clicked, this, &ActiveLearningPage::submitLabels);
    redrawTimer_.setSingleShot(true);
    redrawTimer_.setInterval(150);
    connect(&redrawTimer_, &QTimer::timeout, this, &ActiveLearningPage::redraw);
}

AlRequest ActiveLearningPage::request() const {
    AlRequest r;
    for (int i = 0; i < strategies_->count(); ++i) {
        if (strategies_->item(i)->checkState() == Qt::Checked) r.strategies.push_back(strategies_->item(i)->text().toStdString());
    }
    r.loop.model = model_->currentData().toString().toStdString();
    r.loop.initial = initial_->value();
    r.loop.acquire = acquire_->value();
    r.loop.budget = budget_->value();
    r.loop.poolSubset = poolSubset_->value();
    r.loop.mcSamples = mcSamples_->value();
    r.loop.maxStepsPerRound = maxSteps_->value();
    r.repeats = repeats_->value();
    r.human = human_->isChecked();
    return r;
}

void ActiveLearningPage::setRunning(bool running) {
    run_->setEnabled(!running);
    stop_->setEnabled(running);
    if (running) {
        repeatsRequested_ = human_->isChecked() ? 1 : repeats_->value();
    } else {
        labelPanel_->setVisible(false);
    }
}

void ActiveLearningPage::clearCurves() {
    curves_.clear();
    redraw();
}

void ActiveLearningPage::addRound(const AlRoundPoint& p) {
    curves_[p.strategy][p.repeat].push_back({p.labels, p.accuracy});
    redrawTimer_.start();

    while (QLayoutItem* item = lastRoundLayout_->takeAt(0)) {
        delete item->widget();
        delete item;
    }
    lastRoundTitle_->setText(tr("%1, repeat %2, round %3: %4 labels, test accuracy %5 %%6")
                                 .arg(QString::fromStdString(p.strategy))
                                 .arg(p.repeat + 1)
                                 .arg(p.round)
                                 .arg(p.labels)
                                 .arg(100 * p.accuracy, 0, 'f', 2)
                                 .arg(p.acquired.empty() ? tr(" (the initial set)") : tr("; acquired before it:")));
    for (size_t i = 0; i < p.acquired.size(); ++i) {
        auto* tile = new DigitTile(p.images.data() + i * 28 * 28, p.acquired[i],
                                   tr("label %1\n%2").arg(p.trueLabels[i]).arg(p.scores[i], 0, 'g', 3), 40, lastRound_);
        lastRoundLayout_->addWidget(tile, int(i) / 20, int(i) % 20);
    }
}

void ActiveLearningPage::redraw() {
    plot_->clearGraphs();
    table_->setRowCount(int(curves_.size()));
    int index = 0;
    double maxLabels = 1;
    for (const auto& [strategy, repeats] : curves_) {
        // Mean over the repeats that reached each label count, with the min-max band.
        std::map<int64_t, std::vector<double>> byLabels;
        std::vector<CurvePoint> points;
        for (const auto& [repeat, curve] : repeats) {
            for (const auto& [labels, accuracy] : curve) {
                byLabels[labels].push_back(accuracy);
                points.push_back({repeat, labels, accuracy});
            }
        }
        QVector<double> x, mean, low, high;
        for (const auto& [labels, values] : byLabels) {
            x << double(labels);
            double sum = 0;
            for (double v : values) sum += v;
            mean << sum / double(values.size());
            low << *std::min_element(values.begin(), values.end());
            high << *std::max_element(values.begin(), values.end());
            maxLabels = std::max(maxLabels, double(labels));
        }
        const QColor colour = colourFor(index);
        QCPGraph* lower = plot_->addGraph();
        lower->setData(x, low, true);
        lower->setPen(Qt::NoPen);
        lower->removeFromLegend();
        QCPGraph* upper = plot_->addGraph();
        upper->setData(x, high, true);
        upper->setPen(Qt::NoPen);
        QColor band = colour;
        band.setAlpha(50);
        upper->setBrush(band);
        upper->setChannelFillGraph(lower);
        upper->removeFromLegend();
        QCPGraph* line = plot_->addGraph();
        line->setData(x, mean, true);
        line->setPen(QPen(colour, 2));
        line->setName(QString::fromStdString(strategy));

        const int repeatsSeen = std::max(repeatsRequested_, int(repeats.size()));
        auto cell = [](const std::optional<double>& v, bool percent) {
            if (!v) return QObject::tr("not reached");
            return percent ? QString::number(100 * *v, 'f', 2) + " %" : QString::number(*v, 'f', 0);
        };
        table_->setItem(index, 0, new QTableWidgetItem(QString::fromStdString(strategy)));
        table_->setItem(index, 1, new QTableWidgetItem(cell(medianLabelsToReach(points, repeatsSeen, 0.90), false)));
        table_->setItem(index, 2, new QTableWidgetItem(cell(medianLabelsToReach(points, repeatsSeen, 0.95), false)));
        table_->setItem(index, 3, new QTableWidgetItem(cell(medianFinalAccuracy(points, int(repeats.size())), true)));
        ++index;
    }
    plot_->legend->setVisible(!curves_.empty());
    plot_->xAxis->setRange(0, maxLabels * 1.02);
    plot_->yAxis->setRange(0, 1);
    plot_->replot();
}

void ActiveLearningPage::askForLabels(const AlQuery& query) {
    while (QLayoutItem* item = labelLayout_->takeAt(0)) {
        delete item->widget();
        delete item;
    }
    labelFields_.clear();
    auto* container = labelLayout_->parentWidget();
    for (size_t i = 0; i < query.indices.size(); ++i) {
        auto* tile = new DigitTile(query.images.data() + i * 28 * 28, query.indices[i], tr("#%1").arg(query.indices[i]), 56,
                                   container);
        auto* field = new QLineEdit(container);
        field->setMaxLength(1);
        field->setMaximumWidth(56);
        field->setAlignment(Qt::AlignCenter);
        field->setValidator(new QRegularExpressionValidator(QRegularExpression("[0-9]"), field));
        const int column = int(i) % 10, row = int(i) / 10 * 2;
        labelLayout_->addWidget(tile, row, column);
        labelLayout_->addWidget(field, row + 1, column);
        labelFields_ << field;
        // Typing a digit moves on to the next field, so labelling is ten keystrokes.
        connect(field, &QLineEdit::textEdited, this, [this, i](const QString& text) {
            if (!text.isEmpty() && int(i) + 1 < labelFields_.size()) labelFields_[int(i) + 1]->setFocus();
            if (!text.isEmpty() && int(i) + 1 == labelFields_.size()) submit_->setFocus();
        });
        connect(tile, &DigitTile::clicked, field, [field] { field->setFocus(); });
    }
    labelPanel_->setTitle(tr("%1, round %2: label these %3 images").arg(QString::fromStdString(query.strategy)).arg(query.round).arg(query.indices.size()));
    labelPanel_->setVisible(true);
    if (!labelFields_.isEmpty()) labelFields_.first()->setFocus();
}

void ActiveLearningPage::submitLabels() {
    std::vector<int64_t> labels;
    for (QLineEdit* field : labelFields_) {
        if (field->text().isEmpty()) {
            field->setFocus();
            return;  // every image needs a label
        }
        labels.push_back(field->text().toInt());
    }
    labelPanel_->setVisible(false);
    Q_EMIT labelsGiven(labels);
}

int ActiveLearningPage::roundCount(const std::string& strategy) const {
    const auto it = curves_.find(strategy);
    if (it == curves_.end()) return 0;
    int n = 0;
    for (const auto& [repeat, curve] : it->second) n += int(curve.size());
    return n;
}

QList<QLineEdit*> ActiveLearningPage::labelFields() const { return labelFields_; }

void ActiveLearningPage::setStrategies(const QStringList& names) {
    for (int i = 0; i < strategies_->count(); ++i) {
        strategies_->item(i)->setCheckState(names.contains(strategies_->item(i)->text()) ? Qt::Checked : Qt::Unchecked);
    }
}

void ActiveLearningPage::setBudget(int64_t initial, int64_t acquire, int64_t budget, int64_t poolSubset, int repeats,
                                   int64_t maxSteps) {
    initial_->setValue(int(initial));
    acquire_->setValue(int(acquire));
    budget_->setValue(int(budget));
    poolSubset_->setValue(int(poolSubset));
    repeats_->setValue(repeats);
    maxSteps_->setValue(int(maxSteps));
}

void ActiveLearningPage::setHumanMode(bool on) { human_->setChecked(on); }

}  // namespace alx::ui
