// SPDX-License-Identifier: GPL-2.0
/*
 * evosctl attach / detach: XDP links, pinned in bpffs so that they outlive
 * the evosctl process and can be found again by "detach".
 */
#include <dirent.h>
#include <errno.h>
#include <net/if.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "evosctl.h"

/* bpffs refuses names with a dot, which device names may have. */
static int xdp_link_path(char *buf, size_t size, const char *dev)
{
	char *c;
	int err;

	err = pin_path(buf, size, "links/xdp-%s", dev);
	for (c = strrchr(buf, '/'); !err && c && *c; c++)
		if (*c == '.')
			*c = '~';
	return err;
}

static int attach_xdp(int argc, char **argv)
{
	char prog_path[4096], link_path[4096], links[4096];
	const char *dev, *prog;
	unsigned int ifindex;
	int prog_fd, link_fd, err;

	if (argc != 2)
		return p_usage("usage: evosctl attach xdp DEV PROG");
	dev = argv[0];
	prog = argv[1];

	ifindex = if_nametoindex(dev);
	if (!ifindex)
		return p_err("device '%s' not found; list devices with 'ip link', and run evosctl in the device's network namespace",
			     dev);
	err = find_pinned_prog(prog, prog_path, sizeof(prog_path));
	if (err == -EEXIST)
		return p_err("several loaded objects have a program '%s'; name one as OBJ:%s",
			     prog, prog);
	if (err)
		return p_err("program '%s' is not loaded; load its object first with 'evosctl load OBJ' (see 'evosctl status')",
			     prog);
	if (check_bpffs())
		return 1;
	pin_path(links, sizeof(links), "links");
	if (mkdir(links, 0700) && errno != EEXIST)
		return p_err("cannot create %s: %s", links, errno_hint(errno));
	if (xdp_link_path(link_path, sizeof(link_path), dev))
		return p_err("device name '%s' is too long", dev);
	if (path_exists(link_path))
		return p_err("an XDP program is already attached to '%s' by evosctl; detach it first with: evosctl detach xdp %s",
			     dev, dev);

	prog_fd = bpf_obj_get(prog_path);
	if (prog_fd < 0)
		return p_err("cannot open program %s: %s", prog_path,
			     errno_hint(errno));
	link_fd = bpf_link_create(prog_fd, ifindex, BPF_XDP, NULL);
	err = errno;
	close(prog_fd);
	if (link_fd < 0) {
		if (err == EBUSY || err == EEXIST)
			return p_err("'%s' already has an XDP program that evosctl did not attach; remove it with: ip link set dev %s xdp off",
				     dev, dev);
		if (err == EINVAL)
			return p_err("the kernel refused to attach '%s' to '%s' (invalid argument): is it an XDP program?",
				     prog, dev);
		return p_err("cannot attach '%s' to '%s': %s", prog, dev,
			     errno_hint(err));
	}
	if (bpf_obj_pin(link_fd, link_path)) {
		err = errno;
		bpf_link_detach(link_fd);
		close(link_fd);
		return p_err("cannot pin the XDP link at %s: %s", link_path,
			     errno_hint(err));
	}
	close(link_fd);

	if (json_output) {
		jsonw_start_object(json_wtr);
		jsonw_string_field(json_wtr, "attached", "xdp");
		jsonw_string_field(json_wtr, "dev", dev);
		jsonw_string_field(json_wtr, "prog", prog);
		jsonw_end_object(json_wtr);
	} else {
		printf("attached XDP program '%s' to '%s'\n", prog, dev);
	}
	return 0;
}

static int attach_help(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return p_usage("usage: evosctl attach xdp DEV PROG");
}

static const struct cmd attach_cmds[] = {
	{ "xdp",	attach_xdp },
	{ "help",	attach_help },
	{ NULL,		NULL },
};

int do_attach(int argc, char **argv)
{
	return cmd_select(attach_cmds, argc, argv, attach_help, "attach ");
}

static int detach_link(const char *path)
{
	int fd, err = 0;

	fd = bpf_obj_get(path);
	if (fd >= 0) {
		/* Detach even if someone else still holds the link. */
		if (bpf_link_detach(fd) && errno != EINVAL)
			err = -errno;
		close(fd);
	}
	if (unlink(path) && errno != ENOENT)
		err = -errno;
	return err;
}

/*
 * detach_all_links() - detach every link evosctl pinned.
 * @count: set to the number of links detached.
 */
int detach_all_links(int *count)
{
	char links[4096], path[4096];
	struct dirent *de;
	int err = 0, e;
	DIR *dir;

	*count = 0;
	pin_path(links, sizeof(links), "links");
	dir = opendir(links);
	if (!dir)
		return 0;
	while ((de = readdir(dir))) {
		if (de->d_name[0] == '.')
			continue;
		e = fmt_path(path, sizeof(path), "%s/%s", links, de->d_name);
		if (!e)
			e = detach_link(path);
		if (e)
			err = e;
		else
			(*count)++;
	}
	closedir(dir);
	return err;
}

int do_detach(int argc, char **argv)
{
	int err, nlinks = 0, nobjs = 0, nsched;
	char path[4096];

	if (argc == 2 && !strcmp(argv[0], "xdp")) {
		if (xdp_link_path(path, sizeof(path), argv[1]))
			return p_err("device name '%s' is too long", argv[1]);
		if (!path_exists(path))
			return p_err("evosctl has no XDP program attached to '%s'; see 'evosctl status'",
				     argv[1]);
		err = detach_link(path);
		if (err)
			return p_err("cannot detach XDP from '%s': %s", argv[1],
				     errno_hint(-err));
		nlinks = 1;
	} else if (argc == 0) {
		pin_path(path, sizeof(path), "objs");
		if (!path_exists(path)) {
			pin_path(path, sizeof(path), "links");
			if (!path_exists(path))
				return p_err("nothing is attached or loaded by evosctl; there is nothing to detach");
		}
		/* The scheduler first: it lets go of the workers. */
		nsched = sched_release(true) > 0;
		err = detach_all_links(&nlinks);
		nlinks += nsched;
		if (err)
			return p_err("cannot detach all links: %s", errno_hint(-err));
		pin_path(path, sizeof(path), "objs");
		if (path_exists(path))
			nobjs = 1;
		err = rm_tree(pin_root);
		if (err)
			return p_err("cannot remove %s: %s", pin_root, errno_hint(-err));
	} else {
		return p_usage("usage: evosctl detach [xdp DEV]");
	}

	if (json_output) {
		jsonw_start_object(json_wtr);
		jsonw_uint_field(json_wtr, "links_detached", nlinks);
		jsonw_bool_field(json_wtr, "objects_unloaded", nobjs);
		jsonw_end_object(json_wtr);
	} else {
		printf("detached %d link%s%s\n", nlinks, nlinks == 1 ? "" : "s",
		       nobjs ? " and unloaded all objects" : "");
	}
	return 0;
}
