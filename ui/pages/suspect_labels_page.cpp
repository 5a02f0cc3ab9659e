#include "pages/suspect_labels_page.h"
#include "text.h"

#include <QComboBox>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QKeyEvent>
#include <QLabel>
#include <QPainter>
#include <QPushButton>
#include <QSpinBox>
#include <QTableWidget>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>

#include "alx/util/errors.h"
#include "widgets/image_tile.h"

namespace alx::ui {
namespace {

enum SuspectColumn { kRank, kImage, kIndex, kLabels, kPGiven, kVotes, kNeighbours, kVerdict, kRightLabel, kSuspectColumns };
constexpr int kAuditNeighbours = 10;  // nearest training images per image in a training audit

QColor verdictColour(ReviewVerdict v) {
    switch (v) {
        case ReviewVerdict::Mislabelled: return QColor(214, 39, 40, 90);
        case ReviewVerdict::Ambiguous: return QColor(255, 187, 60, 110);
        case ReviewVerdict::Fine: return QColor(44, 160, 44, 80);
    }
    return {};
}

QPixmap thumbnail(const QImage& image, int size) {
    return QPixmap::fromImage(image.scaled(size, size, Qt::KeepAspectRatio, Qt::FastTransformation));
}

}  // namespace

SuspectLabelsPage::SuspectLabelsPage(QWidget* parent) : QWidget(parent) {
    buildControls();
    connect(order_, &QComboBox::currentIndexChanged, this, &SuspectLabelsPage::rebuild);
    connect(count_, &QSpinBox::valueChanged, this, &SuspectLabelsPage::rebuild);
    connect(table_, &QTableWidget::cellDoubleClicked, this, [this](int row, int column) {
        if (column == kImage && row >= 0 && row < int(shown_.size()) && !auditsTrainingImages()) Q_EMIT imageClicked(shown_[size_t(row)]);
    });
    connect(table_, &QTableWidget::itemChanged, this, [this](QTableWidgetItem* item) {
        if (item->column() == kRightLabel) setLabel(item->row(), item->text());
    });
    connect(auditTraining_, &QPushButton::clicked, this,
            [this] { Q_EMIT trainingAuditRequested(seeds_->value(), kAuditNeighbours); });
    connect(trainOnReview_, &QPushButton::clicked, this, [this] { Q_EMIT trainOnReviewRequested(reviewPath()); });
}

void SuspectLabelsPage::buildControls() {
    auto* layout = new QVBoxLayout(this);
    auto* controls = new QHBoxLayout;
    layout->addLayout(controls);
    controls->addWidget(new QLabel(tr("Suspects ordered by"), this));
    order_ = new QComboBox(this);
    order_->addItem(tr("self-confidence (p of the given label)"));
    order_->addItem(tr("normalised margin"));
    controls->addWidget(order_);
    controls->addWidget(new QLabel(tr("Show"), this));
    count_ = new QSpinBox(this);
    count_->setRange(10, 2000);
    count_->setValue(100);
    count_->setSuffix(tr(" images"));
    count_->setToolTip(tr("The flagged images come first, then the rest by self-confidence"));
    controls->addWidget(count_);
    controls->addStretch(1);
    seeds_ = new QSpinBox(this);
    seeds_->setRange(1, 5);
    seeds_->setValue(3);
    seeds_->setPrefix(tr("models a fold: "));
    seeds_->setToolTip(tr("Seeds trained per fold and averaged: an ensemble puts more of the real label errors at the top"));
    controls->addWidget(seeds_);
    auditTraining_ = new QPushButton(tr("Audit the &training images"), this);
    controls->addWidget(auditTraining_);
    trainOnReview_ = new QPushButton(tr("Train on this re&view"), this);
    trainOnReview_->setToolTip(tr("A new run of this model on the training images as reviewed: the images marked "
                                  "mislabelled with a right label typed train with it; the other marked ones are left out"));
    controls->addWidget(trainOnReview_);
    summary_ = new QLabel(this);  // what is listed, and how far it can be trusted
    summary_->setWordWrap(true);
    layout->addWidget(summary_);

    table_ = new QTableWidget(this);
    table_->setColumnCount(kSuspectColumns);
    table_->setHorizontalHeaderLabels({tr("rank"), tr("image"), tr("index"), tr("given → suggested"), tr("p(given)"),
                                       tr("votes"), tr("nearest neighbours"), tr("verdict"), tr("right label")});
    table_->setSelectionBehavior(QAbstractItemView::SelectRows);
    table_->setSelectionMode(QAbstractItemView::SingleSelection);
    table_->setEditTriggers(QAbstractItemView::DoubleClicked | QAbstractItemView::EditKeyPressed);
    table_->verticalHeader()->setVisible(false);
    table_->verticalHeader()->setDefaultSectionSize(60);
    table_->horizontalHeader()->setStretchLastSection(true);
    table_->setIconSize(QSize(180, 56));
    table_->installEventFilter(this);
    layout->addWidget(table_, 1);
    status_ = new QLabel(tr("Keys: 1 mislabelled, 2 ambiguous, 3 fine (then the next image); arrows move; "
                            "double-click the last column to type the right label, the image for its details."),
                         this);
    status_->setWordWrap(true);
    layout->addWidget(status_);
    updateButtons();
}

QString SuspectLabelsPage::reviewPath() const {
    if (auditsTrainingImages()) return QString::fromStdString(labelReviewPath(audit_->dir));
    return runDir_.isEmpty() ? QString() : QString::fromStdString(labelReviewPath(runDir_.toStdString()));
}

void SuspectLabelsPage::setResults(const RunResultsPtr& results) {
    results_ = results;
    runDir_.clear();
    review_.clear();
    reviewWritable_ = true;
    audit_.reset();
    if (results_ && results_->count > 1) {
        try {
            const std::vector<int64_t> labels(results_->labels.begin(), results_->labels.end());
            auto view = std::make_shared<AuditView>();
            EnsembleAudit one = auditEnsemble({results_->probabilities}, {}, 0, labels, results_->classes);
            view->audit = std::move(one.audit);
            view->evidence = std::move(one.evidence);
            audit_ = view;
        } catch (const InputError& e) {
            status_->setText(tr("No audit: %1").arg(QString::fromStdString(e.what())));
        }
    }
    if (audit_) count_->setValue(int(std::clamp<int64_t>(std::max<int64_t>(audit_->audit.flaggedCount, 50), 10, 2000)));
    rebuild();
    updateButtons();
}

void SuspectLabelsPage::setAudit(const AuditViewPtr& audit) {
    if (!audit) return;
    if (audit->split == "test" && (!results_ || results_->count != audit->audit.images)) {
        status_->setText(tr("The audit is of %1 test images; the run shown has others.").arg(audit->audit.images));
        return;
    }
    audit_ = audit;
    if (auditsTrainingImages()) loadReview();
    count_->setValue(int(std::clamp<int64_t>(std::max<int64_t>(audit_->audit.flaggedCount, 50), 10, 2000)));
    rebuild();
    updateButtons();
}

void SuspectLabelsPage::setRunDir(const QString& dir) {
    runDir_ = dir;
    if (auditsTrainingImages()) return;
    if (QFileInfo::exists(reviewPath())) {
        loadReview();
    } else if (!review_.empty()) {
        save();  // the marks made before the run had a folder
    }
    for (int row = 0; row < table_->rowCount(); ++row) showMark(row);
    updateButtons();
}

void SuspectLabelsPage::loadReview() {
    review_.clear();
    reviewWritable_ = true;
    const QString path = reviewPath();
    if (path.isEmpty() || !QFileInfo::exists(path)) return;
    try {
        std::map<int64_t, ReviewEntry> read;
        for (const ReviewEntry& e : readLabelReview(path.toStdString(), results_ ? results_->classes : 10)) read[e.index] = e;
        review_ = read;
        status_->setText(tr("%1 marks read from %2").arg(review_.size()).arg(path));
    } catch (const std::exception& e) {
        reviewWritable_ = false;  // never written over: the person's marks may still be recoverable there
        status_->setText(tr("The review there is damaged and is left as it is: %1").arg(QString::fromStdString(e.what())));
    }
}

QString SuspectLabelsPage::reliabilityText() const {
    if (!audit_) return QString();
    const AuditReliability& r = audit_->evidence.reliability;
    const QString who = r.members == 1 ? tr("One network") : tr("An ensemble of %1").arg(r.members);
    QString text = tr("%1 agreeing with %2 % of the given labels; its own mistakes: at least %3 % of the images (the "
                      "disagreements it does not flag).")
                       .arg(who)
                       .arg(decimal(100 * r.accuracy, 2))
                       .arg(decimal(100 * r.errorRate, 2));
    if (r.weak) text = tr("<b>Weak list.</b> ") + text;
    if (!r.advice.empty()) text += " " + QString::fromStdString(r.advice);
    return text;
}

QImage SuspectLabelsPage::imageOf(int64_t index) const {
    if (auditsTrainingImages()) return tileImage(audit_->images.image(size_t(index)), audit_->images.shape);
    return tileImage(results_->images, size_t(index));
}

int SuspectLabelsPage::givenLabel(int64_t index) const {
    return auditsTrainingImages() ? audit_->labels[size_t(index)] : results_->labels[size_t(index)];
}

QString SuspectLabelsPage::className(int64_t label) const {
    return results_ ? QString::fromStdString(results_->className(int(label))) : QString::number(label);
}

void SuspectLabelsPage::rebuild() {
    const QSignalBlocker block(table_);
    table_->setRowCount(0);
    shown_.clear();
    if (!results_ || !audit_) {
        summary_->setText(results_ ? QString() : tr("Train a model or open a run: its test images are audited here."));
        return;
    }
    const LabelAudit& a = audit_->audit;
    const auto ranking = order_->currentIndex() == 1 ? FlaggedRanking::NormalizedMargin : FlaggedRanking::SelfConfidence;
    const std::vector<int64_t> order = auditOrder(a, ranking);
    shown_.assign(order.begin(), order.begin() + std::min<std::ptrdiff_t>(count_->value(), std::ptrdiff_t(order.size())));
    const QString what = auditsTrainingImages() ? tr("training images, by %1-fold cross-validation").arg(5)
                         : audit_->members.size() > 1 ? tr("test images, the probabilities of %1 runs averaged").arg(audit_->members.size())
                                                      : tr("test images, by the run's probabilities");
    summary_->setText(tr("%1 of %2 %3 flagged as probably mislabelled (%4 %) by confident learning; then the rest by "
                         "p(given label).<br>%5")
                          .arg(a.flaggedCount)
                          .arg(a.images)
                          .arg(what)
                          .arg(decimal(100.0 * double(a.flaggedCount) / double(std::max<int64_t>(1, a.images)), 2))
                          .arg(reliabilityText()));
    const bool training = results_->trainNeighboursPerImage > 0;
    table_->horizontalHeaderItem(kNeighbours)
        ->setText(auditsTrainingImages() ? tr("nearest training images disagreeing")
                  : training              ? tr("nearest training images")
                                          : tr("nearest test images"));
    table_->setRowCount(int(shown_.size()));
    for (int row = 0; row < int(shown_.size()); ++row) fillRow(row, shown_[size_t(row)]);
    table_->resizeColumnsToContents();
    table_->setColumnWidth(kImage, 64);
    const int m = training ? results_->trainNeighboursPerImage : results_->neighboursPerImage;
    table_->setIconSize(QSize(std::max(180, m * 34), 56));  // the neighbours' strip unscaled
    if (!auditsTrainingImages()) table_->setColumnWidth(kNeighbours, m * 34 + 16);
    table_->setColumnWidth(kVerdict, 100);
    if (!shown_.empty()) table_->setCurrentCell(0, kVerdict);
}

void SuspectLabelsPage::fillRow(int row, int64_t i) {
    const LabelAudit& a = audit_->audit;
    const AuditEvidence& evidence = audit_->evidence;
    const auto fixed = [&](int column, const QString& text) {
        auto* item = new QTableWidgetItem(text);
        item->setFlags(item->flags() & ~Qt::ItemIsEditable);
        table_->setItem(row, column, item);
        return item;
    };
    auto* rank = fixed(kRank, QString::number(row + 1));
    if (a.flagged[size_t(i)]) rank->setText(rank->text() + tr(" ⚑"));
    fixed(kImage, QString())->setIcon(QIcon(thumbnail(imageOf(i), 56)));
    fixed(kIndex, QString::number(i));
    fixed(kLabels, tr("%1 → %2").arg(className(givenLabel(i)), className(a.suggested[size_t(i)])));
    fixed(kPGiven, decimal(a.pGiven[size_t(i)], 3));
    // How many of the runs averaged put the suggested label first.
    fixed(kVotes, evidence.votes.empty() ? QString::fromUtf8("—")
                                         : tr("%1 of %2").arg(std::lround(evidence.votes[size_t(i)] * float(evidence.members)))
                                               .arg(evidence.members))
        ->setToolTip(tr("Runs or models whose most probable class is the suggested one"));
    if (auditsTrainingImages()) {
        fixed(kNeighbours, evidence.neighbourDisagreement.empty()
                               ? QString::fromUtf8("—")
                               : tr("%1 %").arg(std::lround(100 * evidence.neighbourDisagreement[size_t(i)])))
            ->setToolTip(tr("The share of its %1 nearest training images (in each fold model's embedding) labelled otherwise")
                             .arg(evidence.neighbours));
    } else {
        fixed(kNeighbours, QString())->setIcon(QIcon(neighbourStrip(i)));
    }
    fixed(kVerdict, QString());
    table_->setItem(row, kRightLabel, new QTableWidgetItem(QString()));
    showMark(row);
}

// A test image's neighbours in one picture, each with its label beneath.
QPixmap SuspectLabelsPage::neighbourStrip(int64_t i) const {
    const bool training = results_->trainNeighboursPerImage > 0;
    const int m = training ? results_->trainNeighboursPerImage : results_->neighboursPerImage;
    QPixmap strip(m * 34, 56);
    strip.fill(Qt::transparent);
    QPainter painter(&strip);
    for (int j = 0; j < m; ++j) {
        const int64_t nb = training ? results_->trainNeighbours[size_t(i * m + j)] : results_->neighbours[size_t(i * m + j)];
        const uint8_t* pixels = training ? results_->trainImage(nb) : results_->image(nb);
        const int label = training ? results_->trainLabel(nb) : results_->labels[size_t(nb)];
        const QImage image = tileImage(pixels, training ? results_->trainImages.shape : results_->images.shape);
        if (!image.isNull()) painter.drawImage(fittedRect(QRect(j * 34 + 2, 0, 30, 30), image.size()), image);
        painter.drawText(QRect(j * 34, 32, 34, 22), Qt::AlignCenter, className(label));
    }
    return strip;
}

void SuspectLabelsPage::updateButtons() {
    auditTraining_->setEnabled(results_ && !runDir_.isEmpty());
    auditTraining_->setToolTip(runDir_.isEmpty()
                                   ? tr("Save the run first (File › Save run): the audit is kept in its folder")
                                   : tr("5-fold cross-validation (2 epochs a fold) of the run's model, with the labels of "
                                        "each image's 10 nearest training images; kept in the run's folder, so that "
                                        "stopping loses no finished fold"));
    trainOnReview_->setEnabled(auditsTrainingImages() && !review_.empty());
}

bool SuspectLabelsPage::eventFilter(QObject* watched, QEvent* event) {
    if (watched == table_ && event->type() == QEvent::KeyPress) {  // while a cell is edited its editor has the keys
        const int key = static_cast<QKeyEvent*>(event)->key();
        const int row = table_->currentRow();
        if (row >= 0 && (key == Qt::Key_1 || key == Qt::Key_2 || key == Qt::Key_3)) {
            mark(row, key == Qt::Key_1 ? ReviewVerdict::Mislabelled : key == Qt::Key_2 ? ReviewVerdict::Ambiguous : ReviewVerdict::Fine);
            if (row + 1 < table_->rowCount()) table_->setCurrentCell(row + 1, table_->currentColumn());
            return true;
        }
    }
    return QWidget::eventFilter(watched, event);
}

void SuspectLabelsPage::mark(int row, ReviewVerdict verdict) {
    if (row < 0 || row >= int(shown_.size())) return;
    ReviewEntry& e = review_[shown_[size_t(row)]];
    e.index = shown_[size_t(row)];
    e.verdict = verdict;
    if (verdict != ReviewVerdict::Mislabelled) e.label.reset();
    showMark(row);
    save();
}

void SuspectLabelsPage::setLabel(int row, const QString& typed) {
    if (row < 0 || row >= int(shown_.size()) || !results_) return;
    const int64_t i = shown_[size_t(row)];
    const QString text = typed.trimmed();
    if (text.isEmpty()) {
        if (review_.count(i)) review_[i].label.reset();
        showMark(row);
        save();
        return;
    }
    // A number or a class name, as the tiles show it.
    int label = -1;
    bool number = false;
    const int n = text.toInt(&number);
    if (number && n >= 0 && n < results_->classes) label = n;
    for (int c = 0; label < 0 && c < results_->classes; ++c) {
        if (text.compare(className(c), Qt::CaseInsensitive) == 0) label = c;
    }
    if (label < 0) {
        status_->setText(tr("'%1' is not a label of this dataset").arg(text));
        showMark(row);
        return;
    }
    ReviewEntry& e = review_[i];
    e.index = i;
    e.label = label;
    // Typing another label than the given one says the given one is wrong.
    e.verdict = label != givenLabel(i) ? ReviewVerdict::Mislabelled : ReviewVerdict::Fine;
    if (e.verdict == ReviewVerdict::Fine) e.label.reset();
    showMark(row);
    save();
}

void SuspectLabelsPage::showMark(int row) {
    if (row < 0 || row >= int(shown_.size()) || !table_->item(row, kVerdict)) return;
    const QSignalBlocker block(table_);
    const auto it = review_.find(shown_[size_t(row)]);
    QTableWidgetItem* verdict = table_->item(row, kVerdict);
    QTableWidgetItem* label = table_->item(row, kRightLabel);
    if (it == review_.end()) {
        verdict->setText(QString());
        verdict->setBackground(QBrush());
        label->setText(QString());
        return;
    }
    verdict->setText(QString::fromStdString(verdictKey(it->second.verdict)));
    verdict->setBackground(verdictColour(it->second.verdict));
    label->setText(it->second.label ? className(*it->second.label) : QString());
}

void SuspectLabelsPage::save() {
    updateButtons();
    if (reviewPath().isEmpty()) {
        status_->setText(tr("%1 marks, not kept yet: save the run (File › Save run) and they are written beside it.")
                             .arg(review_.size()));
        return;
    }
    if (!reviewWritable_) return;
    std::vector<ReviewEntry> entries;
    for (const auto& [index, entry] : review_) entries.push_back(entry);
    try {
        writeLabelReview(reviewPath().toStdString(), entries);
        status_->setText(tr("%1 marks kept in %2").arg(entries.size()).arg(reviewPath()));
    } catch (const std::exception& e) {
        status_->setText(tr("Cannot keep the review: %1").arg(QString::fromStdString(e.what())));
    }
    updateButtons();
}

}  // namespace alx::ui
