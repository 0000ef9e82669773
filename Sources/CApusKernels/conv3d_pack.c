// Packing loops of the implicit-GEMM 3-D convolution (Sources/Apus/Backend/Conv3dGemm.swift): the
// 3-D counterparts of apus_conv_pack_columns and apus_conv_pack_taps (conv_pack.c). The GEMM's B
// panels are filled straight from the NCDHW volume (forward) or an NDHWC copy of it (weight
// gradient), so the vol2col matrix (kD·kH·kW times the input) is never written to memory.
//
// Each loop has a portable C version and, for the AVX-512 GEMM tile (32-column panels), a version
// with masked loads (gathers for strided rows): a masked-off lane reads nothing and yields 0, so
// one load per half-row copies the valid part of a run and zero-fills the padding. Both write
// identical panels.

#include "CApusKernels.h"
#include "isa.h"
#include <string.h>

#if defined(__x86_64__) || defined(_M_X64)
#define APUS_X86 1
#include <immintrin.h>
#endif

static inline long min_l(long a, long b) { return a < b ? a : b; }
static inline long max_l(long a, long b) { return a > b ? a : b; }

// Output positions `lo..<hi` (out of `out`) whose input index `o·stride + offset` lies in 0..<size.
static inline void valid_range(long offset, long stride, long size, long out, long *lo, long *hi) {
    long a = offset >= 0 ? 0 : min_l(out, (-offset + stride - 1) / stride);
    long b = offset > size - 1 ? 0 : min_l(out, (size - 1 - offset) / stride + 1);
    *lo = a;
    *hi = max_l(a, b);
}

#define MAX_PANEL 64

// A run of panel columns in one output row (image, od, oh): `len` columns from output column `ow`,
// starting at panel column `col`. `base` is the element offset in the batch of input (0, 0, 0)
// of the run's first column, before the tap's offsets and the channel: image, od·stride_d, oh·stride_h,
// ow·stride_w; `id`, `ih` the first input depth and row before the tap's offsets.
typedef struct {
    long base, id, ih, ow, len, col;
} segment3;

static int segments3(const apus_conv3d_shape *s, long first, long count, segment3 *out) {
    long plane = s->out_h * s->out_w, positions = s->out_d * plane;
    long in_plane = s->height * s->width, image_size = s->channels * s->depth * in_plane;
    long image = first / positions, l = first % positions;
    long od = l / plane, r = l % plane, oh = r / s->out_w, ow = r % s->out_w;
    int n = 0;
    for (long col = 0; col < count;) {
        long len = min_l(count - col, s->out_w - ow);
        long id = od * s->stride_d, ih = oh * s->stride_h;
        out[n++] = (segment3){image * image_size + id * in_plane + ih * s->width + ow * s->stride_w, id, ih, ow, len, col};
        col += len;
        ow += len;
        if (ow == s->out_w) {
            ow = 0;
            if (++oh == s->out_h) {
                oh = 0;
                if (++od == s->out_d) { od = 0; image++; }
            }
        }
    }
    return n;
}

// The kernel tap of row k of a group's vol2col matrix, with the row's offsets into the input.
typedef struct {
    long c, a, i, j;
} tap3;

static inline tap3 tap_of(const apus_conv3d_shape *s, long k) {
    long hw = s->kernel_h * s->kernel_w, taps = s->kernel_d * hw, t = k % taps;
    return (tap3){k / taps, t / hw, (t % hw) / s->kernel_w, t % s->kernel_w};
}

static inline void next_tap(const apus_conv3d_shape *s, tap3 *t) {
    if (++t->j == s->kernel_w) {
        t->j = 0;
        if (++t->i == s->kernel_h) {
            t->i = 0;
            if (++t->a == s->kernel_d) { t->a = 0; t->c++; }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Forward panels (vol2col rows as the GEMM's B, straight from an NCDHW batch).

static void pack_columns_generic(const apus_conv3d_shape *s, const float *x, long k0, long depth, long first,
                                 long count, long nr, float *dst) {
    long in_plane = s->height * s->width, volume = s->depth * in_plane;
    segment3 seg[MAX_PANEL];
    for (long p0 = 0; p0 < count; p0 += nr) {
        long cols = min_l(nr, count - p0);
        int segments = segments3(s, first + p0, cols, seg);
        float *panel = dst + p0 * depth;
        tap3 t = tap_of(s, k0);
        for (long k = 0; k < depth; k++, next_tap(s, &t)) {
            float *row = panel + k * nr;
            memset(row, 0, (size_t)nr * sizeof(float));
            long d_off = t.a * s->dilation_d - s->pad_front, h_off = t.i * s->dilation_h - s->pad_top;
            long w_off = t.j * s->dilation_w - s->pad_left;
            long lo, hi;
            valid_range(w_off, s->stride_w, s->width, s->out_w, &lo, &hi);
            const float *channel = x + (s->channel0 + t.c) * volume + d_off * in_plane + h_off * s->width + w_off;
            for (int g = 0; g < segments; g++) {
                long id = seg[g].id + d_off, ih = seg[g].ih + h_off;
                if (id < 0 || id >= s->depth || ih < 0 || ih >= s->height) continue;
                const float *src = channel + seg[g].base - seg[g].ow * s->stride_w;
                long a = max_l(seg[g].ow, lo), b = min_l(seg[g].ow + seg[g].len, hi);
                float *out = row + seg[g].col - seg[g].ow;
                for (long ow = a; ow < b; ow++) out[ow] = src[ow * s->stride_w];
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

__attribute__((target("avx512f")))
static void pack_columns_avx512(const apus_conv3d_shape *s, const float *x, long k0, long depth, long first,
                                long count, float *dst) {
    long in_plane = s->height * s->width, volume = s->depth * in_plane, sw = s->stride_w;
    const __m512i step = _mm512_mullo_epi32(_mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15),
                                            _mm512_set1_epi32((int)sw));
    const __m512i step16 = _mm512_add_epi32(step, _mm512_set1_epi32((int)(16 * sw)));
    segment3 seg[32];
    // Valid output columns lo..<hi per kernel column (the same for every row of the block).
    enum { MAX_KW = 64 };
    long lo_of[MAX_KW], hi_of[MAX_KW];
    int tabulated = s->kernel_w <= MAX_KW;
    if (tabulated)
        for (long j = 0; j < s->kernel_w; j++)
            valid_range(j * s->dilation_w - s->pad_left, sw, s->width, s->out_w, &lo_of[j], &hi_of[j]);
    for (long p0 = 0; p0 < count; p0 += 32) {
        long cols = min_l(32, count - p0);
        int segments = segments3(s, first + p0, cols, seg);
        float *panel = dst + p0 * depth;
        tap3 t = tap_of(s, k0);
        for (long k = 0; k < depth; k++, next_tap(s, &t)) {
            long d_off = t.a * s->dilation_d - s->pad_front, h_off = t.i * s->dilation_h - s->pad_top;
            long w_off = t.j * s->dilation_w - s->pad_left;
            long lo, hi;
            if (tabulated) {
                lo = lo_of[t.j];
                hi = hi_of[t.j];
            } else {
                valid_range(w_off, sw, s->width, s->out_w, &lo, &hi);
            }
            const float *channel = x + (s->channel0 + t.c) * volume + d_off * in_plane + h_off * s->width + w_off;
            __m512 r0 = _mm512_setzero_ps(), r1 = _mm512_setzero_ps();
            for (int g = 0; g < segments; g++) {
                long id = seg[g].id + d_off, ih = seg[g].ih + h_off;
                if ((unsigned long)id >= (unsigned long)s->depth || (unsigned long)ih >= (unsigned long)s->height) continue;
                long a = max_l(seg[g].ow, lo), b = min_l(seg[g].ow + seg[g].len, hi);
                if (a >= b) continue;
                long shift = seg[g].col - seg[g].ow;  // panel column of output column ow: ow + shift
                unsigned m = lane_mask32(a + shift, b + shift);
                // Lane q reads output column q − shift: element (q − shift)·sw of the row.
                const float *base = channel + seg[g].base - (seg[g].ow + shift) * sw;
                if (sw == 1) {
                    r0 = _mm512_mask_loadu_ps(r0, (__mmask16)m, base);
                    r1 = _mm512_mask_loadu_ps(r1, (__mmask16)(m >> 16), base + 16);
                } else {
                    r0 = _mm512_mask_i32gather_ps(r0, (__mmask16)m, step, base, 4);
                    r1 = _mm512_mask_i32gather_ps(r1, (__mmask16)(m >> 16), step16, base, 4);
                }
            }
            float *row = panel + k * 32;
            _mm512_storeu_ps(row, r0);
            _mm512_storeu_ps(row + 16, r1);
        }
    }
}
#endif

static int use_avx512(long nr) { return nr == 32 && apus_avx512_selected(); }

void apus_conv3d_pack_columns(const apus_conv3d_shape *s, const float *x, long k0, long depth, long first, long count,
                              long nr, float *dst) {
#ifdef APUS_X86
    if (use_avx512(nr)) { pack_columns_avx512(s, x, k0, depth, first, count, dst); return; }
#endif
    pack_columns_generic(s, x, k0, depth, first, count, nr, dst);
}

// ---------------------------------------------------------------------------------------------
// Weight-gradient panels: B[position, (a, i, j, c)] from an NDHWC batch, positions as the depth.

static void pack_taps_generic(const apus_conv3d_shape *s, const float *xt, long p0, long depth, long k0, long count,
                              long nr, float *dst) {
    long cg = s->group_channels, channels = s->channels;
    long plane = s->out_h * s->out_w, positions = s->out_d * plane;
    long hw = s->kernel_h * s->kernel_w;
    // Per panel column: the tap's offsets (before padding) and the channel.
    long col_d[MAX_PANEL], col_h[MAX_PANEL], col_w[MAX_PANEL], col_c[MAX_PANEL];
    for (long q = 0; q < count; q += nr) {
        long cols = min_l(nr, count - q);
        for (long e = 0; e < cols; e++) {
            long k = k0 + q + e, t = k / cg;
            col_c[e] = s->channel0 + k % cg;
            col_d[e] = (t / hw) * s->dilation_d - s->pad_front;
            col_h[e] = ((t % hw) / s->kernel_w) * s->dilation_h - s->pad_top;
            col_w[e] = (t % s->kernel_w) * s->dilation_w - s->pad_left;
        }
        float *panel = dst + q * depth;
        long image = p0 / positions, l = p0 % positions;
        long od = l / plane, oh = (l % plane) / s->out_w, ow = l % s->out_w;
        for (long p = 0; p < depth; p++) {
            float *row = panel + p * nr;
            const float *img = xt + image * s->depth * s->height * s->width * channels;
            long d0 = od * s->stride_d, h0 = oh * s->stride_h, w0 = ow * s->stride_w;
            long e = 0;
            for (; e < cols; e++) {
                long id = d0 + col_d[e], ih = h0 + col_h[e], iw = w0 + col_w[e];
                int inside = (unsigned long)id < (unsigned long)s->depth && (unsigned long)ih < (unsigned long)s->height
                    && (unsigned long)iw < (unsigned long)s->width;
                row[e] = inside ? img[((id * s->height + ih) * s->width + iw) * channels + col_c[e]] : 0.0f;
            }
            for (; e < nr; e++) row[e] = 0.0f;
            if (++ow == s->out_w) {
                ow = 0;
                if (++oh == s->out_h) {
                    oh = 0;
                    if (++od == s->out_d) { od = 0; image++; }
                }
            }
        }
    }
}

#ifdef APUS_X86
// Panels that each hold 32 channels of one tap (the group's channels a multiple of 32), produced
// position by position: one voxel's channels are read together for every panel.
__attribute__((target("avx512f")))
static void pack_taps_whole_avx512(const apus_conv3d_shape *s, const float *xt, long p0, long depth, long k0, long count,
                                   float *dst) {
    enum { GROUP = 64 };
    long cg = s->group_channels, channels = s->channels;
    long plane = s->out_h * s->out_w, positions = s->out_d * plane, hw = s->kernel_h * s->kernel_w;
    long image_size = s->depth * s->height * s->width * channels;
    for (long q0 = 0; q0 < count; q0 += 32 * GROUP) {
        long panels = min_l(GROUP, (count - q0) / 32);
        long dd[GROUP], dh[GROUP], dw[GROUP], coff[GROUP];
        for (long q = 0; q < panels; q++) {
            long k = k0 + q0 + q * 32, t = k / cg;
            dd[q] = (t / hw) * s->dilation_d;
            dh[q] = ((t % hw) / s->kernel_w) * s->dilation_h;
            dw[q] = (t % s->kernel_w) * s->dilation_w;
            coff[q] = s->channel0 + k % cg;
        }
        float *first = dst + q0 * depth;
        long image = p0 / positions, l = p0 % positions;
        long od = l / plane, oh = (l % plane) / s->out_w, ow = l % s->out_w;
        const __m512 zero = _mm512_setzero_ps();
        for (long p = 0; p < depth; p++) {
            const float *img = xt + image * image_size;
            long id0 = od * s->stride_d - s->pad_front, ih0 = oh * s->stride_h - s->pad_top;
            long iw0 = ow * s->stride_w - s->pad_left;
            float *row = first + p * 32;
            for (long q = 0; q < panels; q++) {
                long id = id0 + dd[q], ih = ih0 + dh[q], iw = iw0 + dw[q];
                float *out = row + q * 32 * depth;
                if ((unsigned long)id < (unsigned long)s->depth && (unsigned long)ih < (unsigned long)s->height
                    && (unsigned long)iw < (unsigned long)s->width) {
                    const float *src = img + ((id * s->height + ih) * s->width + iw) * channels + coff[q];
                    _mm512_storeu_ps(out, _mm512_loadu_ps(src));
                    _mm512_storeu_ps(out + 16, _mm512_loadu_ps(src + 16));
                } else {
                    _mm512_storeu_ps(out, zero);
                    _mm512_storeu_ps(out + 16, zero);
                }
            }
            if (++ow == s->out_w) {
                ow = 0;
                if (++oh == s->out_h) {
                    oh = 0;
                    if (++od == s->out_d) { od = 0; image++; }
                }
            }
        }
    }
}
#endif

void apus_conv3d_pack_taps(const apus_conv3d_shape *s, const float *xt, long p0, long depth, long k0, long count,
                           long nr, float *dst) {
#ifdef APUS_X86
    if (use_avx512(nr) && s->group_channels % 32 == 0 && k0 % 32 == 0 && count % 32 == 0) {
        pack_taps_whole_avx512(s, xt, p0, depth, k0, count, dst);
        return;
    }
#endif
    pack_taps_generic(s, xt, p0, depth, k0, count, nr, dst);
}
