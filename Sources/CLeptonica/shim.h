#ifndef DOCROUTE_CLEPTONICA_SHIM_H
#define DOCROUTE_CLEPTONICA_SHIM_H
#include <leptonica/allheaders.h>
#endif
