/* build.h - internals of `tug build` shared by the build-*.c files: the
 * Dockerfile parser, variable substitution, .dockerignore matching, the
 * build context, the filesystem steps (COPY/ADD/WORKDIR) and RUN, turning
 * an overlay upper directory into a layer, and the build cache.
 *
 * The pure parts (parse, expand, ignore) do no I/O and are unit tested on
 * their own; build.c drives them over the stages of a Dockerfile.
 */
#ifndef TUG_BUILD_H
#define TUG_BUILD_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/types.h>
#include "backend.h"
#include "runtime/rt.h"
#include "util/digest.h"
#include "util/err.h"

/* ---- build-parse.c: the Dockerfile ---- */

struct df_flag {
	char *name;            /* "from" for --from=x */
	char *value;           /* "x"; NULL for a bare --flag */
};

/* A heredoc attached to an instruction (RUN <<EOF, COPY <<EOF /dst). */
struct df_heredoc {
	char *name;            /* the delimiter word, "EOF" */
	char *content;         /* the lines up to the delimiter, each ending in \n */
	int expand;            /* delimiter unquoted: $VAR expanded (COPY) */
	int chomp;             /* <<-EOF: leading tabs removed */
};

struct df_instr {
	int line;              /* 1-based line of the keyword */
	char *keyword;         /* as written: "RUN", "copy" */
	char *cmd;             /* lowercase: "run" */
	char *text;            /* everything after the keyword, continuation lines
				  joined, trimmed: what history and messages show */
	struct df_flag *flags; /* leading --name[=value] (FROM RUN COPY ADD HEALTHCHECK) */
	size_t nflags;
	char *rest;            /* the arguments after the flags, trimmed */
	char **json;           /* exec form: the JSON array's strings, NULL-terminated;
				  NULL for the shell form */
	struct df_heredoc *heredocs;
	size_t nheredocs;
};

struct dockerfile {
	char *name;            /* for messages: "Dockerfile" */
	char escape;           /* '\\' or '`' (the escape directive) */
	struct df_instr *ins;
	size_t n;
};

/* Parse a Dockerfile: parser directives (escape, syntax and check are
 * known; syntax and check are accepted and ignored), comments, line
 * continuations, exec/shell forms, flags and heredocs. Errors name the
 * line: "Dockerfile:7: unknown instruction: RUNN". */
int df_parse(const char *name, const char *text, size_t len, struct dockerfile *out,
	     struct tug_err *err);
void df_release(struct dockerfile *df);
/* Parse one instruction line (an ONBUILD trigger); line is for messages. */
int df_parse_one(const char *name, int line, char escape, const char *text,
		 struct df_instr *out, struct tug_err *err);
void df_instr_release(struct df_instr *in);
/* The value of flag `name` (NULL when absent; "" for a bare flag). */
const char *df_flag(const struct df_instr *in, const char *name);
/* Split raw text into words on unquoted whitespace, keeping quotes and
 * escapes in the words (ENV/LABEL name=value pairs). */
char **df_split_raw(const char *s, char escape);
void df_strv_free(char **v);

/* ---- build-expand.c: ${VAR} substitution ---- */

/* The value of a variable, NULL when unset. */
typedef const char *(*bx_lookup_fn)(void *ctx, const char *name);

struct bx {
	char escape;
	bx_lookup_fn lookup;
	void *ctx;
};

/* Expand $VAR, ${VAR}, ${VAR:-w}, ${VAR-w}, ${VAR:+w}, ${VAR+w},
 * ${VAR:?msg}, ${VAR?msg}; remove quotes ('..' literal, "..." expanding)
 * and escapes, as the Dockerfile frontend's ProcessWord does. *out is
 * malloc'd. Fails on an unterminated quote or ${, a bad modifier, or a
 * ${VAR?msg} whose variable is unset. */
int bx_word(const struct bx *x, const char *in, char **out, struct tug_err *err);
/* The same over whitespace-separated words (quotes keep a word together);
 * *out is a NULL-terminated malloc'd array. */
int bx_words(const struct bx *x, const char *in, char ***out, struct tug_err *err);

/* A heredoc body: $VAR and ${VAR...} expanded, quotes left as text. */
int bx_heredoc(const struct bx *x, const char *in, char **out, struct tug_err *err);

/* ---- build-ignore.c: .dockerignore ---- */

struct ignore_pat {
	char *pat;             /* cleaned, no leading '/' */
	int neg;               /* "!pattern": re-include */
};

struct ignore {
	struct ignore_pat *v;
	size_t n;
	int has_neg;
};

/* Parse .dockerignore text: one pattern a line, '#' comments, blank
 * lines, '!' exceptions; patterns cleaned as paths. Fails on a malformed
 * character class. */
int ignore_parse(const char *text, size_t len, struct ignore *out, struct tug_err *err);
/* Add one pattern (COPY --exclude). */
int ignore_add(struct ignore *ig, const char *pattern, struct tug_err *err);
/* Is the context-relative path (cleaned, no leading "./") excluded? A
 * pattern matches a path or any of its parent directories; the last
 * matching pattern decides; '*' and '?' stop at '/', '**' crosses it. */
int ignore_match(const struct ignore *ig, const char *path);
/* Could a path under directory `dir` be re-included by an exception? */
int ignore_may_include_under(const struct ignore *ig, const char *dir);
void ignore_release(struct ignore *ig);
/* One glob, as .dockerignore and COPY sources use it. */
int ignore_glob(const char *pattern, const char *path);

/* ---- build-context.c: source trees (the context, a stage, an image) ---- */

/* A tree COPY reads from: a directory opened O_PATH, every path resolved
 * inside it (symlinks cannot leave it), minus what `ig` excludes. */
struct bsrc {
	int fd;                     /* O_PATH|O_DIRECTORY root */
	const struct ignore *ig;    /* NULL = nothing excluded */
	int keep_owner;             /* copies keep uid/gid (stages, images, ADD tars) */
};

/* The entry names of the open directory dir (no "." and ".."), sorted,
 * NULL-terminated (free with df_strv_free); NULL with errno set when it
 * cannot be read. */
char **bfs_names(int dir);
/* openat2(RESOLVE_IN_ROOT) of a path inside root. -1 with errno. */
int bfs_open_in(int root, const char *path, int flags, mode_t mode);
/* Clean a source path relative to the root ("/a/./b/" -> "a/b", "" for
 * the root itself); fails on ".." above the root. */
int bsrc_clean(const char *in, char *out, size_t size, struct tug_err *err);
/* The paths a COPY source names: the path itself, or every match of its
 * glob ('*', '?', '[..]' per component), excluded paths left out; sorted.
 * Fails when nothing matches. */
int bsrc_expand(const struct bsrc *s, const char *pattern, char ***out, size_t *n,
		struct tug_err *err);
/* Visit each entry of the open source directory dir (rel: its path in
 * the tree) that the exclusions keep, in name order: fd is the entry open
 * O_RDONLY for files and directories, -1 otherwise; rel its path. The
 * first failure stops the walk. */
typedef int (*bsrc_visit_fn)(void *ctx, int fd, int dir, const char *name, const struct stat *st,
			     const char *rel);
int bsrc_children(const struct bsrc *s, int dir, const char *rel, bsrc_visit_fn fn, void *ctx,
		  struct tug_err *err);
/* Feed the content of path (and, for a directory, everything under it
 * that is not excluded) into d: names, types, permission bits, sizes,
 * file contents and link targets. That is COPY's cache key. */
int bsrc_hash(const struct bsrc *s, const char *path, struct digest_ctx *d, struct tug_err *err);

/* ---- build-copy.c: filesystem steps inside an overlay ---- */

/* The filesystem of a step: lower layer directories (base first) under
 * an upper directory that collects the changes. */
struct bfs_view {
	const char *root;       /* rt->root: lower paths under it are made relative */
	const char **lower;     /* absolute diff dirs, base first */
	size_t nlower;
	const char *upper, *work, *merged;
};

/* Where a COPY source is read: a host directory used as it is (the
 * context, an unpacked ADD archive, a heredoc), or layers mounted
 * read-only (COPY --from a stage or an image). */
struct bfs_srcview {
	const char **lower;     /* base first; 0 = empty tree */
	size_t nlower;
	const char *mnt;        /* an empty directory to mount on */
	const char *plain;      /* or: a host directory used as it is (context, ADD tar) */
	const struct ignore *ig;
	int keep_owner;
	int literal;            /* the path is a name, not a glob */
};

struct bcopy {
	struct bfs_srcview *src;    /* one per source */
	char **paths;               /* source path (or glob) per source */
	size_t n;
	const char *dest;           /* absolute, trailing '/' kept */
	const char *chown;          /* "user[:group]" or NULL */
	int chmod;                  /* -1 = keep */
	int is_add;                 /* messages say ADD */
	const char *mkdir;          /* WORKDIR: only create this directory */
};

/* Run a COPY/ADD/WORKDIR in a child with a private mount namespace: the
 * view's overlay is mounted on view->merged, sources are mounted, the
 * files are copied (docker's rules for directories, trailing slashes,
 * owners, modes and times). The changes land in view->upper. */
int bfs_copy(const struct bfs_view *view, const struct bcopy *c, struct tug_err *err);

/* ---- build-diff.c: an upper directory as an OCI layer tar ---- */

/* Write the overlay upper directory `upper` to fd as a tar in OCI layer
 * form: overlay whiteouts (0/0 character devices) become ".wh.NAME",
 * opaque directories (trusted.overlay.opaque=y) get ".wh..wh..opq",
 * other trusted.overlay.* attributes are dropped, hard links kept.
 * *entries = how many entries it wrote (0: the step changed nothing). */
int build_diff_tar(const char *upper, int fd, long *entries, struct tug_err *err);

/* ---- build-run.c: RUN in a container of the runtime ---- */

struct brun {
	char **argv;            /* the command (shell already prepended) */
	char **env;             /* KEY=VALUE: image env + build args */
	const char *user, *workdir;
	const char **lower;     /* the stage's layer dirs, base first */
	size_t nlower;
	const char *network;    /* "none" or "host" */
	int out_fd;             /* output; -1 = discarded */
	volatile int *cancel;
	const char *scratch;    /* a private directory for the init layer */
	const char *script;     /* a heredoc with a #! line: run as the file */
	const char *script_name;/* /.tug-heredoc/NAME, the path argv names */
};

/* Create a container over the layers (ctr_id receives its id) and run
 * argv attached until it exits: *code = its exit status. The container
 * stays, with its changes in its upper directory, until brun_finish. */
int brun_start(struct rt *rt, const struct brun *r, char *ctr_id, int *code,
	       struct tug_err *err);
/* The container's upper directory. */
char *brun_upper(const struct rt *rt, const char *ctr_id, char *buf, size_t size);
/* Remove the build container. */
void brun_finish(struct rt *rt, const char *ctr_id);
/* Remove step containers left by builds that died (killed mid-RUN). */
void brun_sweep(struct rt *rt);

/* ---- build-cache.c ---- */

/* A layer of an image being built, and what a cache entry remembers. */
struct blayer {
	char chain[DIGEST_STR_LEN + 1];
	char diff_id[DIGEST_STR_LEN + 1];
	char blob[DIGEST_STR_LEN + 1];
	int64_t blob_size;
	char media_type[96];
};

/* Cache entries: root/cache/build/<key-hex>.json, one per step, holding
 * the step's result: when it was made and its layer (none for steps that
 * only change the config). */
struct bcache_entry {
	char created[64];       /* RFC 3339 */
	int has_layer;
	struct blayer layer;
};

/* Look key up: 1 = hit (the entry's layer is still in the store), 0 = miss. */
int bcache_get(const struct rt *rt, const char *key, struct bcache_entry *e);
int bcache_put(const struct rt *rt, const char *key, const struct bcache_entry *e,
	       struct tug_err *err);
/* Call pin(ctx, chain, blob) for every layer the cache refers to, so that
 * image garbage collection keeps them. */
void build_cache_pins(const struct rt *rt, void (*pin)(void *ctx, const char *chain,
						       const char *blob), void *ctx);
/* Drop every cache entry; *n = how many. */
int build_cache_clear(const struct rt *rt, long *n, struct tug_err *err);

/* ---- the driver: build.c, build-args.c, build-config.c, build-steps.c ---- */

/* A variable of the build: an ARG with its value (NULL: declared, unset). */
struct bvar {
	char *name;
	char *value;
};

struct bvars {
	struct bvar *v;
	size_t n;
};

/* A stage: its instructions and, once built, its image. */
struct bstage {
	char *name;                 /* "AS name", lowercased; NULL */
	size_t first, end;          /* its instructions [first, end): FROM first */
	int needed;                 /* the target depends on it */
	int built;
	json_t *cfg;                /* the OCI image config as built so far */
	struct blayer *layers;
	size_t nlayers;
	char key[DIGEST_STR_LEN + 1];   /* cache key of its last step */
};

struct build {
	struct rt *rt;
	const struct tug_build_opts *o;
	struct dockerfile df;
	struct bstage *stages;
	size_t nstages;
	struct bvars meta;          /* ARGs before the first FROM */
	struct bvars bargs;         /* --build-arg */
	char **used;                /* build args something consumed */
	size_t nused;
	int ctx_fd;                 /* the context's root (O_PATH), -1 = none */
	char ctx_dir[PATH_MAX];     /* and its path */
	struct ignore ig;           /* its .dockerignore */
	char work[PATH_MAX];        /* scratch directory of this build */
	unsigned seq;
	int step, nsteps;
};

/* The state of the stage being built, as the instructions change it. */
struct sctx {
	struct build *b;
	struct bstage *st;
	size_t index;               /* of st */
	struct bvars args;          /* ARGs declared in this stage */
	int cmd_set;                /* CMD given in this stage: ENTRYPOINT keeps it */
	const struct df_instr *in;  /* the instruction being run */
};

/* ---- build-args.c ---- */

/* docker's predefined ARGs (HTTP_PROXY...), NULL-terminated. */
extern const char *const build_proxy_args[];
void bvars_release(struct bvars *v);
/* BUILDPLATFORM, TARGETARCH...: this build makes images for the host. */
void build_platform_args(struct bvars *v);
/* The value of NAME in a config's Env, NULL when absent. */
const char *build_env_get(json_t *cc, const char *name);
/* The global ARGs' lookup (FROM lines); ctx is the struct build. */
const char *build_meta_lookup(void *ctx, const char *name);
/* Declare one "name[=default]" word into `into`: the --build-arg value,
 * else the default, else (in a stage) the global ARG or platform ARG. */
int build_declare_arg(struct build *b, struct bvars *into, const struct bx *x, const char *word,
		      int global, struct tug_err *err);
/* --build-arg KEY=VALUE / KEY (from the environment) into b->bargs. */
int build_parse_args(struct build *b, struct tug_err *err);
/* "[Warning] one or more build-args [..] were not consumed". */
void build_warn_unused(struct build *b);

/* ---- build.c ---- */

/* Progress line (printf-style) through the build's callback. */
void build_say(struct build *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A fresh scratch path under the build's work directory. */
char *build_tmp(struct build *b, char *buf, size_t size);
/* The value of a variable for substitution in the stage: ENV first, then
 * the stage's ARGs. */
const char *build_lookup(void *sctx, const char *name);
/* bx for the stage's variables. */
void build_bx(struct sctx *s, struct bx *x);
/* Absolute paths of the stage's layer directories, base first (free
 * the array and its strings with df_strv_free). */
char **build_layer_dirs(struct build *b, const struct bstage *st);
/* Record a step: look its key up (1 = cached: e filled), or 0. */
int build_step_cached(struct sctx *s, const char *repr, char *key, struct bcache_entry *e);
/* Finish a step: history entry, layer (e->has_layer), cache entry when it
 * was not a hit, the stage's key. */
int build_step_done(struct sctx *s, const char *key, struct bcache_entry *e, int hit,
		    const char *created_by, struct tug_err *err);
/* Turn a step's upper directory into a layer on top of the stage: fills
 * e (has_layer 0 when the step changed nothing). */
int build_commit_upper(struct sctx *s, const char *upper, const char *key,
		       struct bcache_entry *e, struct tug_err *err);
/* FROM and COPY --from images: rt_image_get, pulling a missing image
 * when the registry client is there; else the error says to pull it. */
struct rt_image;
int build_image_get(struct build *b, const char *ref, struct rt_image *img, struct tug_err *err);
/* Mark a build argument as consumed. */
void build_use_arg(struct build *b, const char *name);
/* The --build-arg value of name, NULL when not given. */
const char *build_arg(struct build *b, const char *name);
/* Resolve --from / FROM names: a stage index (< limit) or -1. */
int build_find_stage(struct build *b, const char *name, size_t limit);

/* ARG in a stage: declare each name[=default] of rest. */
int build_declare_args(struct sctx *s, const char *rest, struct tug_err *err);

/* Helpers of the instruction files. */
json_t *build_cconf(struct sctx *s);                 /* the config's "config", made if absent */
char *build_created_by(const struct df_instr *in);   /* "ENV a=b": history's created_by */
json_t *build_strv_json(char *const *v);             /* NULL-terminated strings as a JSON array */
char *build_json_text(json_t *j);                    /* compact JSON text, malloc'd */
json_t *build_shell(struct sctx *s);                 /* the stage's SHELL, or ["/bin/sh","-c"] */
/* The arguments as words: the exec form's strings, or the shell form
 * split and substituted. */
int build_words(struct sctx *s, char ***out, struct tug_err *err);
/* A config-only instruction (build-config.c). */
int build_config_step(struct sctx *s, struct tug_err *err);

/* Run one instruction of a stage (build-steps.c). */
int build_dispatch(struct sctx *s, struct tug_err *err);

#endif
