#ifndef DOCROUTE_CTESSERACT_SHIM_H
#define DOCROUTE_CTESSERACT_SHIM_H
#include <tesseract/capi.h>

/* libgomp is linked by Debian's Tesseract; nested OpenMP parallelism makes OCR
   several times slower on small machines. DocRoute turns it off per thread. */
void omp_set_max_active_levels(int max_levels);
void omp_set_num_threads(int num_threads);
#endif
