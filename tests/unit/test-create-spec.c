/* The console's create prompt: one line in docker's words becomes the
 * network or volume options; mistakes are caught before anything runs. */
#include "t.h"
#include "create-spec.h"

int main(void)
{
	struct create_spec s;
	struct tug_err err = { 0 };

	T_OK(create_spec_parse(TUG_NETWORK, "  web --subnet 10.9.0.0/24 --gateway=10.9.0.254 --internal --label a=b -l 'c=d e'",
			       &s, &err) == 0, "a network line with every option parses (%s)", err.msg);
	T_STREQ(s.name, "web", "the name");
	T_STREQ(s.subnet, "10.9.0.0/24", "--subnet VALUE");
	T_STREQ(s.gateway, "10.9.0.254", "--gateway=VALUE");
	T_OK(s.internal == 1, "--internal");
	T_OK(s.nlabels == 2 && s.labels[2] == NULL, "two labels, NULL-terminated");
	T_STREQ(s.labels[0], "a=b", "--label");
	T_STREQ(s.labels[1], "c=d e", "a quoted label keeps its blank");
	create_spec_free(&s);

	T_OK(create_spec_parse(TUG_NETWORK, "plain", &s, &err) == 0 && !s.subnet && !s.internal && !s.labels,
	     "a bare name: everything else defaults");
	create_spec_free(&s);

	err.msg[0] = 0;
	T_OK(create_spec_parse(TUG_NETWORK, "--internal", &s, &err) < 0 && strstr(err.msg, "a name is required"),
	     "a network needs a name (%s)", err.msg);
	T_OK(create_spec_parse(TUG_NETWORK, "a b", &s, &err) < 0 && strstr(err.msg, "one name only"),
	     "two names are refused (%s)", err.msg);
	T_OK(create_spec_parse(TUG_NETWORK, "a --subnet", &s, &err) < 0 && strstr(err.msg, "--subnet needs a value"),
	     "an option without its value (%s)", err.msg);
	T_OK(create_spec_parse(TUG_NETWORK, "a --ipv6", &s, &err) < 0 && strstr(err.msg, "unknown option '--ipv6'") &&
	     strstr(err.msg, "--subnet CIDR"), "an unknown option names itself and what the prompt takes (%s)", err.msg);
	T_OK(create_spec_parse(TUG_NETWORK, "a --label \"x=y", &s, &err) < 0 && strstr(err.msg, "quote"),
	     "an open quote (%s)", err.msg);
	T_OK(create_spec_parse(TUG_VOLUME, "data --subnet 10.0.0.0/8", &s, &err) < 0 &&
	     strstr(err.msg, "volume create: unknown option '--subnet'"), "volumes have no subnet (%s)", err.msg);

	T_OK(create_spec_parse(TUG_VOLUME, "", &s, &err) == 0 && s.name == NULL,
	     "a volume may be nameless: docker generates its name");
	create_spec_free(&s);
	T_OK(create_spec_parse(TUG_VOLUME, "my\\ data --label=k=v", &s, &err) == 0, "volume line parses");
	T_STREQ(s.name, "my data", "a backslash escapes a blank");
	T_STREQ(s.labels[0], "k=v", "--label=KEY=VALUE keeps the second =");
	create_spec_free(&s);
	return T_DONE();
}
