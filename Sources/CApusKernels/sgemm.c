// float32 GEMM register tiles: AVX-512 (12×32), AVX2+FMA (6×16), NEON (8×12), portable (4×16).
// Each variant keeps the whole C tile in vector registers for the k loop; the B row of the
// packed panel is loaded as vectors and each A element is broadcast.

#include "CApusKernels.h"
#include "isa.h"
#include <stdlib.h>
#include <string.h>

#if defined(__x86_64__) || defined(_M_X64)
#define APUS_X86 1
#include <cpuid.h>
#include <immintrin.h>
#endif

#if defined(__aarch64__)
#define APUS_NEON 1
#include <arm_neon.h>
#endif

typedef void (*tile_fn)(long k, const float *a, const float *b, float *c, long ldc, int accumulate);

// ---------------------------------------------------------------------------------------------
// Portable: 4×16, plain C the compiler may vectorise with the baseline instruction set.

static void tile_generic(long k, const float *a, const float *b, float *c, long ldc, int accumulate) {
    float acc[4][16];
    memset(acc, 0, sizeof acc);
    for (long p = 0; p < k; p++) {
        for (int i = 0; i < 4; i++) {
            float av = a[i];
            for (int j = 0; j < 16; j++) acc[i][j] += av * b[j];
        }
        a += 4;
        b += 16;
    }
    for (int i = 0; i < 4; i++)
        for (int j = 0; j < 16; j++) c[i * ldc + j] = accumulate ? c[i * ldc + j] + acc[i][j] : acc[i][j];
}

#ifdef APUS_X86
// ---------------------------------------------------------------------------------------------
// AVX2 + FMA: 6×16 (12 accumulators, 2 B vectors, 1 broadcast: 15 of 16 ymm registers).

__attribute__((target("avx2,fma")))
static void tile_avx2(long k, const float *a, const float *b, float *c, long ldc, int accumulate) {
    for (int i = 0; i < 6; i++) _mm_prefetch((const char *)(c + i * ldc), _MM_HINT_T0);  // as in tile_avx512
    __m256 c00 = _mm256_setzero_ps(), c01 = _mm256_setzero_ps();
    __m256 c10 = _mm256_setzero_ps(), c11 = _mm256_setzero_ps();
    __m256 c20 = _mm256_setzero_ps(), c21 = _mm256_setzero_ps();
    __m256 c30 = _mm256_setzero_ps(), c31 = _mm256_setzero_ps();
    __m256 c40 = _mm256_setzero_ps(), c41 = _mm256_setzero_ps();
    __m256 c50 = _mm256_setzero_ps(), c51 = _mm256_setzero_ps();
    for (long p = 0; p < k; p++) {
        __m256 b0 = _mm256_loadu_ps(b), b1 = _mm256_loadu_ps(b + 8);
        __m256 av;
        av = _mm256_broadcast_ss(a + 0); c00 = _mm256_fmadd_ps(av, b0, c00); c01 = _mm256_fmadd_ps(av, b1, c01);
        av = _mm256_broadcast_ss(a + 1); c10 = _mm256_fmadd_ps(av, b0, c10); c11 = _mm256_fmadd_ps(av, b1, c11);
        av = _mm256_broadcast_ss(a + 2); c20 = _mm256_fmadd_ps(av, b0, c20); c21 = _mm256_fmadd_ps(av, b1, c21);
        av = _mm256_broadcast_ss(a + 3); c30 = _mm256_fmadd_ps(av, b0, c30); c31 = _mm256_fmadd_ps(av, b1, c31);
        av = _mm256_broadcast_ss(a + 4); c40 = _mm256_fmadd_ps(av, b0, c40); c41 = _mm256_fmadd_ps(av, b1, c41);
        av = _mm256_broadcast_ss(a + 5); c50 = _mm256_fmadd_ps(av, b0, c50); c51 = _mm256_fmadd_ps(av, b1, c51);
        a += 6;
        b += 16;
    }
#define STORE_ROW(i, r0, r1)                                                              \
    do {                                                                                  \
        float *row = c + (i) * ldc;                                                       \
        if (accumulate) {                                                                 \
            r0 = _mm256_add_ps(r0, _mm256_loadu_ps(row));                                 \
            r1 = _mm256_add_ps(r1, _mm256_loadu_ps(row + 8));                             \
        }                                                                                 \
        _mm256_storeu_ps(row, r0);                                                        \
        _mm256_storeu_ps(row + 8, r1);                                                    \
    } while (0)
    STORE_ROW(0, c00, c01); STORE_ROW(1, c10, c11); STORE_ROW(2, c20, c21);
    STORE_ROW(3, c30, c31); STORE_ROW(4, c40, c41); STORE_ROW(5, c50, c51);
#undef STORE_ROW
}

// ---------------------------------------------------------------------------------------------
// AVX-512: 12×32 (24 accumulators, 2 B vectors, broadcasts: 27 of 32 zmm registers).

__attribute__((target("avx512f")))
static void tile_avx512(long k, const float *a, const float *b, float *c, long ldc, int accumulate) {
    // Fetch the C tile while the k loop runs: its rows are far apart (often a page or more), and
    // loading them only at the end stalled the tile on cache and TLB misses (~10% of a 2048² GEMM).
#pragma clang loop unroll(full)
    for (int i = 0; i < 12; i++) {
        _mm_prefetch((const char *)(c + i * ldc), _MM_HINT_T0);
        _mm_prefetch((const char *)(c + i * ldc + 16), _MM_HINT_T0);
    }
    __m512 acc[12][2];
#pragma clang loop unroll(full)
    for (int i = 0; i < 12; i++) { acc[i][0] = _mm512_setzero_ps(); acc[i][1] = _mm512_setzero_ps(); }
    // A streams from L2 (its panel changes every tile): fetch it 16 depth steps ahead.
#pragma clang loop unroll_count(4)
    for (long p = 0; p < k; p++) {
        _mm_prefetch((const char *)(a + 12 * 16), _MM_HINT_T0);
        __m512 b0 = _mm512_loadu_ps(b), b1 = _mm512_loadu_ps(b + 16);
#pragma clang loop unroll(full)
        for (int i = 0; i < 12; i++) {
            __m512 av = _mm512_set1_ps(a[i]);
            acc[i][0] = _mm512_fmadd_ps(av, b0, acc[i][0]);
            acc[i][1] = _mm512_fmadd_ps(av, b1, acc[i][1]);
        }
        a += 12;
        b += 32;
    }
#pragma clang loop unroll(full)
    for (int i = 0; i < 12; i++) {
        float *row = c + i * ldc;
        __m512 r0 = acc[i][0], r1 = acc[i][1];
        if (accumulate) {
            r0 = _mm512_add_ps(r0, _mm512_loadu_ps(row));
            r1 = _mm512_add_ps(r1, _mm512_loadu_ps(row + 16));
        }
        _mm512_storeu_ps(row, r0);
        _mm512_storeu_ps(row + 16, r1);
    }
}

// AVX-512, 8×32 (16 accumulators): for matrices of 8·k rows (64 output channels), which the
// 12-row tile would pad by an eighth.
__attribute__((target("avx512f")))
static void tile8_avx512(long k, const float *a, const float *b, float *c, long ldc, int accumulate) {
#pragma clang loop unroll(full)
    for (int i = 0; i < 8; i++) {
        _mm_prefetch((const char *)(c + i * ldc), _MM_HINT_T0);
        _mm_prefetch((const char *)(c + i * ldc + 16), _MM_HINT_T0);
    }
    __m512 acc[8][2];
#pragma clang loop unroll(full)
    for (int i = 0; i < 8; i++) { acc[i][0] = _mm512_setzero_ps(); acc[i][1] = _mm512_setzero_ps(); }
    for (long p = 0; p < k; p++) {
        __m512 b0 = _mm512_loadu_ps(b), b1 = _mm512_loadu_ps(b + 16);
#pragma clang loop unroll(full)
        for (int i = 0; i < 8; i++) {
            __m512 av = _mm512_set1_ps(a[i]);
            acc[i][0] = _mm512_fmadd_ps(av, b0, acc[i][0]);
            acc[i][1] = _mm512_fmadd_ps(av, b1, acc[i][1]);
        }
        a += 8;
        b += 32;
    }
#pragma clang loop unroll(full)
    for (int i = 0; i < 8; i++) {
        float *row = c + i * ldc;
        __m512 r0 = acc[i][0], r1 = acc[i][1];
        if (accumulate) {
            r0 = _mm512_add_ps(r0, _mm512_loadu_ps(row));
            r1 = _mm512_add_ps(r1, _mm512_loadu_ps(row + 16));
        }
        _mm512_storeu_ps(row, r0);
        _mm512_storeu_ps(row + 16, r1);
    }
}

static int os_saves_zmm(void) {
    unsigned eax, ebx, ecx, edx;
    if (!__get_cpuid(1, &eax, &ebx, &ecx, &edx) || !(ecx & (1u << 27))) return 0;  // OSXSAVE
    unsigned lo, hi;
    __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
    (void)hi;
    return (lo & 0xE6) == 0xE6;  // XMM, YMM, opmask, ZMM_Hi256, Hi16_ZMM state enabled
}

static int os_saves_ymm(void) {
    unsigned eax, ebx, ecx, edx;
    if (!__get_cpuid(1, &eax, &ebx, &ecx, &edx) || !(ecx & (1u << 27))) return 0;
    unsigned lo, hi;
    __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
    (void)hi;
    return (lo & 0x6) == 0x6;
}

int apus_x86_has_avx2_fma(void) {
    unsigned eax, ebx, ecx, edx;
    if (!__get_cpuid(1, &eax, &ebx, &ecx, &edx)) return 0;
    int fma = (ecx >> 12) & 1;
    if (!__get_cpuid_count(7, 0, &eax, &ebx, &ecx, &edx)) return 0;
    return fma && ((ebx >> 5) & 1) && os_saves_ymm();
}

int apus_x86_has_avx512f(void) {
    unsigned eax, ebx, ecx, edx;
    if (!__get_cpuid_count(7, 0, &eax, &ebx, &ecx, &edx)) return 0;
    return ((ebx >> 16) & 1) && os_saves_zmm();
}
#endif

int apus_avx512_selected(void) {
#if defined(__x86_64__) || defined(_M_X64)
    static int level = -1;
    if (level < 0) {
        const char *forced = getenv("APUS_ISA");
        level = (!forced || strcmp(forced, "avx512") == 0) && apus_x86_has_avx512f();
    }
    return level;
#else
    return 0;
#endif
}

#ifdef APUS_NEON
// ---------------------------------------------------------------------------------------------
// NEON: 8×12 (24 accumulators of 4 lanes, 3 B vectors, 2 A vectors: 29 of 32 registers).

static void tile_neon(long k, const float *a, const float *b, float *c, long ldc, int accumulate) {
    float32x4_t acc[8][3];
    for (int i = 0; i < 8; i++)
        for (int j = 0; j < 3; j++) acc[i][j] = vdupq_n_f32(0);
    for (long p = 0; p < k; p++) {
        float32x4_t b0 = vld1q_f32(b), b1 = vld1q_f32(b + 4), b2 = vld1q_f32(b + 8);
        float32x4_t a0 = vld1q_f32(a), a1 = vld1q_f32(a + 4);
        acc[0][0] = vfmaq_laneq_f32(acc[0][0], b0, a0, 0); acc[0][1] = vfmaq_laneq_f32(acc[0][1], b1, a0, 0); acc[0][2] = vfmaq_laneq_f32(acc[0][2], b2, a0, 0);
        acc[1][0] = vfmaq_laneq_f32(acc[1][0], b0, a0, 1); acc[1][1] = vfmaq_laneq_f32(acc[1][1], b1, a0, 1); acc[1][2] = vfmaq_laneq_f32(acc[1][2], b2, a0, 1);
        acc[2][0] = vfmaq_laneq_f32(acc[2][0], b0, a0, 2); acc[2][1] = vfmaq_laneq_f32(acc[2][1], b1, a0, 2); acc[2][2] = vfmaq_laneq_f32(acc[2][2], b2, a0, 2);
        acc[3][0] = vfmaq_laneq_f32(acc[3][0], b0, a0, 3); acc[3][1] = vfmaq_laneq_f32(acc[3][1], b1, a0, 3); acc[3][2] = vfmaq_laneq_f32(acc[3][2], b2, a0, 3);
        acc[4][0] = vfmaq_laneq_f32(acc[4][0], b0, a1, 0); acc[4][1] = vfmaq_laneq_f32(acc[4][1], b1, a1, 0); acc[4][2] = vfmaq_laneq_f32(acc[4][2], b2, a1, 0);
        acc[5][0] = vfmaq_laneq_f32(acc[5][0], b0, a1, 1); acc[5][1] = vfmaq_laneq_f32(acc[5][1], b1, a1, 1); acc[5][2] = vfmaq_laneq_f32(acc[5][2], b2, a1, 1);
        acc[6][0] = vfmaq_laneq_f32(acc[6][0], b0, a1, 2); acc[6][1] = vfmaq_laneq_f32(acc[6][1], b1, a1, 2); acc[6][2] = vfmaq_laneq_f32(acc[6][2], b2, a1, 2);
        acc[7][0] = vfmaq_laneq_f32(acc[7][0], b0, a1, 3); acc[7][1] = vfmaq_laneq_f32(acc[7][1], b1, a1, 3); acc[7][2] = vfmaq_laneq_f32(acc[7][2], b2, a1, 3);
        a += 8;
        b += 12;
    }
    for (int i = 0; i < 8; i++) {
        float *row = c + i * ldc;
        for (int j = 0; j < 3; j++) {
            float32x4_t r = acc[i][j];
            if (accumulate) r = vaddq_f32(r, vld1q_f32(row + 4 * j));
            vst1q_f32(row + 4 * j, r);
        }
    }
}
#endif

// ---------------------------------------------------------------------------------------------
// Selection and edge tiles.

static tile_fn selected_tile;
static apus_sgemm_info selected_info;

static void select_kernel(void) {
    const char *forced = getenv("APUS_ISA");
    apus_sgemm_info info = {4, 16, "generic"};
    tile_fn fn = tile_generic;
#ifdef APUS_X86
    int allow512 = !forced || strcmp(forced, "avx512") == 0;
    int allow2 = allow512 || (forced && strcmp(forced, "avx2") == 0);
    if (allow512 && apus_x86_has_avx512f()) {
        info = (apus_sgemm_info){12, 32, "avx512"};
        fn = tile_avx512;
    } else if (allow2 && apus_x86_has_avx2_fma()) {
        info = (apus_sgemm_info){6, 16, "avx2+fma"};
        fn = tile_avx2;
    }
#endif
#ifdef APUS_NEON
    if (!forced || strcmp(forced, "generic") != 0) {
        info = (apus_sgemm_info){8, 12, "neon"};
        fn = tile_neon;
    }
#endif
    selected_info = info;
    __atomic_store_n(&selected_tile, fn, __ATOMIC_RELEASE);
}

apus_sgemm_info apus_sgemm_query(void) {
    if (!__atomic_load_n(&selected_tile, __ATOMIC_ACQUIRE)) select_kernel();  // idempotent
    return selected_info;
}

void apus_sgemm_tile(long k, const float *a, const float *b, float *c, long ldc,
                     int accumulate, int m_valid, int n_valid) {
    tile_fn fn = __atomic_load_n(&selected_tile, __ATOMIC_ACQUIRE);
    if (!fn) {
        select_kernel();
        fn = selected_tile;
    }
    int mr = selected_info.mr, nr = selected_info.nr;
    if (m_valid == mr && n_valid == nr) {
        fn(k, a, b, c, ldc, accumulate);
        return;
    }
    // Edge tile: compute the full tile into a local buffer, write back the valid part.
    float tile[12 * 32];
    fn(k, a, b, tile, nr, 0);
    for (int i = 0; i < m_valid; i++)
        for (int j = 0; j < n_valid; j++)
            c[i * ldc + j] = accumulate ? c[i * ldc + j] + tile[i * nr + j] : tile[i * nr + j];
}

int apus_sgemm_tile8_available(void) {
    apus_sgemm_query();
#ifdef APUS_X86
    return selected_tile == tile_avx512;
#else
    return 0;
#endif
}

void apus_sgemm_tile8(long k, const float *a, const float *b, float *c, long ldc,
                      int accumulate, int m_valid, int n_valid) {
#ifdef APUS_X86
    if (apus_sgemm_tile8_available()) {
        if (m_valid == 8 && n_valid == 32) {
            tile8_avx512(k, a, b, c, ldc, accumulate);
            return;
        }
        float tile[8 * 32];
        tile8_avx512(k, a, b, tile, 32, 0);
        for (int i = 0; i < m_valid; i++)
            for (int j = 0; j < n_valid; j++)
                c[i * ldc + j] = accumulate ? c[i * ldc + j] + tile[i * 32 + j] : tile[i * 32 + j];
        return;
    }
#endif
    // Portable: the same products, any panel width (nr of the selected tile).
    int nr = selected_info.nr;
    for (int i = 0; i < m_valid; i++)
        for (int j = 0; j < n_valid; j++) {
            float sum = 0;
            for (long p = 0; p < k; p++) sum += a[p * 8 + i] * b[p * nr + j];
            c[i * ldc + j] = accumulate ? c[i * ldc + j] + sum : sum;
        }
}
