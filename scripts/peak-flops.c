/* One core's measured FP32 peak: independent chains of fused multiply-adds
 * on 16-wide (AVX-512) and 8-wide (AVX2) registers, enough of them to cover
 * the FMA latency on every x86-64 core of the last decade. Prints one JSON
 * line in FLOP/s. Built and run by scripts/bench-peak.sh, with -O3: the
 * chains must be unrolled into registers, or the loop measures its own
 * bookkeeping. */
#include <immintrin.h>
#include <stdio.h>
#include <time.h>

#define CHAINS 12

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + 1e-9 * t.tv_nsec;
}

__attribute__((target("avx512f"))) static double peak512(long iterations) {
    __m512 acc[CHAINS];
    const __m512 a = _mm512_set1_ps(0.999999f), b = _mm512_set1_ps(1e-7f);
    for (int c = 0; c < CHAINS; ++c) acc[c] = _mm512_set1_ps((float)c);
    const double start = now();
    for (long i = 0; i < iterations; ++i)
        for (int c = 0; c < CHAINS; ++c) acc[c] = _mm512_fmadd_ps(acc[c], a, b);
    const double seconds = now() - start;
    float sink = 0;
    for (int c = 0; c < CHAINS; ++c) sink += _mm512_reduce_add_ps(acc[c]);
    if (sink == 12345.f) printf(" ");
    return 2.0 * 16 * CHAINS * (double)iterations / seconds;
}

__attribute__((target("avx2,fma"))) static double peak256(long iterations) {
    __m256 acc[CHAINS];
    const __m256 a = _mm256_set1_ps(0.999999f), b = _mm256_set1_ps(1e-7f);
    for (int c = 0; c < CHAINS; ++c) acc[c] = _mm256_set1_ps((float)c);
    const double start = now();
    for (long i = 0; i < iterations; ++i)
        for (int c = 0; c < CHAINS; ++c) acc[c] = _mm256_fmadd_ps(acc[c], a, b);
    const double seconds = now() - start;
    float out[8], sink = 0;
    for (int c = 0; c < CHAINS; ++c) {
        _mm256_storeu_ps(out, acc[c]);
        for (int k = 0; k < 8; ++k) sink += out[k];
    }
    if (sink == 12345.f) printf(" ");
    return 2.0 * 8 * CHAINS * (double)iterations / seconds;
}

int main(void) {
    const long iterations = 200000000;
    double best512 = 0, best256 = 0;
    const int has512 = __builtin_cpu_supports("avx512f");
    for (int run = 0; run < 3; ++run) {
        const double p256 = peak256(iterations);
        if (p256 > best256) best256 = p256;
        if (has512) {
            const double p512 = peak512(iterations);
            if (p512 > best512) best512 = p512;
        }
    }
    printf("{\"fp32_flop_per_s_avx512\": %.4g, \"fp32_flop_per_s_avx2\": %.4g}\n", best512, best256);
    return 0;
}
