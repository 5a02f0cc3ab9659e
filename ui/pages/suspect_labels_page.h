#pragma once
// The Suspect labels page: the images whose given label is probably wrong,
// by confident learning (core's audit), most likely first: each with given
// -> suggested label, p(given), the votes of the runs audited together and
// its nearest neighbours with their labels. What it lists:
//  - the current run's test images (its probabilities; the test images were
//    not trained on), or the same images audited with other runs (the Runs
//    page's "Audit labels together": their probabilities averaged);
//  - the run's training images ("Audit the training images": 5-fold
//    cross-validation in the worker, kept in the run's training_audit
//    folder), whose review can train a new run in one step.
// Above the list, how far it can be trusted (the audit's reliability). A
// person marks each image mislabelled, ambiguous or fine with one key
// (1 / 2 / 3; the arrows move), may type the right label (double-click the
// last column), and the review is kept as label_review.csv beside the run
// (test images) or in the training audit's folder, shown again when opened.
#include <QWidget>

#include <map>
#include <memory>

#include "alx/storage/label_review.h"
#include "worker/run_data.h"

class QComboBox;
class QLabel;
class QPushButton;
class QSpinBox;
class QTableWidget;

namespace alx::ui {

class SuspectLabelsPage : public QWidget {
    Q_OBJECT
public:
    explicit SuspectLabelsPage(QWidget* parent = nullptr);

    void setResults(const RunResultsPtr& results);  // a new run: its audit, no folder yet
    // The run's folder (opened or saved): its review is read from there, or
    // the marks made so far are written there.
    void setRunDir(const QString& dir);
    // An audit the worker made: runs together, or the training images.
    void setAudit(const AuditViewPtr& audit);

    // The images in the table's order, and the marks.
    std::vector<int64_t> shownIndices() const { return shown_; }
    QTableWidget* table() const { return table_; }
    std::map<int64_t, ReviewEntry> review() const { return review_; }
    int64_t flaggedCount() const { return audit_ ? audit_->audit.flaggedCount : 0; }
    QString reviewPath() const;
    QString runDir() const { return runDir_; }
    QString reliabilityText() const;
    bool auditsTrainingImages() const { return audit_ && audit_->split == "train"; }
    QPushButton* auditTrainingButton() const { return auditTraining_; }
    QPushButton* trainOnReviewButton() const { return trainOnReview_; }

Q_SIGNALS:
    void imageClicked(qint64 index);
    // The run's training images to be audited, with `seeds` models a fold.
    void trainingAuditRequested(int seeds, int neighbours);
    // A new run trained with this review: the images marked mislabelled with
    // a right label relabelled, the other marked ones left out.
    void trainOnReviewRequested(const QString& reviewPath);

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    void buildControls();
    void rebuild();
    void fillRow(int row, int64_t index);
    QPixmap neighbourStrip(int64_t index) const;
    void loadReview();
    void mark(int row, ReviewVerdict verdict);
    void setLabel(int row, const QString& text);
    void showMark(int row);
    void save();
    void updateButtons();
    // The image `index` of the audited split, its given label, and a class name.
    QImage imageOf(int64_t index) const;
    int givenLabel(int64_t index) const;
    QString className(int64_t label) const;

    RunResultsPtr results_;
    AuditViewPtr audit_;  // what is listed
    std::vector<int64_t> shown_;
    std::map<int64_t, ReviewEntry> review_;
    QString runDir_;
    bool reviewWritable_ = true;  // false when the file there is damaged: it is never written over
    QComboBox* order_;
    QSpinBox* count_;
    QSpinBox* seeds_;
    QPushButton* auditTraining_;
    QPushButton* trainOnReview_;
    QLabel* summary_;
    QLabel* status_;
    QTableWidget* table_;
};

}  // namespace alx::ui
