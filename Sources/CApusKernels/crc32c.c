#include "CApusKernels.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

// CRC-32C (Castagnoli, reflected polynomial 0x82F63B78): the x86 SSE4.2 and ARMv8 CRC
// instructions compute it 8 bytes at a time; elsewhere (or with APUS_ISA=generic) eight tables
// process 8 bytes per step ("slicing-by-8"). Checkpoints are checksummed on every save and load,
// so the byte-at-a-time loop (about 0.4 GB/s) would cost a noticeable part of a save.

static uint32_t table[8][256];

static void build_tables(void) {
    for (uint32_t n = 0; n < 256; n++) {
        uint32_t c = n;
        for (int k = 0; k < 8; k++) c = (c & 1) ? (c >> 1) ^ 0x82F63B78u : c >> 1;
        table[0][n] = c;
    }
    for (uint32_t n = 0; n < 256; n++)
        for (int t = 1; t < 8; t++) table[t][n] = (table[t - 1][n] >> 8) ^ table[0][table[t - 1][n] & 0xFF];
}

static uint32_t crc_tables(uint32_t c, const uint8_t *p, size_t n) {
    while (n >= 8) {
        uint64_t v;
        memcpy(&v, p, 8);
        v ^= c;  // little-endian hosts only: the low 4 bytes meet the running CRC
        c = table[7][v & 0xFF] ^ table[6][(v >> 8) & 0xFF] ^ table[5][(v >> 16) & 0xFF] ^ table[4][(v >> 24) & 0xFF]
            ^ table[3][(v >> 32) & 0xFF] ^ table[2][(v >> 40) & 0xFF] ^ table[1][(v >> 48) & 0xFF] ^ table[0][v >> 56];
        p += 8;
        n -= 8;
    }
    while (n--) c = table[0][(c ^ *p++) & 0xFF] ^ (c >> 8);
    return c;
}

#if defined(__x86_64__)
#include <cpuid.h>
#include <nmmintrin.h>

__attribute__((target("sse4.2"))) static uint32_t crc_hardware(uint32_t c, const uint8_t *p, size_t n) {
    uint64_t c64 = c;
    while (n >= 8) {
        uint64_t v;
        memcpy(&v, p, 8);
        c64 = _mm_crc32_u64(c64, v);
        p += 8;
        n -= 8;
    }
    c = (uint32_t)c64;
    while (n--) c = _mm_crc32_u8(c, *p++);
    return c;
}

static int has_hardware(void) {
    unsigned eax, ebx, ecx, edx;
    return __get_cpuid(1, &eax, &ebx, &ecx, &edx) && (ecx & (1u << 20));  // SSE4.2
}
#elif defined(__aarch64__)
#include <arm_acle.h>
#if defined(__linux__)
#include <sys/auxv.h>
#endif

__attribute__((target("crc"))) static uint32_t crc_hardware(uint32_t c, const uint8_t *p, size_t n) {
    while (n >= 8) {
        uint64_t v;
        memcpy(&v, p, 8);
        c = __crc32cd(c, v);
        p += 8;
        n -= 8;
    }
    while (n--) c = __crc32cb(c, *p++);
    return c;
}

static int has_hardware(void) {
#if defined(__linux__)
    return (getauxval(AT_HWCAP) & (1ul << 7)) != 0;  // HWCAP_CRC32
#else
    return 1;  // every Apple arm64 CPU has the CRC instructions
#endif
}
#else
static uint32_t crc_hardware(uint32_t c, const uint8_t *p, size_t n) { return crc_tables(c, p, n); }
static int has_hardware(void) { return 0; }
#endif

typedef uint32_t (*crc_fn)(uint32_t, const uint8_t *, size_t);

static crc_fn selected;
static const char *selected_name;

static void select_crc(void) {
    build_tables();
    const char *forced = getenv("APUS_ISA");
    if (has_hardware() && !(forced && strcmp(forced, "generic") == 0)) {
        selected = crc_hardware;
        selected_name = "hardware";
    } else {
        selected = crc_tables;
        selected_name = "tables";
    }
}

#include <pthread.h>
static pthread_once_t once = PTHREAD_ONCE_INIT;

uint32_t apus_crc32c(uint32_t crc, const void *data, long count) {
    pthread_once(&once, select_crc);
    if (count <= 0) return crc;
    return ~selected(~crc, (const uint8_t *)data, (size_t)count);
}

const char *apus_crc32c_variant(void) {
    pthread_once(&once, select_crc);
    return selected_name;
}
