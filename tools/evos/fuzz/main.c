// SPDX-License-Identifier: GPL-2.0
/*
 * evos_fuzz - a seeded, bounded verifier fuzzer for BPF coroutines.
 *
 *   evos_fuzz [--seed N] [--count N] [--start N] [--verbose] [--save DIR]
 *             [--dev IFNAME] [--batch N] [--min-rules N]
 *
 * Program i of seed s is generated from its own PRNG state, so that
 * "--seed s --start i --count 1" generates it again.  Prints a TAP line
 * per batch of programs, then the summary line "fuzz: N programs,
 * A accepted, R rejected (by rule: ...), F findings".  A finding is a
 * program that loaded although the documentation says it must be refused,
 * a rejection whose message no rule names or that names a rule the
 * program does not break, a run whose result, resumes or counters differ
 * from what the program says, a handle count that does not come back, or
 * a kernel report.  The exit status is 1 when there was any.
 *
 * --dev binds device-bound programs to that device (they are not made
 * without it); --min-rules adds results: both verdicts reached, at least
 * N distinct rules named, resumes on both CPUs.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "testlib.h"

static struct fz_prog prog;

static void usage(void)
{
	fprintf(stderr,
		"usage: evos_fuzz [--seed N] [--count N] [--start N] [--verbose] [--save DIR]\n"
		"                 [--dev IFNAME] [--batch N] [--min-rules N]\n");
}

static int parse(int argc, char **argv, struct fz_opts *o)
{
	static const struct option longopts[] = {
		{ "seed", required_argument, NULL, 's' },
		{ "count", required_argument, NULL, 'n' },
		{ "start", required_argument, NULL, 'S' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "save", required_argument, NULL, 'o' },
		{ "dev", required_argument, NULL, 'd' },
		{ "batch", required_argument, NULL, 'b' },
		{ "min-rules", required_argument, NULL, 'm' },
		{ "help", no_argument, NULL, 'h' },
		{}
	};
	int c;

	o->seed = 1;
	o->count = 100;
	o->batch = 50;
	while ((c = getopt_long(argc, argv, "s:n:S:vo:d:b:m:h", longopts, NULL)) != -1) {
		switch (c) {
		case 's':
			o->seed = strtoull(optarg, NULL, 0);
			break;
		case 'n':
			o->count = strtol(optarg, NULL, 0);
			break;
		case 'S':
			o->start = strtol(optarg, NULL, 0);
			break;
		case 'v':
			o->verbose = true;
			break;
		case 'o':
			o->save_dir = optarg;
			break;
		case 'd':
			o->dev = optarg;
			break;
		case 'b':
			o->batch = atoi(optarg);
			break;
		case 'm':
			o->min_rules = atoi(optarg);
			break;
		default:
			usage();
			return -1;
		}
	}
	if (optind != argc || o->count <= 0 || o->batch <= 0 || o->start < 0) {
		usage();
		return -1;
	}
	return 0;
}

static void summary(const struct fz_stats *st)
{
	char rules[4096];
	size_t len = 0;
	int r;

	rules[0] = '\0';
	for (r = 0; r < NR_FZ_RULES; r++)
		if (st->by_rule[r])
			len += snprintf(rules + len, sizeof(rules) - len, "%s%s %ld",
					len ? ", " : "", fz_rules[r].name, st->by_rule[r]);
	printf("# fuzz: %ld programs, %ld accepted, %ld rejected (by rule: %s), %ld findings\n",
	       st->programs, st->accepted, st->rejected, len ? rules : "none", st->findings);
	printf("# runs: %ld (%ld through a tail call), resumes: %ld (CPU 0: %ld, CPU 1: %ld), releases: %ld, slots overwritten: %ld, programs freed while parked: %ld\n",
	       st->runs, st->tail_runs, st->resumes, st->resumes_cpu[0], st->resumes_cpu[1],
	       st->releases, st->overwrites, st->free_runs);
	if (st->findings)
		printf("# findings: %ld accepted against the rules, %ld unknown rejections, %ld wrong rules, %ld rejected without a rule broken, %ld runtime, %ld kernel reports\n",
		       st->unexpected_accept, st->unknown_reject, st->wrong_rule, st->wrong_reject,
		       st->findings - st->unexpected_accept - st->unknown_reject - st->wrong_rule -
		       st->wrong_reject - st->kernel_reports, st->kernel_reports);
}

int main(int argc, char **argv)
{
	struct fz_stats st = {}, before;
	struct fz_opts o = {};
	struct fz_env env;
	long i, first, batches;
	int distinct = 0, r;

	if (parse(argc, argv, &o))
		return 2;
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (pin_to_cpu(0))
		perror("evos_fuzz: sched_setaffinity");
	if (fz_env_init(&env, o.dev) || fz_run_init()) {
		printf("1..1\nnot ok 1 - fuzzing environment (maps, BTF, kfuncs, threads)\n");
		return 1;
	}
	batches = (o.count + o.batch - 1) / o.batch;
	tap_plan(batches + (o.min_rules ? 3 : 0));
	printf("# seed %llu, programs %ld-%ld\n", (unsigned long long)o.seed, o.start,
	       o.start + o.count - 1);
	for (first = o.start; first < o.start + o.count; first += o.batch) {
		long last = first + o.batch;

		if (last > o.start + o.count)
			last = o.start + o.count;
		before = st;
		for (i = first; i < last; i++) {
			struct fz_rng rng = { .s = fz_mix(o.seed ^ fz_mix(i + 1)) };

			fz_generate(&prog, &env, &rng);
			fz_check_prog(&prog, &env, &rng, &o, i, &st);
		}
		tap_ok(st.findings == before.findings,
		       "programs %ld-%ld: %ld accepted, %ld rejected, %ld findings", first,
		       last - 1, st.accepted - before.accepted, st.rejected - before.rejected,
		       st.findings - before.findings);
	}
	summary(&st);
	if (o.min_rules) {
		for (r = 0; r < NR_FZ_RULES; r++)
			distinct += st.by_rule[r] > 0;
		tap_ok(st.accepted > 0 && st.rejected > 0,
		       "both verdicts reached (%ld accepted, %ld rejected)", st.accepted,
		       st.rejected);
		tap_ok(distinct >= o.min_rules, "%d distinct rules named, want at least %d",
		       distinct, o.min_rules);
		tap_ok(st.resumes_cpu[0] > 0 && st.resumes_cpu[1] > 0,
		       "coroutines resumed on CPU 0 (%ld) and on CPU 1 (%ld)", st.resumes_cpu[0],
		       st.resumes_cpu[1]);
	}
	fz_env_fini(&env);
	return tap_exit();
}
