#include "dialogs/pile_map_dialog.h"

#include <QCheckBox>
#include <QCompleter>
#include <QFileDialog>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPushButton>
#include <QScrollArea>
#include <QSplitter>
#include <QStringListModel>
#include <QVBoxLayout>

#include <algorithm>

#include "alx/storage/map_export.h"
#include "plots/map_colours.h"
#include "plots/map_view.h"
#include "text.h"
#include "widgets/image_tile.h"

namespace alx::ui {
namespace {

constexpr QRgb kWaiting = 0xffffffff;    // in the batch being labelled: white, ringed
constexpr QRgb kSetAside = 0xff303030;   // skipped or not usable
constexpr size_t kShownTiles = 300;      // of a selection, drawn as tiles
constexpr int kSelectionTilePixels = 48;

}  // namespace

PileMapDialog::PileMapDialog(QWidget* parent) : QDialog(parent) {
    setWindowTitle(tr("Map of the pile"));
    resize(900, 760);
    auto* column = new QVBoxLayout(this);
    legend_ = new QLabel(this);
    legend_->setWordWrap(true);
    column->addWidget(legend_);
    auto* split = new QSplitter(Qt::Vertical, this);
    view_ = new MapView(split);
    split->addWidget(view_);
    auto* below = new QWidget(split);
    auto* belowColumn = new QVBoxLayout(below);
    selectionTitle_ = new QLabel(tr("Shift+drag on the map selects images; they appear here, ticked."), below);
    selectionTitle_->setWordWrap(true);
    belowColumn->addWidget(selectionTitle_);
    auto* scroll = new QScrollArea(below);
    scroll->setWidgetResizable(true);
    auto* tiles = new QWidget(scroll);
    tilesLayout_ = new QGridLayout(tiles);
    tilesLayout_->setAlignment(Qt::AlignLeft | Qt::AlignTop);
    scroll->setWidget(tiles);
    belowColumn->addWidget(scroll, 1);
    auto* row = new QHBoxLayout;
    row->addWidget(new QLabel(tr("Class of the ticked:"), below));
    classField_ = new QLineEdit(below);
    classField_->setCompleter(new QCompleter(new QStringListModel(this), classField_));
    row->addWidget(classField_, 1);
    label_ = new QPushButton(tr("Label ticked"), below);
    row->addWidget(label_);
    export_ = new QPushButton(tr("Export selection…"), below);
    export_->setToolTip(tr("A CSV of the selected images: index,path"));
    row->addWidget(export_);
    belowColumn->addLayout(row);
    split->addWidget(below);
    split->setSizes({460, 300});
    column->addWidget(split, 1);

    connect(view_, &MapView::rowsSelected, this, [this](const std::vector<int64_t>& rows) { select(rows); });
    connect(label_, &QPushButton::clicked, this, &PileMapDialog::labelTicked);
    connect(classField_, &QLineEdit::returnPressed, this, &PileMapDialog::labelTicked);
    connect(export_, &QPushButton::clicked, this, [this] {
        const QString file = QFileDialog::getSaveFileName(this, tr("Export the selection"), "selection.csv", tr("CSV files (*.csv)"));
        if (!file.isEmpty()) exportSelection(file);
    });
    label_->setEnabled(false);
    export_->setEnabled(false);
}

void PileMapDialog::setBatch(const PileBatch& batch) {
    images_ = batch.pileImages;
    paths_ = batch.pilePaths;
    const bool sameMap = map_ && batch.map && map_->size() == batch.map->size();
    map_ = batch.map;
    answers_.clear();
    for (const PileLabel& a : batch.answers) answers_[a.image] = a;
    batch_.clear();
    for (const PileLabel& a : batch.given) batch_.insert(a.image);
    classes_.clear();
    for (const std::string& name : batch.classNames) classes_ << q(name);
    static_cast<QStringListModel*>(classField_->completer()->model())->setStringList(classes_);
    rebuildScene();
    if (!sameMap) view_->resetView();
}

void PileMapDialog::setAnswering(bool answering) {
    answering_ = answering;
    label_->setEnabled(answering_ && !ticks_.empty());
    label_->setToolTip(answering ? QString() : tr("The model is training: label once the next batch is shown"));
}

void PileMapDialog::noteAnswer(int64_t image, LabelStatus status, const QString& className) {
    PileLabel& a = answers_[image];
    a.image = image;
    a.status = status;
    a.className = s(className);
    if (status == LabelStatus::Labelled && !classes_.contains(className)) classes_ << className;
    rebuildScene();
}

void PileMapDialog::rebuildScene() {
    if (!map_ || map_->empty()) {
        view_->setScene(nullptr, false);
        legend_->setText(tr("The map appears with the next batch."));
        return;
    }
    auto scene = std::make_shared<MapScene>();
    scene->xy = *map_;
    const int64_t rows = scene->rows();
    scene->colours.assign(size_t(rows), kUnknownColour);
    scene->marks.assign(size_t(rows), 0);
    scene->bounds = boundsOf(scene->xy);
    int64_t labelled = 0;
    for (const auto& [image, a] : answers_) {
        if (image < 0 || image >= rows) continue;
        QRgb colour = a.status == LabelStatus::Pending ? kWaiting : kSetAside;
        if (a.status == LabelStatus::Labelled) {
            colour = labelColour(int(classes_.indexOf(q(a.className))));
            ++labelled;
        }
        scene->colours[size_t(image)] = colour;
    }
    for (int64_t image : batch_) {
        if (image >= 0 && image < rows) scene->marks[size_t(image)] = 2;
    }
    QStringList names;
    for (int c = 0; c < classes_.size(); ++c) {
        names << tr("<span style='color:%1'>&#9632;</span> %2").arg(QColor(labelColour(c)).name(), classes_[c]);
    }
    legend_->setText(tr("%1 images, %2 labelled. %3 <span style='color:#d0d0d0'>&#9632;</span> never shown "
                        "&#9675; this batch, waiting &#9632; skipped or not usable. Shift+drag selects.")
                         .arg(rows)
                         .arg(labelled)
                         .arg(names.join(" ")));
    view_->setScene(scene, true);
}

void PileMapDialog::select(const std::vector<int64_t>& images) {
    for (QCheckBox* tick : ticks_) delete tick->parentWidget();
    ticks_.clear();
    selection_ = images;
    const size_t shown = std::min(images.size(), kShownTiles);
    for (size_t i = 0; i < shown && images_; ++i) {
        const int64_t image = images[i];
        auto* cell = new QWidget(tilesLayout_->parentWidget());
        auto* cellColumn = new QVBoxLayout(cell);
        cellColumn->setContentsMargins(0, 0, 0, 0);
        const auto known = answers_.find(image);
        const QString caption = known == answers_.end() || known->second.status != LabelStatus::Labelled
                                    ? QString("#%1").arg(image)
                                    : q(known->second.className);
        auto* tile = new ImageTile(tileImage(*images_, size_t(image)), image, caption, kSelectionTilePixels, cell);
        tile->setClickable(false);
        if (paths_ && size_t(image) < paths_->size()) tile->setToolTip(q((*paths_)[size_t(image)]));
        auto* tick = new QCheckBox(cell);
        tick->setChecked(true);
        cellColumn->addWidget(tile);
        cellColumn->addWidget(tick, 0, Qt::AlignHCenter);
        tilesLayout_->addWidget(cell, int(i) / 12, int(i) % 12);
        ticks_.push_back(tick);
    }
    selectionTitle_->setText(images.size() > shown
                                 ? tr("%1 images selected; the first %2 are shown, and only they are labelled: untick any that do not belong.")
                                       .arg(images.size()).arg(shown)
                                 : tr("%1 images selected: untick any that do not belong, then give the class.").arg(images.size()));
    label_->setEnabled(answering_ && !ticks_.empty());
    export_->setEnabled(!selection_.empty());
}

void PileMapDialog::labelTicked() {
    if (!answering_) return;
    const QString name = classField_->text().trimmed();
    if (name.isEmpty()) {
        classField_->setFocus();
        return;
    }
    std::vector<int64_t> images;
    for (size_t i = 0; i < ticks_.size(); ++i) {
        if (ticks_[i]->isChecked()) images.push_back(selection_[i]);
    }
    if (images.empty()) return;
    Q_EMIT labelImages(images, name);
    select({});
    selectionTitle_->setText(tr("%1 images labelled %2.").arg(images.size()).arg(name));
}

QString PileMapDialog::path(int64_t image) const {
    return paths_ && image >= 0 && size_t(image) < paths_->size() ? q((*paths_)[size_t(image)]) : QString();
}

bool PileMapDialog::exportSelection(const QString& file) {
    std::vector<std::string> paths;
    for (int64_t image : selection_) paths.push_back(paths_ && size_t(image) < paths_->size() ? (*paths_)[size_t(image)] : "");
    try {
        writeSelectionCsv(s(file), selection_, paths);
        return true;
    } catch (const std::exception& e) {
        QMessageBox::warning(this, tr("Cannot export the selection"), q(e.what()));
        return false;
    }
}

}  // namespace alx::ui
