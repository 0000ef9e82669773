// The fused Adam update: one pass over parameter, gradient and both moments. Memory-bound,
// so the vector width matters less than doing it in one pass without temporaries.

#include "CApusKernels.h"
#include "isa.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

#if defined(__x86_64__) || defined(_M_X64)
#include <immintrin.h>

__attribute__((target("avx512f")))
static long adam_avx512(float *p, const float *g, float *m, float *v, long n, float b1, float b2,
                        float w1, float w2, float lr, float bc2, float eps, float wd) {
    const __m512 vb1 = _mm512_set1_ps(b1), vb2 = _mm512_set1_ps(b2);
    const __m512 vw1 = _mm512_set1_ps(w1), vw2 = _mm512_set1_ps(w2);
    const __m512 vlr = _mm512_set1_ps(lr), vbc2 = _mm512_set1_ps(bc2), veps = _mm512_set1_ps(eps), vwd = _mm512_set1_ps(wd);
    long i = 0;
    for (; i + 16 <= n; i += 16) {
        __m512 pi = _mm512_loadu_ps(p + i), gi = _mm512_loadu_ps(g + i);
        if (wd != 0) gi = _mm512_add_ps(gi, _mm512_mul_ps(vwd, pi));
        __m512 mi = _mm512_add_ps(_mm512_mul_ps(vb1, _mm512_loadu_ps(m + i)), _mm512_mul_ps(vw1, gi));
        __m512 vi = _mm512_add_ps(_mm512_mul_ps(vb2, _mm512_loadu_ps(v + i)), _mm512_mul_ps(vw2, _mm512_mul_ps(gi, gi)));
        _mm512_storeu_ps(m + i, mi);
        _mm512_storeu_ps(v + i, vi);
        __m512 denom = _mm512_add_ps(_mm512_div_ps(_mm512_sqrt_ps(vi), vbc2), veps);
        _mm512_storeu_ps(p + i, _mm512_sub_ps(pi, _mm512_mul_ps(vlr, _mm512_div_ps(mi, denom))));
    }
    return i;
}
#endif

void apus_adam_f32(float *p, const float *g, float *m, float *v, long n,
                   float b1, float b2, float w1, float w2, float lr, float bc2, float eps, float wd) {
    long i = 0;
#if defined(__x86_64__) || defined(_M_X64)
    unsigned csr = _mm_getcsr();
    _mm_setcsr(csr | 0x8040);  // FTZ + DAZ: decaying moments must not go subnormal (slow)
    if (apus_avx512_selected()) i = adam_avx512(p, g, m, v, n, b1, b2, w1, w2, lr, bc2, eps, wd);
#endif
    for (; i < n; i++) {
        float gi = wd != 0 ? g[i] + wd * p[i] : g[i];
        float mi = b1 * m[i] + w1 * gi;
        float vi = b2 * v[i] + w2 * (gi * gi);
        m[i] = mi;
        v[i] = vi;
        p[i] -= lr * (mi / (sqrtf(vi) / bc2 + eps));
    }
#if defined(__x86_64__) || defined(_M_X64)
    _mm_setcsr(csr);
#endif
}
