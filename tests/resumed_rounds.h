#pragma once
// A resumed repeat's rounds against the uninterrupted run's, for the tests
// of the loop's resume (test_active_learning, test_semi_supervised).
#include <vector>

#include "alx/active_learning/loop.h"

#include <QtTest>

namespace alx::test {

// The resumed rounds are the uninterrupted run's from round `firstResumed`
// on, each with the same labels, acquisitions, test accuracy and kappa;
// a difference is recorded as the calling test's failure.
inline void compareWithUninterrupted(const std::vector<ActiveLearningRound>& resumed,
                                     const std::vector<ActiveLearningRound>& seen, size_t firstResumed) {
    QCOMPARE(resumed.size(), seen.size() - firstResumed);
    for (size_t r = 0; r < resumed.size(); ++r) {
        const ActiveLearningRound& same = seen[firstResumed + r];
        QCOMPARE(resumed[r].labels, same.labels);
        QCOMPARE(resumed[r].acquired, same.acquired);
        QCOMPARE(resumed[r].testAccuracy, same.testAccuracy);
        QCOMPARE(resumed[r].kappa, same.kappa);
    }
}

}  // namespace alx::test
