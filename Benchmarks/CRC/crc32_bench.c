// CRC-32 speed of zlib's crc32 and libdeflate's libdeflate_crc32 over one 256 MiB buffer (best of
// 15 runs each, the two interleaved). Build and run:
//   cc -O2 Benchmarks/CRC/crc32_bench.c -lz -ldeflate -o /tmp/crc32_bench && /tmp/crc32_bench
// Both must print the same checksum.
#include <libdeflate.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <zlib.h>

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec * 1e-9;
}

int main(void) {
  size_t n = (size_t)256 << 20;
  unsigned char *b = malloc(n);
  if (!b) return 1;
  for (size_t i = 0; i < n; i++) b[i] = (unsigned char)((i * 2654435761u) >> 13);
  double zbest = 1e9, dbest = 1e9;
  unsigned long zc = 0;
  unsigned dc = 0;
  for (int r = 0; r < 15; r++) {
    double t = now();
    zc = crc32(0, b, (uInt)n);
    t = now() - t;
    if (t < zbest) zbest = t;
    t = now();
    dc = libdeflate_crc32(0, b, n);
    t = now() - t;
    if (t < dbest) dbest = t;
  }
  printf("zlib %s crc32:        %6.2f GB/s (0x%08lx)\n", zlibVersion(), n / zbest / 1e9, zc);
  printf("libdeflate crc32:          %6.2f GB/s (0x%08x)\n", n / dbest / 1e9, dc);
  free(b);
  return zc == dc ? 0 : 2;
}
