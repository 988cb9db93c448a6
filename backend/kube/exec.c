/* exec.c - a shell in a pod: tug does not speak the exec streaming
 * protocol (SPDY/websocket); it runs `kubectl exec -it` with the same
 * kubeconfig and context on the caller's terminal and waits for it. */
#include "kube/ep.h"

#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* kubectl's path from PATH, or NULL. */
static char *find_kubectl(void)
{
	const char *path = getenv("PATH");
	char *copy, *save = NULL, full[PATH_MAX];

	if (!path || !*path)
		path = "/usr/local/bin:/usr/bin:/bin";
	copy = xstrdup(path);
	for (char *d = strtok_r(copy, ":", &save); d; d = strtok_r(NULL, ":", &save)) {
		snprintf(full, sizeof(full), "%s/kubectl", *d ? d : ".");
		if (access(full, X_OK) == 0) {
			free(copy);
			return xstrdup(full);
		}
	}
	free(copy);
	return NULL;
}

int kube_op_exec(struct tug_endpoint *ep, enum tug_kind kind, const char *ref,
		 const struct tug_exec_opts *o, const struct tug_stdio *io, int *exit_code,
		 struct tug_err *err)
{
	static char *const shell[] = {
		"sh", "-c", "command -v bash >/dev/null 2>&1 && exec bash || exec sh", NULL,
	};
	const struct kube_config *c = &KEP(ep)->kc.cfg;
	char *kubectl, *ns, *name, **argv;
	char *const *cmd = o && o->argv && o->argv[0] ? o->argv : shell;
	size_t n = 0, i = 0;
	int status;
	pid_t pid;

	if (kind != TUG_POD)
		return tug_errf(err, TUG_E_UNSUPPORTED, "exec: only pods run commands on a kube endpoint");
	kubectl = find_kubectl();
	if (!kubectl)
		return tug_errf(err, TUG_E_CMD_NOTFOUND,
				"exec: kubectl is not installed; tug opens pod shells with `kubectl exec -it`, so install kubectl (it must be in PATH)");
	kube_split_ref(ep, TUG_POD, ref, &ns, &name);
	while (cmd[n])
		n++;
	argv = xcalloc(n + 16, sizeof(char *));
	argv[i++] = "kubectl";
	if (c->kubeconfig_arg) {
		argv[i++] = "--kubeconfig";
		argv[i++] = c->kubeconfig_arg;
	}
	if (!c->in_cluster) {
		argv[i++] = "--context";
		argv[i++] = c->context;
	}
	argv[i++] = "exec";
	if (!o || o->interactive || o->tty || !o->argv)
		argv[i++] = "-i";
	if (!o || o->tty || !o->argv)
		argv[i++] = "-t";
	argv[i++] = "-n";
	argv[i++] = ns;
	argv[i++] = name;
	if (o && o->container) {
		argv[i++] = "-c";
		argv[i++] = (char *)o->container;
	}
	argv[i++] = "--";
	for (size_t k = 0; k < n; k++)
		argv[i++] = cmd[k];
	argv[i] = NULL;

	pid = fork();
	if (pid < 0) {
		tug_errno(err, "exec: fork");
	} else if (pid == 0) {
		signal(SIGPIPE, SIG_DFL);
		signal(SIGINT, SIG_DFL);
		if (io && io->in >= 0 && io->in != 0)
			dup2(io->in, 0);
		if (io && io->out >= 0 && io->out != 1)
			dup2(io->out, 1);
		if (io && io->err >= 0 && io->err != 2)
			dup2(io->err, 2);
		execv(kubectl, argv);
		fprintf(stderr, "tug: exec %s: %s\n", kubectl, strerror(errno));
		_exit(127);
	}
	free(argv);
	free(kubectl);
	free(ns);
	free(name);
	if (pid < 0)
		return -1;
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR)
			return tug_errno(err, "exec: wait for kubectl");
	}
	*exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
	return 0;
}
