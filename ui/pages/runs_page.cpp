#include "pages/runs_page.h"

#include "text.h"
#include "alx/vocabulary.h"

#include <QComboBox>
#include <QDir>
#include <QFile>
#include <QFileSystemWatcher>
#include <QHBoxLayout>
#include <QFileInfo>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPushButton>
#include <QTableWidget>
#include <QTimer>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

#include <cmath>
#include <set>

namespace alx::ui {
namespace {

enum RunsColumn { kStarted, kKind, kModel, kDataset, kOptions, kSize, kAccuracy, kEce, kTrainTime, kDevice, kStatus, kName, kTags, kPath, kRunsColumns };

}  // namespace

RunsPage::RunsPage(const QString& runsFolder, QWidget* parent) : QWidget(parent), folder_(runsFolder) {
    auto* layout = new QVBoxLayout(this);
    const QStringList headers = {tr("started"), tr("kind"),   tr("model"),  tr("dataset"), tr("settings"), tr("epochs / labels"),
                                 tr("accuracy"), tr("ECE"),   tr("training time"), tr("device"), tr("status"),
                                 tr("name"),    tr("tags"),   tr("folder")};
    layout->addLayout(makeControls(headers));
    table_ = new QTableWidget(this);
    table_->setColumnCount(kRunsColumns);
    table_->setHorizontalHeaderLabels(headers);
    table_->setSelectionBehavior(QAbstractItemView::SelectRows);
    table_->setSelectionMode(QAbstractItemView::ExtendedSelection);
    table_->setEditTriggers(QAbstractItemView::DoubleClicked | QAbstractItemView::EditKeyPressed);
    table_->verticalHeader()->setVisible(false);
    table_->horizontalHeader()->setStretchLastSection(true);
    table_->setSortingEnabled(true);
    layout->addWidget(table_, 1);
    status_ = new QLabel(this);
    layout->addWidget(status_);
    connectControls();
    followFolder();
    refresh();
}

QHBoxLayout* RunsPage::makeControls(const QStringList& headers) {
    auto* controls = new QHBoxLayout;
    controls->addWidget(new QLabel(tr("Filter"), this));
    filter_ = new QLineEdit(this);
    filter_->setPlaceholderText(tr("text in any column, e.g. lenet5 or finished"));
    filter_->setClearButtonEnabled(true);
    controls->addWidget(filter_, 1);
    filterColumn_ = new QComboBox(this);
    filterColumn_->addItem(tr("in all columns"), -1);
    for (int c = 0; c < kRunsColumns; ++c) filterColumn_->addItem(tr("in %1").arg(headers[c]), c);
    controls->addWidget(filterColumn_);
    open_ = new QPushButton(tr("&Open"), this);
    compare_ = new QPushButton(tr("&Compare"), this);
    compare_->setToolTip(tr("Two or more training or evaluation runs on the same test images"));
    audit_ = new QPushButton(tr("Audit &labels together"), this);
    audit_->setToolTip(tr("Average the selected runs' probabilities of the same test images (other models or seeds) "
                          "and list the suspect labels: an ensemble sees more real label errors than one network"));
    delete_ = new QPushButton(tr("Move to &trash"), this);
    controls->addWidget(open_);
    controls->addWidget(compare_);
    controls->addWidget(audit_);
    controls->addWidget(delete_);
    return controls;
}

void RunsPage::connectControls() {
    connect(filter_, &QLineEdit::textChanged, this, &RunsPage::applyFilter);
    connect(filterColumn_, &QComboBox::currentIndexChanged, this, &RunsPage::applyFilter);
    connect(open_, &QPushButton::clicked, this, [this] {
        const QStringList paths = selectedPaths();
        if (!paths.isEmpty()) Q_EMIT openRequested(paths.first());
    });
    connect(table_, &QTableWidget::cellDoubleClicked, this, [this](int row, int column) {
        if (column != kName && column != kTags && table_->item(row, kPath)) Q_EMIT openRequested(table_->item(row, kPath)->text());
    });
    connect(compare_, &QPushButton::clicked, this, [this] {
        const QStringList paths = selectedPaths();
        if (paths.size() >= 2) Q_EMIT compareRequested(paths);
    });
    connect(audit_, &QPushButton::clicked, this, [this] {
        const QStringList paths = selectedPaths();
        if (!paths.isEmpty()) Q_EMIT auditRequested(paths);
    });
    connect(delete_, &QPushButton::clicked, this, [this] { deleteSelected(true); });
    connect(table_, &QTableWidget::itemChanged, this, [this](QTableWidgetItem* item) {
        if (item->column() != kName && item->column() != kTags) return;
        const QString path = table_->item(item->row(), kPath)->text();
        try {
            RunsLibrary(s(folder_)).setNote(s(path), s(table_->item(item->row(), kName)->text()),
                                            s(table_->item(item->row(), kTags)->text()));
        } catch (const std::exception& e) {
            status_->setText(tr("Cannot keep the name: %1").arg(q(e.what())));
        }
    });
}

// Following the folder: a new run folder shows at once; a run that
// finishes (its summary rewritten inside) within a few seconds while the
// page is in view, and when it comes into view (with thousands of runs a
// listing costs a fifth of a second: not worth paying every few seconds
// for a page nobody looks at).
void RunsPage::followFolder() {
    watcher_ = new QFileSystemWatcher(this);
    QDir().mkpath(folder_);
    watcher_->addPath(folder_);
    connect(watcher_, &QFileSystemWatcher::directoryChanged, this, &RunsPage::refresh);
    poll_ = new QTimer(this);
    poll_->setInterval(3000);
    connect(poll_, &QTimer::timeout, this, [this] {
        if (isVisible()) refresh();
    });
    poll_->start();
    connect(&lister_, &QFutureWatcher<std::vector<RunListing>>::finished, this, [this] {
        try {
            runs_ = lister_.result();
            showRuns();
        } catch (const std::exception& e) {
            status_->setText(tr("Cannot list the runs: %1").arg(q(e.what())));
        }
        ++refreshes_;
        Q_EMIT refreshed();
        if (again_) {
            again_ = false;
            refresh();
        }
    });
}

void RunsPage::showEvent(QShowEvent* event) {
    QWidget::showEvent(event);
    refresh();
}

void RunsPage::refresh() {
    if (lister_.isRunning()) {
        again_ = true;
        return;
    }
    const std::string folder = folder_.toStdString();
    lister_.setFuture(QtConcurrent::run([folder] { return RunsLibrary(folder).list(); }));
}

void RunsPage::showRuns() {
    const QStringList selected = selectedPaths();
    const QSignalBlocker block(table_);
    table_->setSortingEnabled(false);
    table_->setRowCount(int(runs_.size()));
    for (int row = 0; row < int(runs_.size()); ++row) {
        const RunListing& r = runs_[size_t(row)];
        const auto fixed = [&](int column, QTableWidgetItem* item) {
            item->setFlags(item->flags() & ~Qt::ItemIsEditable);
            table_->setItem(row, column, item);
        };
        fixed(kStarted, new QTableWidgetItem(q(r.started).replace('T', ' ')));
        fixed(kKind, new QTableWidgetItem(q(r.kind).replace('_', ' ')));
        // A TorchScript model by its file's name; the whole path on hover.
        auto* model = new QTableWidgetItem(isModelFile(r.model) ? QFileInfo(q(r.model)).fileName() : q(r.model));
        model->setToolTip(q(r.model));
        fixed(kModel, model);
        fixed(kDataset, new QTableWidgetItem(q(r.dataset)));
        fixed(kOptions, new QTableWidgetItem(q(r.options)));
        auto* size = new QTableWidgetItem;
        size->setData(Qt::DisplayRole, r.kind == "active_learning" || r.kind == "sweep" ? qlonglong(r.budget) : qlonglong(r.epochs));
        fixed(kSize, size);
        auto* accuracy = new QTableWidgetItem;
        if (r.testAccuracy) accuracy->setData(Qt::DisplayRole, std::round(10000 * *r.testAccuracy) / 100);
        fixed(kAccuracy, accuracy);
        auto* ece = new QTableWidgetItem;
        if (r.ece) ece->setData(Qt::DisplayRole, std::round(10000 * *r.ece) / 100);
        fixed(kEce, ece);
        auto* time = new QTableWidgetItem;
        time->setData(Qt::DisplayRole, std::round(10 * r.trainSeconds) / 10);
        fixed(kTrainTime, time);
        fixed(kDevice, new QTableWidgetItem(q(r.device)));
        auto* status = new QTableWidgetItem(q(r.status));
        if (!r.problem.empty()) status->setToolTip(q(r.problem));
        if (r.status == "damaged" || r.status == "failed") status->setForeground(QColor(214, 39, 40));
        fixed(kStatus, status);
        table_->setItem(row, kName, new QTableWidgetItem(q(r.name)));
        table_->setItem(row, kTags, new QTableWidgetItem(q(r.tags)));
        fixed(kPath, new QTableWidgetItem(q(r.path)));
    }
    table_->setSortingEnabled(true);
    if (!runs_.empty() && !sized_) {  // once, when there are runs: later refreshes keep the person's widths
        table_->resizeColumnsToContents();
        sized_ = true;
    }
    selectPaths(selected);
    applyFilter();
}

void RunsPage::applyFilter() {
    const QString text = filter_->text().trimmed();
    const int only = filterColumn_->currentData().toInt();
    int shown = 0;
    for (int row = 0; row < table_->rowCount(); ++row) {
        bool match = text.isEmpty();
        for (int c = 0; c < kRunsColumns && !match; ++c) {
            if (only >= 0 && c != only) continue;
            const QTableWidgetItem* item = table_->item(row, c);
            match = item && item->text().contains(text, Qt::CaseInsensitive);
        }
        table_->setRowHidden(row, !match);
        shown += match;
    }
    status_->setText(tr("%1 of %2 runs in %3 (double-click a run to open it; name and tags are yours to edit)")
                         .arg(shown)
                         .arg(runs_.size())
                         .arg(folder_));
}

void RunsPage::selectPaths(const QStringList& paths) {
    table_->clearSelection();
    const std::set<QString> wanted(paths.begin(), paths.end());
    for (int row = 0; row < table_->rowCount(); ++row) {
        if (table_->item(row, kPath) && wanted.count(table_->item(row, kPath)->text())) {
            table_->selectionModel()->select(table_->model()->index(row, 0),
                                             QItemSelectionModel::Select | QItemSelectionModel::Rows);
        }
    }
}

QStringList RunsPage::selectedPaths() const {
    QStringList paths;
    for (const QModelIndex& index : table_->selectionModel()->selectedRows(kPath)) paths << index.data().toString();
    return paths;
}

bool RunsPage::deleteSelected(bool ask) {
    const QStringList paths = selectedPaths();
    if (paths.isEmpty()) return false;
    if (ask && QMessageBox::question(this, tr("Move to the trash"),
                                     tr("Move %1 run(s) to the trash?\n%2").arg(paths.size()).arg(paths.join('\n'))) !=
                   QMessageBox::Yes) {
        return false;
    }
    bool all = true;
    for (const QString& path : paths) all = QFile::moveToTrash(path) && all;
    status_->setText(all ? tr("Moved to the trash: %1").arg(paths.join(", ")) : tr("Some runs could not be moved to the trash"));
    refresh();
    return all;
}

}  // namespace alx::ui
