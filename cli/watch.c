// SPDX-License-Identifier: MIT
/*
 * watch.c - `rules load FILE --dev IFACE --watch`: the firewall's rules
 * follow a file.  It applies FILE, then stays, and applies it again
 * whenever it changes, the same way `rules load` does: read with the same
 * capped reader, parsed whole, applied by its difference, all or nothing.
 * A bad new file is said (its name and line) and the rules stay as they
 * were.  SIGHUP applies the file at once; SIGTERM and SIGINT stop the watch
 * and leave the firewall attached with its rules.
 *
 * It watches FILE's directory with inotify, since the ways files are
 * replaced in practice make a new inode under the old name:
 *
 *   an editor, sed -i, Ansible   write a temporary file, rename it into
 *                                place                  IN_MOVED_TO FILE
 *   > FILE, cp                   rewrite it in place    IN_CLOSE_WRITE FILE
 *   ln -sf                       a new symlink          IN_CREATE FILE
 *   a Kubernetes ConfigMap       FILE -> ..data/FILE; an update makes a new
 *                                ..data_tmp -> ..TIMESTAMP and renames it
 *                                over ..data            IN_MOVED_TO ..data
 *
 * A file being written (IN_MODIFY, or a regular IN_CREATE, with no
 * IN_CLOSE_WRITE yet) is never read: half a file can parse as a smaller
 * set of rules.  Events come in bursts, so it waits until the directory
 * has been quiet for a moment, and skips a file whose bytes are the ones
 * it saw last (SIGHUP applies them all the same).
 *
 * Under systemd (NOTIFY_SOCKET, Type=notify) it says READY=1 once the
 * first apply is done, so units ordered after it start with the rules in
 * place.  Part of the command line: it prints and chooses exit codes.
 */
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "cli/cli.h"

#define QUIET_MS 150 /* a burst of events is over after this long without one */

struct watch {
	struct opts *o;
	const char *path;
	char dir[PATH_MAX], base[NAME_MAX + 1];
	bool seen;          /* a file was read: last_* hold it */
	bool missing;       /* the file was not there last time: said once */
	uint64_t last_hash; /* FNV-1a of the bytes read last */
	size_t last_len;
	bool pending;       /* FILE is being written: wait for its IN_CLOSE_WRITE */
	bool changed;       /* an event said FILE may be new */
};

/* sd_notify(3)'s protocol, without libsystemd: one datagram to $NOTIFY_SOCKET. */
static void notify(const char *msg)
{
	const char *at = getenv("NOTIFY_SOCKET");
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	size_t n = at ? strlen(at) : 0;
	int fd;

	if (!n || n >= sizeof(sa.sun_path) || (at[0] != '/' && at[0] != '@'))
		return;
	memcpy(sa.sun_path, at, n);
	if (at[0] == '@')
		sa.sun_path[0] = '\0'; /* an abstract socket */
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return;
	sendto(fd, msg, strlen(msg), MSG_NOSIGNAL, (struct sockaddr *)&sa,
	       (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n));
	close(fd);
}

static uint64_t fnv1a(const char *p, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)p[i]) * 0x100000001b3ULL;
	return h;
}

/* Read FILE and apply it, unless it is what was read last (always, with force). */
static void watch_apply(struct watch *w, bool force)
{
	char status[256];
	size_t len;
	char *buf;
	uint64_t hash;
	struct xdpl_error e = { 0 };
	int err = rules_file_read(w->path, &buf, &len, &e), code;

	if (err == -ENOENT) {
		if (!w->missing || force)
			fprintf(stderr, "xdpload: rules --watch: %s is not there; the rules on %s stay as they are until it is\n",
				w->path, w->o->dev);
		w->missing = true;
		w->seen = false;
		notify("STATUS=waiting for the rules file");
		return;
	}
	w->missing = false;
	if (err) {
		rules_read_report(&e, err);
		fprintf(stderr, "xdpload: rules --watch: the rules on %s stay as they were\n", w->o->dev);
		return;
	}
	hash = fnv1a(buf, len);
	if (!force && w->seen && hash == w->last_hash && len == w->last_len) {
		free(buf);
		return;
	}
	w->seen = true;
	w->last_hash = hash;
	w->last_len = len;
	code = rules_apply_text(w->o, w->path, buf, len);
	free(buf);
	if (code) {
		fprintf(stderr, "xdpload: rules --watch: %s not applied; the rules on %s stay as they were\n",
			w->path, w->o->dev);
		snprintf(status, sizeof(status), "STATUS=%s not applied (see the log); the rules stay",
			 w->path);
	} else {
		snprintf(status, sizeof(status), "STATUS=%s applied to %s", w->path, w->o->dev);
	}
	notify(status);
}

/*
 * Take in what inotify says.  -ENOENT once the directory itself is gone or
 * moved: nothing more can come from this watch.
 */
static int watch_events(struct watch *w, int ino)
{
	char buf[16384] __attribute__((aligned(__alignof__(struct inotify_event))));
	ssize_t n;

	while ((n = read(ino, buf, sizeof(buf))) > 0) {
		for (char *p = buf; p < buf + n;) {
			const struct inotify_event *ev = (const struct inotify_event *)p;
			bool ours = ev->len && !strcmp(ev->name, w->base);
			/* A ConfigMap's ..data swapped: every file in it may be new. */
			bool data = ev->len && !strncmp(ev->name, "..data", 6);
			struct stat st;

			p += sizeof(*ev) + ev->len;
			if (ev->mask & (IN_DELETE_SELF | IN_MOVE_SELF | IN_IGNORED))
				return -ENOENT;
			if (ev->mask & IN_Q_OVERFLOW) {
				w->changed = true; /* some were lost: look at the file itself */
				continue;
			}
			if (data && (ev->mask & (IN_MOVED_TO | IN_CREATE)))
				w->changed = true;
			if (!ours)
				continue;
			if (ev->mask & IN_MODIFY) {
				w->pending = true;
			} else if (ev->mask & IN_CREATE) {
				/* A new symlink is whole; a new regular file is still being written. */
				if (lstat(w->path, &st) == 0 && S_ISREG(st.st_mode))
					w->pending = true;
				else
					w->changed = true;
			} else if (ev->mask & (IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM | IN_DELETE)) {
				w->pending = false;
				w->changed = true;
			}
		}
	}
	return n < 0 && errno != EAGAIN ? -errno : 0;
}

static int watch_usage(const char *what)
{
	fprintf(stderr, "xdpload: rules load --watch: %s\n", what);
	return EXIT_USAGE;
}

int rules_watch(struct opts *o, const char *path)
{
	struct watch w = { .o = o, .path = path };
	struct pollfd fds[2];
	struct signalfd_siginfo si;
	struct xdpl_fw *fw;
	const char *slash = strrchr(path, '/');
	sigset_t sigs;
	int ino, sig, code, err = 0;

	if (!strcmp(path, "-"))
		return watch_usage("standard input cannot change: give a file");
	if (o->dry_run)
		return watch_usage("--dry-run changes nothing, and --watch is there to change: choose one");
	if ((size_t)snprintf(w.dir, sizeof(w.dir), "%.*s", slash ? (int)(slash - path) : 1,
			     slash ? path : ".") >= sizeof(w.dir) ||
	    (size_t)snprintf(w.base, sizeof(w.base), "%s", slash ? slash + 1 : path) >= sizeof(w.base))
		return watch_usage("the file's name is too long");
	if (slash == path)
		snprintf(w.dir, sizeof(w.dir), "/");
	if (!w.base[0])
		return watch_usage("give a file, not a directory");
	/* A firewall to follow the file for, or a clear error now rather than at each change. */
	code = fw_open_iface(&fw, o, o->dev, XDPL_FW_LOCK_SHARED);
	if (code)
		return code;
	xdpl_fw_close(fw);

	sigemptyset(&sigs);
	sigaddset(&sigs, SIGHUP);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGTERM);
	sigprocmask(SIG_BLOCK, &sigs, NULL);
	fds[1].fd = signalfd(-1, &sigs, SFD_CLOEXEC);
	ino = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
	if (fds[1].fd < 0 || ino < 0) {
		fprintf(stderr, "xdpload: rules --watch: %s failed: %s (%s)\n",
			fds[1].fd < 0 ? "signalfd" : "inotify_init1", xdpl_errno_name(errno),
			xdpl_errno_text(errno));
		code = EXIT_ENV;
		goto out;
	}
	/* Watched before the first read: a change made during it is not missed. */
	if (inotify_add_watch(ino, w.dir,
			      IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM | IN_CREATE | IN_DELETE |
				      IN_MODIFY | IN_DELETE_SELF | IN_MOVE_SELF | IN_ONLYDIR) < 0) {
		fprintf(stderr, "xdpload: rules --watch: cannot watch the directory %s: %s (%s)\n",
			w.dir, xdpl_errno_name(errno), xdpl_errno_text(errno));
		code = EXIT_ENV;
		goto out;
	}
	printf("rules --watch: following %s for %s (SIGHUP: apply it now; SIGTERM: stop, the rules stay)\n",
	       path, o->dev);
	watch_apply(&w, true);
	notify("READY=1");
	fds[0].fd = ino;
	fds[0].events = fds[1].events = POLLIN;
	for (;;) {
		/* Wait for news; once there is some, for a quiet moment before reading. */
		int timeout = w.changed && !w.pending ? QUIET_MS : -1;
		int ready = poll(fds, 2, timeout);

		if (ready < 0 && errno != EINTR) {
			err = -errno;
			break;
		}
		if (ready == 0) {
			w.changed = false;
			watch_apply(&w, false);
			continue;
		}
		if (fds[0].revents & POLLIN) {
			err = watch_events(&w, ino);
			if (err)
				break;
		}
		if (!(fds[1].revents & POLLIN))
			continue;
		if (read(fds[1].fd, &si, sizeof(si)) != sizeof(si))
			continue;
		sig = (int)si.ssi_signo;
		if (sig == SIGHUP) {
			printf("rules --watch: SIGHUP: applying %s\n", path);
			w.changed = false;
			watch_apply(&w, true);
			continue;
		}
		printf("rules --watch: %s: stopped following %s; the firewall on %s keeps its rules\n",
		       sig == SIGTERM ? "SIGTERM" : "SIGINT", path, o->dev);
		notify("STOPPING=1");
		code = EXIT_OK;
		goto out;
	}
	if (err == -ENOENT)
		fprintf(stderr, "xdpload: rules --watch: the directory %s was removed or moved: nothing more to follow; the rules on %s stay\n",
			w.dir, o->dev);
	else
		fprintf(stderr, "xdpload: rules --watch: waiting for changes to %s failed: %s (%s)\n",
			path, xdpl_errno_name(err), xdpl_errno_text(err));
	code = EXIT_ENV;
out:
	if (ino >= 0)
		close(ino);
	if (fds[1].fd >= 0)
		close(fds[1].fd);
	return code;
}
