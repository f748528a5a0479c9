// libFuzzer's entry for programs that keep their own main (libclang_rt.fuzzer_no_main, which
// `make fuzz` links): it parses libFuzzer's command line and calls `callback` with each input.
#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));
