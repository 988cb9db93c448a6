/* pager.c - full-screen logs (the log pane's stream, bigger) and the
 * inspect view (the object as indented JSON, or YAML for cluster objects
 * as kubectl shows them, coloured), both scrollable and searchable. */
#include "console.h"

#include <stdio.h>
#include <string.h>

static int want_top;

void pager_json_colorize(const char *s, size_t n, unsigned char *roles)
{
	size_t i = 0;

	while (i < n) {
		if (s[i] == '"') {
			size_t j = i + 1;
			while (j < n && s[j] != '"') {
				if (s[j] == '\\' && j + 1 < n)
					j++;
				j++;
			}
			if (j < n)
				j++;
			/* a string followed by ':' is a key */
			size_t k = j;
			while (k < n && s[k] == ' ')
				k++;
			memset(roles + i, k < n && s[k] == ':' ? ROLE_JSON_KEY : ROLE_JSON_STRING, j - i);
			i = j;
		} else if ((s[i] >= '0' && s[i] <= '9') || (s[i] == '-' && i + 1 < n && s[i + 1] >= '0' && s[i + 1] <= '9')) {
			size_t j = i + 1;
			while (j < n && strchr("0123456789.eE+-", s[j]))
				j++;
			memset(roles + i, ROLE_JSON_NUMBER, j - i);
			i = j;
		} else if (!strncmp(s + i, "true", 4) || !strncmp(s + i, "null", 4)) {
			memset(roles + i, ROLE_JSON_LITERAL, 4);
			i += 4;
		} else if (!strncmp(s + i, "false", 5)) {
			memset(roles + i, ROLE_JSON_LITERAL, 5);
			i += 5;
		} else {
			i++;
		}
	}
}

/* A YAML value's role: numbers, true/false/null, or text. */
static void yaml_scalar(const char *s, size_t n, unsigned char *roles)
{
	size_t i = 0;
	int num = n > 0;

	while (n && s[n - 1] == ' ')
		n--;
	if (!n)
		return;
	if ((n == 4 && (!strncmp(s, "true", 4) || !strncmp(s, "null", 4))) || (n == 5 && !strncmp(s, "false", 5))) {
		memset(roles, ROLE_JSON_LITERAL, n);
		return;
	}
	for (i = s[0] == '-' ? 1 : 0; i < n && num; i++)
		num = strchr("0123456789.eE+-", s[i]) != NULL;
	memset(roles, num ? ROLE_JSON_NUMBER : ROLE_JSON_STRING, n);
}

/* One line of block YAML: "  - key: value". */
void pager_yaml_colorize(const char *s, size_t n, unsigned char *roles)
{
	size_t i = 0, k;

	while (i < n && s[i] == ' ')
		i++;
	if (i + 1 < n && s[i] == '-' && s[i + 1] == ' ')
		i += 2;
	/* a key ends at ": " or at the end of the line after ':' */
	for (k = i; k < n; k++)
		if (s[k] == ':' && (k + 1 == n || s[k + 1] == ' '))
			break;
	if (k < n && s[i] != '"' && s[i] != '\'') {
		memset(roles + i, ROLE_JSON_KEY, k - i);
		i = k + 1;
		while (i < n && s[i] == ' ')
			i++;
	}
	if (i < n)
		yaml_scalar(s + i, n - i, roles + i);
}

static void show(struct console *c, const char *title, int logs)
{
	struct pager *p = &c->pager;

	snprintf(p->title, sizeof(p->title), "%s", title);
	p->active = 1;
	p->logs = logs;
	p->searching = 0;
	want_top = !logs; /* an object reads from its top, a log from its end */
	c->mode = MODE_PAGER;
	c->dirty |= D_MAIN | D_STATUS;
}

void pager_open_text(struct console *c, const char *title, const char *text, enum pager_syntax syntax)
{
	struct pager *p = &c->pager;
	const char *s = text;

	logview_clear(&p->text);
	p->text.follow = 0;
	p->text.wrap = 1;
	p->text.timestamps = 0;
	p->text.colorize = syntax == PAGER_JSON ? pager_json_colorize : syntax == PAGER_YAML ? pager_yaml_colorize : NULL;
	while (*s) {
		const char *nl = strchr(s, '\n');
		size_t len = nl ? (size_t)(nl - s) : strlen(s);
		logview_add(&p->text, 1, 0, s, len);
		s += len + (nl ? 1 : 0);
	}
	show(c, title, 0);
}

void pager_open_logs(struct console *c)
{
	char title[300], opts[160];

	snprintf(title, sizeof(title), "Logs: %s%s", c->ls.name ? c->ls.name : c->ls.id,
		 logopts_describe(&c->ls, opts, sizeof(opts)));
	show(c, title, 1);
}

void pager_close(struct console *c)
{
	struct pager *p = &c->pager;

	if (p->logs) {
		/* the pane underneath always shows the newest lines */
		logview_set_follow(&c->ls.lv, 1);
		c->ls.lv.hscroll = 0;
	}
	p->active = 0;
	p->searching = 0;
	c->mode = MODE_NORMAL;
	c->dirty |= D_MAIN | D_STATUS;
}

static struct logview *pager_lv(struct console *c)
{
	return c->pager.logs ? &c->ls.lv : &c->pager.text;
}

int pager_key(struct console *c, int key)
{
	struct pager *p = &c->pager;
	struct logview *lv = pager_lv(c);
	unsigned scopes = SC_GLOBAL | SC_PAGER | (p->logs ? SC_LOGS : 0);
	enum action a;
	long page = lv->last_h > 2 ? lv->last_h - 1 : 1;

	if (p->searching) {
		enum input_result r = input_key(&p->search, key);
		if (r == IN_ACCEPT) {
			p->searching = 0;
			if (p->search.buf[0] && logview_search(lv, p->search.buf, 1) < 0)
				console_status(c, ST_WARN, "'%s' not found", p->search.buf);
		} else if (r == IN_CANCEL) {
			p->searching = 0;
		}
		return 1;
	}
	a = keymap_lookup(&c->cfg.keys, scopes, key);
	switch (a) {
	case ACT_UP:
		logview_scroll(lv, 1);
		break;
	case ACT_DOWN:
		logview_scroll(lv, -1);
		break;
	case ACT_PAGE_UP:
		logview_scroll(lv, page);
		break;
	case ACT_PAGE_DOWN:
		logview_scroll(lv, -page);
		break;
	case ACT_TOP:
		logview_top(lv);
		if (p->logs)
			lv->follow = 0;
		break;
	case ACT_BOTTOM:
		logview_bottom(lv);
		if (p->logs)
			lv->follow = 1;
		break;
	case ACT_SEARCH:
		p->searching = 1;
		input_init(&p->search, "", NULL, NULL);
		break;
	case ACT_NEXT_MATCH:
	case ACT_PREV_MATCH:
		if (!lv->search)
			console_status(c, ST_INFO, "no search yet: / to search");
		else if (logview_search(lv, NULL, a == ACT_NEXT_MATCH ? 1 : -1) < 0)
			console_status(c, ST_INFO, "no more matches for '%s'", lv->search);
		break;
	case ACT_WRAP:
		lv->wrap = !lv->wrap;
		lv->hscroll = 0;
		console_status(c, ST_INFO, "wrap %s", lv->wrap ? "on" : "off");
		break;
	case ACT_LEFT:
		lv->hscroll = lv->hscroll > 8 ? lv->hscroll - 8 : 0;
		break;
	case ACT_RIGHT:
		if (!lv->wrap)
			lv->hscroll += 8;
		break;
	case ACT_FOLLOW:
		logview_set_follow(lv, !lv->follow);
		console_status(c, ST_INFO, "follow %s", lv->follow ? "on" : "off");
		break;
	case ACT_TIMESTAMPS:
		lv->timestamps = !lv->timestamps;
		console_status(c, ST_INFO, "timestamps %s", lv->timestamps ? "on" : "off");
		break;
	case ACT_CLEAR:
	case ACT_QUIT:
	case ACT_LOGS:
		return 0;
	default:
		if (keymap_lookup(&c->cfg.keys, SC_RESOURCE, key) == ACT_LOGS)
			return 0; /* l again leaves */
		break;
	}
	return 1;
}

void pager_draw(struct console *c, WINDOW *w, int h, int wd)
{
	struct pager *p = &c->pager;
	struct logview *lv = pager_lv(c);
	char info[256];

	ui_role(w, ROLE_TITLE);
	ui_fill(w, 0, 0, wd);
	ui_put(w, 0, 1, wd - 2, p->title);
	if (p->logs)
		snprintf(info, sizeof(info), "%s%s%s | %zu lines | follow %s | wrap %s%s ",
			 c->ls.pending ? "opening... " : "", c->ls.ended ? "ended " : "",
			 c->ls.err[0] ? c->ls.err : "", logview_count(lv), lv->follow ? "on" : "off",
			 lv->wrap ? "on" : "off", lv->timestamps ? " | timestamps" : "");
	else
		snprintf(info, sizeof(info), "%zu lines | wrap %s ", logview_count(lv), lv->wrap ? "on" : "off");
	ui_role(w, ROLE_MUTED);
	if (ui_width(p->title) + ui_width(info) + 4 < wd)
		ui_put_right(w, 0, 0, wd, info);
	lv->last_h = h - 1;
	if (want_top && !p->logs) {
		logview_top(lv);
		want_top = 0;
	}
	logview_draw(lv, w, 1, 0, h - 1, wd);
}
