/* cli-ctr.h - container commands used from more than one file (the
 * `container` group, `image inspect`). */
#ifndef TUG_CLI_CTR_H
#define TUG_CLI_CTR_H

#include "cli.h"

/* Inspect each ref as the first of kinds that has it; prints a JSON array
 * (or one template line per object) and one error line per missing ref.
 * Returns the exit status: 0, or 1 when any ref failed. */
int cli_inspect_kinds(struct cli *c, const char *cmd, const enum tug_kind *kinds, size_t nk,
		      const char *format, char **refs);

/* `container inspect`: containers only. */
int cmd_container_inspect(struct cli *c, int argc, char **argv);
/* `container prune [-f]`: remove every stopped container. */
int cmd_container_prune(struct cli *c, int argc, char **argv);

#endif
