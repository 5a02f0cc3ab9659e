// The main window's pages, in the order of their tabs, and how they link to
// one another (a click on an image anywhere opens its details).
#include <QTabWidget>

#include "active_learning_page.h"
#include "main_window.h"
#include "map_page.h"
#include "results_view.h"
#include "score_histograms.h"
#include "suspect_labels_page.h"
#include "training_view.h"
#include "uncertain_grid.h"

namespace alx::ui {

QTabWidget* MainWindow::buildPages() {
    tabs_ = new QTabWidget;
    trainingView_ = new TrainingView(tabs_);
    tabs_->addTab(trainingView_, tr("&Training"));
    resultsView_ = new ResultsView(tabs_);
    tabs_->addTab(resultsView_, tr("&Results"));
    histograms_ = new ScoreHistograms(tabs_);
    tabs_->addTab(histograms_, tr("&Scores"));
    grid_ = new UncertainGrid(tabs_);
    tabs_->addTab(grid_, tr("&Uncertain digits"));
    mapPage_ = new MapPage(tabs_);
    tabs_->addTab(mapPage_, tr("&Map"));
    suspectPage_ = new SuspectLabelsPage(tabs_);
    tabs_->addTab(suspectPage_, tr("Suspect &labels"));
    alPage_ = new ActiveLearningPage(tabs_);
    tabs_->addTab(alPage_, tr("&Active learning"));
    connect(grid_, &UncertainGrid::imageClicked, resultsView_, &ResultsView::showDetail);
    connect(grid_, &UncertainGrid::rankingChanged, mapPage_, &MapPage::setRanking);
    connect(mapPage_, &MapPage::imageClicked, resultsView_, &ResultsView::showDetail);
    connect(suspectPage_, &SuspectLabelsPage::imageClicked, resultsView_, &ResultsView::showDetail);
    connect(mapPage_, &MapPage::imagesSelected, resultsView_, &ResultsView::showImages);
    connect(mapPage_, &MapPage::computeRequested, this, &MainWindow::startMap);
    connect(mapPage_, &MapPage::stopRequested, this, &MainWindow::stop);
    return tabs_;
}

}  // namespace alx::ui
