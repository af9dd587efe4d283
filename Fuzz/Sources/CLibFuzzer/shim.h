// libFuzzer's entry point for programs that have their own `main` (compiler-rt
// FuzzerInterface.h). Defined by the libFuzzer runtime that `-sanitize=fuzzer` links.
#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerRunDriver(int *argc, char ***argv,
                        int (*UserCb)(const uint8_t *Data, size_t Size));
