// SPDX-License-Identifier: GPL-2.0
/*
 * evosctl - command line front end of EvOS.
 *
 * The structure follows bpftool: "evosctl [OPTIONS] COMMAND [ARGS]", with
 * "help" at every level and --json on every command.
 */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/libbpf.h>

#include "evosctl.h"

bool json_output;
json_writer_t *json_wtr;
const char *pin_root = EVOS_PIN_ROOT_DEFAULT;
static bool verbose;

static void verror(const char *fmt, va_list ap)
{
	if (json_output) {
		jsonw_start_object(json_wtr);
		jsonw_name(json_wtr, "error");
		jsonw_vprintf_enquote(json_wtr, fmt, ap);
		jsonw_end_object(json_wtr);
	} else {
		fprintf(stderr, "evosctl: ");
		vfprintf(stderr, fmt, ap);
		fprintf(stderr, "\n");
	}
}

int p_err(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	verror(fmt, ap);
	va_end(ap);
	return 1;
}

int p_usage(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	verror(fmt, ap);
	va_end(ap);
	return EXIT_USAGE;
}

const char *errno_hint(int err)
{
	switch (err) {
	case EPERM:
	case EACCES:
		return "EvOS needs CAP_BPF, CAP_NET_ADMIN and CAP_SYS_ADMIN; run evosctl as root";
	case ENOMEM:
		return "the kernel is short of memory, or RLIMIT_MEMLOCK is too low";
	case ENOENT:
		return "it does not exist";
	default:
		return strerror(err);
	}
}

int print_help(const char *text)
{
	if (json_output)
		jsonw_null(json_wtr);
	else
		fputs(text, stdout);
	return 0;
}

int cmd_select(const struct cmd *cmds, int argc, char **argv,
	       int (*help)(int argc, char **argv), const char *where)
{
	const struct cmd *c;

	if (argc < 1)
		return help(argc, argv);
	for (c = cmds; c->name; c++)
		if (!strcmp(argv[0], c->name))
			return c->func(argc - 1, argv + 1);
	return p_usage("unknown command '%s'; see 'evosctl %shelp'", argv[0],
		       where ? where : "");
}

static int do_help(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	if (json_output) {
		jsonw_null(json_wtr);
		return 0;
	}
	printf("Usage: evosctl [OPTIONS] COMMAND [ARGS]\n"
		"\n"
		"Commands:\n"
		"  load OBJ [name NAME]     load a BPF object and pin it in bpffs\n"
		"  unload NAME              remove a loaded object\n"
		"  attach xdp DEV PROG      attach a loaded XDP program to DEV\n"
		"  detach [xdp DEV]         detach everything evosctl attached and\n"
		"                           unload all objects, or detach one link\n"
		"  workers start|set|stop|status\n"
		"                           the EvOS worker pool (see 'workers help')\n"
		"  sched attach|detach|status\n"
		"                           the scx_evos scheduler (see 'sched help')\n"
		"  xsk consume DEV --queues N [--echo]\n"
		"                           read the AF_XDP sockets of DEV's queues\n"
		"  stats [--watch [SECONDS]]\n"
		"                           show the counters of loaded objects\n"
		"  status                   show what is loaded and attached\n"
		"  version                  show the version\n"
		"  help                     this text\n"
		"\n"
		"Options:\n"
		"  -j, --json               JSON output\n"
		"  -p, --pretty             pretty JSON output\n"
		"  -d, --debug              print libbpf debug messages\n"
	       "      --pin-root DIR       bpffs directory (default %s)\n",
	       EVOS_PIN_ROOT_DEFAULT);
	return 0;
}

static int do_version(int argc, char **argv)
{
	(void)argv;
	if (argc)
		return p_usage("'version' takes no arguments");
	if (json_output) {
		jsonw_start_object(json_wtr);
		jsonw_string_field(json_wtr, "version", EVOSCTL_VERSION);
		jsonw_string_field(json_wtr, "libbpf", libbpf_version_string());
		jsonw_string_field(json_wtr, "kernel", EVOS_KERNEL_RELEASE);
		jsonw_end_object(json_wtr);
	} else {
		printf("evosctl %s (libbpf %s, built against kernel %s)\n",
		       EVOSCTL_VERSION, libbpf_version_string(),
		       EVOS_KERNEL_RELEASE);
	}
	return 0;
}

static int libbpf_print(enum libbpf_print_level level, const char *fmt,
			va_list ap)
{
	if (level == LIBBPF_DEBUG && !verbose)
		return 0;
	return vfprintf(stderr, fmt, ap);
}

static const struct cmd top_cmds[] = {
	{ "load",	do_load },
	{ "unload",	do_unload },
	{ "attach",	do_attach },
	{ "detach",	do_detach },
	{ "workers",	do_workers },
	{ "sched",	do_sched },
	{ "xsk",	do_xsk },
	{ "stats",	do_stats },
	{ "status",	do_status },
	{ "version",	do_version },
	{ "help",	do_help },
	{ NULL,		NULL },
};

int main(int argc, char **argv)
{
	static const struct option options[] = {
		{ "json",	no_argument,		NULL, 'j' },
		{ "pretty",	no_argument,		NULL, 'p' },
		{ "debug",	no_argument,		NULL, 'd' },
		{ "pin-root",	required_argument,	NULL, 'P' },
		{ "help",	no_argument,		NULL, 'h' },
		{ "version",	no_argument,		NULL, 'V' },
		{ NULL,		0,			NULL, 0 },
	};
	bool pretty = false, want_help = false, want_version = false;
	int opt, ret;

	while ((opt = getopt_long(argc, argv, "+jpdhV", options, NULL)) >= 0) {
		switch (opt) {
		case 'j':
			json_output = true;
			break;
		case 'p':
			json_output = true;
			pretty = true;
			break;
		case 'd':
			verbose = true;
			break;
		case 'P':
			pin_root = optarg;
			break;
		case 'h':
			want_help = true;
			break;
		case 'V':
			want_version = true;
			break;
		default:
			fprintf(stderr, "evosctl: see 'evosctl help'\n");
			return EXIT_USAGE;
		}
	}
	argc -= optind;
	argv += optind;

	if (json_output) {
		json_wtr = jsonw_new(stdout);
		if (!json_wtr) {
			fprintf(stderr, "evosctl: cannot create the JSON writer\n");
			return 1;
		}
		jsonw_pretty(json_wtr, pretty);
	}
	libbpf_set_print(libbpf_print);

	if (want_help)
		ret = do_help(0, NULL);
	else if (want_version)
		ret = do_version(0, NULL);
	else
		ret = cmd_select(top_cmds, argc, argv, do_help, NULL);

	if (json_output)
		jsonw_destroy(&json_wtr);
	return ret;
}
