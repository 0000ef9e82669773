// float32 <-> float16 and bfloat16 conversions for whole buffers, rounding to nearest even as
// PyTorch does: F16C instructions where the CPU has them (8 values per instruction), portable
// bit manipulation elsewhere, chosen once at run time (APUS_ISA=generic forces the portable code).

#include "CApusKernels.h"
#include <stdlib.h>
#include <string.h>

#if defined(__x86_64__) || defined(_M_X64)
#define APUS_X86 1
#include <immintrin.h>
#endif

static inline unsigned int bits_of(float f) { unsigned int u; memcpy(&u, &f, 4); return u; }
static inline float float_of(unsigned int u) { float f; memcpy(&f, &u, 4); return f; }

uint16_t apus_f32_to_f16_one(float value) {
    // Rounding done by the FPU: subnormal results through an addition of a magic number, normal
    // ones by adding half an ulp (plus the lowest kept bit, for ties to even) before truncating.
    unsigned int f = bits_of(value);
    unsigned int sign = f & 0x80000000u;
    f ^= sign;
    unsigned short o;
    if (f >= (127u + 16u) << 23) {                   // 65536 or more, infinities and NaNs
        o = f > (255u << 23) ? 0x7e00 : 0x7c00;
    } else if (f < (113u << 23)) {                   // below the smallest normal half: subnormal or zero
        const float magic = float_of(((127u - 15u) + (23u - 10u) + 1u) << 23);
        o = (unsigned short)(bits_of(float_of(f) + magic) - bits_of(magic));
    } else {
        unsigned int odd = (f >> 13) & 1u;
        f += ((unsigned int)(15 - 127) << 23) + 0xfffu;
        f += odd;
        o = (unsigned short)(f >> 13);
    }
    return (uint16_t)(o | (sign >> 16));
}

float apus_f16_to_f32_one(uint16_t h) {
    const unsigned int shifted_exp = 0x7c00u << 13;
    unsigned int o = ((unsigned int)h & 0x7fffu) << 13;
    unsigned int exp = shifted_exp & o;
    o += (127u - 15u) << 23;
    if (exp == shifted_exp) {
        o += (128u - 16u) << 23;                     // infinity or NaN
    } else if (exp == 0) {                           // zero or subnormal: renormalise through the FPU
        o += 1u << 23;
        o = bits_of(float_of(o) - float_of(113u << 23));
    }
    return float_of(o | (((unsigned int)h & 0x8000u) << 16));
}

uint16_t apus_f32_to_bf16_one(float value) {
    unsigned int u = bits_of(value);
    if ((u & 0x7fffffffu) > 0x7f800000u) return 0x7fc0;  // NaN: the canonical quiet NaN
    return (uint16_t)((u + 0x7fffu + ((u >> 16) & 1u)) >> 16);
}

float apus_bf16_to_f32_one(uint16_t b) { return float_of((unsigned int)b << 16); }

static void f32_to_f16_portable(const float *x, uint16_t *out, long n) { for (long i = 0; i < n; i++) out[i] = apus_f32_to_f16_one(x[i]); }
static void f16_to_f32_portable(const uint16_t *x, float *out, long n) { for (long i = 0; i < n; i++) out[i] = apus_f16_to_f32_one(x[i]); }

#ifdef APUS_X86
__attribute__((target("avx,f16c"))) static void f32_to_f16_f16c(const float *x, uint16_t *out, long n) {
    long i = 0;
    for (; i + 8 <= n; i += 8)
        _mm_storeu_si128((__m128i *)(out + i), _mm256_cvtps_ph(_mm256_loadu_ps(x + i), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC));
    for (; i < n; i++) out[i] = apus_f32_to_f16_one(x[i]);
}

__attribute__((target("avx,f16c"))) static void f16_to_f32_f16c(const uint16_t *x, float *out, long n) {
    long i = 0;
    for (; i + 8 <= n; i += 8) _mm256_storeu_ps(out + i, _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(x + i))));
    for (; i < n; i++) out[i] = apus_f16_to_f32_one(x[i]);
}
#endif

typedef void (*to_half_fn)(const float *, uint16_t *, long);
typedef void (*from_half_fn)(const uint16_t *, float *, long);
static to_half_fn to_half_impl;
static from_half_fn from_half_impl;

static void select_half(void) {
    to_half_fn to = f32_to_f16_portable;
    from_half_fn from = f16_to_f32_portable;
#ifdef APUS_X86
    const char *forced = getenv("APUS_ISA");
    if (!(forced && strcmp(forced, "generic") == 0)) {
        __builtin_cpu_init();
        if (__builtin_cpu_supports("avx") && __builtin_cpu_supports("f16c")) {
            to = f32_to_f16_f16c;
            from = f16_to_f32_f16c;
        }
    }
#endif
    from_half_impl = from;
    __atomic_store_n(&to_half_impl, to, __ATOMIC_RELEASE);
}

static inline void ensure_half_selected(void) {
    if (!__atomic_load_n(&to_half_impl, __ATOMIC_ACQUIRE)) select_half();
}

void apus_f32_to_f16(const float *x, uint16_t *out, long n) { ensure_half_selected(); to_half_impl(x, out, n); }
void apus_f16_to_f32(const uint16_t *x, float *out, long n) { ensure_half_selected(); from_half_impl(x, out, n); }
void apus_f32_to_bf16(const float *x, uint16_t *out, long n) { for (long i = 0; i < n; i++) out[i] = apus_f32_to_bf16_one(x[i]); }
void apus_bf16_to_f32(const uint16_t *x, float *out, long n) { for (long i = 0; i < n; i++) out[i] = apus_bf16_to_f32_one(x[i]); }
