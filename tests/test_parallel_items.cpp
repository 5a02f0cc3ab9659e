// forEachItem, which spreads inference batches and neighbour blocks across
// LibTorch's threads: every item once, really on several threads (it runs
// on one if its file is built without OpenMP), the caller's inference mode
// in every worker, cancellation and errors; and the evaluator and the
// neighbour search giving the same answers on two threads as on one.
#include <torch/torch.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <limits>
#include <utility>
#include <vector>
#include <memory>
#include <mutex>
#include <set>
#include <stdexcept>
#include <thread>

#include "alx/util/errors.h"
#include "alx/scoring/evaluator.h"
#include "alx/models/model_registry.h"
#include "alx/scoring/neighbours.h"
#include "kernels/parallel_items.h"
#include "kernels/row_top_k.h"

#include <QtTest>

using namespace alx;

// MNIST's images and classes, for the models these tests build.
static const ImageShape kMnistShape{1, 28, 28};
static const ModelInput kMnistInput{kMnistShape, 10};

namespace {

// Sets LibTorch's thread count for one test and restores it.
class ThreadCount {
public:
    explicit ThreadCount(int n) : previous_(torch::get_num_threads()) { torch::set_num_threads(n); }
    ~ThreadCount() { torch::set_num_threads(previous_); }

private:
    int previous_;
};

}  // namespace

class TestParallelItems : public QObject {
    Q_OBJECT

private slots:
    void everyItemOnce() {
        const ThreadCount two(2);
        for (int64_t count : {0, 1, 2, 3, 7}) {
            auto calls = std::make_unique<std::atomic<int>[]>(size_t(count));  // zeroed
            forEachItem(count, true, {}, [&](int64_t i) { ++calls[size_t(i)]; });
            for (int64_t i = 0; i < count; ++i) QCOMPARE(calls[size_t(i)].load(), 1);
        }
    }

    void itemsRunOnSeveralThreads() {
        const ThreadCount two(2);
        std::mutex mutex;
        std::set<std::thread::id> threads;
        forEachItem(8, true, {}, [&](int64_t) {
            // Long enough that one thread cannot take both items of a group.
            std::this_thread::sleep_for(std::chrono::milliseconds(5));
            const std::lock_guard<std::mutex> lock(mutex);
            threads.insert(std::this_thread::get_id());
        });
        QCOMPARE(threads.size(), size_t(2));

        threads.clear();
        forEachItem(8, false, {}, [&](int64_t) {
            const std::lock_guard<std::mutex> lock(mutex);
            threads.insert(std::this_thread::get_id());
        });
        QCOMPARE(threads.size(), size_t(1));
        QVERIFY(*threads.begin() == std::this_thread::get_id());
    }

    // The training step's slices: on the threads asked for even while
    // LibTorch is held to one, each seeing itself inside a parallel region
    // (so LibTorch does not split its operations again), the caller's
    // inference mode carried over, an item's error rethrown.
    void itemsRunOnTheThreadsAskedFor() {
        const ThreadCount one(1);
        std::mutex mutex;
        std::set<std::thread::id> threads;
        std::atomic<int> nested{0}, inInference{0}, done{0};
        {
            c10::InferenceMode inference;
            forEachItemOnThreads(2, 2, [&](int64_t) {
                std::this_thread::sleep_for(std::chrono::milliseconds(5));
                nested += at::in_parallel_region() ? 1 : 0;
                inInference += c10::InferenceMode::is_enabled() ? 1 : 0;
                ++done;
                const std::lock_guard<std::mutex> lock(mutex);
                threads.insert(std::this_thread::get_id());
            });
        }
        QCOMPARE(threads.size(), size_t(2));
        QCOMPARE(done.load(), 2);
        QCOMPARE(nested.load(), 2);
        QCOMPARE(inInference.load(), 2);
        QCOMPARE(torch::get_num_threads(), 1);
        QVERIFY_THROWS_EXCEPTION(std::runtime_error, forEachItemOnThreads(3, 2, [](int64_t i) {
                                     if (i == 1) throw std::runtime_error("item 1");
                                 }));
    }

    void workersShareTheCallersInferenceMode() {
        const ThreadCount two(2);
        std::atomic<int> inInference{0}, withGrad{0};
        {
            c10::InferenceMode inference;
            forEachItem(6, true, {}, [&](int64_t) { inInference += c10::InferenceMode::is_enabled() ? 1 : 0; });
        }
        forEachItem(6, true, {}, [&](int64_t) { withGrad += torch::GradMode::is_enabled() ? 1 : 0; });
        QCOMPARE(inInference.load(), 6);
        QCOMPARE(withGrad.load(), 6);
    }

    void stopIsAskedBetweenGroups() {
        const ThreadCount two(2);
        std::atomic<int> done{0};
        int asked = 0;
        const auto stopAfterTwoGroups = [&] { return ++asked > 2; };
        QVERIFY_THROWS_EXCEPTION(Cancelled, forEachItem(10, true, stopAfterTwoGroups, [&](int64_t) { ++done; }));
        QCOMPARE(done.load(), 4);  // two groups of two
        QCOMPARE(asked, 3);
    }

    void anItemsErrorReachesTheCaller() {
        const ThreadCount two(2);
        QVERIFY_THROWS_EXCEPTION(std::runtime_error, forEachItem(4, true, {}, [](int64_t i) {
                                     if (i == 3) throw std::runtime_error("item 3");
                                 }));
    }

    void evaluationIsTheSameOnTwoThreads_data() {
        QTest::addColumn<QString>("name");
        for (const char* name : {"net", "simplecnn", "resnet18", "lenet5", "gal"}) QTest::newRow(name) << name;
    }
    void evaluationIsTheSameOnTwoThreads() {
        QFETCH(QString, name);
        torch::manual_seed(3);
        auto model = makeModel(name.toStdString(), kMnistInput);
        const TensorSet set{torch::randn({300, 1, 28, 28}), torch::randint(0, 10, {300}, torch::kInt64)};
        Evaluation one, two;
        {
            const ThreadCount single(1);
            one = evaluateModel(*model, set, 64);
        }
        {
            const ThreadCount pair(2);
            two = evaluateModel(*model, set, 64);
        }
        QVERIFY(torch::allclose(one.probabilities, two.probabilities, 1e-5, 1e-6));
        QVERIFY(torch::allclose(one.embeddings, two.embeddings, 1e-4, 1e-5));
        QVERIFY(torch::equal(one.confusion, two.confusion));
        QVERIFY(model->is_training());  // handed back in training mode, as before
    }

    void neighboursAreTheSameOnTwoThreads() {
        torch::manual_seed(4);
        const auto features = torch::randn({1000, 16});
        Neighbours one, two;
        {
            const ThreadCount single(1);
            one = nearestNeighbours(features, 5, 2048);  // one block
        }
        {
            const ThreadCount pair(2);
            two = nearestNeighbours(features, 5, 96);  // eleven blocks, the last one short
        }
        QVERIFY(torch::equal(one.indices, two.indices));
        QVERIFY(torch::allclose(one.similarity, two.similarity, 1e-6, 1e-6));
    }

    void sameLaneItemsNeverOverlap() {
        const ThreadCount two(2);
        QCOMPARE(itemLanes(true), int64_t(2));
        QCOMPARE(itemLanes(false), int64_t(1));
        std::atomic<int> busy[2] = {0, 0};
        std::atomic<bool> overlapped{false};
        forEachItem(12, true, {}, [&](int64_t i) {
            if (busy[i % 2]++ != 0) overlapped = true;
            std::this_thread::sleep_for(std::chrono::milliseconds(2));
            --busy[i % 2];
        });
        QVERIFY(!overlapped);
    }

    void rowTopKMatchesASort() {
        // Few distinct values, so ties are everywhere; a NaN and -inf too.
        torch::manual_seed(8);
        const int64_t rows = 40, n = 101;
        auto scores = torch::randint(0, 12, {rows, n}).to(torch::kFloat32);
        scores[3][7] = std::numeric_limits<float>::quiet_NaN();
        scores[5].fill_(-std::numeric_limits<float>::infinity());
        const auto data = scores.contiguous();
        // Every m, with the columns offered at once and in blocks out of order
        // (the last block first, some shorter than m), as the neighbour search does.
        for (int64_t m : {int64_t(1), int64_t(5), int64_t(37), n}) {
          for (int64_t width : {n, int64_t(16), int64_t(30)}) {
            std::vector<float> values(size_t(rows * m));
            std::vector<int64_t> indices(size_t(rows * m));
            RowTopK top(rows, m);
            std::vector<int64_t> starts;
            for (int64_t begin = 0; begin < n; begin += width) starts.insert(starts.begin(), begin);
            for (int64_t begin : starts) top.offer(data.data_ptr<float>() + begin, std::min(width, n - begin), n, begin);
            top.finish(values.data(), indices.data());
            for (int64_t r = 0; r < rows; ++r) {
                std::vector<std::pair<float, int64_t>> all;
                for (int64_t j = 0; j < n; ++j) {
                    const float v = data[r][j].item<float>();
                    all.push_back({std::isnan(v) ? -std::numeric_limits<float>::infinity() : v, j});
                }
                // The largest first; of equal values the lower column first.
                std::stable_sort(all.begin(), all.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
                for (int64_t t = 0; t < m; ++t) {
                    QCOMPARE(values[size_t(r * m + t)], all[size_t(t)].first);
                    QCOMPARE(indices[size_t(r * m + t)], all[size_t(t)].second);
                }
            }
          }
        }
    }
};

QTEST_APPLESS_MAIN(TestParallelItems)
#include "test_parallel_items.moc"
