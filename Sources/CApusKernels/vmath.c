// Vectorised float32 exp, tanh and sigmoid: AVX-512 and AVX2+FMA variants chosen at run time,
// libm's scalar functions elsewhere. exp uses Cephes' range reduction x = n·ln2 + r,
// |r| ≤ ln2/2, and its degree-6 polynomial; tanh and sigmoid are built on it.

#include "CApusKernels.h"
#include "isa.h"
#include <math.h>
#include <string.h>
#include <stdlib.h>

#if defined(__x86_64__) || defined(_M_X64)
#define APUS_X86 1
#include <immintrin.h>
#endif

// Cephes expf constants.
#define LOG2E 1.44269504088896341f
#define LN2_HI 0.693359375f
#define LN2_LO -2.12194440e-4f
#define P0 1.9875691500e-4f
#define P1 1.3981999507e-3f
#define P2 8.3334519073e-3f
#define P3 4.1665795894e-2f
#define P4 1.6666665459e-1f
#define P5 5.0000001201e-1f

// Below this |x|, tanh uses its Taylor series (error < 1e-9 relative); above, 1 − 2/(1 + e^{2x}).
#define TANH_SMALL 0.3f

static void exp_scalar(const float *x, float *out, long n) { for (long i = 0; i < n; i++) out[i] = expf(x[i]); }
static void tanh_scalar(const float *x, float *out, long n) { for (long i = 0; i < n; i++) out[i] = tanhf(x[i]); }
static void sigmoid_scalar(const float *x, float *out, long n) {
    for (long i = 0; i < n; i++) {
        float v = x[i];
        out[i] = v >= 0 ? 1.0f / (1.0f + expf(-v)) : expf(v) / (1.0f + expf(v));
    }
}

#ifdef APUS_X86
// ---------------------------------------------------------------------------------------------
// AVX-512: scalef applies 2^n with correct overflow, underflow and NaN handling.

// x − n·ln2 in two parts (Cephes), and P(r) with e^r = 1 + r + r²·P(r) for |r| ≤ ln2/2.
__attribute__((target("avx512f"))) static inline __m512 reduce512(__m512 x, __m512 n) {
    __m512 r = _mm512_fnmadd_ps(n, _mm512_set1_ps(LN2_HI), x);
    return _mm512_fnmadd_ps(n, _mm512_set1_ps(LN2_LO), r);
}

__attribute__((target("avx512f"))) static inline __m512 poly512(__m512 r) {
    __m512 p = _mm512_set1_ps(P0);
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(P1));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(P2));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(P3));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(P4));
    return _mm512_fmadd_ps(p, r, _mm512_set1_ps(P5));
}

__attribute__((target("avx512f"))) static inline __m512 exp512(__m512 x) {
    __m512 n = _mm512_roundscale_ps(_mm512_mul_ps(x, _mm512_set1_ps(LOG2E)), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    __m512 r = reduce512(x, n);
    __m512 y = _mm512_fmadd_ps(_mm512_mul_ps(poly512(r), r), r, _mm512_add_ps(r, _mm512_set1_ps(1.0f)));
    return _mm512_scalef_ps(y, n);
}

__attribute__((target("avx512f"))) static inline __m512 tanh512(__m512 x) {
    // tanh|x| = −m / (2 + m) with m = e^{−2|x|} − 1, one expression for every x: exp's own
    // reduction z = n·ln2 + r gives m = 2^n·(r + r²·P(r)) + (2^n − 1) with no cancellation
    // (for |x| < 0.17, n = 0 and m is r + r²·P(r) itself, accurate to the last bits where
    // 1 − 2/(1 + e^{2|x|}) cancels). Half the work of computing that form and a Taylor series
    // for small |x| and blending them. −2|x| is capped at −20, where tanh rounds to 1.
    __m512 ax = _mm512_abs_ps(x);
    __m512 z = _mm512_max_ps(_mm512_mul_ps(ax, _mm512_set1_ps(-2.0f)), _mm512_set1_ps(-20.0f));
    // n = round(z·log2 e) by the 1.5·2^23 shift, which leaves n in the low bits: 2^n is built in
    // the exponent field (z ≥ −20 keeps it normal) without the slower round and scale instructions.
    __m512 shifted = _mm512_fmadd_ps(z, _mm512_set1_ps(LOG2E), _mm512_set1_ps(12582912.0f));
    __m512 n = _mm512_sub_ps(shifted, _mm512_set1_ps(12582912.0f));
    __m512i k = _mm512_sub_epi32(_mm512_castps_si512(shifted), _mm512_castps_si512(_mm512_set1_ps(12582912.0f)));
    __m512 r = reduce512(z, n);
    __m512 q = _mm512_fmadd_ps(_mm512_mul_ps(poly512(r), r), r, r);  // e^r − 1
    __m512 scale = _mm512_castsi512_ps(_mm512_slli_epi32(_mm512_add_epi32(k, _mm512_set1_epi32(127)), 23));  // 2^n
    __m512 m = _mm512_fmadd_ps(scale, q, _mm512_sub_ps(scale, _mm512_set1_ps(1.0f)));
    __m512 t = _mm512_div_ps(_mm512_sub_ps(_mm512_setzero_ps(), m), _mm512_add_ps(m, _mm512_set1_ps(2.0f)));
    __m512 y = _mm512_castsi512_ps(_mm512_or_si512(_mm512_castps_si512(t),
                                                   _mm512_and_si512(_mm512_castps_si512(x), _mm512_set1_epi32((int)0x80000000))));
    __mmask16 isNan = _mm512_cmp_ps_mask(x, x, _CMP_UNORD_Q);
    return _mm512_mask_blend_ps(isNan, y, x);
}

__attribute__((target("avx512f"))) static inline __m512 sigmoid512(__m512 x) {
    // 1/(1 + e^{−x}); e^{−x} overflows to inf for very negative x, giving 0 as it should.
    __m512 e = exp512(_mm512_sub_ps(_mm512_setzero_ps(), x));
    return _mm512_div_ps(_mm512_set1_ps(1.0f), _mm512_add_ps(_mm512_set1_ps(1.0f), e));
}

#define DEFINE_MAP512(name, fn)                                                                   \
    __attribute__((target("avx512f"))) static void name(const float *x, float *out, long n) {   \
        long i = 0;                                                                               \
        for (; i + 16 <= n; i += 16) _mm512_storeu_ps(out + i, fn(_mm512_loadu_ps(x + i)));      \
        if (i < n) {                                                                              \
            __mmask16 m = (__mmask16)((1u << (n - i)) - 1);                                       \
            _mm512_mask_storeu_ps(out + i, m, fn(_mm512_maskz_loadu_ps(m, x + i)));               \
        }                                                                                         \
    }
DEFINE_MAP512(exp_avx512, exp512)
DEFINE_MAP512(tanh_avx512, tanh512)
DEFINE_MAP512(sigmoid_avx512, sigmoid512)

// ---------------------------------------------------------------------------------------------
// AVX2 + FMA: 2^n built in the exponent field; inputs clamped to the finite range first.

__attribute__((target("avx2,fma"))) static inline __m256 exp256(__m256 x) {
    const __m256 hi = _mm256_set1_ps(88.72283905206835f), lo = _mm256_set1_ps(-87.33654475f);
    __m256 overflow = _mm256_cmp_ps(x, hi, _CMP_GT_OQ);
    __m256 underflow = _mm256_cmp_ps(x, lo, _CMP_LT_OQ);
    __m256 nan = _mm256_cmp_ps(x, x, _CMP_UNORD_Q);
    __m256 xc = _mm256_min_ps(_mm256_max_ps(x, lo), hi);
    __m256 n = _mm256_round_ps(_mm256_mul_ps(xc, _mm256_set1_ps(LOG2E)), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    __m256 r = _mm256_fnmadd_ps(n, _mm256_set1_ps(LN2_HI), xc);
    r = _mm256_fnmadd_ps(n, _mm256_set1_ps(LN2_LO), r);
    __m256 p = _mm256_set1_ps(P0);
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(P1));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(P2));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(P3));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(P4));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(P5));
    __m256 y = _mm256_fmadd_ps(_mm256_mul_ps(p, r), r, _mm256_add_ps(r, _mm256_set1_ps(1.0f)));
    // n ∈ [−126, 128]: split 2^n = 2^(n/2) · 2^(n − n/2) so that each factor is a normal float.
    __m256i ni = _mm256_cvtps_epi32(n);
    __m256i half = _mm256_srai_epi32(ni, 1);
    __m256 s1 = _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_add_epi32(half, _mm256_set1_epi32(127)), 23));
    __m256 s2 = _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_add_epi32(_mm256_sub_epi32(ni, half), _mm256_set1_epi32(127)), 23));
    y = _mm256_mul_ps(_mm256_mul_ps(y, s1), s2);
    y = _mm256_blendv_ps(y, _mm256_set1_ps(INFINITY), overflow);
    y = _mm256_blendv_ps(y, _mm256_setzero_ps(), underflow);
    return _mm256_blendv_ps(y, x, nan);
}

__attribute__((target("avx2,fma"))) static inline __m256 tanh256(__m256 x) {
    const __m256 signbit = _mm256_set1_ps(-0.0f);
    __m256 ax = _mm256_andnot_ps(signbit, x);
    __m256 e = exp256(_mm256_add_ps(ax, ax));
    __m256 big = _mm256_sub_ps(_mm256_set1_ps(1.0f), _mm256_div_ps(_mm256_set1_ps(2.0f), _mm256_add_ps(e, _mm256_set1_ps(1.0f))));
    big = _mm256_or_ps(big, _mm256_and_ps(x, signbit));
    __m256 x2 = _mm256_mul_ps(x, x);
    __m256 q = _mm256_set1_ps(-1382.0f / 155925.0f);
    q = _mm256_fmadd_ps(q, x2, _mm256_set1_ps(62.0f / 2835.0f));
    q = _mm256_fmadd_ps(q, x2, _mm256_set1_ps(-17.0f / 315.0f));
    q = _mm256_fmadd_ps(q, x2, _mm256_set1_ps(2.0f / 15.0f));
    q = _mm256_fmadd_ps(q, x2, _mm256_set1_ps(-1.0f / 3.0f));
    __m256 small = _mm256_fmadd_ps(_mm256_mul_ps(q, x2), x, x);
    __m256 y = _mm256_blendv_ps(big, small, _mm256_cmp_ps(ax, _mm256_set1_ps(TANH_SMALL), _CMP_LT_OQ));
    return _mm256_blendv_ps(y, x, _mm256_cmp_ps(x, x, _CMP_UNORD_Q));
}

__attribute__((target("avx2,fma"))) static inline __m256 sigmoid256(__m256 x) {
    __m256 e = exp256(_mm256_sub_ps(_mm256_setzero_ps(), x));
    return _mm256_div_ps(_mm256_set1_ps(1.0f), _mm256_add_ps(_mm256_set1_ps(1.0f), e));
}

#define DEFINE_MAP256(name, fn, scalar)                                                           \
    __attribute__((target("avx2,fma"))) static void name(const float *x, float *out, long n) {  \
        long i = 0;                                                                               \
        for (; i + 8 <= n; i += 8) _mm256_storeu_ps(out + i, fn(_mm256_loadu_ps(x + i)));        \
        if (i < n) {                                                                              \
            float in[8] = {0}, res[8];                                                            \
            memcpy(in, x + i, (size_t)(n - i) * sizeof(float));                                   \
            _mm256_storeu_ps(res, fn(_mm256_loadu_ps(in)));                                       \
            memcpy(out + i, res, (size_t)(n - i) * sizeof(float));                                \
        }                                                                                         \
    }
DEFINE_MAP256(exp_avx2, exp256, expf)
DEFINE_MAP256(tanh_avx2, tanh256, tanhf)
DEFINE_MAP256(sigmoid_avx2, sigmoid256, sigmoid)

__attribute__((target("avx512f"))) static float max_avx512(const float *x, long n) {
    __m512 acc = _mm512_set1_ps(-INFINITY);
    long i = 0;
    for (; i + 16 <= n; i += 16) acc = _mm512_max_ps(acc, _mm512_loadu_ps(x + i));
    if (i < n) acc = _mm512_max_ps(acc, _mm512_mask_loadu_ps(_mm512_set1_ps(-INFINITY), (__mmask16)((1u << (n - i)) - 1), x + i));
    return _mm512_reduce_max_ps(acc);
}

// Four vectors of lanes, so that four additions are in flight (an addition's latency is four
// cycles); the tail is a masked load into the first.
__attribute__((target("avx512f"))) static float sum_avx512(const float *x, long n) {
    __m512 a0 = _mm512_setzero_ps(), a1 = a0, a2 = a0, a3 = a0;
    long i = 0;
    for (; i + 64 <= n; i += 64) {
        a0 = _mm512_add_ps(a0, _mm512_loadu_ps(x + i));
        a1 = _mm512_add_ps(a1, _mm512_loadu_ps(x + i + 16));
        a2 = _mm512_add_ps(a2, _mm512_loadu_ps(x + i + 32));
        a3 = _mm512_add_ps(a3, _mm512_loadu_ps(x + i + 48));
    }
    for (; i + 16 <= n; i += 16) a0 = _mm512_add_ps(a0, _mm512_loadu_ps(x + i));
    if (i < n) a0 = _mm512_add_ps(a0, _mm512_maskz_loadu_ps((__mmask16)((1u << (n - i)) - 1), x + i));
    return _mm512_reduce_add_ps(_mm512_add_ps(_mm512_add_ps(a0, a1), _mm512_add_ps(a2, a3)));
}

__attribute__((target("avx2,fma"))) static float sum_avx2(const float *x, long n) {
    __m256 a0 = _mm256_setzero_ps(), a1 = a0, a2 = a0, a3 = a0;
    long i = 0;
    for (; i + 32 <= n; i += 32) {
        a0 = _mm256_add_ps(a0, _mm256_loadu_ps(x + i));
        a1 = _mm256_add_ps(a1, _mm256_loadu_ps(x + i + 8));
        a2 = _mm256_add_ps(a2, _mm256_loadu_ps(x + i + 16));
        a3 = _mm256_add_ps(a3, _mm256_loadu_ps(x + i + 24));
    }
    float lanes[8], s = 0;
    _mm256_storeu_ps(lanes, _mm256_add_ps(_mm256_add_ps(a0, a1), _mm256_add_ps(a2, a3)));
    for (int j = 0; j < 8; j++) s += lanes[j];
    for (; i < n; i++) s += x[i];
    return s;
}

__attribute__((target("avx2,fma"))) static float max_avx2(const float *x, long n) {
    __m256 acc = _mm256_set1_ps(-INFINITY);
    long i = 0;
    for (; i + 8 <= n; i += 8) acc = _mm256_max_ps(acc, _mm256_loadu_ps(x + i));
    float lanes[8], best = -INFINITY;
    _mm256_storeu_ps(lanes, acc);
    for (int j = 0; j < 8; j++) best = lanes[j] > best ? lanes[j] : best;
    for (; i < n; i++) best = x[i] > best ? x[i] : best;
    return best;
}

#endif

static float sum_scalar(const float *x, long n) {
    float lane[8] = {0};
    long i = 0;
    for (; i + 8 <= n; i += 8)
        for (int j = 0; j < 8; j++) lane[j] += x[i + j];
    float s = ((lane[0] + lane[4]) + (lane[2] + lane[6])) + ((lane[1] + lane[5]) + (lane[3] + lane[7]));
    for (; i < n; i++) s += x[i];
    return s;
}

static float max_scalar(const float *x, long n) {
    float best = -INFINITY;
    for (long i = 0; i < n; i++) best = x[i] > best ? x[i] : best;
    return best;
}

typedef void (*map_fn)(const float *, float *, long);
typedef float (*reduce_fn)(const float *, long);
static map_fn exp_impl, tanh_impl, sigmoid_impl;
static reduce_fn max_impl, sum_impl;

static void select_vmath(void) {
    const char *forced = getenv("APUS_ISA");
    map_fn e = exp_scalar, t = tanh_scalar, s = sigmoid_scalar;
    reduce_fn mx = max_scalar, sm = sum_scalar;
#ifdef APUS_X86
    int allow512 = !forced || strcmp(forced, "avx512") == 0;
    int allow2 = allow512 || (forced && strcmp(forced, "avx2") == 0);
    if (allow512 && apus_x86_has_avx512f()) {
        e = exp_avx512; t = tanh_avx512; s = sigmoid_avx512; mx = max_avx512; sm = sum_avx512;
    } else if (allow2 && apus_x86_has_avx2_fma()) {
        e = exp_avx2; t = tanh_avx2; s = sigmoid_avx2; mx = max_avx2; sm = sum_avx2;
    }
#endif
    tanh_impl = t;
    max_impl = mx;
    sum_impl = sm;
    sigmoid_impl = s;
    __atomic_store_n(&exp_impl, e, __ATOMIC_RELEASE);
}

static inline void ensure_selected(void) {
    if (!__atomic_load_n(&exp_impl, __ATOMIC_ACQUIRE)) select_vmath();
}

void apus_vexp_f32(const float *x, float *out, long n) { ensure_selected(); exp_impl(x, out, n); }
void apus_vtanh_f32(const float *x, float *out, long n) { ensure_selected(); tanh_impl(x, out, n); }
void apus_vsigmoid_f32(const float *x, float *out, long n) { ensure_selected(); sigmoid_impl(x, out, n); }
float apus_vmax_f32(const float *x, long n) { ensure_selected(); return max_impl(x, n); }
float apus_vsum_f32(const float *x, long n) { ensure_selected(); return sum_impl(x, n); }
