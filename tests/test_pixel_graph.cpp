// The semi-supervised rounds' first graph (pixel_graph.h): the one-pixel
// moves by hand, the merge of several searches by hand, the whole graph
// against a brute-force search over every pair and move, and an image's
// copy one pixel over found as its nearest where plain pixels miss it.
#include <torch/torch.h>

#include "alx/active_learning/pixel_graph.h"
#include "alx/maps/pca.h"
#include "alx/util/errors.h"

#include <QtTest>

using namespace alx;

namespace {

// Random 8 x 8 grey images whose two outer rings of pixels are empty (-1),
// as a digit's background: a one-pixel move and its way back lose nothing
// at the edges.
torch::Tensor framedImages(int64_t n, uint64_t seed) {
    torch::manual_seed(seed);
    torch::Tensor x = torch::full({n, 1, 8, 8}, -1.0f);
    x.slice(2, 2, 6).slice(3, 2, 6).copy_(torch::rand({n, 1, 4, 4}) * 2 - 1);
    return x;
}

}  // namespace

class TestPixelGraph : public QObject {
    Q_OBJECT

private slots:
    // One lit pixel at row 1, column 2 of a 3 x 4 image: moved down it sits
    // at row 2, the top row repeating row 0; moved left, at column 1, the
    // right column repeating column 3.
    void shiftsByHand() {
        torch::Tensor x = torch::zeros({1, 1, 3, 4});
        x[0][0][1][2] = 1;
        x[0][0][0][3] = 5;  // an edge pixel, repeated into the gap
        const torch::Tensor down = shiftedGraphPixels(x, 1, 0);
        QCOMPARE(down[0][0][2][2].item<float>(), 1.0f);
        QCOMPARE(down[0][0][1][2].item<float>(), 0.0f);
        QCOMPARE(down[0][0][0][3].item<float>(), 5.0f);  // row 0 repeated
        QCOMPARE(down[0][0][1][3].item<float>(), 5.0f);  // row 0 moved down
        const torch::Tensor left = shiftedGraphPixels(x, 0, -1);
        QCOMPARE(left[0][0][1][1].item<float>(), 1.0f);
        QCOMPARE(left[0][0][0][2].item<float>(), 5.0f);
        QCOMPARE(left[0][0][0][3].item<float>(), 5.0f);  // column 3 repeated
        QCOMPARE(left.sum().item<float>(), 11.0f);
        QVERIFY(torch::equal(shiftedGraphPixels(x, 0, 0), x));
        QCOMPARE(pixelGraphShifts(1).size(), size_t(5));
        QCOMPARE(pixelGraphShifts(2).size(), size_t(13));  // the diamond |dy| + |dx| <= 2
        QVERIFY((pixelGraphShifts(1).front() == std::pair<int64_t, int64_t>{0, 0}));
        // Larger images are area-averaged to 32 x 32 first.
        QCOMPARE(shiftedGraphPixels(torch::rand({2, 3, 64, 40}), 1, 1).sizes().vec(), (std::vector<int64_t>{2, 3, 32, 32}));
    }

    // Row 0's candidates: itself (left out), 2 twice (0.5 and 0.8: 0.8
    // counts), 1 and 3 both at 0.7 (the lower index first).
    void mergeByHand() {
        const torch::Tensor indices = torch::tensor({0, 2, 1, 2, 3, 0, 2, 3, 1, 2}, torch::kInt64).view({2, 5});
        const torch::Tensor similarity = torch::tensor({0.9f, 0.5f, 0.7f, 0.8f, 0.7f, 0.1f, 0.2f, 0.3f, 0.4f, 0.6f}).view({2, 5});
        const Neighbours g = bestDistinctNeighbours(indices, similarity, 2);
        QCOMPARE(g.indices[0][0].item<int64_t>(), int64_t(2));
        QCOMPARE(g.similarity[0][0].item<float>(), 0.8f);
        QCOMPARE(g.indices[0][1].item<int64_t>(), int64_t(1));
        QCOMPARE(g.similarity[0][1].item<float>(), 0.7f);
        // Row 1: 0 at 0.1, 2 at 0.6 (its best of 0.2 and 0.6), 3 at 0.3, 1 itself.
        QCOMPARE(g.indices[1][0].item<int64_t>(), int64_t(2));
        QCOMPARE(g.similarity[1][0].item<float>(), 0.6f);
        QCOMPARE(g.indices[1][1].item<int64_t>(), int64_t(3));
        QVERIFY_THROWS_EXCEPTION(InputError, bestDistinctNeighbours(indices, similarity, 4));
    }

    // Every pair's similarity computed directly: the best over the moves of
    // the cosine of the projected images; each image's three best others.
    void matchesABruteForceSearch() {
        const torch::Tensor images = framedImages(40, 3);
        const Neighbours g = pixelGraph(images, 3, 1);
        const torch::Tensor plain = shiftedGraphPixels(images, 0, 0).flatten(1);
        const Pca pca = fitPca(plain, 39);
        const auto unit = [](const torch::Tensor& f) { return f / f.norm(2, 1, true); };
        const torch::Tensor q = unit(projectPca(pca, plain));
        torch::Tensor best = torch::full({40, 40}, -2.0f);
        for (const auto& [dy, dx] : pixelGraphShifts(1)) {
            best = torch::maximum(best, q.mm(unit(projectPca(pca, shiftedGraphPixels(images, dy, dx).flatten(1))).t()));
        }
        best.fill_diagonal_(-3.0f);
        const auto top = best.topk(3, 1);
        QVERIFY(torch::equal(g.indices, std::get<1>(top)));
        QVERIFY(torch::allclose(g.similarity, std::get<0>(top), 1e-4, 1e-5));
    }

    // Image 40 is image 0 moved one pixel down: each is the other's nearest,
    // at similarity 1, though plain pixel cosine puts them far apart.
    void findsACopyOnePixelOver() {
        const torch::Tensor base = framedImages(40, 4);
        const torch::Tensor images = torch::cat({base, shiftedGraphPixels(base.slice(0, 0, 1), 1, 0)});
        const Neighbours g = pixelGraph(images, 2, 1);
        QCOMPARE(g.indices[0][0].item<int64_t>(), int64_t(40));
        QCOMPARE(g.indices[40][0].item<int64_t>(), int64_t(0));
        QVERIFY(std::abs(g.similarity[0][0].item<float>() - 1.0f) < 1e-4);
        // Without moves (reach 0) the copy is not the nearest.
        QVERIFY(pixelGraph(images, 2, 0).indices[0][0].item<int64_t>() != 40);
        const torch::Tensor f = images.flatten(1) - images.flatten(1).mean(0);
        const float plainCosine = (f[0] * f[40]).sum().item<float>() / (f[0].norm() * f[40].norm()).item<float>();
        QVERIFY2(plainCosine < 0.5f, qPrintable(QString::number(plainCosine)));
        QVERIFY_THROWS_EXCEPTION(InputError, pixelGraph(images, 41, 1));
    }
};

QTEST_GUILESS_MAIN(TestPixelGraph)
#include "test_pixel_graph.moc"
