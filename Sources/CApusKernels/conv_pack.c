// Packing loops of the implicit-GEMM convolution (Sources/Apus/Backend/ConvGemm.swift): the
// GEMM's B panels are filled straight from the image instead of from an im2col matrix, so the
// unfolded matrix (kH·kW times the input) is never written to memory and read back.
//
// Each loop has a portable C version and, for the AVX-512 GEMM tile (32-column panels), a version
// with masked loads: a masked-off lane reads nothing and yields 0, so one load per half-row
// copies the valid part of a run and zero-fills the padding. Both write identical panels.

#include "CApusKernels.h"
#include "isa.h"
#include <stdlib.h>
#include <string.h>

#if defined(__x86_64__) || defined(_M_X64)
#define APUS_X86 1
#include <immintrin.h>
#endif

static inline long min_l(long a, long b) { return a < b ? a : b; }
static inline long max_l(long a, long b) { return a > b ? a : b; }

// Output positions `lo..<hi` (out of `out`) whose input index `o·stride + offset` lies in 0..<size.
// Divides only for strides above 1: the common stride and dilation 1 takes a few compares.
static inline void valid_range(long offset, long stride, long size, long out, long *lo, long *hi) {
    long a, b;
    if (stride == 1) {
        a = min_l(out, max_l(0, -offset));
        b = min_l(out, size - offset);
    } else {
        a = offset >= 0 ? 0 : min_l(out, (-offset + stride - 1) / stride);
        b = offset > size - 1 ? 0 : min_l(out, (size - 1 - offset) / stride + 1);
    }
    *lo = a;
    *hi = max_l(a, b);
}

// A run of panel columns that lie in one output row of one image.
typedef struct {
    long image, oh, ow, len, col;
} row_segment;

// Splits columns `first..<first + count` (positions of the batch, image-major) into runs that
// stay within one output row. Returns the number of runs.
static int row_segments(const apus_conv_shape *s, long first, long count, row_segment *out) {
    long positions = s->out_h * s->out_w;
    long image = first / positions, l = first % positions;
    long oh = l / s->out_w, ow = l % s->out_w;
    int n = 0;
    for (long col = 0; col < count;) {
        long len = min_l(count - col, s->out_w - ow);
        out[n++] = (row_segment){image, oh, ow, len, col};
        col += len;
        ow += len;
        if (ow == s->out_w) {
            ow = 0;
            if (++oh == s->out_h) { oh = 0; image++; }
        }
    }
    return n;
}

#define MAX_PANEL 64

// ---------------------------------------------------------------------------------------------
// Forward panels (im2col rows as the GEMM's B, straight from an NCHW image).

static void pack_columns_generic(const apus_conv_shape *s, const float *x, long k0, long depth, long first,
                                 long count, long nr, float *dst) {
    long taps = s->kernel_h * s->kernel_w;
    long plane = s->height * s->width, image_size = s->channels * plane;
    row_segment seg[MAX_PANEL];
    for (long p0 = 0; p0 < count; p0 += nr) {
        long cols = min_l(nr, count - p0);
        int segments = row_segments(s, first + p0, cols, seg);
        float *panel = dst + p0 * depth;
        long c = k0 / taps, t = k0 % taps, ki = t / s->kernel_w, kj = t % s->kernel_w;
        for (long k = 0; k < depth; k++) {
            float *row = panel + k * nr;
            memset(row, 0, (size_t)nr * sizeof(float));
            long row_off = ki * s->dilation_h - s->pad_top, col_off = kj * s->dilation_w - s->pad_left;
            long lo, hi;
            valid_range(col_off, s->stride_w, s->width, s->out_w, &lo, &hi);
            const float *channel = x + (s->channel0 + c) * plane;
            for (int g = 0; g < segments; g++) {
                long ih = seg[g].oh * s->stride_h + row_off;
                if (ih < 0 || ih >= s->height) continue;
                const float *src = channel + seg[g].image * image_size + ih * s->width + col_off;
                long a = max_l(seg[g].ow, lo), b = min_l(seg[g].ow + seg[g].len, hi);
                float *out = row + seg[g].col - seg[g].ow;
                for (long ow = a; ow < b; ow++) out[ow] = src[ow * s->stride_w];
            }
            if (++kj == s->kernel_w) {
                kj = 0;
                if (++ki == s->kernel_h) { ki = 0; c++; }
            }
        }
    }
}

#ifdef APUS_X86
static inline unsigned lane_mask32(long a, long b) {  // lanes a..<b of 32
    unsigned hi = b >= 32 ? 0xFFFFFFFFu : ((1u << b) - 1);
    unsigned lo = a >= 32 ? 0xFFFFFFFFu : ((1u << a) - 1);
    return hi & ~lo;
}

// Rows of the im2col matrix are produced for up to `PANEL_GROUP` panels at once (row k of every
// panel, then row k + 1): each row of the input is then read as one stream across the panels,
// where panel after panel it was re-read from L2 for every row.
#define PANEL_GROUP 8

__attribute__((target("avx512f")))
static void pack_columns_avx512(const apus_conv_shape *s, const float *x, long k0, long depth, long first,
                                long count, float *dst) {
    long taps = s->kernel_h * s->kernel_w;
    long plane = s->height * s->width, image_size = s->channels * plane;
    long sw = s->stride_w, width = s->width, height = s->height;
    const __m512i step = _mm512_mullo_epi32(_mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15),
                                            _mm512_set1_epi32((int)sw));
    const __m512i step16 = _mm512_add_epi32(step, _mm512_set1_epi32((int)(16 * sw)));
    const __m512i even_lanes = _mm512_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
    row_segment seg[32 * PANEL_GROUP];
    long segment_end[PANEL_GROUP];
    // Lanes of each segment whose input column is inside the image, per kernel column (the
    // same for every row of the im2col block), when the kernel is narrow enough to tabulate.
    enum { MAX_TABLE_KW = 16 };
    unsigned lane_masks[32 * PANEL_GROUP * MAX_TABLE_KW];
    int tabulated = s->kernel_w <= MAX_TABLE_KW;
    // Per segment: first input row (before the tap's offset), element offset of the row start
    // (before the tap's row offset) and of lane 0, first output column and the lane shift.
    long seg_ih[32 * PANEL_GROUP], seg_off[32 * PANEL_GROUP], seg_shift[32 * PANEL_GROUP];
    for (long g0 = 0; g0 < count; g0 += 32 * PANEL_GROUP) {
        long group_cols = min_l(32 * PANEL_GROUP, count - g0);
        long panels = (group_cols + 31) / 32;
        int total = 0;
        for (long q = 0; q < panels; q++) {
            long cols = min_l(32, group_cols - q * 32);
            total += row_segments(s, first + g0 + q * 32, cols, seg + total);
            segment_end[q] = total;
        }
        for (int g = 0; g < total; g++) {
            long shift = seg[g].ow - seg[g].col;
            seg_ih[g] = seg[g].oh * s->stride_h;
            seg_shift[g] = shift;
            seg_off[g] = seg[g].image * image_size + seg_ih[g] * width + shift * sw;
        }
        if (tabulated) {
            for (long j = 0; j < s->kernel_w; j++) {
                long lo, hi;
                valid_range(j * s->dilation_w - s->pad_left, sw, width, s->out_w, &lo, &hi);
                for (int g = 0; g < total; g++) {
                    long a = max_l(seg[g].ow, lo), b = min_l(seg[g].ow + seg[g].len, hi);
                    lane_masks[j * total + g] = a < b ? lane_mask32(a - seg_shift[g], b - seg_shift[g]) : 0;
                }
            }
        }
        long c = k0 / taps, t = k0 % taps, ki = t / s->kernel_w, kj = t % s->kernel_w;
        for (long k = 0; k < depth; k++) {
            long row_off = ki * s->dilation_h - s->pad_top, col_off = kj * s->dilation_w - s->pad_left;
            long lo = 0, hi = 0;
            if (!tabulated) valid_range(col_off, sw, width, s->out_w, &lo, &hi);
            const float *channel = x + (s->channel0 + c) * plane + row_off * width + col_off;
            const unsigned *masks = lane_masks + kj * total;
            int g = 0;
            for (long q = 0; q < panels; q++) {
                __m512 r0 = _mm512_setzero_ps(), r1 = _mm512_setzero_ps();
                for (; g < segment_end[q]; g++) {
                    long ih = seg_ih[g] + row_off;
                    if (ih < 0 || ih >= height) continue;
                    unsigned m;
                    if (tabulated) {
                        m = masks[g];
                    } else {
                        long a = max_l(seg[g].ow, lo), b = min_l(seg[g].ow + seg[g].len, hi);
                        m = a < b ? lane_mask32(a - seg_shift[g], b - seg_shift[g]) : 0;
                    }
                    if (!m) continue;
                    // Lane j of the panel row reads output column ow = j + shift.
                    const float *base = channel + seg_off[g];
                    if (sw == 1) {
                        r0 = _mm512_mask_loadu_ps(r0, (__mmask16)m, base);
                        r1 = _mm512_mask_loadu_ps(r1, (__mmask16)(m >> 16), base + 16);
                    } else if (sw == 2) {
                        // Lane j reads base[2j]: load the run of 2·lanes values (masked to the valid
                        // lanes' span, so nothing outside the image is touched) and keep the even ones.
                        unsigned first = (unsigned)__builtin_ctz(m), last = 31u - (unsigned)__builtin_clz(m);
                        unsigned long long span = ((2ull << (2 * last)) - 1) & ~((1ull << (2 * first)) - 1);
                        if (m & 0xFFFF) {
                            __m512 l0 = _mm512_maskz_loadu_ps((__mmask16)span, base);
                            __m512 l1 = _mm512_maskz_loadu_ps((__mmask16)(span >> 16), base + 16);
                            r0 = _mm512_mask_mov_ps(r0, (__mmask16)m, _mm512_permutex2var_ps(l0, even_lanes, l1));
                        }
                        if (m >> 16) {
                            __m512 l2 = _mm512_maskz_loadu_ps((__mmask16)(span >> 32), base + 32);
                            __m512 l3 = _mm512_maskz_loadu_ps((__mmask16)(span >> 48), base + 48);
                            r1 = _mm512_mask_mov_ps(r1, (__mmask16)(m >> 16), _mm512_permutex2var_ps(l2, even_lanes, l3));
                        }
                    } else {
                        r0 = _mm512_mask_i32gather_ps(r0, (__mmask16)m, step, base, 4);
                        r1 = _mm512_mask_i32gather_ps(r1, (__mmask16)(m >> 16), step16, base, 4);
                    }
                }
                float *row = dst + (g0 + q * 32) * depth + k * 32;
                _mm512_storeu_ps(row, r0);
                _mm512_storeu_ps(row + 16, r1);
            }
            if (++kj == s->kernel_w) {
                kj = 0;
                if (++ki == s->kernel_h) { ki = 0; c++; }
            }
        }
    }
}
#endif

static int use_avx512(long nr) { return nr == 32 && apus_avx512_selected(); }

void apus_conv_pack_columns(const apus_conv_shape *s, const float *x, long k0, long depth, long first, long count,
                            long nr, float *dst) {
#ifdef APUS_X86
    if (use_avx512(nr)) { pack_columns_avx512(s, x, k0, depth, first, count, dst); return; }
#endif
    pack_columns_generic(s, x, k0, depth, first, count, nr, dst);
}

// ---------------------------------------------------------------------------------------------
// Weight-gradient panels: B[position, (ki, kj, c)] from an NHWC image, positions as the depth.

// A run of panel columns whose input values are consecutive in an NHWC image: kernel row `ki`,
// taps `kj`… from channel `c`, `len` columns, starting at panel column `col`.
typedef struct {
    long ki, kj, c, len, col;
} tap_run;

// Splits columns `first..<first + count` of the (ki, kj, c) order into runs contiguous in NHWC memory:
// within a kernel row, consecutive taps are `channels` floats apart when the dilation along the
// width is 1 and the group holds every channel.
static int tap_runs(const apus_conv_shape *s, long first, long count, tap_run *out) {
    long cg = s->group_channels;
    long per_row = s->kernel_w * cg;
    int joined = s->dilation_w == 1 && cg == s->channels;
    int n = 0;
    long col = 0, k = first;
    while (col < count) {
        long ki = k / per_row, r = k % per_row, kj = r / cg, c = r % cg;
        long len = joined ? per_row - r : cg - c;
        len = min_l(len, count - col);
        out[n++] = (tap_run){ki, kj, c, len, col};
        col += len;
        k += len;
    }
    return n;
}

static void pack_taps_generic(const apus_conv_shape *s, const float *xt, long p0, long depth, long k0, long count,
                              long nr, float *dst) {
    long cg = s->group_channels, channels = s->channels;
    long positions = s->out_h * s->out_w;
    tap_run run[MAX_PANEL];
    for (long q = 0; q < count; q += nr) {
        long cols = min_l(nr, count - q);
        int runs = tap_runs(s, k0 + q, cols, run);
        float *panel = dst + q * depth;
        long image = p0 / positions, l = p0 % positions, oh = l / s->out_w, ow = l % s->out_w;
        for (long p = 0; p < depth; p++) {
            float *row = panel + p * nr;
            memset(row, 0, (size_t)nr * sizeof(float));
            const float *img = xt + image * s->height * s->width * channels + s->channel0;
            for (int g = 0; g < runs; g++) {
                long ih = oh * s->stride_h + run[g].ki * s->dilation_h - s->pad_top;
                if (ih < 0 || ih >= s->height) continue;
                // Taps kj of this run: input column ow·s + kj·d − pad, valid for kj in lo..<hi.
                long base_w = ow * s->stride_w - s->pad_left;
                long lo, hi;
                valid_range(base_w, s->dilation_w, s->width, s->kernel_w, &lo, &hi);
                float *out = row + run[g].col;
                for (long e = 0; e < run[g].len; e++) {
                    long idx = run[g].c + e, kj = run[g].kj + idx / cg, c = idx % cg;
                    if (kj < lo || kj >= hi) continue;
                    long iw = base_w + kj * s->dilation_w;
                    out[e] = img[(ih * s->width + iw) * channels + c];
                }
            }
            if (++ow == s->out_w) {
                ow = 0;
                if (++oh == s->out_h) { oh = 0; image++; }
            }
        }
    }
}

#ifdef APUS_X86
__attribute__((target("avx512f")))
static void pack_taps_avx512(const apus_conv_shape *s, const float *xt, long p0, long depth, long k0, long count,
                             float *dst) {
    long cg = s->group_channels, channels = s->channels;
    long positions = s->out_h * s->out_w;
    tap_run run[32];
    // The valid taps lo..<hi of every output column (one division each, not one per position).
    enum { TABLE = 512 };
    long lo_table[TABLE], hi_table[TABLE];
    int tabulated = s->out_w <= TABLE;
    if (tabulated)
        for (long ow = 0; ow < s->out_w; ow++)
            valid_range(ow * s->stride_w - s->pad_left, s->dilation_w, s->width, s->kernel_w, &lo_table[ow], &hi_table[ow]);
    for (long q = 0; q < count; q += 32) {
        long cols = min_l(32, count - q);
        int runs = tap_runs(s, k0 + q, cols, run);
        long last_kj[32];  // the last tap of each run
        for (int g = 0; g < runs; g++) last_kj[g] = run[g].kj + (run[g].c + run[g].len - 1) / cg;
        float *panel = dst + q * depth;
        long image = p0 / positions, l = p0 % positions, oh = l / s->out_w, ow = l % s->out_w;
        for (long p = 0; p < depth; p++) {
            const float *img = xt + image * s->height * s->width * channels + s->channel0;
            __m512 r0 = _mm512_setzero_ps(), r1 = _mm512_setzero_ps();
            long base_w = ow * s->stride_w - s->pad_left;
            long lo, hi;
            if (tabulated) {
                lo = lo_table[ow];
                hi = hi_table[ow];
            } else {
                valid_range(base_w, s->dilation_w, s->width, s->kernel_w, &lo, &hi);
            }
            for (int g = 0; g < runs; g++) {
                long ih = oh * s->stride_h + run[g].ki * s->dilation_h - s->pad_top;
                if (ih < 0 || ih >= s->height) continue;
                // Valid taps lo..<hi: the run's columns whose tap lies among them (taps are
                // whole multiples of `cg` columns apart inside a run).
                long first_kj = run[g].kj, c0 = run[g].c;
                long end_kj = last_kj[g];
                long a_kj = max_l(first_kj, lo), b_kj = min_l(end_kj + 1, hi);
                if (a_kj >= b_kj) continue;
                long a = a_kj == first_kj ? 0 : (a_kj - first_kj) * cg - c0;
                long b = b_kj > end_kj ? run[g].len : (b_kj - first_kj) * cg - c0;
                unsigned m = lane_mask32(run[g].col + a, run[g].col + b);
                // Lane j reads element j − col of the run (a run is contiguous in memory).
                const float *base = img + (ih * s->width + base_w + first_kj * s->dilation_w) * channels + c0 - run[g].col;
                r0 = _mm512_mask_loadu_ps(r0, (__mmask16)m, base);
                r1 = _mm512_mask_loadu_ps(r1, (__mmask16)(m >> 16), base + 16);
            }
            _mm512_storeu_ps(panel + p * 32, r0);
            _mm512_storeu_ps(panel + p * 32 + 16, r1);
            if (++ow == s->out_w) {
                ow = 0;
                if (++oh == s->out_h) { oh = 0; image++; }
            }
        }
    }
}
#endif

#ifdef APUS_X86
// Panels that each hold 32 channels of one tap (the group's channels a multiple of 32), produced
// position by position: one pixel's channels are read together for every panel, and the position's
// arithmetic is done once, not once per panel.
__attribute__((target("avx512f")))
static void pack_taps_whole_avx512(const apus_conv_shape *s, const float *xt, long p0, long depth, long k0, long count,
                                   float *dst) {
    enum { GROUP = 64 };
    long cg = s->group_channels, channels = s->channels;
    long positions = s->out_h * s->out_w;
    for (long q0 = 0; q0 < count; q0 += 32 * GROUP) {
        long panels = min_l(GROUP, (count - q0) / 32);
        long dh[GROUP], dw[GROUP], coff[GROUP];
        for (long q = 0; q < panels; q++) {
            long k = k0 + q0 + q * 32, t = k / cg;
            dh[q] = (t / s->kernel_w) * s->dilation_h;
            dw[q] = (t % s->kernel_w) * s->dilation_w;
            coff[q] = k % cg;
        }
        float *first = dst + q0 * depth;
        long image = p0 / positions, l = p0 % positions, oh = l / s->out_w, ow = l % s->out_w;
        const __m512 zero = _mm512_setzero_ps();
        for (long p = 0; p < depth; p++) {
            const float *img = xt + image * s->height * s->width * channels + s->channel0;
            long ih0 = oh * s->stride_h - s->pad_top, iw0 = ow * s->stride_w - s->pad_left;
            float *row = first + p * 32;
            for (long q = 0; q < panels; q++) {
                long ih = ih0 + dh[q], iw = iw0 + dw[q];
                float *out = row + q * 32 * depth;
                if ((unsigned long)ih < (unsigned long)s->height && (unsigned long)iw < (unsigned long)s->width) {
                    const float *src = img + (ih * s->width + iw) * channels + coff[q];
                    _mm512_storeu_ps(out, _mm512_loadu_ps(src));
                    _mm512_storeu_ps(out + 16, _mm512_loadu_ps(src + 16));
                } else {
                    _mm512_storeu_ps(out, zero);
                    _mm512_storeu_ps(out + 16, zero);
                }
            }
            if (++ow == s->out_w) {
                ow = 0;
                if (++oh == s->out_h) { oh = 0; image++; }
            }
        }
    }
}
#endif

void apus_conv_pack_taps(const apus_conv_shape *s, const float *xt, long p0, long depth, long k0, long count,
                         long nr, float *dst) {
#ifdef APUS_X86
    if (use_avx512(nr) && s->group_channels % 32 == 0 && k0 % 32 == 0 && count % 32 == 0) {
        pack_taps_whole_avx512(s, xt, p0, depth, k0, count, dst);
        return;
    }
    if (use_avx512(nr)) { pack_taps_avx512(s, xt, p0, depth, k0, count, dst); return; }
#endif
    pack_taps_generic(s, xt, p0, depth, k0, count, nr, dst);
}

// ---------------------------------------------------------------------------------------------
// Transpose.

#ifdef APUS_X86
// In-register 16×16 transpose: on return r[q] holds column q of the rows r[0..<16] (pairs
// interleaved, then quads, then 128-bit lanes twice).
__attribute__((target("avx512f")))
static inline void transpose16(__m512 r[16]) {
    __m512 t[16];
    for (int i = 0; i < 16; i += 2) {
        t[i] = _mm512_unpacklo_ps(r[i], r[i + 1]);
        t[i + 1] = _mm512_unpackhi_ps(r[i], r[i + 1]);
    }
    for (int i = 0; i < 16; i += 4) {
        r[i] = _mm512_castpd_ps(_mm512_unpacklo_pd(_mm512_castps_pd(t[i]), _mm512_castps_pd(t[i + 2])));
        r[i + 1] = _mm512_castpd_ps(_mm512_unpackhi_pd(_mm512_castps_pd(t[i]), _mm512_castps_pd(t[i + 2])));
        r[i + 2] = _mm512_castpd_ps(_mm512_unpacklo_pd(_mm512_castps_pd(t[i + 1]), _mm512_castps_pd(t[i + 3])));
        r[i + 3] = _mm512_castpd_ps(_mm512_unpackhi_pd(_mm512_castps_pd(t[i + 1]), _mm512_castps_pd(t[i + 3])));
    }
    for (int i = 0; i < 4; i++) {
        t[i] = _mm512_shuffle_f32x4(r[i], r[i + 4], 0x88);
        t[i + 4] = _mm512_shuffle_f32x4(r[i], r[i + 4], 0xDD);
        t[i + 8] = _mm512_shuffle_f32x4(r[i + 8], r[i + 12], 0x88);
        t[i + 12] = _mm512_shuffle_f32x4(r[i + 8], r[i + 12], 0xDD);
    }
    for (int i = 0; i < 4; i++) {
        r[i] = _mm512_shuffle_f32x4(t[i], t[i + 8], 0x88);
        r[i + 8] = _mm512_shuffle_f32x4(t[i], t[i + 8], 0xDD);
        r[i + 4] = _mm512_shuffle_f32x4(t[i + 4], t[i + 12], 0x88);
        r[i + 12] = _mm512_shuffle_f32x4(t[i + 4], t[i + 12], 0xDD);
    }
}
#endif

static void transpose_generic(const float *src, long rows, long cols, long lds, float *dst, long ldd) {
    for (long i0 = 0; i0 < rows; i0 += 8)
        for (long j0 = 0; j0 < cols; j0 += 8) {
            long ie = min_l(rows, i0 + 8), je = min_l(cols, j0 + 8);
            for (long j = j0; j < je; j++)
                for (long i = i0; i < ie; i++) dst[j * ldd + i] = src[i * lds + j];
        }
}

#ifdef APUS_X86
__attribute__((target("avx512f")))
static void transpose_avx512(const float *src, long rows, long cols, long lds, float *dst, long ldd) {
    long i0 = 0;
    for (; i0 + 16 <= rows; i0 += 16) {
        long j0 = 0;
        for (; j0 + 16 <= cols; j0 += 16) {
            __m512 r[16];
            for (int i = 0; i < 16; i++) r[i] = _mm512_loadu_ps(src + (i0 + i) * lds + j0);
            // 16×16 transpose: interleave pairs, then quads, then 128-bit lanes twice.
            transpose16(r);
            // r[q] now holds column j0 + q of the block.
            for (int q = 0; q < 16; q++) _mm512_storeu_ps(dst + (j0 + q) * ldd + i0, r[q]);
        }
        if (j0 < cols) transpose_generic(src + i0 * lds + j0, 16, cols - j0, lds, dst + j0 * ldd + i0, ldd);
    }
    if (i0 < rows) transpose_generic(src + i0 * lds, rows - i0, cols, lds, dst + i0, ldd);
}
#endif

void apus_transpose_f32(const float *src, long rows, long cols, long lds, float *dst, long ldd) {
#ifdef APUS_X86
    if (use_avx512(32)) { transpose_avx512(src, rows, cols, lds, dst, ldd); return; }
#endif
    transpose_generic(src, rows, cols, lds, dst, ldd);
}

// ---------------------------------------------------------------------------------------------
// Weight panels: the GEMM's A operand for every depth block at once.

static void pack_rows_generic(const float *src, long rows, long depth, long lds, long mr, long kc, float *dst) {
    long padded = (rows + mr - 1) / mr * mr;
    for (long pc = 0; pc < depth; pc += kc) {
        long kcur = min_l(kc, depth - pc);
        float *block = dst + pc * padded;
        for (long r0 = 0; r0 < padded; r0 += mr) {
            float *panel = block + r0 * kcur;
            for (long i = 0; i < mr; i++) {
                if (r0 + i >= rows) {
                    for (long p = 0; p < kcur; p++) panel[p * mr + i] = 0;
                    continue;
                }
                const float *row = src + (r0 + i) * lds + pc;
                for (long p = 0; p < kcur; p++) panel[p * mr + i] = row[p];
            }
        }
    }
}

#ifdef APUS_X86
// Twelve (or eight) rows, padded with zero rows to 16, × 16 depth steps transposed in registers,
// then 16 masked stores of 12 (8) values: one pass over the weight, vector loads and stores only.
__attribute__((target("avx512f")))
static void pack_rows_avx512(const float *src, long rows, long depth, long lds, long mr, long kc, float *dst) {
    long padded = (rows + mr - 1) / mr * mr;
    __mmask16 store_mask = (__mmask16)((1u << mr) - 1);
    for (long pc = 0; pc < depth; pc += kc) {
        long kcur = min_l(kc, depth - pc);
        float *block = dst + pc * padded;
        for (long r0 = 0; r0 < padded; r0 += mr) {
            float *panel = block + r0 * kcur;
            long valid = min_l(mr, rows - r0);
            long p = 0;
            for (; p + 16 <= kcur; p += 16) {
                __m512 r[16];
                for (int i = 0; i < 16; i++)
                    r[i] = i < valid ? _mm512_loadu_ps(src + (r0 + i) * lds + pc + p) : _mm512_setzero_ps();
                transpose16(r);
                for (int q = 0; q < 16; q++) _mm512_mask_storeu_ps(panel + (p + q) * mr, store_mask, r[q]);
            }
            for (; p < kcur; p++)
                for (long i = 0; i < mr; i++) panel[p * mr + i] = i < valid ? src[(r0 + i) * lds + pc + p] : 0;
        }
    }
}
#endif

void apus_conv_pack_weights(const float *src, long rows, long depth, long lds, long mr, long kc, float *dst) {
#ifdef APUS_X86
    if ((mr == 12 || mr == 8) && use_avx512(32)) { pack_rows_avx512(src, rows, depth, lds, mr, kc, dst); return; }
#endif
    pack_rows_generic(src, rows, depth, lds, mr, kc, dst);
}

void apus_conv_pack_tap_weights(const float *w, long out_channels, long channels, long taps, const int *tap_list,
                                long tap_count, long mr, long kc, long first, long count, float *dst) {
    // Row c, depth (o, j): w[(o·channels + c)·taps + tap_list[j]].
    long rows = channels, depth = min_l(out_channels * tap_count, first + count);
    long padded = (rows + mr - 1) / mr * mr;
    for (long pc = first; pc < depth; pc += kc) {
        long kcur = min_l(kc, depth - pc);
        float *block = dst + pc * padded;
        for (long r0 = 0; r0 < padded; r0 += mr) {
            float *panel = block + r0 * kcur;
            long valid = min_l(mr, rows - r0);
            long o = pc / tap_count, j = pc % tap_count;
            for (long p = 0; p < kcur; p++) {
                const float *src = w + (o * channels + r0) * taps + tap_list[j];
                float *out = panel + p * mr;
                long i = 0;
                for (; i < valid; i++) out[i] = src[i * taps];
                for (; i < mr; i++) out[i] = 0;
                if (++j == tap_count) { j = 0; o++; }
            }
        }
    }
}

void apus_conv_pack_phase_weights(const float *w, long out_channels, long channels, long taps, long phases,
                                  const int *phase_of, const int *index_in, const long *tap_count, const long *kc,
                                  float *const *dst, long mr, long o_first, long o_count) {
    // Output channels in chunks whose weights stay in L2 (16 · channels · taps floats), and per
    // chunk each phase's panels written in order: a panel's run of depth is contiguous, so the
    // writes are sequential and the weight is read from memory once for all phases. (Scattering
    // each (o, c) to its nine taps' panels at once hit L1 set conflicts: the panels sit a
    // multiple of 4 KiB apart.)
    enum { chunk = 16 };
    long padded = (channels + mr - 1) / mr * mr, first_slot[64 + 1], total = 0;
    if (phases > 64) return;
    for (long q = 0; q < phases; q++) { first_slot[q] = total; total += tap_count[q]; }
    long *tap_at = malloc(sizeof(long) * (size_t)(total > 0 ? total : 1));
    float **base = malloc(sizeof(float *) * (size_t)(chunk * (total > 0 ? total : 1)));
    long *depth_of = malloc(sizeof(long) * (size_t)(chunk * (total > 0 ? total : 1)));
    if (!tap_at || !base || !depth_of) { free(tap_at); free(base); free(depth_of); return; }
    for (long t = 0; t < taps; t++)
        if (phase_of[t] >= 0) tap_at[first_slot[phase_of[t]] + index_in[t]] = t;
    for (long o0 = o_first; o0 < o_first + o_count; o0 += chunk) {
        long o1 = min_l(o0 + chunk, o_first + o_count);
        for (long q = 0; q < phases; q++) {
            long tc = tap_count[q], depth = out_channels * tc, n = 0;
            // Where (o, j) lands in panel 0 of its depth block, and that block's depth.
            for (long o = o0; o < o1; o++)
                for (long j = 0; j < tc; j++, n++) {
                    long p = o * tc + j, pc = p / kc[q] * kc[q];
                    base[n] = dst[q] + pc * padded + (p - pc) * mr;
                    depth_of[n] = min_l(kc[q], depth - pc);
                }
            for (long r0 = 0; r0 < padded; r0 += mr) {
                long valid = min_l(mr, channels - r0);
                n = 0;
                for (long o = o0; o < o1; o++) {
                    const float *wo = w + (o * channels + r0) * taps;
                    for (long j = 0; j < tc; j++, n++) {
                        long t = tap_at[first_slot[q] + j], i = 0;
                        float *out = base[n] + r0 * depth_of[n];
                        for (; i < valid; i++) out[i] = wo[i * taps + t];
                        for (; i < mr; i++) out[i] = 0;
                    }
                }
            }
        }
    }
    free(tap_at);
    free(base);
    free(depth_of);
}

// ---------------------------------------------------------------------------------------------
// Lines of a row-major matrix as panels: one stretch of the depth at a time.

static void pack_lines_generic(const float *src, long rows, long count, long lds, long mr, long panel_depth, float *dst) {
    for (long r0 = 0; r0 < rows; r0 += mr) {
        float *panel = dst + r0 * panel_depth;
        long valid = min_l(mr, rows - r0);
        for (long p = 0; p < count; p++) {
            float *out = panel + p * mr;
            long i = 0;
            for (; i < valid; i++) out[i] = src[(r0 + i) * lds + p];
            for (; i < mr; i++) out[i] = 0;
        }
    }
}

#ifdef APUS_X86
// 16 lines × 16 depth steps transposed in registers (lines past `valid` read as zero); column q
// of the block, `width` values of it, stored at out + q·stride.
__attribute__((target("avx512f")))
static inline void transpose16_store(const float *src, long lds, long valid, long width, float *out, long stride) {
    __m512 r[16];
    for (int i = 0; i < 16; i++) r[i] = i < valid ? _mm512_loadu_ps(src + i * lds) : _mm512_setzero_ps();
    transpose16(r);
    __mmask16 mask = (__mmask16)((1u << width) - 1);
    for (int q = 0; q < 16; q++) _mm512_mask_storeu_ps(out + q * stride, mask, r[q]);
}

__attribute__((target("avx512f")))
static void pack_lines_avx512(const float *src, long rows, long count, long lds, long mr, long panel_depth, float *dst) {
    for (long r0 = 0; r0 < rows; r0 += mr) {
        float *panel = dst + r0 * panel_depth;
        long valid = min_l(mr, rows - r0);
        long p = 0;
        for (; p + 16 <= count; p += 16) {
            // 16 lines at a time; a panel of 8 or 12 is one group, 32 two.
            for (long i0 = 0; i0 < mr; i0 += 16) {
                long width = min_l(16, mr - i0);
                transpose16_store(src + (r0 + i0) * lds + p, lds, max_l(0, min_l(16, valid - i0)), width,
                                  panel + p * mr + i0, mr);
            }
        }
        for (; p < count; p++) {
            float *out = panel + p * mr;
            long i = 0;
            for (; i < valid; i++) out[i] = src[(r0 + i) * lds + p];
            for (; i < mr; i++) out[i] = 0;
        }
    }
}
#endif

void apus_pack_lines(const float *src, long rows, long count, long lds, long mr, long panel_depth, float *dst) {
#ifdef APUS_X86
    if ((mr == 8 || mr == 12 || mr == 16 || mr == 32) && apus_avx512_selected()) {
        pack_lines_avx512(src, rows, count, lds, mr, panel_depth, dst);
        return;
    }
#endif
    pack_lines_generic(src, rows, count, lds, mr, panel_depth, dst);
}

static void pack_adjacent_generic(const float *src, long width, long depth, long lds, long panel, float *dst) {
    for (long q0 = 0; q0 < width; q0 += panel) {
        long lines = min_l(panel, width - q0);
        float *out = dst + q0 * depth;
        for (long p = 0; p < depth; p++) {
            memcpy(out + p * panel, src + p * lds + q0, (size_t)lines * sizeof(float));
            if (lines < panel) memset(out + p * panel + lines, 0, (size_t)(panel - lines) * sizeof(float));
        }
    }
}

#ifdef APUS_X86
// Two masked 16-lane loads and stores per depth step: the zero padding comes from the masks.
__attribute__((target("avx512f")))
static void pack_adjacent_avx512(const float *src, long width, long depth, long lds, long panel, float *dst) {
    __mmask16 store_lo = (__mmask16)(panel >= 16 ? 0xFFFF : (1u << panel) - 1);
    __mmask16 store_hi = (__mmask16)(panel >= 32 ? 0xFFFF : panel > 16 ? (1u << (panel - 16)) - 1 : 0);
    for (long q0 = 0; q0 < width; q0 += panel) {
        long lines = min_l(panel, width - q0);
        __mmask16 lo = (__mmask16)(lines >= 16 ? 0xFFFF : (1u << lines) - 1);
        __mmask16 hi = (__mmask16)(lines >= 32 ? 0xFFFF : lines > 16 ? (1u << (lines - 16)) - 1 : 0);
        const float *in = src + q0;
        float *out = dst + q0 * depth;
        for (long p = 0; p < depth; p++, in += lds, out += panel) {
            _mm512_mask_storeu_ps(out, store_lo, _mm512_maskz_loadu_ps(lo, in));
            if (store_hi) _mm512_mask_storeu_ps(out + 16, store_hi, _mm512_maskz_loadu_ps(hi, in + 16));
        }
    }
}
#endif

void apus_pack_adjacent(const float *src, long width, long depth, long lds, long panel, float *dst) {
#ifdef APUS_X86
    if (panel <= 32 && apus_avx512_selected()) { pack_adjacent_avx512(src, width, depth, lds, panel, dst); return; }
#endif
    pack_adjacent_generic(src, width, depth, lds, panel, dst);
}

// ---------------------------------------------------------------------------------------------
// Interleaving two rows: the column phases of a stride-2 input gradient.

#ifdef APUS_X86
__attribute__((target("avx512f")))
static void interleave2_avx512(const float *even, const float *odd, long count_odd, float *dst) {
    const __m512i lo = _mm512_setr_epi32(0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23);
    const __m512i hi = _mm512_setr_epi32(8, 24, 9, 25, 10, 26, 11, 27, 12, 28, 13, 29, 14, 30, 15, 31);
    long v = 0;
    for (; v + 16 <= count_odd; v += 16) {
        __m512 e = _mm512_loadu_ps(even + v), o = _mm512_loadu_ps(odd + v);
        _mm512_storeu_ps(dst + 2 * v, _mm512_permutex2var_ps(e, lo, o));
        _mm512_storeu_ps(dst + 2 * v + 16, _mm512_permutex2var_ps(e, hi, o));
    }
    for (; v < count_odd; v++) {
        dst[2 * v] = even[v];
        dst[2 * v + 1] = odd[v];
    }
}
#endif

void apus_interleave2_f32(const float *even, const float *odd, long count_even, long count_odd, float *dst) {
    long pairs = count_odd < count_even ? count_odd : count_even;
#ifdef APUS_X86
    if (apus_avx512_selected()) {
        interleave2_avx512(even, odd, pairs, dst);
    } else
#endif
    {
        for (long v = 0; v < pairs; v++) {
            dst[2 * v] = even[v];
            dst[2 * v + 1] = odd[v];
        }
    }
    if (count_even > pairs) dst[2 * pairs] = even[pairs];
}
