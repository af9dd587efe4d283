// Linux file calls that Glibc's Swift module hides (glibc declares them only under _GNU_SOURCE).
// Declared here with glibc's own prototypes; glibc exports the symbols.
#ifndef CLINUXIO_SHIM_H
#define CLINUXIO_SHIM_H
#ifdef __linux__
#include <stdint.h>

/// Starts writeback of the dirty pages of [offset, offset + nbytes) (nbytes 0: to the end of
/// the file) without waiting for it: `sync_file_range(2)` with SYNC_FILE_RANGE_WRITE.
int sync_file_range(int fd, int64_t offset, int64_t nbytes, unsigned int flags);

#define CLINUXIO_SYNC_FILE_RANGE_WRITE 2u
#endif
#endif
