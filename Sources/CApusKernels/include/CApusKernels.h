#ifndef CAPUSKERNELS_H
#define CAPUSKERNELS_H

#include <stdint.h>

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

/// Whether the 8-row tile (`apus_sgemm_tile8`) runs vector code: with the AVX-512 12×32 tile.
int apus_sgemm_tile8_available(void);

/// `apus_sgemm_tile` with A panels of 8 rows (the selected tile's panel width `nr` for B): for
/// matrices whose row count is a multiple of 8 but not of 12, which 12-row panels would pad.
void apus_sgemm_tile8(long k, const float *a, const float *b, float *c, long ldc,
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

/// Makes this thread treat subnormal float inputs and results as zero (x86 MXCSR FTZ and DAZ)
/// and returns the previous state for `apus_denormals_restore`. A no-op elsewhere.
/// Used around loops whose values decay towards zero, where subnormals cost many cycles each.
unsigned apus_denormals_flush_begin(void);
void apus_denormals_restore(unsigned previous);

/// The largest of x[0..<n] (−inf for n = 0; NaNs may be skipped).
float apus_vmax_f32(const float *x, long n);

/// x[0] + … + x[n − 1], accumulated in vector lanes added in a fixed order (the same result for
/// the same inputs and instruction set).
float apus_vsum_f32(const float *x, long n);

/// One Adam step over n float32 parameters, in place (subnormal moments flush to zero):
///   g ← grad + weight_decay·p;  m ← β₁m + (1−β₁)g;  v ← β₂v + (1−β₂)g²;
///   p ← p − step_size · m / (√v / bias_correction2_sqrt + eps)
/// `one_minus_beta1/2` are passed separately: 1 − β computed in float32 loses digits.
void apus_adam_f32(float *p, const float *grad, float *m, float *v, long n,
                   float beta1, float beta2, float one_minus_beta1, float one_minus_beta2,
                   float step_size, float bias_correction2_sqrt, float eps, float weight_decay);

/// CRC-32C (Castagnoli) of `count` bytes at `data`, continuing from `crc` (the CRC-32C of the
/// bytes before; 0 to start): `apus_crc32c(0, "123456789", 9) == 0xE3069283`. Uses the CPU's CRC
/// instructions when it has them (x86 SSE4.2, ARMv8 CRC), unless APUS_ISA=generic.
unsigned int apus_crc32c(unsigned int crc, const void *data, long count);
/// "hardware" or "tables": which implementation ``apus_crc32c`` uses on this CPU.
const char *apus_crc32c_variant(void);

/// The geometry of one 2-D convolution as the implicit-GEMM packing loops see it: an input image
/// [channels, height, width] (NCHW) or [height, width, channels] (NHWC), one group's channels
/// `channel0..<channel0 + group_channels`, kernel, stride, padding (top/left; the bottom/right
/// padding is whatever gives out_h × out_w) and dilation.
typedef struct {
    long channels, height, width;
    long kernel_h, kernel_w, stride_h, stride_w, pad_top, pad_left, dilation_h, dilation_w;
    long out_h, out_w;
    long channel0, group_channels;
} apus_conv_shape;

/// Packs rows `k0..<k0 + depth` and columns `first..<first + count` of the batch's im2col matrix
/// (row k = (c, i, j): channel c of the group, kernel tap (i, j); column = image·out_h·out_w +
/// output position) into GEMM B panels of `nr` columns: panel q at `dst + q·nr·depth`, `nr`
/// values per row, columns past `count` zero. `x` is the batch [N, channels, height, width].
void apus_conv_pack_columns(const apus_conv_shape *shape, const float *x, long k0, long depth,
                            long first, long count, long nr, float *dst);

/// Packs the weight gradient's B operand: rows are output positions `p0..<p0 + depth` of the
/// batch (image-major), columns `k0..<k0 + count` are taps in (i, j, c) order; entry =
/// input under tap (i, j), channel c, at that position (0 in the padding). `xt` is the batch in
/// NHWC layout [N, height, width, channels]. Panels as in `apus_conv_pack_columns`.
void apus_conv_pack_taps(const apus_conv_shape *shape, const float *xt, long p0, long depth,
                         long k0, long count, long nr, float *dst);

/// The geometry of one 3-D convolution as the implicit-GEMM packing loops see it: an input volume
/// [channels, depth, height, width] (NCDHW) or [depth, height, width, channels] (NDHWC), one group's
/// channels `channel0..<channel0 + group_channels`, kernel, stride, padding (front/top/left; the
/// back/bottom/right padding is whatever gives out_d × out_h × out_w) and dilation.
typedef struct {
    long channels, depth, height, width;
    long kernel_d, kernel_h, kernel_w, stride_d, stride_h, stride_w;
    long pad_front, pad_top, pad_left, dilation_d, dilation_h, dilation_w;
    long out_d, out_h, out_w;
    long channel0, group_channels;
} apus_conv3d_shape;

/// `apus_conv_pack_columns` for a 3-D convolution: rows `k0..<k0 + depth` (k = (c, a, i, j):
/// channel c of the group, kernel tap (a, i, j)) and columns `first..<first + count` (image ·
/// out_d·out_h·out_w + output position) of the batch's vol2col matrix as GEMM B panels of `nr`
/// columns. `x` is the batch [N, channels, depth, height, width].
void apus_conv3d_pack_columns(const apus_conv3d_shape *shape, const float *x, long k0, long depth,
                              long first, long count, long nr, float *dst);

/// `apus_conv_pack_taps` for a 3-D convolution: rows are output positions `p0..<p0 + depth` of
/// the batch (image-major), columns `k0..<k0 + count` taps in (a, i, j, c) order; `xt` is the
/// batch in NDHWC layout [N, depth, height, width, channels].
void apus_conv3d_pack_taps(const apus_conv3d_shape *shape, const float *xt, long p0, long depth,
                           long k0, long count, long nr, float *dst);

/// Packs depth steps `0..<count` of the lines (rows) of a row-major matrix [rows × …], lines `lds`
/// apart, as GEMM panels of `mr` lines: line block r0 (a multiple of `mr`) at `dst + r0·panel_depth`,
/// depth step p of it at `+ p·mr`; lines past `rows` are zero. Panels `panel_depth` deep filled one
/// stretch of the depth at a time: a weight gradient's operands straight from NCHW tensors, one
/// image's stretch of positions per call.
void apus_pack_lines(const float *src, long rows, long count, long lds, long mr, long panel_depth, float *dst);

/// Packs a block of `width` adjacent values per depth step (step p at `src + p·lds`) as GEMM
/// panels of `panel` (at most 32) values: panel q at `dst + q·panel·depth`, step p of it at
/// `+ p·panel`, values past `width` zero. The operands whose panel lines are adjacent in memory:
/// a row-major B, a column-major A.
void apus_pack_adjacent(const float *src, long width, long depth, long lds, long panel, float *dst);

/// dst[2v] = even[v] for v < count_even, dst[2v + 1] = odd[v] for v < count_odd (count_even is
/// count_odd or count_odd + 1): a row from its two column phases.
void apus_interleave2_f32(const float *even, const float *odd, long count_even, long count_odd, float *dst);

/// dst[j·ldd + i] = src[i·lds + j] for i < rows, j < cols.
void apus_transpose_f32(const float *src, long rows, long cols, long lds, float *dst, long ldd);

/// Packs a row-major matrix [rows × depth] (rows `lds` apart) into the GEMM's A panels for every
/// depth block of `kc`: block `pc` starts at `dst + pc·padded` (padded = rows rounded up to `mr`)
/// and holds panels of `mr` rows × the block's depth, depth-major; rows past `rows` are zero.
void apus_conv_pack_weights(const float *src, long rows, long depth, long lds, long mr, long kc, float *dst);

/// The same panels for the matrix A[c, (o, j)] = w[o, c, tap_list[j]] of a weight `w`
/// [out_channels, channels, taps] (taps = kH·kW, row-major): the kernel of an input gradient,
/// input and output channels swapped, its taps flipped (the list in reverse) or, for one phase of
/// a strided convolution, a subset of them. Packs the depth blocks that start in
/// `first..<first + count` (`first` a multiple of `kc`).
void apus_conv_pack_tap_weights(const float *w, long out_channels, long channels, long taps, const int *tap_list,
                                long tap_count, long mr, long kc, long first, long count, float *dst);

/// Every phase's panels of a strided input gradient in one pass over the weight `w`
/// [out_channels, channels, taps] (apus_conv_pack_tap_weights reads all of it once per phase):
/// tap t belongs to phase `phase_of[t]` (−1: to none; at most 64 phases) as its `index_in[t]`-th
/// tap of `tap_count[q]`; phase q's matrix A[c, (o, j)] goes to `dst[q]` as panels of `mr` rows in depth
/// blocks of `kc[q]`, rows past `channels` zero. Writes output channels `o_first..<o_first + o_count`.
void apus_conv_pack_phase_weights(const float *w, long out_channels, long channels, long taps, long phases,
                                  const int *phase_of, const int *index_in, const long *tap_count, const long *kc,
                                  float *const *dst, long mr, long o_first, long o_count);

/// Winograd F(2×2, 3×3) weight transform U_e = (G g Gᵀ)_e of every 3×3 kernel of `w`
/// [out_channels, in_channels, 3, 3], written as 16 matrices of A panels (`mr` rows, depth blocks
/// of `kc`, as `apus_conv_pack_weights`), matrix e at `dst + e·padded·depth`. Plain: rows are
/// output channels, depth input channels. `flipped`: the input gradient's kernel, rows are input
/// channels, depth output channels, g = w[o, c] rotated by 180°. Writes the row panels that
/// start in `r_first..<r_first + r_count` (`r_first` a multiple of `mr`).
void apus_winograd_pack_weights(const float *w, long out_channels, long in_channels, int flipped, long mr, long kc,
                                long r_first, long r_count, float *dst);

/// Winograd input transform V_e = (Bᵀ d B)_e of tiles `t0..<t0 + count` (2×2 output tiles of the
/// batch, image-major, row-major within an image) for channels `c0..<c0 + depth` of the group in
/// `shape` (3×3, stride 1): 16 matrices of B panels (`nr` columns, the last zero-padded), matrix e
/// at `dst + e·columns·depth`, columns = count rounded up to `nr`. `x` is the NCHW batch.
void apus_winograd_input(const apus_conv_shape *shape, const float *x, long t0, long count, long c0, long depth,
                         long nr, float *dst);

/// Winograd output transform Y = Aᵀ M A of tiles `t0..<t0 + count` for `rows` output channels
/// from `o0`: M_e is the matrix at `m + e·per_element`, row r of it `ldm` apart (one column per
/// tile). Writes the tiles' 2×2 outputs (cut at the output's size) into `y` [N, out_channels,
/// out_h, out_w], adding `bias[o]` when `bias` is not NULL.
void apus_winograd_output(const float *m, long ldm, long per_element, long rows, long o0, long t0, long count,
                          long out_channels, long out_h, long out_w, const float *bias, float *y);

/// float32 → IEEE half precision, rounding to nearest even (overflow gives ±infinity, NaN the
/// quiet NaN 0x7e00), for `n` values (F16C instructions where the CPU has them).
void apus_f32_to_f16(const float *x, uint16_t *out, long n);
/// IEEE half precision → float32 (exact), for `n` values.
void apus_f16_to_f32(const uint16_t *x, float *out, long n);
/// float32 → bfloat16, rounding to nearest even (NaN gives the quiet NaN 0x7fc0), for `n` values.
void apus_f32_to_bf16(const float *x, uint16_t *out, long n);
/// bfloat16 → float32 (exact), for `n` values.
void apus_bf16_to_f32(const uint16_t *x, float *out, long n);
/// One value of ``apus_f32_to_f16``.
uint16_t apus_f32_to_f16_one(float value);
/// One value of ``apus_f16_to_f32``.
float apus_f16_to_f32_one(uint16_t h);
/// One value of ``apus_f32_to_bf16``.
uint16_t apus_f32_to_bf16_one(float value);
/// One value of ``apus_bf16_to_f32``.
float apus_bf16_to_f32_one(uint16_t b);

#ifdef __cplusplus
}
#endif
