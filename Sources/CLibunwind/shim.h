#ifndef CLIBUNWIND_SHIM_H
#define CLIBUNWIND_SHIM_H
// libunwind (Debian's libunwind-dev), restricted to unwinding the calling process: with
// UNW_LOCAL_ONLY the unw_* names resolve to the _UL* entry points, which read this process's
// memory directly and need no address-space callbacks.
#define UNW_LOCAL_ONLY
#include <libunwind.h>
#endif
