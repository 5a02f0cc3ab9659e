// Image files and image-folder datasets: PNG and JPEG decoded to exact
// pixels (made here with libpng and libjpeg), damaged files refused with an
// InputError naming them, each folder layout indexed, and the stratified
// split. No LibTorch: it stays out of the precompiled header.
#include <unistd.h>

#include <QElapsedTimer>
#include <QTemporaryDir>
#include <QtTest>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include <zlib.h>

#include "image_writer.h"
#include "alx/data/image_decoder.h"
#include "alx/data/image_folder.h"
#include "alx/util/errors.h"

using namespace alx;
namespace fs = std::filesystem;
using Bytes = std::vector<uint8_t>;
using alx::test::PngSpec;
using alx::test::encodePng;
using alx::test::encodeJpeg;

namespace {

void writeFile(const std::string& path, const Bytes& bytes) {
    fs::create_directories(fs::path(path).parent_path());
    std::ofstream(path, std::ios::binary).write(reinterpret_cast<const char*>(bytes.data()), long(bytes.size()));
}
void writeText(const std::string& path, const std::string& text) { writeFile(path, Bytes(text.begin(), text.end())); }
// Files whose content does not matter: indexing never opens them.
void makeFiles(const std::string& root, std::initializer_list<const char*> names) {
    for (const char* name : names) writeText(root + "/" + name, "x");
}

Bytes gradient(int width, int height, int components) {
    Bytes pixels;
    for (int y = 0; y < height; ++y)
        for (int x = 0; x < width; ++x)
            for (int c = 0; c < components; ++c) pixels.push_back(uint8_t(x * 12 + y * 3 + c * 40));
    return pixels;
}

void putBigEndian(Bytes& bytes, size_t at, uint32_t value, int size) {
    for (int i = 0; i < size; ++i) bytes[at + size_t(i)] = uint8_t(value >> (8 * (size - 1 - i)));
}

// A valid PNG whose IHDR says width x height, its CRC fixed so that only the size is wrong.
Bytes pngClaiming(uint32_t width, uint32_t height) {
    Bytes bytes = encodePng({2, 2, PNG_COLOR_TYPE_GRAY, 8, Bytes(4, 7)});
    putBigEndian(bytes, 16, width, 4);
    putBigEndian(bytes, 20, height, 4);
    putBigEndian(bytes, 29, uint32_t(crc32(0, &bytes[12], 17)), 4);  // over "IHDR" and its 13 bytes
    return bytes;
}

Bytes jpegClaiming(uint16_t width, uint16_t height) {
    Bytes bytes = encodeJpeg(8, 8, 1, JCS_GRAYSCALE, Bytes(64, 100));
    for (size_t i = 0; i + 8 < bytes.size(); ++i) {
        if (bytes[i] == 0xFF && bytes[i + 1] == 0xC0) {  // SOF0: length, precision, height, width
            putBigEndian(bytes, i + 5, height, 2);
            putBigEndian(bytes, i + 7, width, 2);
            break;
        }
    }
    return bytes;
}

template <typename Run>
QString errorOf(Run run) {
    try {
        run();
    } catch (const InputError& e) {
        return QString::fromStdString(e.what());
    }
    return "(no error)";
}

// "classes: a b | path label role; ..."
QString describe(const ImageFolderIndex& index) {
    static const char* const roles[] = {"train", "test", "val", "unassigned", "pool"};
    QStringList classes, entries;
    for (const std::string& name : index.classNames) classes << QString::fromStdString(name);
    for (const ImageFolderEntry& e : index.entries) {
        entries << QString("%1 %2 %3").arg(QString::fromStdString(e.path)).arg(e.label).arg(roles[int(e.role)]);
    }
    return "classes: " + classes.join(" ") + " | " + entries.join("; ");
}

}  // namespace

class TestImageFolder : public QObject {
    Q_OBJECT

    QTemporaryDir dir_;
    int folders_ = 0;

    std::string path(const std::string& name) const { return dir_.path().toStdString() + "/" + name; }
    std::string newFolder() { return path("set" + std::to_string(++folders_)); }

    DecodedImage decode(const Bytes& bytes, const std::string& name = "image.png") {
        writeFile(path(name), bytes);
        return readImageFile(path(name));
    }
    void expectPixels(const DecodedImage& image, int width, int height, int channels, const Bytes& pixels) {
        QCOMPARE(QList<int>({image.width, image.height, image.channels}), QList<int>({width, height, channels}));
        QCOMPARE(image.pixels, pixels);
    }
    // `bytes` saved as `name` must be refused with an error that starts with the path and holds `what`.
    void expectRefusal(const Bytes& bytes, const std::string& name, const QString& what,
                       const DecodeLimits& limits = {}) {
        writeFile(path(name), bytes);
        const QString error = errorOf([&] { readImageFile(path(name), limits); });
        const QString start = QString::fromStdString(path(name)) + ": ";
        QVERIFY2(error.startsWith(start) && error.contains(what), qPrintable(error));
    }
    // So must a folder whose labels.csv holds `text`, the error naming labels.csv.
    void expectCsvRefusal(const std::string& root, const std::string& text, const QString& what) {
        writeText(root + "/labels.csv", text);
        const QString error = errorOf([&] { indexImageFolder(root); });
        const QString start = QString::fromStdString(root + "/labels.csv: ");
        QVERIFY2(error.startsWith(start) && error.contains(what), qPrintable(error));
    }

private slots:
    void decodesGreyPngAtEveryDepth() {
        expectPixels(decode(encodePng({3, 2, PNG_COLOR_TYPE_GRAY, 8, {0, 1, 2, 253, 254, 255}})), 3, 2, 1,
                     {0, 1, 2, 253, 254, 255});
        // 1-bit grey is stretched to 0 and 255.
        expectPixels(decode(encodePng({8, 1, PNG_COLOR_TYPE_GRAY, 1, {0b10110000}})), 8, 1, 1,
                     {255, 0, 255, 255, 0, 0, 0, 0});
        // Rounded, v / 257: 0xABCD -> 0xAB either way, but 0x12FF -> 0x13 where truncating gives 0x12.
        expectPixels(decode(encodePng({2, 1, PNG_COLOR_TYPE_GRAY, 16, {0xAB, 0xCD, 0x12, 0xFF}})), 2, 1, 1,
                     {0xAB, 0x13});
    }

    void decodesRgbAndInterlacedPng() {
        const Bytes rgb = gradient(5, 4, 3);
        expectPixels(decode(encodePng({5, 4, PNG_COLOR_TYPE_RGB, 8, rgb})), 5, 4, 3, rgb);
        expectPixels(decode(encodePng({5, 4, PNG_COLOR_TYPE_RGB, 8, rgb, {}, {}, true})), 5, 4, 3, rgb);
    }

    void compositesAlphaOnWhite() {
        const Bytes rgba = {10, 20, 30, 255, 10, 20, 30, 0, 200, 100, 0, 128};
        expectPixels(decode(encodePng({3, 1, PNG_COLOR_TYPE_RGBA, 8, rgba})), 3, 1, 3,
                     {10, 20, 30, 255, 255, 255, 227, 177, 127});
        expectPixels(decode(encodePng({3, 1, PNG_COLOR_TYPE_GRAY_ALPHA, 8, {50, 255, 50, 0, 0, 128}})), 3, 1, 1,
                     {50, 255, 127});
    }

    void decodesPalettePng() {
        const std::vector<png_color> colours = {{255, 0, 0}, {0, 255, 0}, {0, 0, 255}};
        expectPixels(decode(encodePng({3, 1, PNG_COLOR_TYPE_PALETTE, 8, {2, 1, 0}, colours})), 3, 1, 3,
                     {0, 0, 255, 0, 255, 0, 255, 0, 0});
        // 4-bit indices, entry 1 fully transparent (tRNS): white.
        expectPixels(decode(encodePng({2, 1, PNG_COLOR_TYPE_PALETTE, 4, {0x01}, colours, {255, 0}})), 2, 1, 3,
                     {255, 0, 0, 255, 255, 255});
        // A palette of greys gives one channel.
        expectPixels(decode(encodePng({2, 1, PNG_COLOR_TYPE_PALETTE, 8, {1, 0}, {{9, 9, 9}, {200, 200, 200}}})), 2, 1,
                     1, {200, 9});
    }

    void decodesJpegWithinTolerance() {
        for (const int components : {1, 3}) {
            const Bytes pixels = gradient(16, 16, components);
            const DecodedImage image =
                decode(encodeJpeg(16, 16, components, components == 1 ? JCS_GRAYSCALE : JCS_RGB, pixels), "photo.jpg");
            QCOMPARE(image.channels, components);
            QCOMPARE(image.pixels.size(), pixels.size());
            int worst = 0;
            for (size_t i = 0; i < pixels.size(); ++i) worst = std::max(worst, std::abs(image.pixels[i] - pixels[i]));
            QVERIFY2(worst <= 8, qPrintable(QString::number(worst)));
        }
    }

    void recognisesFormatByContent() {
        expectPixels(decode(encodePng({2, 1, PNG_COLOR_TYPE_GRAY, 8, {4, 5}}), "really-a-png.jpg"), 2, 1, 1, {4, 5});
        QCOMPARE(decode(encodeJpeg(8, 8, 1, JCS_GRAYSCALE, Bytes(64, 77)), "really-a-jpeg.png").channels, 1);
    }

    void refusesDamagedFiles() {
        const Bytes png = encodePng({16, 16, PNG_COLOR_TYPE_RGB, 8, gradient(16, 16, 3)});
        const Bytes jpeg = encodeJpeg(16, 16, 3, JCS_RGB, gradient(16, 16, 3));
        expectRefusal({}, "empty.png", "empty file");
        const auto half = [](const Bytes& b) { return Bytes(b.begin(), b.begin() + long(b.size() / 2)); };
        expectRefusal(half(png), "half.png", "damaged PNG image: the file ends early");
        expectRefusal(half(jpeg), "half.jpg", "damaged or unsupported JPEG image: Premature end of JPEG file");
        Bytes noise(300);
        for (size_t i = 0; i < noise.size(); ++i) noise[i] = uint8_t(i * 73 + 11);
        expectRefusal(noise, "noise.png", "not a PNG or JPEG image");
        expectRefusal(Bytes{'h', 'e', 'l', 'l', 'o', '\n'}, "text.png", "not a PNG or JPEG image");
        Bytes corrupt = png;
        corrupt[png.size() - 20] ^= 0xFF;  // in the IDAT data: zlib's or the CRC's check fails
        expectRefusal(corrupt, "corrupt.png", "damaged PNG");
        expectRefusal(encodeJpeg(8, 8, 4, JCS_CMYK, Bytes(256, 60)), "cmyk.jpg", "CMYK");
        expectRefusal(pngClaiming(0, 5), "zero.png", "damaged PNG");  // libpng refuses a zero width itself
    }

    void refusesHugeHeadersBeforeAllocating() {
        QElapsedTimer timer;
        timer.start();
        expectRefusal(pngClaiming(100000, 100000), "huge.png",
                      "100000 x 100000 pixels, more than the limit of 67108864");
        expectRefusal(jpegClaiming(65000, 65000), "huge.jpg", "65000 x 65000 pixels");
        QVERIFY(timer.elapsed() < 5000);  // a decoder that allocated 10 GB and filled it would not be here yet
        DecodeLimits small;
        small.maxPixels = 15;
        expectRefusal(encodePng({4, 4, PNG_COLOR_TYPE_GRAY, 8, Bytes(16)}), "four.png",
                      "4 x 4 pixels, more than the limit of 15", small);
    }

    void indexesSplitFolders() {
        const std::string root = newFolder();
        makeFiles(root, {"train/cats/c1.png", "train/cats/README.txt", "train/cats/.DS_Store", "train/cats/._c1.png",
                         "train/dogs/d1.jpg", "train/stray.png", "test/cats/c2.PNG", "test/dogs/d2.jpeg",
                         "val/birds/b1.png", "unlabelled/x/y/u1.png", "docs/figure.png"});
        QVERIFY(looksLikeImageFolder(root));
        const ImageFolderIndex index = indexImageFolder(root);
        QCOMPARE(int(index.layout), int(ImageFolderLayout::SplitFolders));
        QCOMPARE(describe(index), QString("classes: birds cats dogs | val/birds/b1.png 0 val; test/cats/c2.PNG 1 test; "
                                          "train/cats/c1.png 1 train; test/dogs/d2.jpeg 2 test; "
                                          "train/dogs/d1.jpg 2 train; unlabelled/x/y/u1.png -1 pool"));
        // Without test/, the training images are the caller's to split.
        fs::remove_all(root + "/test");
        QCOMPARE(describe(indexImageFolder(root)),
                 QString("classes: birds cats dogs | val/birds/b1.png 0 val; train/cats/c1.png 1 unassigned; "
                         "train/dogs/d1.jpg 2 unassigned; unlabelled/x/y/u1.png -1 pool"));
    }

    void indexesClassFolders() {
        const std::string root = newFolder();
        makeFiles(root, {"cats/a.png", "cats/sub/deep.JPEG", "dogs/b.jpg", "dogs/Thumbs.db", "empty/notes.txt",
                         "top.png", "unlabelled/n/u.png"});
        QVERIFY(looksLikeImageFolder(root));
        const ImageFolderIndex index = indexImageFolder(root);
        QCOMPARE(int(index.layout), int(ImageFolderLayout::ClassFolders));
        QCOMPARE(describe(index), QString("classes: cats dogs | cats/a.png 0 unassigned; "
                                          "cats/sub/deep.JPEG 0 unassigned; "
                                          "dogs/b.jpg 1 unassigned; unlabelled/n/u.png -1 pool"));
    }

    void indexesLabelsCsv() {
        const std::string root = newFolder();
        makeFiles(root, {"cats/1.png", "cats/3.png", "dogs/a, b.png", "dogs/2.jpg", "unlabelled/u.png",
                         "unlabelled/v.png"});
        writeText(root + "/labels.csv", "path,label,split\r\ncats/1.png,cat,train\r\n\"dogs/a, b.png\",dog,test\r\n"
                                        "./dogs/2.jpg,dog,\r\n\r\nunlabelled/u.png,,\r\ncats/3.png, cat ,Val\r\n");
        QVERIFY(looksLikeImageFolder(root));
        const ImageFolderIndex index = indexImageFolder(root);
        QCOMPARE(int(index.layout), int(ImageFolderLayout::LabelsCsv));
        QCOMPARE(describe(index), QString("classes: cat dog | cats/1.png 0 train; cats/3.png 0 val; "
                                          "dogs/2.jpg 1 unassigned; "
                                          "dogs/a, b.png 1 test; unlabelled/u.png -1 pool; unlabelled/v.png -1 pool"));
        // Integer labels sort as numbers.
        writeText(root + "/labels.csv", "path,label\ncats/1.png,10\ncats/3.png,2\ndogs/2.jpg,9\n");
        QVERIFY(describe(indexImageFolder(root)).startsWith("classes: 2 9 10 |"));
    }

    void refusesBadLabelsCsv() {
        const std::string root = newFolder();
        writeText(root + "/a.png", "x");
        writeText(root + "/b.png", "x");
        expectCsvRefusal(root, "path,label\na.png,x\nmissing.png,y\n", "line 3: no such file 'missing.png'");
        expectCsvRefusal(root, "path,label,split\na.png,x,train\nb.png,y,holdout\n", "line 3: unknown split 'holdout'");
        expectCsvRefusal(root, "path,label\na.png,x\nb.png\n", "line 3: expected 2 fields, found 1");
        expectCsvRefusal(root, "path,label\na.png,x\n\"b.png,y\n", "line 3: a quoted field is never closed");
        expectCsvRefusal(root, "file,class\na.png,x\n", "line 1: the header must be");
        expectCsvRefusal(root, "path,label\na.png,x\nb.png,y\na.png,y\n",
                         "line 4: 'a.png' is listed twice, also on line 2");
        expectCsvRefusal(root, "path,label\na.png,x\nb.png,x\n", "at least two classes; found only 'x'");
    }

    void refusesBadFolders() {
        const std::string root = newFolder();
        QVERIFY2(errorOf([&] { indexImageFolder(root); }).contains(": no such folder"), "missing");
        QVERIFY(!looksLikeImageFolder(root));
        writeText(root + "/cats/README.txt", "x");
        QVERIFY2(errorOf([&] { indexImageFolder(root); }).contains("no images"), "empty");
        QVERIFY(!looksLikeImageFolder(root));
        writeText(root + "/cats/a.png", "x");
        QString error = errorOf([&] { indexImageFolder(root); });
        QVERIFY2(error == QString::fromStdString(root) + ": a dataset needs at least two classes; found only 'cats'",
                 qPrintable(error));
        writeText(root + "/dogs/b.png", "x");
        fs::create_directory_symlink(root, root + "/cats/loop");
        error = errorOf([&] { indexImageFolder(root); });
        QVERIFY2(error.startsWith(QString::fromStdString(root + "/cats/loop: symbolic link loop")), qPrintable(error));
        fs::remove(root + "/cats/loop");
        fs::create_directory_symlink(root + "/dogs", root + "/cats/dogs-too");  // no loop: followed
        QCOMPARE(indexImageFolder(root).entries.size(), size_t(3));
        const std::string many = newFolder();
        for (int i = 0; i <= 1000; ++i) writeText(many + "/c" + std::to_string(i) + "/a.png", "x");
        QVERIFY(errorOf([&] { indexImageFolder(many); }).contains(": 1001 classes, more than the 1,000"));
        if (::geteuid() == 0) QSKIP("root reads every file: the permission check cannot be seen");
        fs::permissions(root + "/dogs", fs::perms::none);
        error = errorOf([&] { indexImageFolder(root); });
        fs::permissions(root + "/dogs", fs::perms::owner_all);
        const bool named = error.startsWith(QString::fromStdString(root));
        QVERIFY2(named && error.contains("ermission denied"), qPrintable(error));
    }

    void splitsStratifiedAndReproducibly() {
        ImageFolderIndex index;
        index.classNames = {"a", "b", "c"};
        for (const auto& [label, count] : {std::pair{0, 10}, std::pair{1, 5}, std::pair{2, 1}}) {
            for (int i = 0; i < count; ++i) index.entries.push_back({"f" + std::to_string(label * 100 + i), label});
        }
        index.entries.push_back({"kept", 0, ImageSplitRole::Validation});
        index.entries.push_back({"pool", -1, ImageSplitRole::Pool});
        // Each entry's role after the split, a letter each: r(train) t(est) v(al) u(nassigned) p(ool).
        const auto split = [&](uint64_t seed) {
            ImageFolderIndex copy = index;
            splitStratified(copy, 0.2, seed);
            QString roles;
            for (const ImageFolderEntry& e : copy.entries) roles += QChar("rtvup"[int(e.role)]);
            return roles;
        };
        // round(0.2 * 10) of a's 10 go to test, 1 of b's 5 (at least one), none of c's 1, and the entries that
        // were not Unassigned keep their role; the same with every standard library (the expected draw was
        // checked against an mt19937_64 written independently, in Python).
        QCOMPARE(split(42), QString("trrrrrtrrr" "trrrr" "r" "vp"));
        QCOMPARE(split(42), split(42));
        QVERIFY(split(1) != split(42) || split(2) != split(42));
        for (uint64_t seed = 0; seed < 20; ++seed) {
            const QString roles = split(seed);
            QVERIFY2(roles.left(10).count('t') == 2 && roles.mid(10, 5).count('t') == 1 && roles.mid(15) == "rvp",
                     qPrintable(roles));
        }
        QVERIFY(errorOf([&] { splitStratified(index, 1.0, 1); }).contains("test fraction"));
    }
};

QTEST_GUILESS_MAIN(TestImageFolder)
#include "test_image_folder.moc"
