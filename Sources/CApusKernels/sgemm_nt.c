// C (+)= A · Bᵀ for operands that both run along the depth (A[m×k], B[n×k], rows contiguous):
// each element of C is a dot product, computed for a 4×4 block of C at a time straight from the
// rows, with no packing. For small m·n and a long depth (a small convolution's weight gradient:
// dY[O, positions] · im2col[C·kH·kW, positions]ᵀ), packing both operands for the register-tiled
// GEMM costs more than the products, and most of its 12×32 tile would be padding.
//
// Every dot product is summed in one fixed order (vector lanes, then a fixed reduction tree),
// whatever the block an element falls in, so results depend only on the inputs.

#include "CApusKernels.h"
#include "isa.h"
#include <stdlib.h>
#include <string.h>

#if defined(__x86_64__) || defined(_M_X64)
#include <immintrin.h>
#endif

typedef void (*nt_fn)(long m, long n, long k, const float *a, long lda, const float *b, long ldb,
                      float *c, long ldc, int accumulate);

// The `count` (≤ 4) rows of a block from `first`; rows past the end repeat the last one
// (computed, never stored).
static inline void block_rows(const float *base, long ld, long first, long count, const float *rows[4]) {
    for (int x = 0; x < 4; x++) rows[x] = base + (first + (x < count ? x : count - 1)) * ld;
}

// Dot products of a block of rows of A (4) and of B (`cols_per_block`, at most 4) into sums[x][y].
typedef void (*block_fn)(const float *ar[4], const float *br[4], long k, float sums[4][4]);

// The loop over blocks of C shared by every variant: gathers the rows, runs `dots`, stores the
// valid part of the block.
static inline void one_block(long i, long mi, long j, long nj, long k, const float *a, long lda, const float *b,
                             long ldb, float *c, long ldc, int accumulate, block_fn dots) {
    const float *ar[4], *br[4];
    block_rows(a, lda, i, mi, ar);
    block_rows(b, ldb, j, nj, br);
    float sums[4][4];
    dots(ar, br, k, sums);
    for (long x = 0; x < mi; x++)
        for (long y = 0; y < nj; y++) {
            float *e = c + (i + x) * ldc + j + y;
            *e = accumulate ? *e + sums[x][y] : sums[x][y];
        }
}

// The larger operand is the outer loop, so it streams from memory once while the smaller one is
// re-read from cache (a fully connected layer's weight against a small batch: 150 MB read once).
static inline void for_each_block(long m, long n, long k, const float *a, long lda, const float *b, long ldb,
                                  float *c, long ldc, int accumulate, long cols_per_block, block_fn dots) {
    if (n > m) {
        for (long j = 0; j < n; j += cols_per_block)
            for (long i = 0; i < m; i += 4)
                one_block(i, m - i < 4 ? m - i : 4, j, n - j < cols_per_block ? n - j : cols_per_block, k, a, lda, b,
                          ldb, c, ldc, accumulate, dots);
        return;
    }
    for (long i = 0; i < m; i += 4)
        for (long j = 0; j < n; j += cols_per_block)
            one_block(i, m - i < 4 ? m - i : 4, j, n - j < cols_per_block ? n - j : cols_per_block, k, a, lda, b, ldb,
                      c, ldc, accumulate, dots);
}

// Portable: eight partial sums per dot product, which the compiler vectorises with the baseline
// instruction set, added pairwise at the end.
static void dots_generic(const float *ar[4], const float *br[4], long k, float sums[4][4]) {
    for (int x = 0; x < 4; x++)
        for (int y = 0; y < 4; y++) {
            float lane[8] = {0};
            long p = 0;
            for (; p + 8 <= k; p += 8)
                for (int l = 0; l < 8; l++) lane[l] += ar[x][p + l] * br[y][p + l];
            for (; p < k; p++) lane[p % 8] += ar[x][p] * br[y][p];
            sums[x][y] = ((lane[0] + lane[4]) + (lane[2] + lane[6])) + ((lane[1] + lane[5]) + (lane[3] + lane[7]));
        }
}

static void nt_generic(long m, long n, long k, const float *a, long lda, const float *b, long ldb,
                       float *c, long ldc, int accumulate) {
    for_each_block(m, n, k, a, lda, b, ldb, c, ldc, accumulate, 4, dots_generic);
}

#if defined(__x86_64__) || defined(_M_X64)
// AVX-512: 16 accumulators of 16 lanes, 8 row loads per 16 FMAs; the depth's tail is a masked load.
__attribute__((target("avx512f")))
static void dots_avx512(const float *ar[4], const float *br[4], long k, float sums[4][4]) {
    __m512 acc[4][4];
#pragma clang loop unroll(full)
    for (int x = 0; x < 4; x++)
#pragma clang loop unroll(full)
        for (int y = 0; y < 4; y++) acc[x][y] = _mm512_setzero_ps();
    long p = 0;
    for (; p + 16 <= k; p += 16) {
        __m512 av[4], bv[4];
#pragma clang loop unroll(full)
        for (int x = 0; x < 4; x++) av[x] = _mm512_loadu_ps(ar[x] + p);
        // B's rows are usually streamed from memory once (a layer's weight against a small
        // batch): fetch them 1 KiB ahead, four streams at a time.
#pragma clang loop unroll(full)
        for (int y = 0; y < 4; y++) _mm_prefetch((const char *)(br[y] + p + 256), _MM_HINT_T0);
#pragma clang loop unroll(full)
        for (int y = 0; y < 4; y++) bv[y] = _mm512_loadu_ps(br[y] + p);
#pragma clang loop unroll(full)
        for (int x = 0; x < 4; x++)
#pragma clang loop unroll(full)
            for (int y = 0; y < 4; y++) acc[x][y] = _mm512_fmadd_ps(av[x], bv[y], acc[x][y]);
    }
    if (p < k) {
        __mmask16 mask = (__mmask16)((1u << (k - p)) - 1);
        __m512 av[4], bv[4];
        for (int x = 0; x < 4; x++) av[x] = _mm512_maskz_loadu_ps(mask, ar[x] + p);
        for (int y = 0; y < 4; y++) bv[y] = _mm512_maskz_loadu_ps(mask, br[y] + p);
        for (int x = 0; x < 4; x++)
            for (int y = 0; y < 4; y++) acc[x][y] = _mm512_fmadd_ps(av[x], bv[y], acc[x][y]);
    }
    for (int x = 0; x < 4; x++)
        for (int y = 0; y < 4; y++) sums[x][y] = _mm512_reduce_add_ps(acc[x][y]);
}

static void nt_avx512(long m, long n, long k, const float *a, long lda, const float *b, long ldb,
                      float *c, long ldc, int accumulate) {
    for_each_block(m, n, k, a, lda, b, ldb, c, ldc, accumulate, 4, dots_avx512);
}

// AVX2+FMA: a 4×2 block (8 accumulators of 8 lanes) fits the 16 registers with its 6 loads.
__attribute__((target("avx2,fma")))
static float hsum256(__m256 v) {
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    s = _mm_add_ss(s, _mm_movehdup_ps(s));
    return _mm_cvtss_f32(s);
}

__attribute__((target("avx2,fma")))
static void dots_avx2(const float *ar[4], const float *br[4], long k, float sums[4][4]) {
    __m256 acc[4][2];
    for (int x = 0; x < 4; x++) acc[x][0] = acc[x][1] = _mm256_setzero_ps();
    long p = 0;
    for (; p + 8 <= k; p += 8) {
        __m256 b0 = _mm256_loadu_ps(br[0] + p), b1 = _mm256_loadu_ps(br[1] + p);
#pragma clang loop unroll(full)
        for (int x = 0; x < 4; x++) {
            __m256 av = _mm256_loadu_ps(ar[x] + p);
            acc[x][0] = _mm256_fmadd_ps(av, b0, acc[x][0]);
            acc[x][1] = _mm256_fmadd_ps(av, b1, acc[x][1]);
        }
    }
    for (int x = 0; x < 4; x++)
        for (int y = 0; y < 2; y++) {
            float s = hsum256(acc[x][y]);
            for (long q = p; q < k; q++) s += ar[x][q] * br[y][q];
            sums[x][y] = s;
        }
}

static void nt_avx2(long m, long n, long k, const float *a, long lda, const float *b, long ldb,
                    float *c, long ldc, int accumulate) {
    for_each_block(m, n, k, a, lda, b, ldb, c, ldc, accumulate, 2, dots_avx2);
}
#endif

static nt_fn selected_nt;

static nt_fn select_nt(void) {
    nt_fn fn = nt_generic;
#if defined(__x86_64__) || defined(_M_X64)
    const char *forced = getenv("APUS_ISA");
    int allow512 = !forced || strcmp(forced, "avx512") == 0;
    int allow2 = allow512 || (forced && strcmp(forced, "avx2") == 0);
    if (allow512 && apus_x86_has_avx512f()) fn = nt_avx512;
    else if (allow2 && apus_x86_has_avx2_fma()) fn = nt_avx2;
#endif
    __atomic_store_n(&selected_nt, fn, __ATOMIC_RELEASE);
    return fn;
}

void apus_sgemm_nt(long m, long n, long k, const float *a, long lda, const float *b, long ldb,
                   float *c, long ldc, int accumulate) {
    if (m <= 0 || n <= 0) return;
    nt_fn fn = __atomic_load_n(&selected_nt, __ATOMIC_ACQUIRE);
    if (!fn) fn = select_nt();
    fn(m, n, k, a, lda, b, ldb, c, ldc, accumulate);
}
