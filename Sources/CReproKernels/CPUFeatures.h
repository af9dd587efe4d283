// Runtime CPU checks shared by the kernels (internal to CReproKernels).
#ifndef CREPROKERNELS_CPUFEATURES_H
#define CREPROKERNELS_CPUFEATURES_H

#if (defined(__x86_64__) || defined(__i386__)) && (defined(__clang__) || defined(__GNUC__))
#define REPRO_X86_KERNELS 1
#else
#define REPRO_X86_KERNELS 0
#endif

#endif
