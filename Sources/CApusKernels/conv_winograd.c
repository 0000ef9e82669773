// Winograd F(2×2, 3×3) transforms for stride-1 3×3 convolutions (Lavin & Gray, 2016):
// Y = Aᵀ [(G g Gᵀ) ⊙ (Bᵀ d B)] A for every 2×2 output tile, d its 4×4 input patch. The 16
// element-wise products over the channels are 16 GEMMs (Sources/Apus/Backend/ConvWinograd.swift)
// on 2.25 times fewer multiply-adds than the direct convolution. The transforms only add and
// halve, so float32 results stay within a few ulp of the direct sum.
//
//   Bᵀ = [1 0 −1 0; 0 1 1 0; 0 −1 1 0; 0 1 0 −1]   G = [1 0 0; ½ ½ ½; ½ −½ ½; 0 0 1]
//   Aᵀ = [1 1 1 0; 0 1 −1 −1]
//
// Transformed tensors use the GEMM's panel layouts: U (weights) as A panels of `mr` rows, V
// (input tiles) as B panels of `nr` columns, one matrix per element e = 4·ξ + ν of the 4×4 tile.
// Each loop has a portable version and an AVX-512 one over 16 tiles of a tile row at a time.

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

static int winograd_avx512(long nr) { return nr == 32 && apus_avx512_selected(); }

// ---------------------------------------------------------------------------------------------
// Weights: U = G g Gᵀ for every (row, depth) pair, as A panels.

static inline void weight_tile(const float g[3][3], float u[16]) {
    float t[4][3];
    for (int b = 0; b < 3; b++) {
        t[0][b] = g[0][b];
        t[1][b] = 0.5f * (g[0][b] + g[1][b] + g[2][b]);
        t[2][b] = 0.5f * (g[0][b] - g[1][b] + g[2][b]);
        t[3][b] = g[2][b];
    }
    for (int a = 0; a < 4; a++) {
        u[a * 4 + 0] = t[a][0];
        u[a * 4 + 1] = 0.5f * (t[a][0] + t[a][1] + t[a][2]);
        u[a * 4 + 2] = 0.5f * (t[a][0] - t[a][1] + t[a][2]);
        u[a * 4 + 3] = t[a][2];
    }
}

// Rows r and depth p of the transformed matrix read kernel w[o, c] with (o, c) = (r, p), or
// (p, r) rotated by 180° when flipped.
static inline const float *kernel_at(const float *w, long in_channels, int flipped, long r, long p) {
    return flipped ? w + (p * in_channels + r) * 9 : w + (r * in_channels + p) * 9;
}

static void pack_weights_generic(const float *w, long in_channels, int flipped, long rows, long depth, long mr, long kc,
                                 long r_first, long r_end, float *dst) {
    long padded = (rows + mr - 1) / mr * mr, per_element = padded * depth;
    for (long pc = 0; pc < depth; pc += kc) {
        long kcur = min_l(kc, depth - pc);
        for (long r0 = r_first; r0 < r_end; r0 += mr) {
            float *panel = dst + pc * padded + r0 * kcur;
            for (long p = 0; p < kcur; p++)
                for (long i = 0; i < mr; i++) {
                    float u[16] = {0};
                    if (r0 + i < rows) {
                        const float *k = kernel_at(w, in_channels, flipped, r0 + i, pc + p);
                        float g[3][3];
                        for (int a = 0; a < 3; a++)
                            for (int b = 0; b < 3; b++) g[a][b] = flipped ? k[(2 - a) * 3 + (2 - b)] : k[a * 3 + b];
                        weight_tile(g, u);
                    }
                    for (int e = 0; e < 16; e++) panel[e * per_element + p * mr + i] = u[e];
                }
        }
    }
}

#ifdef APUS_X86
// The `mr` rows of a panel as vector lanes: each tap is one gather across the rows' kernels, the
// transform runs on vectors, and each element's `mr` values are one masked store.
__attribute__((target("avx512f")))
static void pack_weights_avx512(const float *w, long in_channels, int flipped, long rows, long depth, long mr, long kc,
                                long r_first, long r_end, float *dst) {
    long padded = (rows + mr - 1) / mr * mr, per_element = padded * depth;
    const __m512i lane = _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
    // Offset of row r's kernel from the depth's: (r·in)·9 plain, r·9 flipped.
    const __m512i row_step = _mm512_mullo_epi32(lane, _mm512_set1_epi32((int)(flipped ? 9 : in_channels * 9)));
    const __m512 half = _mm512_set1_ps(0.5f);
    for (long pc = 0; pc < depth; pc += kc) {
        long kcur = min_l(kc, depth - pc);
        for (long r0 = r_first; r0 < r_end; r0 += mr) {
            float *panel = dst + pc * padded + r0 * kcur;
            long valid = min_l(mr, rows - r0);
            __mmask16 m = (__mmask16)((1u << valid) - 1), store = (__mmask16)((1u << mr) - 1);
            for (long p = 0; p < kcur; p++) {
                const float *base = kernel_at(w, in_channels, flipped, r0, pc + p);
                __m512 g[3][3];
                for (int a = 0; a < 3; a++)
                    for (int b = 0; b < 3; b++) {
                        int tap = flipped ? (2 - a) * 3 + (2 - b) : a * 3 + b;
                        g[a][b] = _mm512_mask_i32gather_ps(_mm512_setzero_ps(), m,
                                                           _mm512_add_epi32(row_step, _mm512_set1_epi32(tap)), base, 4);
                    }
                __m512 t[4][3];
                for (int b = 0; b < 3; b++) {
                    __m512 sum02 = _mm512_add_ps(g[0][b], g[2][b]);
                    t[0][b] = g[0][b];
                    t[1][b] = _mm512_mul_ps(half, _mm512_add_ps(sum02, g[1][b]));
                    t[2][b] = _mm512_mul_ps(half, _mm512_sub_ps(sum02, g[1][b]));
                    t[3][b] = g[2][b];
                }
                for (int a = 0; a < 4; a++) {
                    __m512 sum02 = _mm512_add_ps(t[a][0], t[a][2]);
                    float *out = panel + a * 4 * per_element + p * mr;
                    _mm512_mask_storeu_ps(out, store, t[a][0]);
                    _mm512_mask_storeu_ps(out + per_element, store, _mm512_mul_ps(half, _mm512_add_ps(sum02, t[a][1])));
                    _mm512_mask_storeu_ps(out + 2 * per_element, store, _mm512_mul_ps(half, _mm512_sub_ps(sum02, t[a][1])));
                    _mm512_mask_storeu_ps(out + 3 * per_element, store, t[a][2]);
                }
            }
        }
    }
}
#endif

void apus_winograd_pack_weights(const float *w, long out_channels, long in_channels, int flipped, long mr, long kc,
                                long r_first, long r_count, float *dst) {
    // Plain: rows o, depth c. Flipped (input gradient): rows c, depth o.
    long rows = flipped ? in_channels : out_channels, depth = flipped ? out_channels : in_channels;
    long padded = (rows + mr - 1) / mr * mr, r_end = min_l(padded, r_first + r_count);
#ifdef APUS_X86
    if (mr <= 16 && winograd_avx512(32)) {
        pack_weights_avx512(w, in_channels, flipped, rows, depth, mr, kc, r_first, r_end, dst);
        return;
    }
#endif
    pack_weights_generic(w, in_channels, flipped, rows, depth, mr, kc, r_first, r_end, dst);
}

// ---------------------------------------------------------------------------------------------
// Input tiles: V = Bᵀ d B.

// Where column `col` of a B block of `depth` rows goes: panel col / nr, lane col % nr.
static inline float *panel_entry(float *base, long col, long row, long depth, long nr) {
    return base + (col / nr) * nr * depth + row * nr + col % nr;
}

static inline void input_tile(const float d[4][4], float v[16]) {
    float t[4][4];
    for (int j = 0; j < 4; j++) {
        t[0][j] = d[0][j] - d[2][j];
        t[1][j] = d[1][j] + d[2][j];
        t[2][j] = d[2][j] - d[1][j];
        t[3][j] = d[1][j] - d[3][j];
    }
    for (int i = 0; i < 4; i++) {
        v[i * 4 + 0] = t[i][0] - t[i][2];
        v[i * 4 + 1] = t[i][1] + t[i][2];
        v[i * 4 + 2] = t[i][2] - t[i][1];
        v[i * 4 + 3] = t[i][1] - t[i][3];
    }
}

static void input_generic(const apus_conv_shape *s, const float *x, long t0, long count, long c0, long depth,
                          long nr, float *dst) {
    long tiles_w = (s->out_w + 1) / 2, tiles_h = (s->out_h + 1) / 2, per_image = tiles_w * tiles_h;
    long plane = s->height * s->width;
    long columns = (count + nr - 1) / nr * nr, per_element = columns * depth;
    for (long col = 0; col < count; col++) {
        long t = t0 + col, n = t / per_image, r = t % per_image, ty = r / tiles_w, tx = r % tiles_w;
        long h0 = 2 * ty - s->pad_top, w0 = 2 * tx - s->pad_left;
        for (long c = 0; c < depth; c++) {
            const float *src = x + (n * s->channels + s->channel0 + c0 + c) * plane;
            float d[4][4], v[16];
            for (int i = 0; i < 4; i++)
                for (int j = 0; j < 4; j++) {
                    long h = h0 + i, ww = w0 + j;
                    d[i][j] = h >= 0 && h < s->height && ww >= 0 && ww < s->width ? src[h * s->width + ww] : 0;
                }
            input_tile(d, v);
            for (int e = 0; e < 16; e++) *panel_entry(dst + e * per_element, col, c, depth, nr) = v[e];
        }
    }
    // Zero the padding columns of the last panel.
    for (long col = count; col < columns; col++)
        for (long c = 0; c < depth; c++)
            for (int e = 0; e < 16; e++) *panel_entry(dst + e * per_element, col, c, depth, nr) = 0;
}

#ifdef APUS_X86
// Stores 16 lanes (those in `mask`) at columns col..col+15 of row `row` of a block of 32-column
// panels: one masked store, or two when the lanes cross into the next panel.
__attribute__((target("avx512f")))
static inline void store_columns(float *base, long col, long row, long depth, __m512 v, __mmask16 mask) {
    long q = col / 32, off = col % 32;
    float *p = base + q * 32 * depth + row * 32 + off;
    if (off <= 16) {
        _mm512_mask_storeu_ps(p, mask, v);
    } else {
        __mmask16 first = (__mmask16)((1u << (32 - off)) - 1);
        _mm512_mask_storeu_ps(p, mask & first, v);
        _mm512_mask_storeu_ps(base + (q + 1) * 32 * depth + row * 32 - (32 - off), mask & ~first, v);
    }
}

__attribute__((target("avx512f")))
static void input_avx512(const apus_conv_shape *s, const float *x, long t0, long count, long c0, long depth,
                         float *dst) {
    long tiles_w = (s->out_w + 1) / 2, tiles_h = (s->out_h + 1) / 2, per_image = tiles_w * tiles_h;
    long plane = s->height * s->width, width = s->width;
    long columns = (count + 31) / 32 * 32, per_element = columns * depth;
    const __m512i even = _mm512_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
    const __m512i odd = _mm512_setr_epi32(1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29, 31);
    // Zero the padding columns of the last panel first (the loop below writes only real tiles).
    for (long col = count; col < columns; col++)
        for (long c = 0; c < depth; c++)
            for (int e = 0; e < 16; e++) *panel_entry(dst + e * per_element, col, c, depth, 32) = 0;
    long col = 0;
    while (col < count) {
        // Up to 16 tiles of one tile row.
        long t = t0 + col, n = t / per_image, r = t % per_image, ty = r / tiles_w, tx = r % tiles_w;
        long lanes = min_l(16, min_l(count - col, tiles_w - tx));
        __mmask16 lane_mask = (__mmask16)((1u << lanes) - 1);
        long h0 = 2 * ty - s->pad_top, w0 = 2 * tx - s->pad_left;
        // Input columns w0 .. w0 + 2·lanes + 1 feed the tiles; masks for the two loads of 32
        // values at w0 (lanes a, b) and at w0 + 2 (lanes c, d), zero outside the image.
        unsigned long long valid = 0;
        for (long j = 0; j < 34; j++) {
            long ww = w0 + j;
            if (ww >= 0 && ww < width && j < 2 * lanes + 2) valid |= 1ull << j;
        }
        __mmask16 m0 = (__mmask16)valid, m1 = (__mmask16)(valid >> 16);
        __mmask16 m2 = (__mmask16)(valid >> 2), m3 = (__mmask16)(valid >> 18);
        for (long c = 0; c < depth; c++) {
            const float *src = x + (n * s->channels + s->channel0 + c0 + c) * plane;
            __m512 h[4][4];  // horizontal transform of each of the 4 input rows, 16 tiles each
            for (int i = 0; i < 4; i++) {
                long hh = h0 + i;
                if (hh < 0 || hh >= s->height) {
                    h[i][0] = h[i][1] = h[i][2] = h[i][3] = _mm512_setzero_ps();
                    continue;
                }
                const float *row = src + hh * width + w0;
                __m512 l0 = _mm512_maskz_loadu_ps(m0, row), l1 = _mm512_maskz_loadu_ps(m1, row + 16);
                __m512 l2 = _mm512_maskz_loadu_ps(m2, row + 2), l3 = _mm512_maskz_loadu_ps(m3, row + 18);
                __m512 a = _mm512_permutex2var_ps(l0, even, l1), b = _mm512_permutex2var_ps(l0, odd, l1);
                __m512 cc = _mm512_permutex2var_ps(l2, even, l3), d = _mm512_permutex2var_ps(l2, odd, l3);
                h[i][0] = _mm512_sub_ps(a, cc);
                h[i][1] = _mm512_add_ps(b, cc);
                h[i][2] = _mm512_sub_ps(cc, b);
                h[i][3] = _mm512_sub_ps(b, d);
            }
            for (int j = 0; j < 4; j++) {
                __m512 v0 = _mm512_sub_ps(h[0][j], h[2][j]), v1 = _mm512_add_ps(h[1][j], h[2][j]);
                __m512 v2 = _mm512_sub_ps(h[2][j], h[1][j]), v3 = _mm512_sub_ps(h[1][j], h[3][j]);
                store_columns(dst + (0 * 4 + j) * per_element, col, c, depth, v0, lane_mask);
                store_columns(dst + (1 * 4 + j) * per_element, col, c, depth, v1, lane_mask);
                store_columns(dst + (2 * 4 + j) * per_element, col, c, depth, v2, lane_mask);
                store_columns(dst + (3 * 4 + j) * per_element, col, c, depth, v3, lane_mask);
            }
        }
        col += lanes;
    }
}
#endif

void apus_winograd_input(const apus_conv_shape *shape, const float *x, long t0, long count, long c0, long depth,
                         long nr, float *dst) {
#ifdef APUS_X86
    if (winograd_avx512(nr)) { input_avx512(shape, x, t0, count, c0, depth, dst); return; }
#endif
    input_generic(shape, x, t0, count, c0, depth, nr, dst);
}

// ---------------------------------------------------------------------------------------------
// Output tiles: Y = Aᵀ M A, written into the NCHW output.

static void output_generic(const float *m, long ldm, long per_element, long rows, long o0, long t0, long count,
                           long out_channels, long out_h, long out_w, const float *bias, float *y) {
    long tiles_w = (out_w + 1) / 2, tiles_h = (out_h + 1) / 2, per_image = tiles_w * tiles_h;
    for (long o = 0; o < rows; o++) {
        float b = bias ? bias[o0 + o] : 0;
        for (long col = 0; col < count; col++) {
            long t = t0 + col, n = t / per_image, r = t % per_image, ty = r / tiles_w, tx = r % tiles_w;
            float v[4][4];
            for (int e = 0; e < 16; e++) v[e / 4][e % 4] = m[e * per_element + o * ldm + col];
            float s[4][2];
            for (int i = 0; i < 4; i++) {
                s[i][0] = v[i][0] + v[i][1] + v[i][2];
                s[i][1] = v[i][1] - v[i][2] - v[i][3];
            }
            float out[2][2];
            for (int j = 0; j < 2; j++) {
                out[0][j] = s[0][j] + s[1][j] + s[2][j];
                out[1][j] = s[1][j] - s[2][j] - s[3][j];
            }
            float *plane = y + (n * out_channels + o0 + o) * out_h * out_w;
            for (int i = 0; i < 2; i++)
                for (int j = 0; j < 2; j++) {
                    long h = 2 * ty + i, w = 2 * tx + j;
                    if (h < out_h && w < out_w) plane[h * out_w + w] = out[i][j] + b;
                }
        }
    }
}

#ifdef APUS_X86
__attribute__((target("avx512f")))
static void output_avx512(const float *m, long ldm, long per_element, long rows, long o0, long t0, long count,
                          long out_channels, long out_h, long out_w, const float *bias, float *y) {
    long tiles_w = (out_w + 1) / 2, tiles_h = (out_h + 1) / 2, per_image = tiles_w * tiles_h;
    // Interleaving two vectors of 16 tiles into 32 output columns.
    const __m512i lo_idx = _mm512_setr_epi32(0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23);
    const __m512i hi_idx = _mm512_setr_epi32(8, 24, 9, 25, 10, 26, 11, 27, 12, 28, 13, 29, 14, 30, 15, 31);
    long col = 0;
    while (col < count) {
        long t = t0 + col, n = t / per_image, r = t % per_image, ty = r / tiles_w, tx = r % tiles_w;
        long lanes = min_l(16, min_l(count - col, tiles_w - tx));
        __mmask16 lane_mask = (__mmask16)((1u << lanes) - 1);
        // Output columns 2·tx .. 2·tx + 2·lanes − 1, cut at the output's width.
        long width = min_l(2 * lanes, out_w - 2 * tx);
        unsigned w_mask = width >= 32 ? 0xFFFFFFFFu : (1u << width) - 1;
        int second_row = 2 * ty + 1 < out_h;
        for (long o = 0; o < rows; o++) {
            __m512 b = _mm512_set1_ps(bias ? bias[o0 + o] : 0);
            __m512 v[16];
            for (int e = 0; e < 16; e++) v[e] = _mm512_maskz_loadu_ps(lane_mask, m + e * per_element + o * ldm + col);
            __m512 s[4][2];
            for (int i = 0; i < 4; i++) {
                s[i][0] = _mm512_add_ps(_mm512_add_ps(v[i * 4 + 0], v[i * 4 + 1]), v[i * 4 + 2]);
                s[i][1] = _mm512_sub_ps(_mm512_sub_ps(v[i * 4 + 1], v[i * 4 + 2]), v[i * 4 + 3]);
            }
            float *plane = y + (n * out_channels + o0 + o) * out_h * out_w;
            for (int i = 0; i < 1 + second_row; i++) {
                __m512 c0, c1;
                if (i == 0) {
                    c0 = _mm512_add_ps(_mm512_add_ps(s[0][0], s[1][0]), s[2][0]);
                    c1 = _mm512_add_ps(_mm512_add_ps(s[0][1], s[1][1]), s[2][1]);
                } else {
                    c0 = _mm512_sub_ps(_mm512_sub_ps(s[1][0], s[2][0]), s[3][0]);
                    c1 = _mm512_sub_ps(_mm512_sub_ps(s[1][1], s[2][1]), s[3][1]);
                }
                c0 = _mm512_add_ps(c0, b);
                c1 = _mm512_add_ps(c1, b);
                float *row = plane + (2 * ty + i) * out_w + 2 * tx;
                _mm512_mask_storeu_ps(row, (__mmask16)w_mask, _mm512_permutex2var_ps(c0, lo_idx, c1));
                _mm512_mask_storeu_ps(row + 16, (__mmask16)(w_mask >> 16), _mm512_permutex2var_ps(c0, hi_idx, c1));
            }
        }
        col += lanes;
    }
}
#endif

void apus_winograd_output(const float *m, long ldm, long per_element, long rows, long o0, long t0, long count,
                          long out_channels, long out_h, long out_w, const float *bias, float *y) {
#ifdef APUS_X86
    if (winograd_avx512(32)) {
        output_avx512(m, ldm, per_element, rows, o0, t0, count, out_channels, out_h, out_w, bias, y);
        return;
    }
#endif
    output_generic(m, ldm, per_element, rows, o0, t0, count, out_channels, out_h, out_w, bias, y);
}
