#include "pages/active_learning_page.h"

#include "alx/data/dataset_catalog.h"
#include "widgets/model_combo.h"
#include "widgets/spin_row.h"

#include <QCheckBox>
#include <QDoubleSpinBox>
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

#include <algorithm>

#include "alx/active_learning/learning_curve.h"
#include "alx/active_learning/stopping.h"
#include "text.h"
#include "widgets/image_tile.h"
#include "dialogs/pile_map_dialog.h"
#include "widgets/labelling_grid.h"
#include "plots/learning_curve_plot.h"

namespace alx::ui {

ActiveLearningPage::ActiveLearningPage(QWidget* parent) : QWidget(parent) {
    auto* outer = new QHBoxLayout(this);
    outer->addWidget(buildControls());

    auto* right = splitter_ = new QSplitter(Qt::Vertical, this);
    curves_ = new LearningCurvePlot(right);
    right->addWidget(curves_);

    table_ = new QTableWidget(0, 5, right);
    table_->setHorizontalHeaderLabels(
        {tr("strategy"), tr("labels to 90 %"), tr("labels to 95 %"), tr("last accuracy"), tr("stable at (kappa)")});
    table_->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
    table_->setEditTriggers(QAbstractItemView::NoEditTriggers);
    table_->setToolTip(tr("Median over repeats; a repeat that never gets there counts as more than any other"));
    right->addWidget(table_);

    auto* lastBox = lastBox_ = new QWidget(right);
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

    labelPanel_ = new QGroupBox(tr("Label these images (type each class number; Tab or a full field moves on)"), right);
    auto* labelOuter = new QVBoxLayout(labelPanel_);
    auto* labelGrid = new QWidget(labelPanel_);
    labelLayout_ = new QGridLayout(labelGrid);
    labelLayout_->setAlignment(Qt::AlignLeft);
    labelOuter->addWidget(labelGrid);
    submit_ = new QPushButton(tr("Submit labels"), labelPanel_);
    labelOuter->addWidget(submit_, 0, Qt::AlignLeft);
    labelPanel_->setVisible(false);
    right->addWidget(labelPanel_);
    grid_ = new LabellingGrid(right);
    grid_->setVisible(false);
    right->addWidget(grid_);
    outer->addWidget(right, 1);

    connect(run_, &QPushButton::clicked, this, [this] {
        curves_->setStopKappa(summaryStopKappa(stopKappa_->value()));
        Q_EMIT runRequested(request());
    });
    connect(sweep_, &QPushButton::clicked, this, &ActiveLearningPage::sweepRequested);
    connect(resume_, &QPushButton::clicked, this, [this] {
        if (resumable_) Q_EMIT runRequested(*resumable_);
    });
    connect(stop_, &QPushButton::clicked, this, &ActiveLearningPage::stopRequested);
    connect(submit_, &QPushButton::clicked, this, &ActiveLearningPage::submitLabels);
    connect(grid_, &LabellingGrid::answered, this, &ActiveLearningPage::pileAnswered);
    // The table summarises the curves: refreshed with each coalesced redraw.
    connect(curves_, &LearningCurvePlot::redrawn, this, &ActiveLearningPage::updateTable);
}

QWidget* ActiveLearningPage::buildControls() {
    auto* controls = new QGroupBox(tr("Active learning"), this);
    controls->setMaximumWidth(330);
    auto* column = new QVBoxLayout(controls);
    auto* form = new QFormLayout;
    strategies_ = new QListWidget(controls);
    for (Strategy strategy : allStrategies()) {
        const std::string name = strategyName(strategy), description = strategyDescription(strategy);
        auto* item = new QListWidgetItem(QString::fromStdString(name), strategies_);
        item->setFlags(item->flags() | Qt::ItemIsUserCheckable);
        item->setCheckState(name == "random" || name == "entropy" || name == "bald" ? Qt::Checked : Qt::Unchecked);
        item->setToolTip(QString::fromStdString(description));
    }
    strategies_->setFixedHeight(strategies_->sizeHintForRow(0) * strategies_->count() + 6);
    column->addWidget(new QLabel(tr("Strategies (hover for what each does):"), controls));
    column->addWidget(strategies_);
    column->addLayout(form);
    model_ = new ModelCombo(controls);
    model_->selectModel("gal");
    form->addRow(tr("Model:"), model_);
    initial_ = addSpinRow(form, controls, {tr("Initial labels:"), 1, 1000, 20, 10, tr("Labelled at the start, chosen by the cold start")});
    coldStart_ = new QComboBox(controls);
    for (ColdStart start : allColdStarts()) {
        coldStart_->addItem(QString::fromStdString(coldStartName(start)), int(start));
        coldStart_->setItemData(coldStart_->count() - 1, QString::fromStdString(coldStartDescription(start)), Qt::ToolTipRole);
    }
    coldStart_->setToolTip(tr("How the initial images are chosen (hover over each). A pile of unlabelled images starts "
                              "typical unless random: it has no labels to balance."));
    form->addRow(tr("Cold start:"), coldStart_);
    acquire_ = addSpinRow(form, controls, {tr("Labels per round:"), 1, 1000, 10, 1, {}});
    budget_ = addSpinRow(form, controls, {tr("Budget (all labels):"), 20, 60000, 1000, 50, {}});
    poolSubset_ = addSpinRow(form, controls, {tr("Scored per round:"), 0, 60000, 2000, 500,
                                              tr("Candidates scored each round, drawn at random from the unlabelled pool")});
    poolSubset_->setSpecialValueText(tr("whole pool"));
    mcSamples_ = addSpinRow(form, controls, {tr("MC dropout passes:"), 1, 200, 20, 1, {}});
    maxSteps_ = addSpinRow(form, controls, {tr("Steps per round (max):"), 10, 5000, 300, 50,
                                            tr("Training per round: 50 epochs of the labelled set or this many steps, whichever is fewer")});
    warmSteps_ = addSpinRow(form, controls, {tr("Warm-start steps:"), 0, 5000, 50, 10,
                                             tr("Each round after the first continues from the last round's model for "
                                                "at most this many steps; 0 trains every round from scratch")});
    warmSteps_->setSpecialValueText(tr("off (from scratch)"));
    repeats_ = addSpinRow(form, controls, {tr("Repeats:"), 1, 20, 3, 1, {}});
    stopKappa_ = new QDoubleSpinBox(controls);
    stopKappa_->setRange(0, 1);
    stopKappa_->setDecimals(3);
    stopKappa_->setSingleStep(0.005);
    stopKappa_->setSpecialValueText(tr("off (whole budget)"));
    stopKappa_->setToolTip(tr("Each round's model predicts a fixed set of unlabelled images; kappa is its agreement with "
                              "the round before beyond chance. Once it has been at least this for 3 rounds, more labels "
                              "change little (Bloodgood and Vijay-Shanker 2009 use 0.99) and the repeat ends there."));
    form->addRow(tr("Stop at kappa:"), stopKappa_);
    semiSupervised_ = new QCheckBox(tr("Learn from the unlabelled pool too"), controls);
    semiSupervised_->setToolTip(tr("Each round spreads the labels over the pool's nearest-neighbour graph and trains on "
                                   "every image with the class it got, weighted by how sure that is: far fewer labels "
                                   "for the same accuracy, about a minute a round on 60,000 images with two cores"));
    form->addRow(semiSupervised_);
    human_ = new QCheckBox(tr("I label the acquired images myself"), controls);
    human_->setToolTip(tr("The first checked strategy, one repeat: the app shows each round's images without labels"));
    form->addRow(human_);
    auto* buttons = new QHBoxLayout;
    run_ = new QPushButton(tr("Run"), controls);
    stop_ = new QPushButton(tr("Stop"), controls);
    stop_->setEnabled(false);
    resume_ = new QPushButton(tr("Resume"), controls);
    resume_->setEnabled(false);
    resume_->setToolTip(tr("Continue the opened or stopped run in its folder, with its settings"));
    buttons->addWidget(run_);
    buttons->addWidget(stop_);
    buttons->addWidget(resume_);
    form->addRow(buttons);
    sweep_ = new QPushButton(tr("Run as a sweep…"), controls);
    sweep_->setToolTip(tr("Each strategy and repeat as a task of its own, run by alx-cli on a Slurm cluster or as "
                          "processes here; it goes on when ALX closes"));
    form->addRow(sweep_);
    column->addStretch();
    return controls;
}

ActiveLearningJobRequest ActiveLearningPage::request() const {
    ActiveLearningJobRequest request;
    ActiveLearningSettings& r = request.settings;
    for (int i = 0; i < strategies_->count(); ++i) {
        if (strategies_->item(i)->checkState() == Qt::Checked) r.strategies.push_back(parseStrategy(s(strategies_->item(i)->text())));
    }
    r.loop.model = s(model_->currentData().toString());
    r.loop.initial = initial_->value();
    r.loop.coldStart = ColdStart(coldStart_->currentData().toInt());
    r.loop.acquire = acquire_->value();
    r.loop.budget = budget_->value();
    r.loop.poolSubset = poolSubset_->value();
    r.loop.mcSamples = mcSamples_->value();
    r.loop.maxStepsPerRound = maxSteps_->value();
    r.loop.warmSteps = warmSteps_->value();
    r.repeats = repeats_->value();
    r.loop.stopAtKappa = stopKappa_->value();
    r.loop.semiSupervised = semiSupervised_->isChecked();
    r.personLabels = human_->isChecked();
    return request;
}

void ActiveLearningPage::setRequest(const ActiveLearningJobRequest& request) {
    const ActiveLearningSettings& r = request.settings;
    QStringList names;
    for (Strategy strategy : r.strategies) names << q(strategyName(strategy));
    setStrategies(names);
    model_->selectModel(q(r.loop.model));
    setBudget(r.loop.initial, r.loop.acquire, r.loop.budget, r.loop.poolSubset, r.repeats, r.loop.maxStepsPerRound);
    mcSamples_->setValue(r.loop.mcSamples);
    warmSteps_->setValue(int(r.loop.warmSteps));
    coldStart_->setCurrentIndex(std::max(0, coldStart_->findData(int(r.loop.coldStart))));
    human_->setChecked(r.personLabels);
    stopKappa_->setValue(r.loop.stopAtKappa);
    semiSupervised_->setChecked(r.loop.semiSupervised);
    curves_->setStopKappa(summaryStopKappa(r.loop.stopAtKappa));
}

void ActiveLearningPage::setRunning(bool running) {
    run_->setEnabled(!running);
    stop_->setEnabled(running);
    resume_->setEnabled(!running && resumable_.has_value());
    if (!running) labelPanel_->setVisible(false);
    if (!running) {
        grid_->mapDialog()->setAnswering(false);  // no job to take them
        grid_->setVisible(false);
        lastBox_->setVisible(true);
    }
}

void ActiveLearningPage::setResumable(const ActiveLearningJobRequest& request) {
    resumable_ = request;
    resumable_->resume = true;
    // The table's medians count a repeat that has not reached a target yet.
    repeatsRequested_ = request.settings.personLabels ? 1 : request.settings.repeats;
    resume_->setToolTip(tr("Continue the run in %1").arg(QString::fromStdString(request.outDir)));
}

void ActiveLearningPage::clearCurves() { curves_->clear(); }

QCustomPlot* ActiveLearningPage::plot() const { return curves_->plot(); }

void ActiveLearningPage::addRound(const AlRoundPoint& p) {
    curves_->setCrossValidated(p.crossValidated);
    curves_->addPoint(p.strategy, p.repeat, p.labels, p.accuracy, p.kappa);
    showLastRound(p);
}

void ActiveLearningPage::showOpenedRun(const AlOpenedRun& run) {
    clearCurves();
    for (const AlRoundPoint& p : run.rounds) curves_->addPoint(p.strategy, p.repeat, p.labels, p.accuracy, p.kappa);
    if (!run.rounds.empty()) showLastRound(run.rounds.back());
    setRequest(run.request);
    setResumable(run.request);
    setRunning(false);
}

void ActiveLearningPage::showLastRound(const AlRoundPoint& p) {
    while (QLayoutItem* item = lastRoundLayout_->takeAt(0)) {
        delete item->widget();
        delete item;
    }
    lastRoundTitle_->setText(tr("%1, repeat %2, round %3: %4 labels, %7 %5 %%6")
                                 .arg(QString::fromStdString(p.strategy))
                                 .arg(p.repeat + 1)
                                 .arg(p.round)
                                 .arg(p.labels)
                                 .arg(decimal(100 * p.accuracy, 2))
                                 .arg(!p.acquired.empty() ? tr("; acquired before it:")
                                      : p.round == 0      ? tr(" (the initial set)")
                                                          : QString())  // a batch all skipped, or an old run's
                                 .arg(p.crossValidated ? tr("accuracy cross-validated on the labels (no test images)")
                                                       : tr("test accuracy")));
    // An opened run has no scores, and a run written before labels were
    // kept has no used labels: each tile says what is known.
    const size_t shown = std::min(p.acquired.size(), p.images.count());
    const std::vector<std::string>& names = p.classNames;
    const auto name = [&names](int c) {
        if (c < 0) return tr("none (skipped)");
        return size_t(c) < names.size() ? QString::fromStdString(names[size_t(c)]) : QString::number(c);
    };
    for (size_t i = 0; i < shown; ++i) {
        const int truth = i < p.trueLabels.size() ? p.trueLabels[i] : -1;
        QString caption = tr("label %1").arg(name(truth));
        if (i < p.usedLabels.size() && p.usedLabels[i] != truth) caption = tr("given %1 (is %2)").arg(name(p.usedLabels[i]), name(truth));
        if (i < p.scores.size()) caption += "\n" + significantDigits(p.scores[i], 3);
        auto* tile = new ImageTile(tileImage(p.images, i), p.acquired[i], caption, 40, lastRound_);
        lastRoundLayout_->addWidget(tile, int(i) / 20, int(i) % 20);
    }
}

void ActiveLearningPage::updateTable() {
    const LearningCurvePlot::Curves& curves = curves_->curves();
    table_->setRowCount(int(curves.size()));
    int index = 0;
    for (const auto& [strategy, repeats] : curves) {
        std::vector<CurvePoint> points;
        for (const auto& [repeat, curve] : repeats) {
            for (const auto& [labels, accuracy] : curve) points.push_back({repeat, labels, accuracy});
        }
        const int repeatsSeen = std::max(repeatsRequested_, int(repeats.size()));
        auto cell = [](const std::optional<double>& v, bool percent) {
            if (!v) return QObject::tr("not reached");
            return percent ? decimal(100 * *v, 2) + " %" : decimal(*v, 0);
        };
        table_->setItem(index, 0, new QTableWidgetItem(QString::fromStdString(strategy)));
        table_->setItem(index, 1, new QTableWidgetItem(cell(medianLabelsToReach(points, repeatsSeen, 0.90), false)));
        table_->setItem(index, 2, new QTableWidgetItem(cell(medianLabelsToReach(points, repeatsSeen, 0.95), false)));
        table_->setItem(index, 3, new QTableWidgetItem(cell(medianFinalAccuracy(points, int(repeats.size())), true)));
        table_->setItem(index, 4, new QTableWidgetItem(cell(curves_->stopLabels(strategy), false)));
        ++index;
    }
}

void ActiveLearningPage::askForLabels(const AlQuery& query) {
    while (QLayoutItem* item = labelLayout_->takeAt(0)) {
        delete item->widget();
        delete item;
    }
    labelFields_.clear();
    auto* container = labelLayout_->parentWidget();
    // One keystroke per image up to ten classes; more classes take as many
    // digits as the largest label, and a full field moves on.
    const int classes = query.classNames.empty() ? 10 : int(query.classNames.size());
    const int digits = int(QString::number(classes - 1).size());
    labelClasses_ = classes;
    for (size_t i = 0; i < query.indices.size(); ++i) {
        auto* tile = new ImageTile(tileImage(query.images, i), query.indices[i], tr("#%1").arg(query.indices[i]), 56,
                                   container);
        auto* field = new QLineEdit(container);
        field->setMaxLength(digits);
        field->setMaximumWidth(56);
        field->setAlignment(Qt::AlignCenter);
        field->setValidator(new QRegularExpressionValidator(QRegularExpression(QString("[0-9]{1,%1}").arg(digits)), field));
        const int column = int(i) % 10, row = int(i) / 10 * 2;
        labelLayout_->addWidget(tile, row, column);
        labelLayout_->addWidget(field, row + 1, column);
        labelFields_ << field;
        // A full field moves on to the next, so ten images of ten classes are ten keystrokes.
        connect(field, &QLineEdit::textEdited, this, [this, i, digits](const QString& text) {
            if (text.size() < digits) return;
            if (int(i) + 1 < labelFields_.size()) labelFields_[int(i) + 1]->setFocus();
            if (int(i) + 1 == labelFields_.size()) submit_->setFocus();
        });
        connect(tile, &ImageTile::clicked, field, [field] { field->setFocus(); });
    }
    labelPanel_->setTitle(tr("%1, round %2: label these %3 images").arg(QString::fromStdString(query.strategy)).arg(query.round).arg(query.indices.size()));
    labelPanel_->setVisible(true);
    if (!labelFields_.isEmpty()) labelFields_.first()->setFocus();
}

void ActiveLearningPage::submitLabels() {
    std::vector<int64_t> labels;
    for (QLineEdit* field : labelFields_) {
        if (field->text().isEmpty() || field->text().toInt() >= labelClasses_) {
            field->setFocus();
            return;  // every image needs a label, of a class the data has
        }
        labels.push_back(field->text().toInt());
    }
    labelPanel_->setVisible(false);
    Q_EMIT labelsGiven(labels);
}

void ActiveLearningPage::askPile(const PileBatch& batch) {
    // The batch takes most of the page: the curve and its table stay in
    // view above it, the last round's images (the same images, answered) give way.
    if (!grid_->isVisible()) {
        lastBox_->setVisible(false);
        grid_->setVisible(true);
        const int height = splitter_->height();
        splitter_->setSizes({height / 4, height / 8, 0, 0, height - height / 4 - height / 8});
    }
    grid_->showBatch(batch);
}

int ActiveLearningPage::roundCount(const std::string& strategy) const { return curves_->pointCount(strategy); }

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

void ActiveLearningPage::selectModel(const QString& name) { model_->selectModel(name); }

}  // namespace alx::ui
