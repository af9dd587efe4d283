#include <libxml/parser.h>
#include <libxml/xmlschemas.h>
