#pragma once
#include <shaderc/shaderc.h>
// malloc_trim: compiling kernels frees tens of megabytes that glibc would otherwise keep.
#include <malloc.h>
