/* Flag value parsers: sizes, cpus, restart policies, signals, mounts,
 * ports, env files. */
#include "t.h"
#include "cli-values.h"

#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

/* T_OK evaluates its condition twice; these conditions call parsers that
 * allocate, so evaluate once. */
#define CHECK(cond, ...) do { int ok_ = (cond); T_OK(ok_, __VA_ARGS__); } while (0)

int main(void)
{
	struct tug_err err = { 0 };
	struct tug_mount m;
	int64_t v;
	int sig;

	CHECK(cli_parse_memory("--memory", "32m", &v, &err) == 0 && v == 32 * 1024 * 1024, "memory 32m");
	CHECK(cli_parse_memory("--memory", "1g", &v, &err) == 0 && v == 1024LL * 1024 * 1024, "memory 1g");
	CHECK(cli_parse_memory("--memory", "0", &v, &err) == 0 && v == 0, "memory 0 = unlimited");
	CHECK(cli_parse_memory("--memory", "12x", &v, &err) < 0 && strstr(err.msg, "12x"),
	     "memory junk refused, value named");
	CHECK(cli_parse_memory("--memory", "1k", &v, &err) < 0 && strstr(err.msg, "6MB"),
	     "memory below 6MB refused");
	CHECK(cli_parse_memory("--memory", "-5m", &v, &err) < 0, "negative memory refused");

	CHECK(cli_parse_cpus("0.5", &v, &err) == 0 && v == 500000000, "cpus 0.5");
	CHECK(cli_parse_cpus("1", &v, &err) == 0 && v == 1000000000, "cpus 1");
	CHECK(cli_parse_cpus("abc", &v, &err) < 0, "cpus junk refused");
	CHECK(cli_parse_cpus("0.5x", &v, &err) < 0, "cpus trailing junk refused");
	CHECK(cli_parse_cpus("-1", &v, &err) < 0, "negative cpus refused");
	CHECK(cli_parse_cpus("100000", &v, &err) < 0 && strstr(err.msg, "CPUs available"),
	     "more cpus than the host has refused");

	CHECK(cli_check_restart("no", &err) == 0, "restart no");
	CHECK(cli_check_restart("always", &err) == 0, "restart always");
	CHECK(cli_check_restart("unless-stopped", &err) == 0, "restart unless-stopped");
	CHECK(cli_check_restart("on-failure", &err) == 0, "restart on-failure");
	CHECK(cli_check_restart("on-failure:2", &err) == 0, "restart on-failure:2");
	CHECK(cli_check_restart("on-failure:x", &err) < 0, "restart on-failure:x refused");
	CHECK(cli_check_restart("on-failure:", &err) < 0, "restart on-failure: refused");
	CHECK(cli_check_restart("always:3", &err) < 0 && strstr(err.msg, "on-failure"),
	     "retry count with always refused");
	CHECK(cli_check_restart("sometimes", &err) < 0, "unknown policy refused");

	CHECK(cli_parse_signal("KILL", &sig, &err) == 0 && sig == SIGKILL, "signal KILL");
	CHECK(cli_parse_signal("sigterm", &sig, &err) == 0 && sig == SIGTERM, "signal sigterm");
	CHECK(cli_parse_signal("SIGUSR1", &sig, &err) == 0 && sig == SIGUSR1, "signal SIGUSR1");
	CHECK(cli_parse_signal("9", &sig, &err) == 0 && sig == 9, "signal 9");
	CHECK(cli_parse_signal("RTMIN+2", &sig, &err) == 0 && sig == SIGRTMIN + 2, "signal RTMIN+2");
	CHECK(cli_parse_signal("NOPE", &sig, &err) < 0, "unknown signal refused");
	CHECK(cli_parse_signal("0", &sig, &err) < 0, "signal 0 refused");
	CHECK(cli_parse_signal("999", &sig, &err) < 0, "signal 999 refused");

	CHECK(cli_parse_volume("/srv/data:/data:ro", &m, &err) == 0 && !strcmp(m.type, "bind") &&
	     !strcmp(m.source, "/srv/data") && !strcmp(m.target, "/data") && m.readonly,
	     "bind volume :ro");
	cli_mount_release(&m);
	CHECK(cli_parse_volume("/srv:/data", &m, &err) == 0 && !m.readonly, "bind volume rw");
	cli_mount_release(&m);
	CHECK(cli_parse_volume("cache:/cache", &m, &err) == 0 && !strcmp(m.type, "volume") &&
	     !strcmp(m.source, "cache"), "named volume");
	cli_mount_release(&m);
	CHECK(cli_parse_volume("/anon", &m, &err) == 0 && !strcmp(m.type, "volume") && !m.source,
	     "anonymous volume");
	cli_mount_release(&m);
	{
		char cwd[4096], want[4200];
		CHECK(getcwd(cwd, sizeof(cwd)) != NULL, "getcwd");
		snprintf(want, sizeof(want), "%s/sub", cwd);
		CHECK(cli_parse_volume("./sub:/x", &m, &err) == 0 && !strcmp(m.source, want),
		     "relative bind source made absolute");
		cli_mount_release(&m);
	}
	CHECK(cli_parse_volume("/a:rel", &m, &err) < 0, "relative target refused");
	CHECK(cli_parse_volume("/a:/b:bogus", &m, &err) < 0, "unknown volume option refused");
	CHECK(cli_parse_volume("/a:/b:ro:x", &m, &err) < 0, "too many fields refused");
	CHECK(cli_parse_volume("/a:/", &m, &err) < 0, "target / refused");
	CHECK(cli_parse_volume("bad name:/x", &m, &err) < 0, "bad volume name refused");

	CHECK(cli_parse_mount("type=bind,source=/tmp,target=/t,readonly", &m, &err) == 0 &&
	     !strcmp(m.type, "bind") && m.readonly && !strcmp(m.target, "/t"), "--mount bind ro");
	cli_mount_release(&m);
	CHECK(cli_parse_mount("type=bind,src=/no/such/dir/x,dst=/t", &m, &err) < 0 &&
	     strstr(err.msg, "does not exist"), "--mount bind needs an existing source");
	CHECK(cli_parse_mount("type=tmpfs,target=/run,tmpfs-size=64m,tmpfs-mode=1777", &m, &err) == 0 &&
	     !strcmp(m.options, "size=67108864,mode=1777"), "--mount tmpfs options");
	cli_mount_release(&m);
	CHECK(cli_parse_mount("target=/v", &m, &err) == 0 && !strcmp(m.type, "volume"),
	     "--mount defaults to a volume");
	cli_mount_release(&m);
	CHECK(cli_parse_mount("type=bind,target=/t", &m, &err) < 0, "--mount bind without source");
	CHECK(cli_parse_mount("type=nfs,target=/t", &m, &err) < 0, "--mount unknown type");
	CHECK(cli_parse_mount("type=tmpfs,target=/t,color=red", &m, &err) < 0, "--mount unknown key");
	CHECK(cli_parse_mount("type=tmpfs", &m, &err) < 0, "--mount without target");

	CHECK(cli_parse_tmpfs("/run:size=64m", &m, &err) == 0 && !strcmp(m.target, "/run") &&
	     !strcmp(m.options, "size=64m"), "--tmpfs with options");
	cli_mount_release(&m);
	CHECK(cli_parse_tmpfs("run", &m, &err) < 0, "--tmpfs relative refused");

	CHECK(cli_check_publish("80", &err) == 0, "publish 80");
	CHECK(cli_check_publish("8080:80", &err) == 0, "publish 8080:80");
	CHECK(cli_check_publish("127.0.0.1:8080:80/udp", &err) == 0, "publish ip:host:ctr/udp");
	CHECK(cli_check_publish("127.0.0.1::80", &err) == 0, "publish ip with any host port");
	CHECK(cli_check_publish("[::1]:8080:80", &err) == 0, "publish IPv6");
	CHECK(cli_check_publish("8000-8010:8000-8010", &err) == 0, "publish ranges");
	CHECK(cli_check_publish("8000-8010:80-81", &err) < 0, "publish mismatched ranges");
	CHECK(cli_check_publish("70000", &err) < 0, "publish port out of range");
	CHECK(cli_check_publish("80/icmp", &err) < 0, "publish bad protocol");
	CHECK(cli_check_publish("a:b:c:d", &err) < 0, "publish junk");
	CHECK(cli_check_publish("nohost:80:80", &err) < 0, "publish bad address");

	{
		struct strv env = { 0 };
		char path[] = "/tmp/tug-envfile-XXXXXX";
		int fd = mkstemp(path);
		FILE *f = fdopen(fd, "w");
		setenv("TUG_TEST_FROM_HOST", "yes", 1);
		unsetenv("TUG_TEST_UNSET");
		fputs("# comment\n\nA=1\n  B=two words\nTUG_TEST_FROM_HOST\nTUG_TEST_UNSET\nEMPTY=\n", f);
		fclose(f);
		CHECK(cli_read_env_file(path, &env, &err) == 0, "env file reads");
		CHECK(env.n == 4, "env file: 4 variables (unset host var left out)");
		T_STREQ(env.n > 1 ? env.v[1] : NULL, "B=two words", "env file keeps the value as is");
		T_STREQ(env.n > 2 ? env.v[2] : NULL, "TUG_TEST_FROM_HOST=yes", "bare name takes the host value");
		strv_release(&env);
		f = fopen(path, "w");
		fputs("BAD NAME=1\n", f);
		fclose(f);
		CHECK(cli_read_env_file(path, &env, &err) < 0 && strstr(err.msg, "line 1"),
		     "env file: whitespace in a name refused with its line");
		strv_release(&env);
		unlink(path);
		CHECK(cli_read_env_file("/no/such/env/file", &env, &err) < 0, "missing env file refused");
	}
	return T_DONE();
}
