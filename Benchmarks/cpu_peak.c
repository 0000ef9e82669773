// Measures the core clock and the float32 FMA throughput of one core, for the peak figures in
// BENCHMARKS.md. Not part of the package.
//
//   clang -O2 -mavx512f -mfma Benchmarks/cpu_peak.c -o /tmp/cpu_peak && /tmp/cpu_peak
//
// Clock: a chain of dependent integer adds retires one add per cycle. FMA: 12 independent
// accumulators hide the FMA latency, so the loop runs at the FMA units' throughput.
#include <immintrin.h>
#include <stdio.h>
#include <time.h>

#define ACCUMULATORS 12

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + 1e-9 * t.tv_nsec;
}

static double clock_ghz(void) {
    const long n = 200000000;
    unsigned long x = 0;
    double best = 1e30;
    for (int r = 0; r < 5; r++) {
        double start = now();
        for (long i = 0; i < n; i++)
            __asm__ volatile("add $1, %0\n\tadd $1, %0\n\tadd $1, %0\n\tadd $1, %0\n\tadd $1, %0\n\t"
                             "add $1, %0\n\tadd $1, %0\n\tadd $1, %0\n\tadd $1, %0\n\tadd $1, %0" : "+r"(x));
        double s = now() - start;
        if (s < best) best = s;
    }
    return 10.0 * n / best / 1e9;
}

// GFLOP/s of a loop of independent 512-bit (zmm) or 256-bit (ymm) FMAs, counting 2 FLOP per lane.
static double fma_gflops(int bits, float *sink) {
    const long n = 50000000;
    double best = 1e30;
    for (int r = 0; r < 3; r++) {
        double start = now();
        if (bits == 512) {
            __m512 acc[ACCUMULATORS], x = _mm512_set1_ps(1.0000001f), y = _mm512_set1_ps(0.9999999f);
            for (int j = 0; j < ACCUMULATORS; j++) acc[j] = _mm512_set1_ps((float)j);
            for (long i = 0; i < n; i++)
                for (int j = 0; j < ACCUMULATORS; j++) acc[j] = _mm512_fmadd_ps(acc[j], x, y);
            for (int j = 0; j < ACCUMULATORS; j++) *sink += _mm512_reduce_add_ps(acc[j]);
        } else {
            __m256 acc[ACCUMULATORS], x = _mm256_set1_ps(1.0000001f), y = _mm256_set1_ps(0.9999999f);
            float lanes[8];
            for (int j = 0; j < ACCUMULATORS; j++) acc[j] = _mm256_set1_ps((float)j);
            for (long i = 0; i < n; i++)
                for (int j = 0; j < ACCUMULATORS; j++) acc[j] = _mm256_fmadd_ps(acc[j], x, y);
            for (int j = 0; j < ACCUMULATORS; j++) { _mm256_storeu_ps(lanes, acc[j]); *sink += lanes[0]; }
        }
        double s = now() - start;
        if (s < best) best = s;
    }
    return (double)n * ACCUMULATORS * (bits / 32) * 2 / best / 1e9;
}

int main(void) {
    float sink = 0;
    double ghz = clock_ghz();
    double ymm = fma_gflops(256, &sink), zmm = fma_gflops(512, &sink);
    printf("core clock            %.3f GHz\n", ghz);
    printf("256-bit FMA, 1 core   %.1f GFLOP/s = %.1f FLOP/cycle\n", ymm, ymm / ghz);
    printf("512-bit FMA, 1 core   %.1f GFLOP/s = %.1f FLOP/cycle\n", zmm, zmm / ghz);
    return sink == 12345 ? 1 : 0;  // uses the results
}
