// SPDX-License-Identifier: GPL-2.0
/*
 * The EvOS worker pool for the selftests: the registered pool, read
 * through evosctl's evos_worker iterator (worker_iter.c), and the worker
 * threads, counted by name in /proc.
 */
#include <dirent.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "testlib.h"

int pool_read(struct pool *p)
{
	int n, i;

	memset(p, 0, sizeof(*p));
	n = evos_worker_records(p->w, POOL_MAX_WORKERS);
	if (n < 1)
		return -1;
	p->dropped = p->w[0].dropped;
	if (!p->w[0].nr_workers) {
		/* The one record of no pool carries only the global counters. */
		memset(p->w, 0, sizeof(p->w[0]));
		strcpy(p->name, "-");
		return 0;
	}
	snprintf(p->name, sizeof(p->name), "%.*s", EVOS_POOL_NAME_LEN, p->w[0].pool);
	p->nr = p->w[0].nr_workers;
	p->batch = p->w[0].batch;
	for (i = 0; i < n; i++)
		p->depth += p->w[i].depth;
	return n == (int)p->nr ? 0 : -1;
}

int worker_threads(void)
{
	char path[300], comm[64];
	struct dirent *de;
	int n = 0;
	DIR *d = opendir("/proc");

	while (d && (de = readdir(d))) {
		FILE *f;

		if (de->d_name[0] < '0' || de->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/comm", de->d_name);
		f = fopen(path, "r");
		if (!f)
			continue;
		if (fgets(comm, sizeof(comm), f) && !strncmp(comm, "evos_worker/", 12))
			n++;
		fclose(f);
	}
	if (d)
		closedir(d);
	return n;
}

int wait_worker_threads(int n, int ms)
{
	int got = worker_threads();

	for (; got != n && ms > 0; ms -= 10) {
		usleep(10000);
		got = worker_threads();
	}
	return got;
}
