#ifndef DOCROUTE_CLIBXML2_SHIM_H
#define DOCROUTE_CLIBXML2_SHIM_H
/* Debian builds libxml2 with ICU; its headers clash with Foundation's ICU. */
#include <libxml/xmlversion.h>
#undef LIBXML_ICU_ENABLED
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>

/* xmlFree is a mutable C global, which Swift 6 refuses to read from concurrent code. */
static inline void docroute_xml_free(void *p) { if (p) xmlFree(p); }

#endif
