/* create-spec.h - what the console's create prompt asks for, as one
 * line in the CLI's own words: "NAME [--subnet CIDR] [--gateway IP]
 * [--internal] [--label K=V]..." for a network, "[NAME] [--label K=V]..."
 * for a volume. Users bring their `docker network create` habits; the
 * line is checked before anything is sent, so a typo is reported at once.
 */
#ifndef TUG_CREATE_SPEC_H
#define TUG_CREATE_SPEC_H

#include "backend.h"

struct create_spec {
	enum tug_kind kind;    /* TUG_NETWORK or TUG_VOLUME */
	char *name;            /* NULL: a volume gets a generated name */
	char *driver, *subnet, *gateway;
	int internal;
	char **labels;         /* NULL-terminated "KEY=VALUE", or NULL */
	size_t nlabels;
};

/* Parse line for kind. Words split on blanks; '...' and "..." quote, a
 * backslash escapes one character. Fails (err says which word and what
 * the prompt takes) on an unknown option, a missing value, a quote left
 * open, a name missing or given twice. */
int create_spec_parse(enum tug_kind kind, const char *line, struct create_spec *out, struct tug_err *err);
void create_spec_free(struct create_spec *s);
/* The prompt's hint: the options kind takes. */
const char *create_spec_usage(enum tug_kind kind);

#endif
