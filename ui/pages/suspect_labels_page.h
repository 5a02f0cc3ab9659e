#pragma once
// The Suspect labels page: the test images whose given label is probably
// wrong, by confident learning over the run's probabilities (core's
// auditLabels; the test images were not trained on), most likely first:
// each image with given -> suggested label, p(given) and its nearest
// neighbours. A person marks each as mislabelled, ambiguous or fine with one
// key (1 / 2 / 3; the arrows move), may type the right label (double-click
// the last column), and the review is kept beside the run as
// label_review.csv, shown again when the run is opened.
#include <QWidget>

#include <map>
#include <memory>

#include "alx/audit/confident_learning.h"
#include "alx/storage/label_review.h"
#include "worker/run_data.h"

class QComboBox;
class QLabel;
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

    // The images in the table's order, and the marks.
    std::vector<int64_t> shownIndices() const { return shown_; }
    QTableWidget* table() const { return table_; }
    std::map<int64_t, ReviewEntry> review() const { return review_; }
    int64_t flaggedCount() const { return audit_ ? audit_->flaggedCount : 0; }
    QString reviewPath() const;

Q_SIGNALS:
    void imageClicked(qint64 index);

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    void rebuild();
    void mark(int row, ReviewVerdict verdict);
    void setLabel(int row, const QString& text);
    void showMark(int row);
    void save();

    RunResultsPtr results_;
    std::unique_ptr<LabelAudit> audit_;
    std::vector<int64_t> shown_;
    std::map<int64_t, ReviewEntry> review_;
    QString runDir_;
    bool reviewWritable_ = true;  // false when the file there is damaged: it is never written over
    QComboBox* order_;
    QSpinBox* count_;
    QLabel* summary_;
    QLabel* status_;
    QTableWidget* table_;
};

}  // namespace alx::ui
