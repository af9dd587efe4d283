// libxml2's XML Schema validator, for the tests' JUnit checks.
//
// libxml2 is built with ICU on Debian, so its encoding header includes <unicode/ucnv.h>; those
// system ICU headers clash with the ICU copy inside Foundation (_FoundationICU) when both
// modules meet in one Swift file. Nothing here uses libxml2's ICU converters, so the ICU part
// of the headers is turned off after xmlversion.h has defined it (the pointers the tests use do
// not depend on it).
#include <libxml/xmlversion.h>
#undef LIBXML_ICU_ENABLED
#include <libxml/parser.h>
#include <libxml/xmlschemas.h>
