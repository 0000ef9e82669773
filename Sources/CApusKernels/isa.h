// Which vector code the kernels run (private to CApusKernels).
#ifndef APUS_ISA_H
#define APUS_ISA_H

#if defined(__x86_64__) || defined(_M_X64)
/// Whether the CPU and the OS support AVX-512F (zmm state saved).
int apus_x86_has_avx512f(void);
/// Whether the CPU and the OS support AVX2 with FMA.
int apus_x86_has_avx2_fma(void);
#endif

/// Whether the AVX-512 loops run: the CPU has AVX-512F and APUS_ISA is unset or "avx512"
/// (APUS_ISA=avx2 or generic selects the other variants, for tests). Read once.
int apus_avx512_selected(void);

#endif
