#include "CApusKernels.h"

#if defined(__x86_64__) || defined(_M_X64)
#include <xmmintrin.h>

unsigned apus_denormals_flush_begin(void) {
    unsigned previous = _mm_getcsr();
    _mm_setcsr(previous | 0x8040);  // FTZ (bit 15) and DAZ (bit 6)
    return previous;
}

void apus_denormals_restore(unsigned previous) { _mm_setcsr(previous); }
#else
unsigned apus_denormals_flush_begin(void) { return 0; }
void apus_denormals_restore(unsigned previous) { (void)previous; }
#endif
