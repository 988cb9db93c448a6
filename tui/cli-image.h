/* cli-image.h - what the image command files (cli-image.c, cli-images.c)
 * share. */
#ifndef TUG_CLI_IMAGE_H
#define TUG_CLI_IMAGE_H

#include "cli.h"

/* `tug image ls|list`: `tug images` under its group name. */
int cli_image_ls(struct cli *c, int argc, char **argv);

#endif
