#ifndef DOCROUTE_CPOPPLER_SHIM_H
#define DOCROUTE_CPOPPLER_SHIM_H
#include <poppler.h>
#include <cairo.h>
#include <glib.h>
#include <glib-object.h>

/* g_object_unref takes gpointer; a typed wrapper keeps Swift call sites simple. */
static inline void docroute_g_object_unref(void *object) { if (object) g_object_unref(object); }
static inline void docroute_g_error_free(GError *error) { if (error) g_error_free(error); }
#endif
