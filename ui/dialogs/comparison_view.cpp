#include "dialogs/comparison_view.h"

#include <QFileInfo>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QSplitter>
#include <QTableWidget>
#include <QScrollArea>
#include <QTabWidget>
#include <QVBoxLayout>
#include <QGridLayout>
#include <qcustomplot.h>

#include <algorithm>
#include <cmath>
#include <functional>

#include "text.h"
#include "widgets/image_tile.h"

namespace alx::ui {
namespace {

const QColor kRunColours[] = {QColor(31, 119, 180), QColor(255, 127, 14), QColor(44, 160, 44), QColor(214, 39, 40),
                              QColor(148, 103, 189), QColor(140, 86, 75), QColor(227, 119, 194), QColor(127, 127, 127)};

QColor runColour(size_t r) { return kRunColours[r % (sizeof kRunColours / sizeof kRunColours[0])]; }

QString runName(const ComparedRun& run, size_t r) {
    return QObject::tr("%1. %2 (%3)").arg(r + 1).arg(q(run.summary.model), QFileInfo(q(run.path)).fileName());
}

QTableWidgetItem* cell(const QString& text, const QColor& background = QColor()) {
    auto* item = new QTableWidgetItem(text);
    item->setFlags(item->flags() & ~Qt::ItemIsEditable);
    if (background.isValid()) item->setBackground(background);
    return item;
}

// One score's histograms of every run, overlaid as outlines (log counts).
void drawHistograms(QCustomPlot* plot, const ComparisonData& c, int kind) {
    plot->clearPlottables();
    float low = 0, high = 0;
    bool first = true;
    for (const auto& values : c.scoreValues) {
        for (float v : values[size_t(kind)]) {
            if (!std::isfinite(v)) continue;
            low = first ? v : std::min(low, v);
            high = first ? v : std::max(high, v);
            first = false;
        }
    }
    const int bins = 40;
    const double width = std::max(1e-9, double(high - low) / bins);
    double peak = 1;
    for (size_t r = 0; r < c.scoreValues.size(); ++r) {
        std::vector<double> counts(bins, 0);
        for (float v : c.scoreValues[r][size_t(kind)]) {
            if (std::isfinite(v)) counts[size_t(std::clamp(int((v - low) / width), 0, bins - 1))] += 1;
        }
        auto* graph = new QCPGraph(plot->xAxis, plot->yAxis);
        QVector<double> x, y;
        for (int b = 0; b < bins; ++b) {
            x << low + b * width;
            y << std::max(0.8, counts[size_t(b)]);
            peak = std::max(peak, counts[size_t(b)]);
        }
        graph->setData(x, y);
        graph->setLineStyle(QCPGraph::lsStepLeft);
        graph->setPen(QPen(runColour(r), 1.6));
    }
    plot->xAxis->setLabel(QObject::tr("%1 (every test image, per run)").arg(QString::fromStdString(scoreName(scoreAt(kind)))));
    plot->yAxis->setLabel(QObject::tr("images"));
    plot->yAxis->setScaleType(QCPAxis::stLogarithmic);
    plot->yAxis->setTicker(QSharedPointer<QCPAxisTickerLog>::create());
    plot->xAxis->setRange(low - width, high + 2 * width);
    plot->yAxis->setRange(0.8, peak * 2);
    plot->replot();
}

}  // namespace

ComparisonView::ComparisonView(QWidget* parent) : QWidget(parent) {
    auto* outer = new QVBoxLayout(this);
    summary_ = new QLabel(this);
    summary_->setWordWrap(true);
    outer->addWidget(summary_);
    auto* tabs = new QTabWidget(this);
    outer->addWidget(tabs, 1);
    auto* sideBySide = new QWidget(tabs);
    tabs->addTab(sideBySide, tr("Side by side"));
    auto* layout = new QVBoxLayout(sideBySide);
    auto* scores = new QWidget(tabs);
    tabs->addTab(scores, tr("The six scores"));
    auto* scoreGrid = new QGridLayout(scores);
    for (int k = 0; k < kScoreCount; ++k) {
        scorePlots_[size_t(k)] = new QCustomPlot(scores);
        scorePlots_[size_t(k)]->setMinimumSize(240, 160);
        scoreGrid->addWidget(scorePlots_[size_t(k)], k / 3, k % 3);
    }
    settings_ = new QTableWidget(tabs);
    settings_->verticalHeader()->setVisible(false);
    tabs->addTab(settings_, tr("Settings"));
    auto* images = new QWidget(tabs);
    tabs->addTab(images, tr("Images they disagree on"));
    auto* imagesLayout = new QVBoxLayout(images);
    gridNote_ = new QLabel(images);
    gridNote_->setWordWrap(true);
    imagesLayout->addWidget(gridNote_);
    auto* scroll = new QScrollArea(images);
    scroll->setWidgetResizable(true);
    grid_ = new QWidget(scroll);
    gridLayout_ = new QGridLayout(grid_);
    gridLayout_->setAlignment(Qt::AlignTop | Qt::AlignLeft);
    scroll->setWidget(grid_);
    imagesLayout->addWidget(scroll, 1);
    auto* plots = new QHBoxLayout;
    loss_ = new QCustomPlot(sideBySide);
    loss_->setMinimumSize(360, 220);
    loss_->xAxis->setLabel(tr("epoch"));
    loss_->yAxis->setLabel(tr("mean training loss"));
    loss_->legend->setVisible(true);
    plots->addWidget(loss_, 1);
    histogram_ = new QCustomPlot(sideBySide);
    histogram_->setMinimumSize(360, 220);
    histogram_->yAxis->setLabel(tr("images"));
    plots->addWidget(histogram_, 1);
    layout->addLayout(plots, 2);
    runs_ = new QTableWidget(sideBySide);
    runs_->verticalHeader()->setVisible(false);
    layout->addWidget(runs_, 1);
    pairs_ = new QTableWidget(sideBySide);
    pairs_->verticalHeader()->setVisible(false);
    pairs_->setColumnCount(7);
    pairs_->setHorizontalHeaderLabels({tr("runs"), tr("predicted differently"), tr("only the first right"),
                                       tr("only the second right"), tr("McNemar p"), tr("significant (p < 0.05)"),
                                       tr("top-N uncertain overlap (Jaccard)")});
    pairs_->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    layout->addWidget(pairs_, 1);
}

void ComparisonView::setComparison(const ComparisonDataPtr& c) {
    comparison_ = c;
    loss_->clearGraphs();
    if (!c) return;
    const RunComparison& k = c->comparison;
    summary_->setText(tr("%1 runs on the same %2 test images; their predictions differ on %3. McNemar's exact test asks "
                         "whether two runs' errors differ by more than chance; the overlap compares their %4 most "
                         "uncertain images by %5.")
                          .arg(k.runs.size()).arg(k.images).arg(k.disagreementImages.size()).arg(k.topN)
                          .arg(q(scoreKey(k.score))));
    drawLosses();
    // The chosen score's histograms beside the loss; all six in their own tab.
    drawHistograms(histogram_, *c, int(k.score));
    for (int kind = 0; kind < kScoreCount; ++kind) drawHistograms(scorePlots_[size_t(kind)], *c, kind);
    showRuns();
    showPairs();
    showDisagreements();
    showSettings();
}

// Loss per epoch, one colour per run; validation accuracy, where the runs
// held some out, dashed on the right axis.
void ComparisonView::drawLosses() {
    const std::vector<ComparedRun>& runs = comparison_->comparison.runs;
    double top = 0, lowest = 1;
    int epochs = 1;
    bool validation = false;
    for (size_t r = 0; r < runs.size(); ++r) {
        QVector<double> x, loss, accuracy;
        for (const EpochReport& e : runs[r].summary.epochs) {
            x << double(e.epoch);
            loss << e.meanLoss;
            top = std::max(top, e.meanLoss);
            if (e.validationAccuracy) accuracy << 100 * *e.validationAccuracy;
        }
        epochs = std::max(epochs, int(x.size()));
        auto* graph = loss_->addGraph();
        graph->setData(x, loss);
        graph->setPen(QPen(runColour(r), 2));
        graph->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCircle, 5));
        graph->setName(runName(runs[r], r));
        if (accuracy.isEmpty()) continue;
        validation = true;
        for (double a : accuracy) lowest = std::min(lowest, a / 100);
        auto* dashed = loss_->addGraph(loss_->xAxis, loss_->yAxis2);
        dashed->setData(x.mid(0, accuracy.size()), accuracy);
        dashed->setPen(QPen(runColour(r), 1.2, Qt::DashLine));
        dashed->removeFromLegend();
    }
    loss_->yAxis2->setVisible(validation);
    loss_->yAxis2->setLabel(tr("validation accuracy % (dashed)"));
    loss_->yAxis2->setRange(std::floor(100 * lowest) - 0.5, 100.2);
    loss_->xAxis->setRange(0.5, epochs + 0.5);
    loss_->yAxis->setRange(0, top * 1.1 + 1e-9);
    loss_->replot();
}

// Runs: accuracy, per class, calibration, time; the best of each column in green.
void ComparisonView::showRuns() {
    const ComparisonData& c = *comparison_;
    const std::vector<ComparedRun>& runs = c.comparison.runs;
    const int classes = runs.empty() ? 0 : int(runs[0].perClassAccuracy.size());
    QStringList headers = {tr("run"), tr("accuracy %"), tr("ECE %"), tr("epochs"), tr("training s")};
    for (int k = 0; k < classes; ++k) headers << (size_t(k) < c.classNames.size() ? q(c.classNames[size_t(k)]) : QString::number(k));
    for (ScoreKind kind : kAllScores) headers << tr("mean %1").arg(q(scoreKey(kind)));
    runs_->clear();
    runs_->setColumnCount(headers.size());
    runs_->setHorizontalHeaderLabels(headers);
    runs_->setRowCount(int(runs.size()));
    const QColor best(44, 160, 44, 70);
    double bestAccuracy = -1, bestEce = 1e300;
    for (const ComparedRun& run : runs) {
        bestAccuracy = std::max(bestAccuracy, run.summary.testAccuracy);
        bestEce = std::min(bestEce, run.ece);
    }
    for (size_t r = 0; r < runs.size(); ++r) {
        const ComparedRun& run = runs[r];
        auto* name = cell(runName(run, r));
        name->setForeground(runColour(r));
        name->setToolTip(q(run.path));
        runs_->setItem(int(r), 0, name);
        const double accuracy = run.summary.testAccuracy;
        runs_->setItem(int(r), 1, cell(decimal(100 * accuracy, 2), accuracy == bestAccuracy ? best : QColor()));
        runs_->setItem(int(r), 2, cell(decimal(100 * run.ece, 2), run.ece == bestEce ? best : QColor()));
        runs_->setItem(int(r), 3, cell(QString::number(run.summary.epochs.size())));
        runs_->setItem(int(r), 4, cell(decimal(run.summary.trainSeconds, 1)));
        for (int k = 0; k < classes; ++k) {
            double top = 0;
            for (const auto& other : runs) top = std::max(top, other.perClassAccuracy[size_t(k)]);
            const double a = run.perClassAccuracy[size_t(k)];
            runs_->setItem(int(r), 5 + k, cell(std::isnan(a) ? QString("-") : decimal(100 * a, 1), a == top ? best : QColor()));
        }
        for (int s = 0; s < kScoreCount; ++s) runs_->setItem(int(r), 5 + classes + s, cell(significantDigits(run.scoreMeans[size_t(s)], 4)));
    }
    runs_->resizeColumnsToContents();
}

void ComparisonView::showPairs() {
    const std::vector<RunPair>& pairs = comparison_->comparison.pairs;
    pairs_->setRowCount(int(pairs.size()));
    for (int i = 0; i < int(pairs.size()); ++i) {
        const RunPair& p = pairs[size_t(i)];
        const bool significant = p.mcnemarP < 0.05;
        pairs_->setItem(i, 0, cell(tr("%1 and %2").arg(p.first + 1).arg(p.second + 1)));
        pairs_->setItem(i, 1, cell(QString::number(p.disagreements)));
        pairs_->setItem(i, 2, cell(QString::number(p.onlyFirstRight)));
        pairs_->setItem(i, 3, cell(QString::number(p.onlySecondRight)));
        pairs_->setItem(i, 4, cell(significantDigits(p.mcnemarP, 3)));
        pairs_->setItem(i, 5, cell(significant ? tr("yes") : tr("no"), significant ? QColor(255, 187, 60, 110) : QColor()));
        pairs_->setItem(i, 6, cell(decimal(p.uncertainJaccard, 2)));
    }
}

// How each run was trained, one row per setting; the rows where runs differ highlighted.
void ComparisonView::showSettings() {
    const std::vector<ComparedRun>& runs = comparison_->comparison.runs;
    std::vector<std::vector<std::pair<std::string, std::string>>> settings;
    for (const ComparedRun& run : runs) settings.push_back(recordedSettings(run.summary));
    std::vector<std::string> keys;
    for (const auto& recorded : settings) {
        for (const auto& [key, value] : recorded) {
            if (std::find(keys.begin(), keys.end(), key) == keys.end()) keys.push_back(key);
        }
    }
    settings_->clear();
    settings_->setColumnCount(int(runs.size()) + 1);
    QStringList headers = {tr("setting")};
    for (size_t r = 0; r < runs.size(); ++r) headers << runName(runs[r], r);
    settings_->setHorizontalHeaderLabels(headers);
    settings_->setRowCount(int(keys.size()));
    for (size_t k = 0; k < keys.size(); ++k) {
        std::vector<std::string> values;
        for (const auto& recorded : settings) {
            std::string value = "-";
            for (const auto& [key, v] : recorded) {
                if (key == keys[k]) value = v;
            }
            values.push_back(value);
        }
        const bool differ = std::adjacent_find(values.begin(), values.end(), std::not_equal_to<>()) != values.end();
        const QColor mark = differ ? QColor(255, 187, 60, 110) : QColor();
        settings_->setItem(int(k), 0, cell(QString::fromStdString(keys[k]), mark));
        for (size_t r = 0; r < values.size(); ++r) settings_->setItem(int(k), int(r) + 1, cell(QString::fromStdString(values[r]), mark));
    }
    settings_->resizeColumnsToContents();
}

void ComparisonView::showDisagreements() {
    while (QLayoutItem* item = gridLayout_->takeAt(0)) {
        delete item->widget();
        delete item;
    }
    const ComparisonDataPtr& c = comparison_;
    if (c->shownDisagreements.empty()) {
        gridNote_->setText(c->comparison.disagreementImages.empty() ? tr("The runs predict every test image alike.")
                                                          : tr("The images are not drawn: %1").arg(QString::fromStdString(c->imagesProblem)));
        return;
    }
    gridNote_->setText(tr("The first %1 of the %2 test images the runs predict differently; under each, every run's "
                          "prediction (in its colour) and the probability it gave it.")
                           .arg(c->shownDisagreements.size()).arg(c->comparison.disagreementImages.size()));
    const auto name = [&](int k) {
        return size_t(k) < c->classNames.size() ? QString::fromStdString(c->classNames[size_t(k)]) : QString::number(k);
    };
    for (size_t k = 0; k < c->shownDisagreements.size(); ++k) {
        auto* box = new QWidget(grid_);
        auto* column = new QVBoxLayout(box);
        column->setContentsMargins(2, 2, 2, 2);
        column->setSpacing(0);
        column->addWidget(new ImageTile(tileImage(c->shownImages, k), c->shownDisagreements[k],
                                        tr("#%1 label %2").arg(c->shownDisagreements[k]).arg(name(c->shownLabels[k])), 56, box));
        for (size_t r = 0; r < c->shownPredictions.size(); ++r) {
            auto* line = new QLabel(tr("%1: %2 (%3)").arg(r + 1).arg(name(c->shownPredictions[r][k]))
                                        .arg(decimal(c->shownProbabilities[r][k], 2)), box);
            QPalette palette = line->palette();
            palette.setColor(QPalette::WindowText, runColour(r));
            line->setPalette(palette);
            if (c->shownPredictions[r][k] == c->shownLabels[k]) line->setStyleSheet("font-weight: bold");
            column->addWidget(line);
        }
        gridLayout_->addWidget(box, int(k) / 10, int(k) % 10);
    }
}

}  // namespace alx::ui
