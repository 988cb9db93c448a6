/* kubeconfig.h - where a cluster is and who we are to it: kubeconfig
 * files merged with kubectl's rules, or the in-cluster service account.
 *
 * Loading order (as kubectl):
 *   --kubeconfig FILE        only that file; it must exist
 *   $KUBECONFIG a:b:c        every existing file, merged: the first file
 *                            to define a cluster/user/context name, or
 *                            current-context, wins; missing files skipped
 *   ~/.kube/config           otherwise
 *   in-cluster               when none of those exist and
 *                            KUBERNETES_SERVICE_HOST/PORT are set: token,
 *                            CA and namespace from the service-account
 *                            dir (/var/run/secrets/kubernetes.io/
 *                            serviceaccount, or $TUG_KUBE_SA_DIR for tests)
 * Relative paths in a file are relative to that file's directory.
 * Certificates and keys end up in memory as PEM (files are read at load
 * time, -data fields base64-decoded), for curl's *_BLOB options.
 * Errors name the file and the field at fault.
 */
#ifndef TUG_KUBE_KUBECONFIG_H
#define TUG_KUBE_KUBECONFIG_H

#include <stddef.h>
#include "util/err.h"

struct kube_blob {
	char *data;
	size_t len;
};

struct kube_exec_cfg {
	char *api_version;       /* client.authentication.k8s.io/v1 or v1beta1 */
	char *command;
	char **args;             /* NULL-terminated */
	char **env;              /* "NAME=VALUE", NULL-terminated */
	char *install_hint;
	char *interactive_mode;  /* Never, IfAvailable, Always */
	int provide_cluster_info;
};

struct kube_config {
	char *context;           /* context in use ("in-cluster" for the SA) */
	char *cluster_name, *user_name;
	char *namespace;         /* the context's, "default" when unset */
	char *source;            /* file(s) it came from, for messages */
	char *kubeconfig_arg;    /* explicit --kubeconfig (for kubectl), or NULL */
	int in_cluster;

	/* cluster */
	char *server;            /* "https://host:port[/prefix]" */
	struct kube_blob ca;     /* PEM; empty = system CAs */
	int insecure;
	char *tls_server_name;
	char *proxy_url;

	/* user */
	struct kube_blob client_cert, client_key;
	char *token;
	char *token_file;
	char *username, *password;
	struct kube_exec_cfg *exec;
	char *impersonate;       /* "as" */
	char **impersonate_groups;
};

/* Load the config for `context` (NULL = current-context) from the
 * explicit file `path` or the defaults above. */
int kubeconfig_load(const char *path, const char *context, struct kube_config *out,
		    struct tug_err *err);
void kubeconfig_release(struct kube_config *c);

struct kube_context {
	char *name, *cluster, *user, *namespace;
	int current;
};

/* Every context of the merged kubeconfig, in name order. */
int kubeconfig_contexts(const char *path, struct kube_context **out, size_t *n,
			struct tug_err *err);
void kubeconfig_contexts_free(struct kube_context *c, size_t n);

/* Base64 (standard alphabet, whitespace ignored) -> bytes. -1 on junk. */
int kube_base64_decode(const char *in, struct kube_blob *out);

#endif
