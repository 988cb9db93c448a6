/* image-import.c - `tug import`: a rootfs tar (plain, gzip, zstd, bzip2,
 * xz; file or pipe) becomes a one-layer image, with the config docker
 * import writes: no Cmd, no Env (the runtime supplies the default PATH at
 * start, as docker does), one history entry "Imported from -". */
#include "runtime/image-store.h"
#include "runtime/imageref.h"
#include "runtime/ops.h"
#include "util/json.h"
#include "util/str.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>

void img_host_platform(const char **arch, const char **variant)
{
	static const struct { const char *uname, *arch, *variant; } map[] = {
		{ "x86_64", "amd64", NULL },   { "aarch64", "arm64", NULL },
		{ "armv7l", "arm", "v7" },     { "armv6l", "arm", "v6" },
		{ "i686", "386", NULL },       { "i386", "386", NULL },
		{ "ppc64le", "ppc64le", NULL }, { "s390x", "s390x", NULL },
		{ "riscv64", "riscv64", NULL }, { "mips64", "mips64", NULL },
		{ "loongarch64", "loong64", NULL },
	};
	static struct utsname u;

	*variant = NULL;
	if (uname(&u) < 0) {
		*arch = "amd64";
		return;
	}
	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (!strcmp(u.machine, map[i].uname)) {
			*arch = map[i].arch;
			*variant = map[i].variant;
			return;
		}
	*arch = u.machine;
}

static char *import_config(const char *diff_id)
{
	const char *arch, *variant;
	char created[64];
	json_t *c = json_object(), *rootfs = json_object(), *ids = json_array();
	json_t *hist = json_array(), *h = json_object();
	char *s;

	img_host_platform(&arch, &variant);
	fmt_rfc3339(created, sizeof(created), now_ns());
	jset_str(c, "architecture", arch);
	if (variant)
		jset_str(c, "variant", variant);
	jset_str(c, "os", "linux");
	jset_str(c, "created", created);
	jset_str(c, "comment", "Imported from -");
	json_object_set_new(c, "config", json_object());
	jset_str(h, "created", created);
	jset_str(h, "comment", "Imported from -");
	json_array_append_new(hist, h);
	json_object_set_new(c, "history", hist);
	json_array_append_new(ids, json_string(diff_id));
	jset_str(rootfs, "type", "layers");
	json_object_set_new(rootfs, "diff_ids", ids);
	json_object_set_new(c, "rootfs", rootfs);
	/* docker writes image configs with sorted keys */
	s = json_dumps(c, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(c);
	return s;
}

int rt_img_import(struct rt *rt, int fd, const char *ref, char *id_out, struct tug_err *err)
{
	char key[2 * IMAGE_REF_MAX + 80], chain[DIGEST_STR_LEN + 1], diff_id[DIGEST_STR_LEN + 1];
	char *keys[1] = { key };
	struct img_stage *s = NULL;
	struct img_blob blob;
	struct image_ref r;
	char *config = NULL;
	int rc = -1;

	if (ref && *ref) {
		if (image_ref_parse(ref, &r, err) < 0)
			return tug_err_wrap(err, "import");
		if (r.digest[0])
			return tug_errf(err, TUG_E_INVALID,
					"import: refusing to create a tag with a digest reference (%s)", ref);
		image_ref_key(&r, key, sizeof(key));
	}
	if (img_stage_new(rt, &s, err) < 0)
		return tug_err_wrap(err, "import");
	if (img_stage_layer(s, fd, NULL, NULL, NULL, chain, &blob, diff_id, err) < 0) {
		tug_err_wrap(err, "import");
		goto out;
	}
	config = import_config(diff_id);
	if (img_stage_image(s, config, strlen(config), NULL, 0, &blob, 1, keys,
			    ref && *ref ? 1 : 0, id_out, err) < 0 ||
	    img_stage_publish(s, NULL, NULL, err) < 0) {
		tug_err_wrap(err, "import");
		goto out;
	}
	rc = 0;
out:
	free(config);
	img_stage_free(s);
	return rc;
}
