/* term.c - the console's terminal: curses setup and teardown, windows
 * for the current size, suspending for a shell, signals through a
 * self-pipe, and crash handlers that give the terminal back. */
#include "console.h"
#include "util/fs.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

static int sig_wfd = -1;
static volatile sig_atomic_t curses_on;
static int saved_stderr = -1;
static SCREEN *screen;

static void on_signal(int sig)
{
	int saved = errno;
	unsigned char b = (unsigned char)sig;

	if (sig_wfd >= 0 && write(sig_wfd, &b, 1) < 0) {
		/* a full pipe already holds a wake-up */
	}
	errno = saved;
}

int term_signals(struct console *c)
{
	static const int sigs[] = { SIGWINCH, SIGCHLD, SIGTERM, SIGINT, SIGHUP };
	struct sigaction sa;

	if (pipe2(c->sigpipe, O_CLOEXEC | O_NONBLOCK) < 0)
		return -1;
	sig_wfd = c->sigpipe[1];
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
		/* SA_RESTART: the worker's backend calls must not see EINTR */
		sa.sa_flags = SA_RESTART | (sigs[i] == SIGCHLD ? SA_NOCLDSTOP : 0);
		sigaction(sigs[i], &sa, NULL);
	}
	return 0;
}

void term_signals_stop(struct console *c)
{
	static const int sigs[] = { SIGWINCH, SIGCHLD, SIGTERM, SIGINT, SIGHUP };

	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		signal(sigs[i], SIG_DFL);
	sig_wfd = -1;
	close(c->sigpipe[0]);
	close(c->sigpipe[1]);
}

static void on_crash(int sig)
{
	static const char msg[] = "\ntug: the console crashed; the terminal was restored\n";

	if (curses_on) {
		curses_on = 0;
		endwin();
	}
	if (saved_stderr >= 0)
		dup2(saved_stderr, 2);
	if (write(2, msg, sizeof(msg) - 1) < 0) {
		/* nothing left to tell */
	}
	signal(sig, SIG_DFL);
	raise(sig);
}

void term_crash_handlers(void)
{
	static const int sigs[] = { SIGSEGV, SIGABRT, SIGBUS, SIGFPE, SIGILL };
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_crash;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_RESETHAND | SA_NODEFER;
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigaction(sigs[i], &sa, NULL);
}

/* Anything written to stderr while curses owns the screen would tear
 * it: send it to a file, which the loop shows on the status line. A file
 * rather than a pipe because processes the runtime starts inherit fd 2
 * and outlive the console. */
static void redirect_stderr(struct console *c)
{
	const char *base = getenv("XDG_STATE_HOME");
	char dir[512];
	int fd;

	if (base && *base)
		snprintf(dir, sizeof(dir), "%s/tug", base);
	else if ((base = getenv("HOME")) && *base)
		snprintf(dir, sizeof(dir), "%s/.local/state/tug", base);
	else
		snprintf(dir, sizeof(dir), "/tmp");
	snprintf(c->errlog_path, sizeof(c->errlog_path), "%s/console.log", dir);
	{
		struct tug_err e = { 0 };
		if (fs_mkdir_p(dir, 0700, &e) < 0)
			snprintf(c->errlog_path, sizeof(c->errlog_path), "/tmp/tug-console-%u.log",
				 (unsigned)getuid());
	}
	fd = open(c->errlog_path, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0600);
	if (fd < 0)
		fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	fflush(stderr);
	saved_stderr = fcntl(2, F_DUPFD_CLOEXEC, 10);
	dup2(fd, 2);
	close(fd);
	c->errlog_fd = open(c->errlog_path, O_RDONLY | O_CLOEXEC);
	c->errlog_off = 0;
}

static void restore_stderr(void)
{
	if (saved_stderr >= 0) {
		fflush(stderr);
		dup2(saved_stderr, 2);
	}
}

int term_start(struct console *c, struct tug_err *err)
{
	const char *term = getenv("TERM");

	if (!isatty(0) || !isatty(1))
		return tug_errf(err, TUG_E_INVALID, "the console needs a terminal; use the CLI "
				"(tug ps, tug images...) in scripts");
	/* In a UTF-8 locale draw lines as Unicode, not through the terminal's
	 * alternate character set: its SO/SI switching is what multiplexers
	 * and some SSH clients garble. */
	if (ui_glyphs.utf8)
		setenv("NCURSES_NO_UTF8_ACS", "1", 0);
	screen = newterm(term && *term ? term : "vt100", stdout, stdin);
	if (!screen)
		return tug_errf(err, TUG_E_INVALID, "terminal type '%s' is unknown to terminfo; "
				"try TERM=xterm-256color", term ? term : "");
	curses_on = 1;
	redirect_stderr(c);
	cbreak();
	noecho();
	nonl();
	intrflush(stdscr, FALSE);
	set_escdelay(25);
	curs_set(0);
	/* COLORS is known only once colour has started */
	{
		const char *nc = getenv("NO_COLOR");
		if (!(nc && *nc) && has_colors())
			start_color();
	}
	c->cmode = theme_color_mode();
	theme_apply(&c->theme, c->cmode);
	if (c->cfg.mouse) {
		mousemask(BUTTON1_PRESSED | BUTTON1_CLICKED | BUTTON4_PRESSED | BUTTON5_PRESSED, NULL);
		mouseinterval(0);
	}
	c->keys = newpad(1, 1);
	keypad(c->keys, TRUE);
	nodelay(c->keys, TRUE);
	term_layout(c);
	return 0;
}

static void delwin_safe(WINDOW **w)
{
	if (*w)
		delwin(*w);
	*w = NULL;
}

void term_layout(struct console *c)
{
	struct winsize ws;
	chtype bg;

	if (ioctl(1, TIOCGWINSZ, &ws) == 0 && ws.ws_row && ws.ws_col &&
	    (ws.ws_row != LINES || ws.ws_col != COLS))
		resizeterm(ws.ws_row, ws.ws_col);
	c->rows = LINES;
	c->cols = COLS;
	delwin_safe(&c->hdr);
	delwin_safe(&c->tabs);
	delwin_safe(&c->main);
	delwin_safe(&c->status);
	c->too_small = c->rows < 10 || c->cols < 40;
	bg = (chtype)(' ' | theme_role_attr(ROLE_NORMAL) | COLOR_PAIR(theme_role_pair(ROLE_NORMAL)));
	wbkgdset(stdscr, bg);
	werase(stdscr);
	wnoutrefresh(stdscr);
	if (c->too_small) {
		c->main = newwin(c->rows, c->cols, 0, 0);
		wbkgdset(c->main, bg);
		leaveok(c->main, TRUE);
		c->dirty = D_MAIN;
		return;
	}
	c->hdr = newwin(1, c->cols, 0, 0);
	c->tabs = newwin(1, c->cols, 1, 0);
	c->main = newwin(c->rows - 3, c->cols, 2, 0);
	c->status = newwin(1, c->cols, c->rows - 1, 0);
	WINDOW *all[] = { c->hdr, c->tabs, c->main, c->status };
	for (size_t i = 0; i < 4; i++) {
		wbkgdset(all[i], bg);
		leaveok(all[i], TRUE);
	}
	leaveok(c->status, FALSE);
	clearok(curscr, TRUE);
	c->dirty = D_ALL;
}

void term_stop(struct console *c)
{
	if (!curses_on)
		return;
	delwin_safe(&c->hdr);
	delwin_safe(&c->tabs);
	delwin_safe(&c->main);
	delwin_safe(&c->status);
	if (c->keys)
		delwin(c->keys);
	c->keys = NULL;
	curs_set(1);
	endwin();
	curses_on = 0;
	delscreen(screen);
	screen = NULL;
	restore_stderr();
	if (c->errlog_fd > 0)
		close(c->errlog_fd);
	c->errlog_fd = -1;
}

void term_suspend(struct console *c)
{
	(void)c;
	def_prog_mode();
	endwin();
	curses_on = 0;
	restore_stderr();
}

void term_resume(struct console *c)
{
	int fd = open(c->errlog_path, O_WRONLY | O_APPEND | O_CLOEXEC);

	if (fd >= 0) {
		dup2(fd, 2);
		close(fd);
	}
	reset_prog_mode();
	curses_on = 1;
	clearok(curscr, TRUE);
	term_layout(c);
}
