// alx: the desktop explorer.
#include <QApplication>
#include <QCommandLineParser>

#include "alx/version.h"
#include "main_window.h"

int main(int argc, char** argv) {
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
    parser.addOption(dataDir);
    parser.addOption(open);
    parser.process(app);

    alx::ui::MainWindow window;
    if (parser.isSet(dataDir)) window.setDataDirectory(parser.value(dataDir));
    window.show();
    if (parser.isSet(open)) window.openRunFrom(parser.value(open));
    return app.exec();
}
