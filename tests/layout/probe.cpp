// Compiled as a file of one layer that includes PROBE_HEADER
// (tests/layout/CMakeLists.txt): whether that layer can see it.
#include PROBE_HEADER
