/*
 * browser_pipe.c - a launched Chromium: the process (its own process group,
 * SIGKILL when the launching thread dies, a temporary profile, bounded
 * waits) and the --remote-debugging-pipe transport.
 *
 * Chromium reads commands from fd 3 and writes replies to fd 4, each
 * message followed by a NUL. Both fds are one end of a socketpair, so a
 * write to a browser that died fails with EPIPE (MSG_NOSIGNAL) instead of
 * raising SIGPIPE in the user's program.
 */
#define _GNU_SOURCE /* pipe2, close_range flags, F_DUPFD_CLOEXEC */
#include "browser_internal.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

/* The names Debian, Ubuntu and Google give the browser. */
static const char *const browser_names[] = {"chromium", "chromium-browser", "google-chrome-stable",
                                            "google-chrome"};

char *browser_find_executable(void)
{
	const char *path = getenv("PATH");
	if (!path)
		return NULL;
	for (size_t i = 0; i < sizeof browser_names / sizeof *browser_names; i++) {
		for (const char *dir = path; *dir;) {
			size_t len = strcspn(dir, ":");
			struct buf full = {0};
			buf_printf(&full, "%.*s/%s", (int)len, len ? dir : ".", browser_names[i]);
			if (full.failed) {
				buf_release(&full);
				return NULL;
			}
			if (access(full.data, X_OK) == 0)
				return full.data;
			buf_release(&full);
			dir += len + (dir[len] == ':');
		}
	}
	return NULL;
}

/* ---- the transport ---- */

struct pipe_transport {
	struct cdp_transport base;
	int fd;
	struct inbox in;
};

/* Waits until fd is ready for events before deadline; false on timeout. */
static bool wait_fd(int fd, short events, int64_t deadline)
{
	for (;;) {
		int64_t left = deadline - now_ns();
		if (left <= 0)
			return false;
		struct pollfd p = {fd, events, 0};
		int n = poll(&p, 1, (int)(left / 1000000 + 1));
		if (n > 0)
			return true;
		if (n < 0 && errno != EINTR)
			return true; /* the read or write says what is wrong */
	}
}

static enum socapi_status pipe_send(struct cdp_transport *t, const char *msg, size_t len,
                                    int64_t deadline, struct socapi_error *err)
{
	struct pipe_transport *p = (struct pipe_transport *)t;
	/* the message and its terminator, the NUL included */
	for (size_t done = 0; done < len + 1;) {
		ssize_t n = done < len ? send(p->fd, msg + done, len - done, MSG_NOSIGNAL)
		                       : send(p->fd, "", 1, MSG_NOSIGNAL);
		if (n > 0) {
			done += (size_t)n;
		} else if (n < 0 && errno != EAGAIN && errno != EINTR) {
			return set_error(err, SOCAPI_E_TRANSPORT, "the browser closed its pipe: %s",
			                 strerror(errno));
		} else if (!wait_fd(p->fd, POLLOUT, deadline)) {
			return set_error(err, SOCAPI_E_TRANSPORT,
			                 "timed out writing to the browser");
		}
	}
	return SOCAPI_OK;
}

static enum socapi_status pipe_recv(struct cdp_transport *t, struct buf *msg, int64_t deadline,
                                    bool *timed_out, struct socapi_error *err)
{
	struct pipe_transport *p = (struct pipe_transport *)t;
	*timed_out = false;
	char chunk[65536];
	while (!inbox_take(&p->in, msg)) {
		if (msg->failed || p->in.data.failed)
			return set_error(err, SOCAPI_E_NOMEM, "out of memory reading the browser");
		ssize_t n = recv(p->fd, chunk, sizeof chunk, 0);
		if (n > 0) {
			buf_append(&p->in.data, chunk, (size_t)n);
		} else if (n == 0) {
			return set_error(err, SOCAPI_E_TRANSPORT, "the browser exited");
		} else if (errno != EAGAIN && errno != EINTR) {
			return set_error(err, SOCAPI_E_TRANSPORT, "reading the browser: %s",
			                 strerror(errno));
		} else if (!wait_fd(p->fd, POLLIN, deadline)) {
			*timed_out = true;
			return set_error(err, SOCAPI_E_TRANSPORT,
			                 "timed out waiting for the browser");
		}
	}
	return SOCAPI_OK;
}

static void pipe_destroy(struct cdp_transport *t)
{
	struct pipe_transport *p = (struct pipe_transport *)t;
	close(p->fd);
	inbox_release(&p->in);
	sc_free(p);
}

static const struct cdp_transport_ops pipe_ops = {pipe_send, pipe_recv, pipe_destroy};

/* ---- the profile directory ---- */

static int remove_entry(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	if (type == FTW_DP)
		rmdir(path);
	else
		unlink(path);
	return 0;
}

static void remove_tree(const char *dir)
{
	if (dir)
		nftw(dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

static char *make_profile_dir(struct socapi_error *err)
{
	const char *tmp = getenv("TMPDIR");
	struct buf dir = {0};
	buf_printf(&dir, "%s/socapi-chromium-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (dir.failed) {
		buf_release(&dir);
		set_error(err, SOCAPI_E_NOMEM, "out of memory");
		return NULL;
	}
	if (!mkdtemp(dir.data)) {
		set_error(err, SOCAPI_E_TRANSPORT, "cannot create a browser profile in %s: %s",
		          tmp && *tmp ? tmp : "/tmp", strerror(errno));
		buf_release(&dir);
		return NULL;
	}
	return dir.data;
}

char *browser_process_stderr_tail(const struct browser_process *p)
{
	struct buf path = {0};
	buf_printf(&path, "%s/stderr.log", p->profile_dir);
	FILE *f = path.failed ? NULL : fopen(path.data, "r");
	buf_release(&path);
	if (!f)
		return NULL;
	/* the last non-empty line, skipping Chromium's complaints about D-Bus */
	char line[512], last[512] = "";
	while (fgets(line, sizeof line, f)) {
		line[strcspn(line, "\r\n")] = '\0';
		if (line[0] && !strstr(line, "dbus") && !strstr(line, "D-Bus"))
			copy_text(last, sizeof last, line);
	}
	fclose(f);
	return last[0] ? sc_strdup(last) : NULL;
}

/* ---- starting ---- */

#define OWN_ENV 3 /* environment entries a launch sets itself, at the end of envp */

/* Everything the child needs, built before fork: after fork only
 * async-signal-safe calls are allowed. */
struct launch {
	char *argv[24]; /* NULL-terminated; n_args entries to free */
	size_t n_args;
	char **envp;
	int sock; /* the browser's end */
	int log;  /* stderr */
	int devnull;
	int report; /* errno of a failed exec goes here (close-on-exec) */
	pid_t parent;
};

static void launch_release(struct launch *l)
{
	for (size_t i = 0; i < l->n_args; i++)
		sc_free(l->argv[i]);
	if (l->envp) {
		/* only the entries at the end are ours */
		size_t n = 0;
		while (l->envp[n])
			n++;
		for (size_t i = n - OWN_ENV; i < n; i++)
			sc_free(l->envp[i]);
		sc_free(l->envp);
	}
}

static bool launch_args(struct launch *l, const char *executable, const char *profile)
{
	static const char *const flags[] = {"--headless",
	                                    "--disable-gpu",
	                                    "--disable-quic",
	                                    "--no-first-run",
	                                    "--no-default-browser-check",
	                                    "--disable-background-networking",
	                                    "--disable-component-update",
	                                    "--disable-sync",
	                                    "--disable-extensions",
	                                    "--disable-dev-shm-usage",
	                                    "--mute-audio",
	                                    "--remote-debugging-pipe"};
	size_t n = 0;
	l->argv[n++] = sc_strdup(executable);
	for (size_t i = 0; i < sizeof flags / sizeof *flags; i++)
		l->argv[n++] = sc_strdup(flags[i]);
	if (geteuid() == 0) /* Chromium refuses to run as root inside its sandbox */
		l->argv[n++] = sc_strdup("--no-sandbox");
	struct buf data_dir = {0};
	buf_printf(&data_dir, "--user-data-dir=%s", profile);
	l->argv[n++] = data_dir.data;
	l->argv[n++] = sc_strdup("about:blank");
	l->argv[n] = NULL;
	l->n_args = n;
	bool ok = !data_dir.failed;
	for (size_t i = 0; i < n; i++)
		ok = ok && l->argv[i];
	return ok;
}

/* The environment with XDG_CONFIG_HOME, XDG_CACHE_HOME and TMPDIR inside
 * the profile, so nothing (crash reports, caches, the singleton socket
 * Chromium keeps in a temporary directory and leaves behind when it is
 * killed) lands outside it: freeing the browser removes it all. */
static const struct {
	const char *name, *under_profile;
} own_env[OWN_ENV] = {{"XDG_CONFIG_HOME", "/config"}, {"XDG_CACHE_HOME", "/cache"}, {"TMPDIR", ""}};

static bool is_own_env(const char *entry)
{
	for (size_t i = 0; i < OWN_ENV; i++) {
		size_t len = strlen(own_env[i].name);
		if (strncmp(entry, own_env[i].name, len) == 0 && entry[len] == '=')
			return true;
	}
	return false;
}

static bool launch_env(struct launch *l, const char *profile)
{
	size_t n = 0;
	while (environ[n])
		n++;
	l->envp = sc_calloc(n + OWN_ENV + 1, sizeof *l->envp);
	if (!l->envp)
		return false;
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		if (!is_own_env(environ[i]))
			l->envp[k++] = environ[i];
	bool ok = true;
	for (size_t i = 0; i < OWN_ENV; i++) {
		struct buf entry = {0};
		buf_printf(&entry, "%s=%s%s", own_env[i].name, profile, own_env[i].under_profile);
		ok = ok && !entry.failed;
		l->envp[k++] = entry.data;
	}
	if (!ok) {
		for (size_t i = k - OWN_ENV; i < k; i++)
			sc_free(l->envp[i]);
		sc_free(l->envp);
		l->envp = NULL;
	}
	return ok;
}

/* In the child: fds 0-2 to /dev/null and the log, 3 and 4 to the socket,
 * everything else closed at exec. Only async-signal-safe calls. */
static void child_exec(const struct launch *l)
{
	setpgid(0, 0);
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != l->parent) /* the parent died before prctl */
		_exit(127);
	sigset_t all;
	sigemptyset(&all);
	sigprocmask(SIG_SETMASK, &all, NULL);
	signal(SIGPIPE, SIG_DFL);
	signal(SIGCHLD, SIG_DFL);
	/* move the fds above 4 first: any of them may be 0-4 now */
	int sock = fcntl(l->sock, F_DUPFD, 10), log = fcntl(l->log, F_DUPFD, 10);
	int null = fcntl(l->devnull, F_DUPFD, 10);
	int report = fcntl(l->report, F_DUPFD_CLOEXEC, 10);
	if (sock < 0 || log < 0 || null < 0 || report < 0 || dup2(null, 0) < 0 ||
	    dup2(null, 1) < 0 || dup2(log, 2) < 0 || dup2(sock, 3) < 0 || dup2(sock, 4) < 0)
		_exit(127);
	if (syscall(SYS_close_range, 5u, ~0u, 4u /* CLOSE_RANGE_CLOEXEC */) != 0) {
		struct rlimit lim;
		int top = getrlimit(RLIMIT_NOFILE, &lim) == 0 && lim.rlim_cur < 65536
		              ? (int)lim.rlim_cur
		              : 65536;
		for (int fd = 5; fd < top; fd++)
			if (fd != report)
				fcntl(fd, F_SETFD, FD_CLOEXEC);
	}
	execve(l->argv[0], l->argv, l->envp);
	int e = errno;
	ssize_t w = write(report, &e, sizeof e);
	(void)w;
	_exit(127);
}

/* Waits for the exec: the report pipe closes (success) or carries errno. */
static int exec_result(int report)
{
	int e = 0;
	struct pollfd p = {report, POLLIN, 0};
	while (poll(&p, 1, 10000) < 0 && errno == EINTR)
		;
	ssize_t n;
	while ((n = read(report, &e, sizeof e)) < 0 && errno == EINTR)
		;
	return n == (ssize_t)sizeof e ? e : 0;
}

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

enum socapi_status browser_process_start(const char *executable, struct browser_process *p,
                                         struct cdp_transport **transport, struct socapi_error *err)
{
	*p = (struct browser_process){0};
	*transport = NULL;
	struct launch l = {.sock = -1, .log = -1, .devnull = -1, .report = -1, .parent = getpid()};
	int ours = -1, report_read = -1;
	enum socapi_status st = SOCAPI_OK;
	p->profile_dir = make_profile_dir(err);
	if (!p->profile_dir)
		return err ? err->status : SOCAPI_E_TRANSPORT;
	struct buf log_path = {0};
	buf_printf(&log_path, "%s/stderr.log", p->profile_dir);
	if (!launch_args(&l, executable, p->profile_dir) || !launch_env(&l, p->profile_dir) ||
	    log_path.failed) {
		st = set_error(err, SOCAPI_E_NOMEM, "out of memory launching the browser");
		goto fail;
	}
	int sv[2], rp[2];
	l.log = open(log_path.data, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	l.devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (l.log < 0 || l.devnull < 0 ||
	    socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0) {
		st = set_error(err, SOCAPI_E_TRANSPORT, "cannot set up the browser's pipe: %s",
		               strerror(errno));
		goto fail;
	}
	ours = sv[0];
	l.sock = sv[1];
	if (pipe2(rp, O_CLOEXEC) != 0) {
		st = set_error(err, SOCAPI_E_TRANSPORT, "cannot set up the browser's pipe: %s",
		               strerror(errno));
		goto fail;
	}
	report_read = rp[0];
	l.report = rp[1];
	pid_t pid = fork();
	if (pid == 0)
		child_exec(&l);
	if (pid < 0) {
		st = set_error(err, SOCAPI_E_TRANSPORT, "cannot start the browser: %s",
		               strerror(errno));
		goto fail;
	}
	p->pid = pid;
	close_fd(&l.report);
	int exec_errno = exec_result(report_read);
	if (exec_errno) {
		st = set_error(
		    err, SOCAPI_E_ARG,
		    "cannot run %s: %s (install the Debian package chromium: apt-get install "
		    "chromium)",
		    executable, strerror(exec_errno));
		goto fail;
	}
	struct pipe_transport *t = sc_calloc(1, sizeof *t);
	if (!t || fcntl(ours, F_SETFL, O_NONBLOCK) != 0) {
		sc_free(t);
		st = set_error(err, SOCAPI_E_NOMEM, "out of memory launching the browser");
		goto fail;
	}
	t->base.ops = &pipe_ops;
	t->fd = ours;
	ours = -1;
	*transport = &t->base;
fail:
	close_fd(&ours);
	close_fd(&l.sock);
	close_fd(&l.log);
	close_fd(&l.devnull);
	close_fd(&l.report);
	close_fd(&report_read);
	buf_release(&log_path);
	launch_release(&l);
	if (st != SOCAPI_OK)
		browser_process_stop(p, 0);
	return st;
}

/* True once the process exited (it stays a zombie: its pid, and so its
 * process group id, cannot be reused until it is reaped). */
static bool has_exited(pid_t pid)
{
	siginfo_t info = {0};
	if (waitid(P_PID, (id_t)pid, &info, WEXITED | WNOHANG | WNOWAIT) != 0)
		return errno == ECHILD && kill(pid, 0) != 0; /* SIGCHLD ignored: reaped already */
	return info.si_pid == pid;
}

/* Chromium's crash handler leaves the process group (setsid): it is found
 * by the profile directory its command line names. */
static void kill_strays(const char *profile_dir)
{
	DIR *proc = opendir("/proc");
	struct dirent *e;
	size_t want = strlen(profile_dir);
	while (proc && (e = readdir(proc))) {
		char path[300], cmdline[4096];
		if (e->d_name[0] < '1' || e->d_name[0] > '9')
			continue;
		snprintf(path, sizeof path, "/proc/%s/cmdline", e->d_name);
		int fd = open(path, O_RDONLY | O_CLOEXEC);
		ssize_t n = fd >= 0 ? read(fd, cmdline, sizeof cmdline) : -1;
		if (fd >= 0)
			close(fd);
		if (n > 0 && memmem(cmdline, (size_t)n, profile_dir, want))
			kill((pid_t)strtol(e->d_name, NULL, 10), SIGKILL);
	}
	if (proc)
		closedir(proc);
}

static void reap(pid_t pid)
{
	for (int i = 0; i < 500 && waitpid(pid, NULL, WNOHANG) == 0; i++)
		sleep_ms(10);
}

void browser_process_stop(struct browser_process *p, long grace_ms)
{
	if (p->pid > 0) {
		int64_t deadline = now_ns() + (int64_t)grace_ms * 1000000;
		while (!has_exited(p->pid) && now_ns() < deadline)
			sleep_ms(10);
		/* the whole group: renderers, the zygote, helpers */
		kill(-p->pid, SIGKILL);
		kill(p->pid, SIGKILL);
		reap(p->pid);
		p->pid = 0;
	}
	if (p->profile_dir)
		kill_strays(p->profile_dir);
	remove_tree(p->profile_dir);
	sc_free(p->profile_dir);
	p->profile_dir = NULL;
}
