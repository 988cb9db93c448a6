/* yamlfile.c - libyaml documents with file:line errors. */
#include "yamlfile.h"
#include "util/fs.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

int yfile_load_string(struct yfile *y, const char *name, const char *text, size_t len,
		      struct tug_err *err)
{
	yaml_parser_t p;

	memset(y, 0, sizeof(*y));
	snprintf(y->name, sizeof(y->name), "%s", name);
	if (!yaml_parser_initialize(&p))
		return tug_errf(err, TUG_E_GENERIC, "%s: cannot start the YAML parser", name);
	yaml_parser_set_input_string(&p, (const unsigned char *)text, len);
	if (!yaml_parser_load(&p, &y->doc)) {
		int line = (int)(p.problem_mark.line + 1);
		tug_errf(err, TUG_E_INVALID, "%s:%d: %s%s%s", name, line,
			 p.problem ? p.problem : "syntax error",
			 p.context ? " " : "", p.context ? p.context : "");
		yaml_parser_delete(&p);
		return -1;
	}
	yaml_parser_delete(&p);
	y->loaded = 1;
	return 0;
}

int yfile_load(struct yfile *y, const char *path, struct tug_err *err)
{
	char *text = NULL;
	size_t len = 0;
	int rc;

	if (fs_read_all(path, &text, &len, err) < 0)
		return -1;
	rc = yfile_load_string(y, path, text, len, err);
	free(text);
	return rc;
}

void yfile_release(struct yfile *y)
{
	if (y->loaded)
		yaml_document_delete(&y->doc);
	y->loaded = 0;
}

yaml_node_t *yfile_root(struct yfile *y)
{
	return y->loaded ? yaml_document_get_root_node(&y->doc) : NULL;
}

yaml_node_t *yfile_node(struct yfile *y, int index)
{
	return yaml_document_get_node(&y->doc, index);
}

int yfile_line(const yaml_node_t *n)
{
	return n ? (int)n->start_mark.line + 1 : 0;
}

const char *yfile_scalar(const yaml_node_t *n)
{
	return n && n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : NULL;
}

int yfile_errf(struct yfile *y, const yaml_node_t *n, struct tug_err *err, const char *fmt, ...)
{
	char msg[768];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return tug_errf(err, TUG_E_INVALID, "%s:%d: %s", y->name, yfile_line(n), msg);
}

int yfile_bool(const char *s)
{
	static const char *const yes[] = { "true", "yes", "on", "1" };
	static const char *const no[] = { "false", "no", "off", "0" };

	if (!s)
		return -1;
	for (size_t i = 0; i < 4; i++) {
		if (!strcasecmp(s, yes[i]))
			return 1;
		if (!strcasecmp(s, no[i]))
			return 0;
	}
	return -1;
}
