#include "pages/map_page.h"

#include "alx/storage/map_export.h"
#include "text.h"

#include <QComboBox>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QLabel>
#include <QPdfWriter>
#include <QPainter>
#include <QProgressBar>
#include <QPushButton>
#include <QSaveFile>
#include <QVBoxLayout>

#include <algorithm>
#include <map>

#include "widgets/image_tile.h"
#include "plots/map_colours.h"
#include "plots/map_view.h"

namespace alx::ui {
namespace {

// A perceptually ordered scale (dark blue, teal, green, yellow) at t in [0, 1].
QRgb scaleColour(double t) {
    static const std::array<QColor, 4> stops = {QColor(68, 1, 84), QColor(49, 104, 142), QColor(53, 183, 121),
                                                QColor(253, 231, 37)};
    t = std::clamp(t, 0.0, 1.0) * 3;
    const int i = std::min(2, int(t));
    const double f = t - i;
    const QColor& a = stops[size_t(i)];
    const QColor& b = stops[size_t(i + 1)];
    return qRgb(int(a.red() + f * (b.red() - a.red())), int(a.green() + f * (b.green() - a.green())),
                int(a.blue() + f * (b.blue() - a.blue())));
}

}  // namespace

MapPage::MapPage(QWidget* parent) : QWidget(parent) {
    auto* layout = new QVBoxLayout(this);
    auto* controls = new QHBoxLayout;
    method_ = new QComboBox(this);
    method_->addItem(tr("t-SNE"), "tsne");
    method_->addItem(tr("PCA (at once)"), "pca");
    split_ = new QComboBox(this);
    split_->addItem(tr("Test images"), "test");
    split_->addItem(tr("Test and training images"), "all");
    compute_ = new QPushButton(tr("Compute map"), this);
    stop_ = new QPushButton(tr("Stop"), this);
    stop_->setEnabled(false);
    progress_ = new QProgressBar(this);
    progress_->setRange(0, 1000);
    progress_->setTextVisible(false);
    progress_->setMaximumWidth(160);
    colour_ = new QComboBox(this);
    colour_->addItem(tr("True label"));
    colour_->addItem(tr("Predicted label"));
    for (ScoreKind kind : kAllScores) colour_->addItem(QString::fromStdString(scoreName(kind)));
    export_ = new QPushButton(tr("Export…"), this);
    export_->setToolTip(tr("The picture as PNG and PDF, and the coordinates as CSV"));
    controls->addWidget(new QLabel(tr("Map:"), this));
    controls->addWidget(method_);
    controls->addWidget(split_);
    controls->addWidget(compute_);
    controls->addWidget(stop_);
    controls->addWidget(progress_);
    controls->addSpacing(16);
    controls->addWidget(new QLabel(tr("Colour by:"), this));
    controls->addWidget(colour_);
    controls->addStretch();
    exportSelection_ = new QPushButton(tr("Export selection…"), this);
    exportSelection_->setToolTip(tr("The images of the last Shift+drag selection as CSV: split,index,path"));
    exportSelection_->setEnabled(false);
    controls->addWidget(exportSelection_);
    controls->addWidget(export_);
    layout->addLayout(controls);
    view_ = new MapView(this);
    layout->addWidget(view_, 1);
    legend_ = new QLabel(this);
    legend_->setWordWrap(true);
    layout->addWidget(legend_);
    status_ = new QLabel(tr("Wheel to zoom, drag to pan, Shift+drag to select, click an image for its details."), this);
    // A long path in the line wraps, or is cut, within the page: it never widens the window.
    status_->setWordWrap(true);
    status_->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    status_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(status_);
    hover_ = new QLabel(view_);
    hover_->setFrameShape(QFrame::Box);
    hover_->setAutoFillBackground(true);
    hover_->hide();

    connect(compute_, &QPushButton::clicked, this,
            [this] { Q_EMIT computeRequested(method_->currentData().toString(), split_->currentData().toString()); });
    connect(stop_, &QPushButton::clicked, this, &MapPage::stopRequested);
    connect(colour_, &QComboBox::currentIndexChanged, this, [this] { rebuildScene(); });
    connect(export_, &QPushButton::clicked, this, [this] {
        const QString base = QFileDialog::getSaveFileName(this, tr("Export the map"), "map", tr("Map (*.png *.pdf *.csv)"));
        if (!base.isEmpty()) exportTo(QFileInfo(base).path() + "/" + QFileInfo(base).completeBaseName());
    });
    connect(exportSelection_, &QPushButton::clicked, this, [this] {
        const QString file = QFileDialog::getSaveFileName(this, tr("Export the selection"), "selection.csv", tr("CSV files (*.csv)"));
        if (!file.isEmpty() && !exportSelection(file)) status_->setText(tr("Could not write %1").arg(file));
    });
    connect(view_, &MapView::rowHovered, this, &MapPage::showHover);
    connect(view_, &MapView::rowClicked, this, [this](qint64 row) {
        if (map_ && row < map_->testRows) Q_EMIT imageClicked(row);
    });
    connect(view_, &MapView::rowsSelected, this, &MapPage::selectRows);
    setRunning(false);
}

void MapPage::setResults(const RunResultsPtr& results) {
    results_ = results;
    selection_.clear();
    exportSelection_->setEnabled(false);
    map_.reset();
    kept_.reset();
    view_->setScene(nullptr, false);
    legend_->clear();
    progress_->setValue(0);
    compute_->setEnabled(results_ != nullptr);
}

void MapPage::setRunning(bool running) {
    compute_->setEnabled(!running && results_);
    stop_->setEnabled(running);
    if (running || !map_ || map_->final) return;
    map_ = kept_;
    progress_->setValue(0);
    status_->setText(kept_ ? tr("Stopped; the last finished map is shown again.") : tr("Stopped; no map was kept."));
    if (kept_) {
        rebuildScene();
    } else {
        view_->setScene(nullptr, false);
    }
}

void MapPage::setColouring(int index) { colour_->setCurrentIndex(index); }

void MapPage::setRanking(const std::vector<int64_t>& shown) {
    ranking_ = shown;
    rebuildScene();
}

void MapPage::setMap(const MapDataPtr& map) {
    if (!results_ || !map || map->testRows > results_->count) return;
    const bool first = !map_ || map_->final;
    if (map_ && map_->testRows + map_->trainRows != map->testRows + map->trainRows) {
        selection_.clear();  // its rows name other images now
        exportSelection_->setEnabled(false);
    }
    map_ = map;
    if (map->final) kept_ = map;
    progress_->setValue(map->final || map->iterations == 0 ? 1000 : int(1000.0 * map->iteration / map->iterations));
    status_->setText(map->final ? tr("%1 of %2 images%3. Wheel to zoom, drag to pan, Shift+drag to select, click an image for its details.")
                                      .arg(map->method == "tsne" ? tr("t-SNE") : tr("PCA"))
                                      .arg(map->testRows + map->trainRows)
                                      .arg(map->file.empty() ? QString() : tr(", kept in %1").arg(QString::fromStdString(map->file))) +
                                      (results_->summary.script.embedding == kEmbeddingFromLogits
                                           ? tr(" Note: %1.").arg(QString::fromUtf8(kLogitsAsEmbeddingNote))
                                           : QString())
                                : tr("t-SNE: iteration %1 of %2…").arg(map->iteration).arg(map->iterations));
    rebuildScene();
    // While t-SNE unfolds the map grows: follow it, unless the person has zoomed or panned.
    if (first || !view_->userMovedView()) view_->resetView();
}

int MapPage::labelOf(int64_t row) const {
    if (row < map_->testRows) return results_->labels[size_t(row)];
    const size_t j = size_t(row - map_->testRows);
    return j < map_->trainLabels.size() ? map_->trainLabels[j] : -1;
}

int MapPage::predictionOf(int64_t row) const {
    if (row < map_->testRows) return results_->predicted[size_t(row)];
    const size_t j = size_t(row - map_->testRows);
    return j < map_->trainPredicted.size() ? map_->trainPredicted[j] : -1;
}

QString MapPage::labelName(int label) const {
    if (label < 0) return tr("?");
    if (results_ && size_t(label) < results_->classNames.size()) return QString::fromStdString(results_->classNames[size_t(label)]);
    return QString::number(label);
}

void MapPage::rebuildScene() {
    if (!map_ || !results_) return;
    auto scene = std::make_shared<MapScene>();
    scene->xy = map_->xy;
    const int64_t rows = scene->rows();
    scene->colours.assign(size_t(rows), kUnknownColour);
    scene->marks.assign(size_t(rows), 0);
    scene->bounds = boundsOf(scene->xy);
    const int colouring = colour_->currentIndex();
    if (colouring < 2) {
        for (int64_t i = 0; i < rows; ++i) {
            const int label = colouring == 0 ? labelOf(i) : predictionOf(i);
            if (label >= 0) scene->colours[size_t(i)] = labelColour(label);
        }
        QStringList names;
        for (int c = 0; c < results_->classes; ++c) {
            names << tr("<span style='color:%1'>&#9632;</span> %2").arg(QColor(labelColour(c)).name(), labelName(c));
        }
        legend_->setText(names.join("&nbsp;&nbsp; ") + tr("&nbsp;&nbsp; (ringed red: misclassified; black: the Uncertain page's ranking)"));
    } else {
        // By rank, so that a long tail does not wash the scale out.
        const auto& values = results_->scores[size_t(colouring - 2)];
        std::vector<int64_t> order(values.size());
        for (size_t i = 0; i < order.size(); ++i) order[i] = int64_t(i);
        std::sort(order.begin(), order.end(), [&](int64_t a, int64_t b) { return values[size_t(a)] < values[size_t(b)]; });
        const double denominator = std::max<double>(1.0, double(order.size()) - 1);
        for (size_t r = 0; r < order.size() && int64_t(order[r]) < map_->testRows; ++r) {
            if (order[r] < rows) scene->colours[size_t(order[r])] = scaleColour(double(r) / denominator);
        }
        const ScoreKind kind = scoreAt(colouring - 2);
        legend_->setText(tr("%1 by rank: <span style='color:%2'>&#9632;</span> lowest … <span style='color:%3'>&#9632;</span> highest (%4 = uncertain)%5; ringed red: misclassified, black: the Uncertain page's ranking")
                             .arg(QString::fromStdString(scoreName(kind)), QColor(scaleColour(0)).name(), QColor(scaleColour(1)).name(),
                                  highIsUncertain(kind) ? tr("high") : tr("low"),
                                  map_->trainRows > 0 ? tr("; training images in grey (not scored)") : QString()));
    }
    for (int64_t i = 0; i < std::min(rows, map_->testRows); ++i) {
        if (results_->labels[size_t(i)] != results_->predicted[size_t(i)]) scene->marks[size_t(i)] = 1;
    }
    for (int64_t i : ranking_) {
        if (i < std::min(rows, map_->testRows)) scene->marks[size_t(i)] = 2;
    }
    view_->setScene(scene, true);
}

void MapPage::showHover(qint64 row, const QPoint& position) {
    if (row < 0 || !map_) {
        hover_->hide();
        return;
    }
    const bool test = row < map_->testRows;
    const size_t trainRow = size_t(row - map_->testRows);
    const QImage image = test ? tileImage(results_->images, size_t(row))
                              : trainRow < map_->trainImages.count() ? tileImage(map_->trainImages, trainRow) : QImage();
    const int predicted = predictionOf(row);
    const QString text = tr("%1 #%2\nlabel %3, predicted %4")
                             .arg(row < map_->testRows ? tr("test") : tr("training"))
                             .arg(row < map_->testRows ? row : row - map_->testRows)
                             .arg(labelName(labelOf(row)), predicted < 0 ? tr("?") : labelName(predicted));
    QPixmap picture(120, 150);
    picture.fill(Qt::white);
    QPainter painter(&picture);
    if (!image.isNull()) painter.drawImage(fittedRect(QRect(4, 4, 112, 112), image.size()), image);
    painter.drawText(QRect(0, 116, 120, 34), Qt::AlignCenter, text);
    painter.end();
    hover_->setPixmap(picture);
    hover_->adjustSize();
    QPoint at = position + QPoint(16, 16);
    if (at.x() + hover_->width() > view_->width()) at.rx() = position.x() - hover_->width() - 8;
    if (at.y() + hover_->height() > view_->height()) at.ry() = position.y() - hover_->height() - 8;
    hover_->move(at);
    hover_->show();
    hover_->raise();
}

void MapPage::selectRows(const std::vector<int64_t>& rows) {
    if (!map_ || rows.empty()) return;
    std::vector<int64_t> test;
    std::map<int, int> perLabel;
    for (int64_t row : rows) {
        ++perLabel[labelOf(row)];
        if (row < map_->testRows) test.push_back(row);
    }
    QStringList counts;
    for (const auto& [label, count] : perLabel) counts << tr("%1: %2").arg(labelName(label)).arg(count);
    const QString title = tr("%1 images selected on the map (%2 test, %3 training); per label %4")
                              .arg(rows.size()).arg(test.size()).arg(rows.size() - test.size()).arg(counts.join(", "));
    status_->setText(title);
    selection_ = rows;
    exportSelection_->setEnabled(true);
    Q_EMIT imagesSelected(title, test);
}

bool MapPage::exportSelection(const QString& file) const {
    if (!map_ || !results_ || selection_.empty()) return false;
    std::vector<int64_t> indices;
    std::vector<std::string> paths, splits;
    for (int64_t row : selection_) {
        const bool test = row < map_->testRows;
        const int64_t index = test ? row : row - map_->testRows;
        const std::vector<std::string>& known = test ? results_->testPaths : results_->trainPaths;
        indices.push_back(index);
        splits.push_back(test ? "test" : "train");
        paths.push_back(size_t(index) < known.size() ? known[size_t(index)] : std::string());
    }
    try {
        writeSelectionCsv(s(file), indices, paths, splits);
    } catch (const std::exception&) {
        return false;
    }
    return true;
}

bool MapPage::exportTo(const QString& base) const {
    if (!map_) return false;
    const QImage picture = view_->renderNow(QSize(1600, 1200));
    QSaveFile png(base + ".png");
    if (!png.open(QIODevice::WriteOnly) || !picture.save(&png, "PNG") || !png.commit()) return false;
    QSaveFile pdf(base + ".pdf");
    if (!pdf.open(QIODevice::WriteOnly)) return false;
    {
        QPdfWriter writer(&pdf);
        writer.setResolution(150);
        QPainter painter(&writer);
        const QRect page = painter.viewport();
        painter.drawImage(QRect(0, 0, page.width(), page.width() * 3 / 4), picture);
    }
    if (!pdf.commit()) return false;
    MapPoints points{map_->xy, map_->testRows, {}, {}};
    for (int64_t row = 0; row < int64_t(map_->xy.size() / 2); ++row) {
        points.labels.push_back(labelOf(row));
        points.predicted.push_back(predictionOf(row));
    }
    try {
        writeMapCsv(s(base + ".csv"), points);
    } catch (const std::exception&) {
        return false;
    }
    return true;
}

}  // namespace alx::ui
