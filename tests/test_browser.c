/*
 * test_browser.c - the launched Chromium's life: started, answering, and
 * gone without a trace (processes, profile directory) after a free, a
 * failed start, a browser that never answers, and the death of the program
 * that launched it; plus the errors of a missing browser and of an endpoint
 * that refuses. Links the static library to see the profile directory.
 */
#define _GNU_SOURCE /* memmem */
#include "../runtime/src/browser_internal.h"
#include "check.h"

#include <dirent.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define SKIPPED 77

/* True while a live process (not a zombie) has needle in its command line. */
static bool alive_with(const char *needle)
{
	DIR *proc = opendir("/proc");
	struct dirent *e;
	bool found = false;
	while (proc && !found && (e = readdir(proc))) {
		char path[300], text[4096], state = 0;
		if (e->d_name[0] < '1' || e->d_name[0] > '9' || atoi(e->d_name) == getpid())
			continue;
		snprintf(path, sizeof path, "/proc/%s/stat", e->d_name);
		FILE *f = fopen(path, "r");
		if (!f)
			continue;
		int ok = fscanf(f, "%*d (%*[^)]) %c", &state);
		fclose(f);
		snprintf(path, sizeof path, "/proc/%s/cmdline", e->d_name);
		int fd = open(path, O_RDONLY);
		ssize_t n = fd >= 0 ? read(fd, text, sizeof text) : -1;
		if (fd >= 0)
			close(fd);
		found = ok == 1 && state != 'Z' && n > 0 &&
		        memmem(text, (size_t)n, needle, strlen(needle));
	}
	if (proc)
		closedir(proc);
	return found;
}

/* Polls alive_with for up to ten seconds: true once nothing has needle. */
static bool gone(const char *needle)
{
	for (int i = 0; i < 200; i++) {
		if (!alive_with(needle))
			return true;
		sleep_ms(50);
	}
	return false;
}

static bool exists(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0;
}

static void test_launch_and_free(void)
{
	struct socapi_browser_options o = {.ignore_environment = true};
	struct socapi_browser *b = NULL;
	struct socapi_error err;
	CHECK_OK(socapi_browser_new(&o, &b, &err), err);
	if (!b)
		return;
	CHECK(socapi_browser_pid(b) > 0);
	CHECK(strncmp(socapi_browser_product(b), "Chrome/", 7) == 0 ||
	      strncmp(socapi_browser_product(b), "HeadlessChrome/", 15) == 0);
	char profile[256];
	snprintf(profile, sizeof profile, "%s", b->process.profile_dir);
	CHECK(exists(profile) && alive_with(profile));
	/* its own process group */
	CHECK(getpgid((pid_t)socapi_browser_pid(b)) == (pid_t)socapi_browser_pid(b));
	/* a page answers */
	const char *context;
	struct cdp_page *page = NULL;
	struct json_object *two = NULL;
	CHECK_OK(browser_context_new(b, &context, &err), err);
	CHECK_OK(page_open(b, context, &page, &err), err);
	if (page)
		CHECK_OK(page_eval(b, page, "1 + 1", browser_deadline(b), &two, &err), err);
	CHECK(two && json_object_get_int(two) == 2);
	json_object_put(two);
	page_close(b, page);
	socapi_browser_free(b);
	/* everything is gone at once: processes and profile */
	CHECK(!alive_with(profile));
	CHECK(!exists(profile));
}

/* A fake browser: a shell script in dir that does what body says. */
static void fake_browser(const char *dir, const char *name, const char *body, char *path,
                         size_t size)
{
	snprintf(path, size, "%s/%s", dir, name);
	FILE *f = fopen(path, "w");
	if (f) {
		fprintf(f, "#!/bin/sh\n%s\n", body);
		fclose(f);
	}
	chmod(path, 0700);
}

static void remove_dir(const char *dir)
{
	char command[512];
	snprintf(command, sizeof command, "rm -rf '%s'", dir);
	CHECK(system(command) == 0);
}

static int entries_in(const char *dir)
{
	DIR *d = opendir(dir);
	int entries = 0;
	for (struct dirent *e; d && (e = readdir(d));)
		entries += e->d_name[0] != '.';
	if (d)
		closedir(d);
	return entries;
}

/* Start failures leave nothing behind: every profile lives under TMPDIR here. */
static void test_failed_starts(void)
{
	char tmp[] = "/tmp/socapi-test-browser-XXXXXX";
	CHECK(mkdtemp(tmp) != NULL);
	const char *saved_tmpdir = getenv("TMPDIR");
	char *old_tmpdir = saved_tmpdir ? strdup(saved_tmpdir) : NULL;
	setenv("TMPDIR", tmp, 1);
	struct socapi_error err;
	struct socapi_browser *b = (void *)&err;
	char exe[300];

	/* it exits at once: the error quotes its stderr */
	fake_browser(tmp, "exits", "echo 'Missing X server or $DISPLAY' >&2; exit 1", exe,
	             sizeof exe);
	struct socapi_browser_options o = {
	    .executable = exe, .ignore_environment = true, .timeout_ms = 5000};
	CHECK(socapi_browser_new(&o, &b, &err) == SOCAPI_E_TRANSPORT && b == NULL);
	CHECK(strstr(err.message, "Missing X server") != NULL);

	/* it never answers: the start is bounded, and the process is killed */
	fake_browser(tmp, "silent", "while :; do sleep 0.05; done", exe, sizeof exe);
	o.timeout_ms = 500;
	int64_t start = now_ns();
	CHECK(socapi_browser_new(&o, &b, &err) == SOCAPI_E_TRANSPORT && b == NULL);
	CHECK(strstr(err.message, "did not answer") != NULL);
	CHECK(now_ns() - start < 10 * 1000000000LL); /* generous: 0.5 s + the 3 s grace */
	CHECK(!alive_with(tmp));

	/* not executable */
	o.executable = "/nonexistent/chromium";
	CHECK(socapi_browser_new(&o, &b, &err) == SOCAPI_E_ARG && b == NULL);
	CHECK(strstr(err.message, "cannot run /nonexistent/chromium") != NULL);

	/* nothing on PATH: the error names the Debian package */
	const char *saved_path = getenv("PATH");
	char *old_path = saved_path ? strdup(saved_path) : NULL;
	setenv("PATH", tmp, 1);
	struct socapi_browser_options none = {.ignore_environment = true};
	CHECK(socapi_browser_new(&none, &b, &err) == SOCAPI_E_ARG && b == NULL);
	CHECK(strstr(err.message, "apt-get install chromium") != NULL);
	if (old_path)
		setenv("PATH", old_path, 1);
	free(old_path);

	/* no profile directory left behind: only the two scripts */
	CHECK(entries_in(tmp) == 2);
	if (old_tmpdir)
		setenv("TMPDIR", old_tmpdir, 1);
	else
		unsetenv("TMPDIR");
	free(old_tmpdir);
	remove_dir(tmp);
}

/* The program that launched the browser is killed: the browser dies too,
 * and all it leaves is its profile (Chromium's own temporary files, such as
 * its singleton socket, are inside it). */
static void test_parent_dies(void)
{
	char tmp[] = "/tmp/socapi-test-browser-XXXXXX";
	CHECK(mkdtemp(tmp) != NULL);
	int report[2];
	CHECK(pipe(report) == 0);
	pid_t child = fork();
	if (child == 0) {
		setenv("TMPDIR", tmp, 1);
		struct socapi_error err;
		struct socapi_browser *b = NULL;
		struct socapi_browser_options o = {.ignore_environment = true};
		if (socapi_global_init(NULL, &err) == SOCAPI_OK &&
		    socapi_browser_new(&o, &b, &err) == SOCAPI_OK) {
			ssize_t w = write(report[1], b->process.profile_dir,
			                  strlen(b->process.profile_dir) + 1);
			(void)w;
		}
		pause();
		_exit(0);
	}
	close(report[1]);
	char profile[256] = "";
	ssize_t n = read(report[0], profile, sizeof profile - 1);
	close(report[0]);
	CHECK(n > 0 && alive_with(profile));
	kill(child, SIGKILL);
	waitpid(child, NULL, 0);
	CHECK(n > 0 && gone(profile));
	/* the profile is left, nobody was there to remove it; nothing else is */
	CHECK(n > 0 && strncmp(profile, tmp, strlen(tmp)) == 0);
	CHECK(entries_in(tmp) == 1);
	remove_dir(tmp);
}

/* An endpoint nobody listens on, given directly or through the environment. */
static void test_endpoint_refuses(void)
{
	int s = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t len = sizeof a;
	CHECK(bind(s, (struct sockaddr *)&a, sizeof a) == 0 &&
	      getsockname(s, (struct sockaddr *)&a, &len) == 0);
	close(s); /* the port is free now: connections are refused */
	char ws[128], http[128];
	snprintf(ws, sizeof ws, "ws://127.0.0.1:%d/devtools/browser/x", ntohs(a.sin_port));
	snprintf(http, sizeof http, "http://127.0.0.1:%d", ntohs(a.sin_port));
	struct socapi_error err;
	struct socapi_browser *b = (void *)&err;
	struct socapi_browser_options o = {.endpoint = ws, .timeout_ms = 5000};
	CHECK(socapi_browser_new(&o, &b, &err) == SOCAPI_E_TRANSPORT && b == NULL);
	CHECK(strstr(err.message, ws) != NULL);
	o.endpoint = http;
	CHECK(socapi_browser_new(&o, &b, &err) == SOCAPI_E_TRANSPORT && b == NULL);
	setenv(SOCAPI_BROWSER_ENDPOINT_ENV, ws, 1);
	CHECK(socapi_browser_new(NULL, &b, &err) == SOCAPI_E_TRANSPORT && b == NULL);
	CHECK(strstr(err.message, ws) != NULL);
	unsetenv(SOCAPI_BROWSER_ENDPOINT_ENV);
	o.endpoint = "wss://example.invalid/devtools";
	CHECK(socapi_browser_new(&o, &b, &err) == SOCAPI_E_ARG && b == NULL);
	CHECK(socapi_browser_new(&o, NULL, &err) == SOCAPI_E_ARG);
	socapi_browser_free(NULL);
}

int main(void)
{
	struct socapi_error err;
	CHECK_OK(socapi_global_init(NULL, &err), err);
	char *found = browser_find_executable();
	if (!found) {
		printf("skipped: no chromium on PATH (apt-get install chromium)\n");
		return SKIPPED;
	}
	sc_free(found);
	unsetenv(SOCAPI_BROWSER_ENDPOINT_ENV);
	test_launch_and_free();
	test_failed_starts();
	test_parent_dies();
	test_endpoint_refuses();
	socapi_global_cleanup();
	return check_summary();
}
