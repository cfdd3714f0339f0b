// SPDX-License-Identifier: GPL-2.0
/*
 * The bpffs layout that lets separate evosctl invocations cooperate:
 *
 *   <root>/objs/<name>/progs/<prog>   programs of a loaded object
 *   <root>/objs/<name>/maps/<map>     maps of a loaded object
 *   <root>/links/xdp-<dev>            XDP links ("." in <dev> becomes "~")
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <string.h>
#include <unistd.h>
#include <linux/magic.h>
#include <sys/stat.h>
#include <sys/vfs.h>

#include "evosctl.h"

int pin_path(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n, m;

	n = snprintf(buf, size, "%s/", pin_root);
	if (n < 0 || (size_t)n >= size)
		return -ENAMETOOLONG;
	va_start(ap, fmt);
	m = vsnprintf(buf + n, size - n, fmt, ap);
	va_end(ap);
	if (m < 0 || (size_t)m >= size - n)
		return -ENAMETOOLONG;
	return 0;
}

/* snprintf() that reports truncation as -ENAMETOOLONG. */
int fmt_path(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n < 0 || (size_t)n >= size ? -ENAMETOOLONG : 0;
}

bool path_exists(const char *path)
{
	struct stat st;

	return !lstat(path, &st);
}

/*
 * check_bpffs() - make sure the pin root lives on a bpffs and exists.
 */
int check_bpffs(void)
{
	char parent[4096], *slash;
	struct statfs sfs;

	snprintf(parent, sizeof(parent), "%s", pin_root);
	slash = strrchr(parent, '/');
	if (slash && slash != parent)
		*slash = '\0';
	if (statfs(parent, &sfs) || sfs.f_type != BPF_FS_MAGIC)
		return p_err("%s is not on a BPF file system; mount one with: mount -t bpf bpffs %s",
			     parent, parent);
	if (mkdir(pin_root, 0700) && errno != EEXIST)
		return p_err("cannot create %s: %s", pin_root, errno_hint(errno));
	return 0;
}

int rm_tree(const char *path)
{
	struct dirent *de;
	char sub[4096];
	struct stat st;
	int err = 0;
	DIR *dir;

	if (lstat(path, &st))
		return errno == ENOENT ? 0 : -errno;
	if (!S_ISDIR(st.st_mode))
		return unlink(path) ? -errno : 0;
	dir = opendir(path);
	if (!dir)
		return -errno;
	while ((de = readdir(dir))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		err = fmt_path(sub, sizeof(sub), "%s/%s", path, de->d_name);
		if (!err)
			err = rm_tree(sub);
		if (err)
			break;
	}
	closedir(dir);
	if (!err && rmdir(path))
		err = -errno;
	return err;
}

/*
 * find_pinned_prog() - find program @prog among the loaded objects.
 * @prog is either "PROG" or "OBJ:PROG".  Returns 0, -ENOENT, or -EEXIST
 * when several objects have a program of that name.
 */
int find_pinned_prog(const char *prog, char *path, size_t size)
{
	const char *colon = strchr(prog, ':');
	char objs[4096], cand[4096];
	struct dirent *de;
	int found = 0;
	DIR *dir;

	if (colon) {
		if (pin_path(path, size, "objs/%.*s/progs/%s",
			     (int)(colon - prog), prog, colon + 1))
			return -ENAMETOOLONG;
		return path_exists(path) ? 0 : -ENOENT;
	}
	pin_path(objs, sizeof(objs), "objs");
	dir = opendir(objs);
	if (!dir)
		return -ENOENT;
	while ((de = readdir(dir))) {
		if (de->d_name[0] == '.')
			continue;
		if (fmt_path(cand, sizeof(cand), "%s/%s/progs/%s", objs,
			     de->d_name, prog))
			continue;
		if (!path_exists(cand))
			continue;
		if (found++)
			break;
		fmt_path(path, size, "%s", cand);
	}
	closedir(dir);
	if (!found)
		return -ENOENT;
	return found > 1 ? -EEXIST : 0;
}
