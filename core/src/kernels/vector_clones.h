#pragma once
// ALX_VECTOR_CLONES before a function compiles it three times, for AVX-512,
// AVX2 and the x86-64 baseline, and picks the widest the CPU runs when the
// program starts: the package is built for the baseline, but the few loops
// that dominate a job get the vectors of the machine. Nothing elsewhere.
// Not under ThreadSanitizer: the choice is made by a resolver the loader
// calls before the sanitizer's runtime is up, and the instrumented resolver
// crashes the program at start.
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && !defined(__SANITIZE_THREAD__)
#define ALX_VECTOR_CLONES __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#else
#define ALX_VECTOR_CLONES
#endif
