#ifndef CDEMANGLE_H
#define CDEMANGLE_H

/// Demangles an Itanium C++ ABI name (`_Z…`) with the C++ runtime's __cxa_demangle, as c++filt
/// prints it. Returns a malloc'd string the caller frees, or NULL when the name does not demangle.
char *pprof_cxx_demangle(const char *mangled);

/// Demangles a Swift name (`$s…`) with the Swift runtime's swift_demangle, found with dlsym so
/// that nothing breaks where it is missing. Same ownership as above; NULL when it cannot.
char *pprof_swift_demangle(const char *mangled);

#endif
