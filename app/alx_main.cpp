// alx: the desktop explorer.
#include <QApplication>
#include <QCommandLineParser>

#include "alx/data/dataset_catalog.h"
#include "alx/version.h"
#include "alx/vocabulary.h"
#include "window/main_window.h"

namespace {

// "a, b or c"
QString oneOf(const std::vector<std::string>& names) {
    QStringList words;
    for (const std::string& name : names) words << QString::fromStdString(name);
    const QString last = words.takeLast();
    return words.isEmpty() ? last : words.join(", ") + " or " + last;
}

std::vector<std::string> modelNames() {
    std::vector<std::string> names;
    for (const alx::ModelInfo& m : alx::modelCatalogue()) names.push_back(m.name);
    return names;
}

}  // namespace

int main(int argc, char** argv) {
    Q_INIT_RESOURCE(alx);  // the icons, compiled into the static ui library
    QApplication app(argc, argv);
    QApplication::setApplicationName("alx");
    QApplication::setOrganizationName("alx");
    QApplication::setApplicationDisplayName("ALX");
    QApplication::setApplicationVersion(alx::kVersion);
    QApplication::setDesktopFileName("alx");

    QCommandLineParser parser;
    parser.setApplicationDescription("ALX, the Active Learning Explorer");
    parser.addHelpOption();
    parser.addVersionOption();
    QCommandLineOption dataDir("data-dir", "Folder holding the dataset's IDX files.", "DIR");
    QCommandLineOption open("open", "Open a saved run folder.", "DIR");
    QCommandLineOption dataset("dataset", "Dataset to select: " + oneOf(alx::datasetNames()) + ".", "NAME");
    QCommandLineOption model("model", "Model to select: " + oneOf(modelNames()) + ", or a TorchScript file (fills its preset).", "NAME");
    QCommandLineOption epochs("epochs", "Epochs (after the model's preset).", "N");
    QCommandLineOption trainImages("train-images", "Train on the first N training images only.", "N");
    QCommandLineOption train("train", "Start training as soon as the window opens.");
    parser.addOptions({dataDir, open, dataset, model, epochs, trainImages, train});
    parser.process(app);

    alx::ui::MainWindow window;
    if (parser.isSet(dataDir)) window.setDataDirectory(parser.value(dataDir));
    if (parser.isSet(dataset)) window.selectDataset(parser.value(dataset));
    if (parser.isSet(model)) window.selectModel(parser.value(model));
    if (parser.isSet(epochs)) window.setEpochs(parser.value(epochs).toInt());
    if (parser.isSet(trainImages)) window.setSubset(parser.value(trainImages).toInt(), 0);
    window.show();
    if (parser.isSet(train)) window.startTraining();
    if (parser.isSet(open)) window.openRunFrom(parser.value(open));
    return app.exec();
}
