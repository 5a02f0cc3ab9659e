#pragma once
// The Runs page: every run kept in the runs folder (and those registered
// from elsewhere), newest first: when, kind, model, dataset, epochs or
// budget, test accuracy, calibration error, training time, device, status,
// and a person's name and tags (editable, kept with the run). Sortable by
// any column, filtered by text in all columns or one. It follows the folder:
// runs written by alx-cli while the app is open appear by themselves. Open
// shows a run, Compare puts two or more training runs side by side, Delete
// asks first and moves the folder to the trash.
#include <QFutureWatcher>
#include <QWidget>

#include <vector>

#include "alx/storage/runs_library.h"

class QComboBox;
class QFileSystemWatcher;
class QLabel;
class QHBoxLayout;
class QLineEdit;
class QPushButton;
class QTableWidget;
class QTimer;

namespace alx::ui {

class RunsPage : public QWidget {
    Q_OBJECT
public:
    explicit RunsPage(const QString& runsFolder, QWidget* parent = nullptr);

    QTableWidget* table() const { return table_; }
    const std::vector<RunListing>& runs() const { return runs_; }
    int refreshes() const { return refreshes_; }
    QLineEdit* filter() const { return filter_; }
    QPushButton* compareButton() const { return compare_; }
    QPushButton* auditButton() const { return audit_; }
    void selectPaths(const QStringList& paths);
    QStringList selectedPaths() const;
    // Moves the selected runs to the trash; `ask` false skips the question (tests).
    bool deleteSelected(bool ask = true);

public Q_SLOTS:
    void refresh();  // lists again, off the GUI thread

Q_SIGNALS:
    void openRequested(const QString& path);
    void compareRequested(const QStringList& paths);
    // The selected runs' test images audited together (Suspect labels page).
    void auditRequested(const QStringList& paths);
    void refreshed();

protected:
    void showEvent(QShowEvent* event) override;

private:
    QHBoxLayout* makeControls(const QStringList& headers);
    void connectControls();
    void followFolder();
    void showRuns();
    void applyFilter();

    QString folder_;
    std::vector<RunListing> runs_;
    QFutureWatcher<std::vector<RunListing>> lister_;
    bool again_ = false;  // a change came while listing: list once more
    int refreshes_ = 0;
    bool sized_ = false;  // the columns were fitted to the first runs shown
    QFileSystemWatcher* watcher_;
    QTimer* poll_;
    QLineEdit* filter_;
    QComboBox* filterColumn_;
    QTableWidget* table_;
    QLabel* status_;
    QPushButton* open_;
    QPushButton* compare_;
    QPushButton* audit_;
    QPushButton* delete_;
};

}  // namespace alx::ui
