#include "window/run_actions.h"

#include <QAction>
#include <QFile>
#include <QKeySequence>
#include <QMainWindow>
#include <QMenuBar>
#include <QMessageBox>
#include <qcustomplot.h>

#include <cstdio>

#include "alx/util/build_info.h"
#include "alx/version.h"
#include "alx/vocabulary.h"
#include "plots/loss_plot.h"
#include "plots/score_histograms.h"

namespace alx::ui {

namespace {

// Saves a plot as PNG and PDF beside each other, each written to a
// temporary name first and renamed, so no torn file is left behind.
bool savePlot(QCustomPlot* plot, const QString& base) {
    const QString png = base + ".png", pdf = base + ".pdf";
    const bool ok = plot->savePng(png + ".part", 1200, 800) && plot->savePdf(pdf + ".part", 1200, 800);
    if (!ok) {
        QFile::remove(png + ".part");
        QFile::remove(pdf + ".part");
        return false;
    }
    return std::rename((png + ".part").toLocal8Bit().constData(), png.toLocal8Bit().constData()) == 0 &&
           std::rename((pdf + ".part").toLocal8Bit().constData(), pdf.toLocal8Bit().constData()) == 0;
}

}  // namespace

RunActions::RunActions(QMainWindow* window) : QObject(window), window_(window) {
    QMenu* file = window->menuBar()->addMenu(tr("&File"));
    QAction* open = file->addAction(tr("&Open run…"), this, &RunActions::openTriggered);
    open->setShortcut(QKeySequence::Open);
    save_ = file->addAction(tr("&Save run…"), this, &RunActions::saveTriggered);
    save_->setShortcut(QKeySequence::Save);
    export_ = file->addAction(tr("&Export plots (PNG and PDF)…"), this, &RunActions::exportTriggered);
    export_->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_E));
    file->addAction(tr("Export &labels (path,label CSV)…"), this, &RunActions::exportLabelsTriggered);
    file->addAction(tr("Export &model (TorchScript)…"), this, &RunActions::exportModelTriggered);
    file->addSeparator();
    QAction* quit = file->addAction(tr("&Quit"), window, &QWidget::close);
    quit->setShortcut(QKeySequence::Quit);

    QMenu* run = window->menuBar()->addMenu(tr("&Run"));
    train_ = run->addAction(tr("&Train"), this, &RunActions::trainTriggered);
    train_->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Return));
    stop_ = run->addAction(tr("&Stop"), this, &RunActions::stopTriggered);
    stop_->setShortcut(QKeySequence::Cancel);  // Esc

    QMenu* help = window->menuBar()->addMenu(tr("&Help"));
    help->addAction(tr("&Usage"), this, &RunActions::showUsage);
    help->addAction(tr("&About ALX"), this, &RunActions::showAbout);
}

void RunActions::setBusy(bool busy, bool hasResults) {
    train_->setEnabled(!busy);
    stop_->setEnabled(busy);
    save_->setEnabled(!busy && hasResults);
    export_->setEnabled(!busy && hasResults);
}

void RunActions::showUsage() {
    QMessageBox::information(
        window_, tr("Using ALX"),
        tr("<p>1. Pick a dataset (MNIST is downloaded with <b>Download</b>; Fashion-MNIST comes with Debian; <b>Folder…</b> takes a folder of your own images) "
           "and a model; its notebook preset fills the fields.</p>"
           "<p>2. <b>Train</b> (Ctrl+Return). The loss is plotted live; <b>Stop</b> (Esc) ends the run and keeps the curve.</p>"
           "<p>3. After evaluation: <b>Results</b> shows the accuracy and the confusion matrix, <b>Scores</b> one histogram per "
           "score, <b>Uncertain images</b> the images a score ranks most uncertain beside their nearest neighbours. "
           "Click an image for its probabilities.</p>"
           "<p>4. <b>File › Save run</b> keeps the weights and every result; <b>Open run</b> shows them again without "
           "training. The same folder layout is what <tt>alx-cli train</tt> writes. Open run also opens an "
           "active-learning run folder (<tt>alx-cli al</tt> or this app's), which <b>Resume</b> continues. "
           "See README.md for the details.</p>"));
}

void RunActions::showAbout() {
    QMessageBox::about(
        window_, tr("About ALX"),
        tr("<h3>ALX %1</h3><p>The Active Learning Explorer: train CNNs on images (MNIST, Fashion-MNIST or your own) and see which images "
           "they are unsure of, and why.</p><p>LibTorch %2, Qt %3; %4.<br>%5</p>"
           "<p>MNIST: Yann LeCun, Corinna Cortes, Christopher J.C. Burges, CC BY-SA 3.0.<br>"
           "Fashion-MNIST: Zalando SE, MIT licence.<br>Plots: QCustomPlot (GPL).</p>")
            .arg(kVersion, QString::fromStdString(libtorchVersion()), qVersion(),
                 cudaAvailable() ? tr("CUDA available") : tr("CPU only"), QString::fromStdString(blasNote())));
}

bool exportPlotFiles(const QString& dir, LossPlot* lossPlot, ScoreHistograms* histograms) {
    bool ok = savePlot(lossPlot->plot(), dir + "/loss");
    for (int kind = 0; kind < kScoreCount; ++kind) {
        ok = savePlot(histograms->plot(kind), dir + "/histogram_" + QString::fromStdString(scoreKey(scoreAt(kind)))) && ok;
    }
    return ok;
}

}  // namespace alx::ui
