/* create-spec.c - the create prompt's line, parsed like the CLI's flags. */
#include "create-spec.h"
#include "util/str.h"

#include <stdlib.h>
#include <string.h>

const char *create_spec_usage(enum tug_kind kind)
{
	return kind == TUG_NETWORK ? "NAME [--subnet CIDR] [--gateway IP] [--internal] [--label K=V]"
				   : "[NAME] [--label K=V]";
}

/* Split into words; returns the count, or -1 when a quote is left open. */
static int split(const char *s, char ***out)
{
	char **v = NULL, *w = xcalloc(strlen(s) + 1, 1);
	int n = 0;

	for (;;) {
		size_t k = 0;
		char q = 0;
		int have = 0;
		while (*s == ' ' || *s == '\t')
			s++;
		if (!*s)
			break;
		for (; *s && (q || (*s != ' ' && *s != '\t')); s++) {
			have = 1;
			if (q && *s == q)
				q = 0;
			else if (!q && (*s == '"' || *s == '\''))
				q = *s;
			else if (*s == '\\' && s[1] && q != '\'')
				w[k++] = *++s;
			else
				w[k++] = *s;
		}
		if (q) {
			for (int i = 0; i < n; i++)
				free(v[i]);
			free(v);
			free(w);
			return -1;
		}
		if (have) {
			w[k] = 0;
			v = xrealloc(v, (size_t)(n + 2) * sizeof(*v));
			v[n++] = xstrdup(w);
			v[n] = NULL;
		}
	}
	free(w);
	*out = v;
	return n;
}

/* "--opt VALUE" or "--opt=VALUE": 1 with *val set when word is opt. */
static int flag_value(char **w, int n, int *i, const char *opt, const char **val)
{
	size_t l = strlen(opt);

	if (strncmp(w[*i], opt, l))
		return 0;
	if (w[*i][l] == '=') {
		*val = w[*i] + l + 1;
		return 1;
	}
	if (w[*i][l])
		return 0;
	*val = *i + 1 < n ? w[++*i] : NULL;
	return 1;
}

static int set_once(char **slot, const char *opt, const char *val, struct tug_err *err)
{
	if (!val || !*val)
		return tug_errf(err, TUG_E_INVALID, "%s needs a value", opt);
	free(*slot);
	*slot = xstrdup(val);
	return 0;
}

int create_spec_parse(enum tug_kind kind, const char *line, struct create_spec *s, struct tug_err *err)
{
	const char *what = kind == TUG_NETWORK ? "network" : "volume";
	char **w = NULL;
	int n = split(line, &w), rc = 0;
	const char *val;

	memset(s, 0, sizeof(*s));
	s->kind = kind;
	if (n < 0)
		return tug_errf(err, TUG_E_INVALID, "%s create: a quote is not closed", what);
	for (int i = 0; i < n && rc == 0; i++) {
		if (flag_value(w, n, &i, "--label", &val) || flag_value(w, n, &i, "-l", &val)) {
			if (!val || !*val) {
				rc = tug_errf(err, TUG_E_INVALID, "%s create: --label needs KEY=VALUE", what);
				break;
			}
			s->labels = xrealloc(s->labels, (s->nlabels + 2) * sizeof(char *));
			s->labels[s->nlabels++] = xstrdup(val);
			s->labels[s->nlabels] = NULL;
		} else if (flag_value(w, n, &i, "--driver", &val) || flag_value(w, n, &i, "-d", &val)) {
			rc = set_once(&s->driver, "--driver", val, err);
		} else if (kind == TUG_NETWORK && flag_value(w, n, &i, "--subnet", &val)) {
			rc = set_once(&s->subnet, "--subnet", val, err);
		} else if (kind == TUG_NETWORK && flag_value(w, n, &i, "--gateway", &val)) {
			rc = set_once(&s->gateway, "--gateway", val, err);
		} else if (kind == TUG_NETWORK && !strcmp(w[i], "--internal")) {
			s->internal = 1;
		} else if (w[i][0] == '-') {
			rc = tug_errf(err, TUG_E_INVALID, "%s create: unknown option '%s' (it takes %s)", what, w[i],
				      create_spec_usage(kind));
		} else if (s->name) {
			rc = tug_errf(err, TUG_E_INVALID, "%s create: one name only ('%s' and '%s'); options start with --",
				      what, s->name, w[i]);
		} else {
			s->name = xstrdup(w[i]);
		}
	}
	if (rc == 0 && kind == TUG_NETWORK && !s->name)
		rc = tug_errf(err, TUG_E_INVALID, "network create: a name is required (%s)", create_spec_usage(kind));
	for (int i = 0; i < n; i++)
		free(w[i]);
	free(w);
	if (rc < 0)
		create_spec_free(s);
	return rc;
}

void create_spec_free(struct create_spec *s)
{
	if (!s)
		return;
	free(s->name);
	free(s->driver);
	free(s->subnet);
	free(s->gateway);
	for (size_t i = 0; i < s->nlabels; i++)
		free(s->labels[i]);
	free(s->labels);
	memset(s, 0, sizeof(*s));
}
