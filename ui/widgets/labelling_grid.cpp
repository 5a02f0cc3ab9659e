#include "widgets/labelling_grid.h"

#include <QCompleter>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QInputDialog>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QScrollArea>
#include <QStringListModel>
#include <QVBoxLayout>

#include "text.h"
#include "dialogs/pile_map_dialog.h"
#include "widgets/image_tile.h"

namespace alx::ui {
namespace {

constexpr int kLabellingTilePixels = 72;
constexpr int kKeyedClasses = 10;  // keys 1-9, then 0

QString keyOf(int classIndex) { return classIndex == 9 ? "0" : QString::number(classIndex + 1); }

}  // namespace

LabellingGrid::LabellingGrid(QWidget* parent) : QWidget(parent) {
    setFocusPolicy(Qt::StrongFocus);
    auto* column = new QVBoxLayout(this);
    title_ = new QLabel(this);
    title_->setWordWrap(true);
    column->addWidget(title_);
    legend_ = new QLabel(this);
    legend_->setWordWrap(true);
    column->addWidget(legend_);
    auto* scroll = scroll_ = new QScrollArea(this);
    scroll->setWidgetResizable(true);
    scroll->setFocusPolicy(Qt::NoFocus);
    scroll->setMinimumHeight(2 * (kLabellingTilePixels + 8 + fontMetrics().height()) + 12);  // two rows at least
    auto* tiles = new QWidget(scroll);
    tilesLayout_ = new QGridLayout(tiles);
    tilesLayout_->setAlignment(Qt::AlignLeft | Qt::AlignTop);
    scroll->setWidget(tiles);
    column->addWidget(scroll, 1);

    auto* row = new QHBoxLayout;
    row->addWidget(new QLabel(tr("Class:"), this));
    classField_ = new QLineEdit(this);
    classField_->setPlaceholderText(tr("type a class name, Enter labels the framed image"));
    completions_ = new QStringListModel(this);
    auto* completer = new QCompleter(completions_, classField_);
    completer->setCaseSensitivity(Qt::CaseInsensitive);
    classField_->setCompleter(completer);
    row->addWidget(classField_, 1);
    newClass_ = new QPushButton(tr("New class…"), this);
    newClass_->setToolTip(tr("Add a class without labelling an image with it yet"));
    row->addWidget(newClass_);
    showMap_ = new QPushButton(tr("Map of the pile…"), this);
    showMap_->setToolTip(tr("Every image of the pile on a map: select a cluster with Shift+drag and label it at once"));
    row->addWidget(showMap_);
    done_ = new QPushButton(tr("Done with this batch"), this);
    done_->setToolTip(tr("Train on the labels so far and choose the next batch; images left unanswered are skipped"));
    row->addWidget(done_);
    column->addLayout(row);

    connect(classField_, &QLineEdit::returnPressed, this, [this] {
        const QString name = classField_->text().trimmed();
        if (name.isEmpty()) return;
        answerCurrent(LabelStatus::Labelled, name);
        classField_->clear();
        setFocus();
    });
    connect(newClass_, &QPushButton::clicked, this, [this] {
        const QString name = QInputDialog::getText(this, tr("New class"), tr("Name of the new class:")).trimmed();
        if (!name.isEmpty()) addClass(name);
        setFocus();
    });
    connect(done_, &QPushButton::clicked, this, &LabellingGrid::finish);
    map_ = new PileMapDialog(this);
    connect(showMap_, &QPushButton::clicked, map_, [this] {
        map_->show();
        map_->raise();
    });
    connect(map_, &PileMapDialog::labelImages, this, &LabellingGrid::labelFromMap);
}

void LabellingGrid::showBatch(const PileBatch& batch) {
    for (ImageTile* tile : tiles_) delete tile;
    tiles_.clear();
    rows_ = batch.rows;
    answers_ = batch.given;
    paths_.clear();
    for (const std::string& path : batch.paths) paths_ << q(path);
    classes_.clear();
    for (const std::string& name : batch.classNames) classes_ << q(name);
    for (size_t i = 0; i < rows_.size(); ++i) {
        auto* tile = new ImageTile(tileImage(batch.images, i), int64_t(i), QString(), kLabellingTilePixels, tilesLayout_->parentWidget());
        tile->setToolTip(q(batch.paths[i]));
        connect(tile, &ImageTile::clicked, this, [this](qint64 index) {
            select(int(index));
            setFocus();
        });
        tiles_.push_back(tile);
        refreshTile(int(i));
    }
    placeTiles();
    title_->setText(tr("Round %1: label these %2 images (%3 of %4 labels given)%5")
                        .arg(batch.round)
                        .arg(rows_.size())
                        .arg(batch.labelled)
                        .arg(batch.budget)
                        .arg(batch.withoutModel ? tr(". Chosen to cover the pile (its most typical images), before any model")
                                                : QString()));
    refreshLegend();
    map_->setBatch(batch);
    map_->setAnswering(true);
    const int first = firstPending();
    select(first >= 0 ? first : 0);
    setEnabled(true);
    setFocus();
}

int LabellingGrid::columnsThatFit() const {
    const int tileWidth = kLabellingTilePixels + 8 + std::max(0, tilesLayout_->horizontalSpacing());
    return std::max(1, (scroll_->viewport()->width() - 16) / tileWidth);
}

void LabellingGrid::placeTiles() {
    // As many columns as fit the width: the arrows move by row and column.
    columns_ = columnsThatFit();
    for (ImageTile* tile : tiles_) tilesLayout_->removeWidget(tile);
    for (size_t i = 0; i < tiles_.size(); ++i) tilesLayout_->addWidget(tiles_[i], int(i) / columns_, int(i) % columns_);
}

void LabellingGrid::resizeEvent(QResizeEvent* event) {
    QWidget::resizeEvent(event);
    if (columnsThatFit() != columns_) placeTiles();
}

void LabellingGrid::addClass(const QString& name) {
    if (name.isEmpty() || classes_.contains(name)) return;
    classes_ << name;
    refreshLegend();
}

void LabellingGrid::keyPressEvent(QKeyEvent* event) {
    const QString text = event->text();
    const int key = event->key();
    if (text.size() == 1 && text[0].isDigit()) {
        const int index = text == "0" ? 9 : text.toInt() - 1;
        if (index < classes_.size()) answerCurrent(LabelStatus::Labelled, classes_[index]);
    } else if (key == Qt::Key_S) {
        answerCurrent(LabelStatus::Skipped, {});
    } else if (key == Qt::Key_U) {
        answerCurrent(LabelStatus::Unusable, {});
    } else if (key == Qt::Key_Right || key == Qt::Key_Down) {
        select(std::min(current_ + (key == Qt::Key_Down ? columns_ : 1), imageCount() - 1));
    } else if (key == Qt::Key_Left || key == Qt::Key_Up || key == Qt::Key_Backspace) {
        select(std::max(current_ - (key == Qt::Key_Up ? columns_ : 1), 0));
    } else if (key == Qt::Key_Return || key == Qt::Key_Enter) {
        const int pending = firstPending();
        if (pending < 0) finish();
        else select(pending);
    } else if (key == Qt::Key_Slash) {
        classField_->setFocus();
    } else {
        QWidget::keyPressEvent(event);
    }
}

void LabellingGrid::answerCurrent(LabelStatus status, const QString& className) {
    if (current_ < 0 || current_ >= imageCount()) return;
    answerAt(current_, status, className);
    if (current_ + 1 < imageCount()) select(current_ + 1);
}

void LabellingGrid::answerAt(int i, LabelStatus status, const QString& className) {
    if (status == LabelStatus::Labelled) addClass(className);
    PileLabel& answer = answers_[size_t(i)];
    answer.status = status;
    answer.className = status == LabelStatus::Labelled ? s(className) : std::string();
    refreshTile(i);
    map_->noteAnswer(answer.image, status, className);
    Q_EMIT answered({rows_[size_t(i)], status, answer.className});
}

void LabellingGrid::labelFromMap(const std::vector<int64_t>& images, const QString& className) {
    for (int64_t image : images) {
        const auto inBatch = std::find_if(answers_.begin(), answers_.end(), [image](const PileLabel& a) { return a.image == image; });
        if (inBatch != answers_.end()) {
            answerAt(int(inBatch - answers_.begin()), LabelStatus::Labelled, className);
            continue;
        }
        addClass(className);
        map_->noteAnswer(image, LabelStatus::Labelled, className);
        PileAnswer answer{PileAnswer::kDone, LabelStatus::Labelled, s(className)};
        answer.image = image;
        Q_EMIT answered(answer);
    }
    const int pending = firstPending();
    if (pending >= 0) select(pending);
}

void LabellingGrid::finish() {
    if (rows_.empty()) return;
    Q_EMIT answered(PileAnswer{});
    for (ImageTile* tile : tiles_) delete tile;
    tiles_.clear();
    rows_.clear();
    answers_.clear();
    paths_.clear();
    current_ = -1;
    map_->setAnswering(false);
    title_->setText(tr("Training on the labels so far, then choosing the next batch…"));
    setEnabled(false);
}

void LabellingGrid::select(int i) {
    if (i < 0 || i >= imageCount()) return;
    if (current_ >= 0 && current_ < imageCount()) tiles_[size_t(current_)]->setFrame(QColor());
    current_ = i;
    tiles_[size_t(i)]->setFrame(palette().color(QPalette::Highlight));
    scroll_->ensureWidgetVisible(tiles_[size_t(i)]);
}

void LabellingGrid::refreshTile(int i) {
    const PileLabel& a = answers_[size_t(i)];
    QString caption;
    switch (a.status) {
        case LabelStatus::Labelled: caption = q(a.className); break;
        case LabelStatus::Skipped: caption = tr("skipped"); break;
        case LabelStatus::Unusable: caption = tr("not usable"); break;
        case LabelStatus::Pending: caption = QStringLiteral("?"); break;
    }
    tiles_[size_t(i)]->setCaption(caption);
}

void LabellingGrid::refreshLegend() {
    QStringList keys;
    for (int c = 0; c < std::min<int>(kKeyedClasses, int(classes_.size())); ++c) keys << keyOf(c) + " " + classes_[c];
    QString known = keys.isEmpty() ? tr("No class yet: type the first one's name (Tab) and press Enter.")
                                   : tr("Keys: %1").arg(keys.join(QStringLiteral(" · ")));
    if (classes_.size() > kKeyedClasses) known += tr(" · typed: %1").arg(classes_.mid(kKeyedClasses).join(", "));
    legend_->setText(known + tr(" · S skip · U not usable · arrows move · Tab type a class · Enter when all are answered"));
    completions_->setStringList(classes_);
}

int LabellingGrid::firstPending() const {
    for (size_t i = 0; i < answers_.size(); ++i) {
        if (answers_[i].status == LabelStatus::Pending) return int(i);
    }
    return -1;
}

}  // namespace alx::ui
