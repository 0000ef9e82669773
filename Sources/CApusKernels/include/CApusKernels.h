#ifndef CAPUSKERNELS_H
#define CAPUSKERNELS_H

// Apus's innermost CPU micro-kernels: the few loops that need CPU-specific vector
// instructions. The variant is chosen once at run time from the CPU's features; packing,
// blocking and threading live in Swift (Sources/Apus/Backend).

#ifdef __cplusplus
extern "C" {
#endif

/// Register-tile shape and instruction set of the float32 GEMM micro-kernel chosen for this CPU.
typedef struct {
    int mr;            // rows of C per tile (rows of a packed A panel)
    int nr;            // columns of C per tile (columns of a packed B panel)
    const char *isa;   // "avx512", "avx2+fma", "neon" or "generic"
} apus_sgemm_info;

/// The micro-kernel configuration for this CPU (detected on first call; thread-safe).
/// Set APUS_ISA=generic|avx2|avx512 to force a lower variant (for testing).
apus_sgemm_info apus_sgemm_query(void);

/// C[mr×nr] (+)= Ap · Bp for one register tile.
///
/// `a` is a packed A panel: k columns of `mr` consecutive floats. `b` is a packed B panel:
/// k rows of `nr` consecutive floats. `c` points at the tile's top-left element, rows `ldc`
/// apart. With `accumulate` 0 the tile is overwritten, else added to. Only the top-left
/// `m_valid`×`n_valid` part of the tile is written (edge tiles).
void apus_sgemm_tile(long k, const float *a, const float *b, float *c, long ldc,
                     int accumulate, int m_valid, int n_valid);

/// C[m×n] (+)= A[m×k] · B[n×k]ᵀ with A's and B's rows contiguous along k (`lda`, `ldb` apart),
/// C's rows `ldc` apart: dot products, no packing (small m·n, long k). Overwrites C, or adds to
/// it when `accumulate` is non-zero. Each element is summed in a fixed order.
void apus_sgemm_nt(long m, long n, long k, const float *a, long lda, const float *b, long ldb,
                   float *c, long ldc, int accumulate);

#ifdef __cplusplus
}
#endif

#endif

#ifdef __cplusplus
extern "C" {
#endif

/// out[i] = exp(x[i]) for i < n (about 1 ulp; overflow to inf, underflow to 0, NaN propagates).
void apus_vexp_f32(const float *x, float *out, long n);
/// out[i] = tanh(x[i]) for i < n (a few ulp).
void apus_vtanh_f32(const float *x, float *out, long n);
/// out[i] = 1 / (1 + exp(-x[i])) for i < n.
void apus_vsigmoid_f32(const float *x, float *out, long n);

#ifdef __cplusplus
}
#endif

#ifdef __cplusplus
extern "C" {
#endif

/// Makes this thread treat subnormal float inputs and results as zero (x86 MXCSR FTZ and DAZ)
/// and returns the previous state for `apus_denormals_restore`. A no-op elsewhere.
/// Used around loops whose values decay towards zero, where subnormals cost many cycles each.
unsigned apus_denormals_flush_begin(void);
void apus_denormals_restore(unsigned previous);

#ifdef __cplusplus
}
#endif

#ifdef __cplusplus
extern "C" {
#endif

/// The largest of x[0..<n] (−inf for n = 0; NaNs may be skipped).
float apus_vmax_f32(const float *x, long n);

#ifdef __cplusplus
}
#endif

#ifdef __cplusplus
extern "C" {
#endif

/// One Adam step over n float32 parameters, in place (subnormal moments flush to zero):
///   g ← grad + weight_decay·p;  m ← β₁m + (1−β₁)g;  v ← β₂v + (1−β₂)g²;
///   p ← p − step_size · m / (√v / bias_correction2_sqrt + eps)
/// `one_minus_beta1/2` are passed separately: 1 − β computed in float32 loses digits.
void apus_adam_f32(float *p, const float *grad, float *m, float *v, long n,
                   float beta1, float beta2, float one_minus_beta1, float one_minus_beta2,
                   float step_size, float bias_correction2_sqrt, float eps, float weight_decay);

#ifdef __cplusplus
}
#endif

#ifdef __cplusplus
extern "C" {
#endif

/// CRC-32C (Castagnoli) of `count` bytes at `data`, continuing from `crc` (the CRC-32C of the
/// bytes before; 0 to start): `apus_crc32c(0, "123456789", 9) == 0xE3069283`. Uses the CPU's CRC
/// instructions when it has them (x86 SSE4.2, ARMv8 CRC), unless APUS_ISA=generic.
unsigned int apus_crc32c(unsigned int crc, const void *data, long count);
/// "hardware" or "tables": which implementation ``apus_crc32c`` uses on this CPU.
const char *apus_crc32c_variant(void);

#ifdef __cplusplus
}
#endif
