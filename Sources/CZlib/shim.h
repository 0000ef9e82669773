// zlib, one of the Swift toolchain's documented Linux dependencies (zlib1g-dev) and part of macOS.
#include <zlib.h>
