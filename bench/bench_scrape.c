/*
 * bench_scrape.c - what the scrapers cost, against the bundled emulator:
 * seconds to start a browser (launched over the pipe, and connected over
 * the WebSocket to a Chromium started by hand), seconds per scraper call
 * (groups.get of 50 communities, plain and extended; a feed of 100 events),
 * and the browser's peak memory over those calls: the sum over all its
 * processes of RSS (shared pages counted in each process) and of PSS
 * (shared pages divided among them), sampled every 20 ms.
 *
 *   bench_scrape [rounds]     (default 3; the median is printed)
 */
#define _GNU_SOURCE
#include "../runtime/src/browser_internal.h"
#include "../tests/scraper_harness.h"

#include <dirent.h>
#include <fcntl.h>
#include <mailru/mailru.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static struct emulator emu;
static struct socapi_session *session;
static char *cookies;
static char web_url[128];

/* ---- the memory of every process of the browser ---- */

struct sampler {
	pid_t group;         /* the browser's process group */
	const char *profile; /* helpers outside the group name it */
	volatile bool stop;
	long peak_rss_kb, peak_pss_kb;
	int peak_processes;
};

/* A "Name: <n> kB" line's number in a /proc file, or 0. */
static long kb_of(const char *path, const char *name)
{
	FILE *f = fopen(path, "r");
	char line[256];
	long kb = 0;
	size_t len = strlen(name);
	while (f && fgets(line, sizeof line, f))
		if (strncmp(line, name, len) == 0)
			kb = strtol(line + len, NULL, 10);
	if (f)
		fclose(f);
	return kb;
}

static bool in_browser(const struct sampler *s, const char *pid)
{
	char path[300], text[4096];
	snprintf(path, sizeof path, "/proc/%s/stat", pid);
	FILE *f = fopen(path, "r");
	int group = 0;
	bool ok = f && fscanf(f, "%*d (%*[^)]) %*c %*d %d", &group) == 1;
	if (f)
		fclose(f);
	if (ok && group == s->group)
		return true;
	snprintf(path, sizeof path, "/proc/%s/cmdline", pid);
	int fd = open(path, O_RDONLY);
	ssize_t n = fd >= 0 ? read(fd, text, sizeof text) : -1;
	if (fd >= 0)
		close(fd);
	return n > 0 && memmem(text, (size_t)n, s->profile, strlen(s->profile));
}

static void *sample(void *arg)
{
	struct sampler *s = arg;
	while (!s->stop) {
		long rss = 0, pss = 0;
		int processes = 0;
		DIR *proc = opendir("/proc");
		for (struct dirent *e; proc && (e = readdir(proc));) {
			if (e->d_name[0] < '1' || e->d_name[0] > '9' || !in_browser(s, e->d_name))
				continue;
			char path[300];
			snprintf(path, sizeof path, "/proc/%s/status", e->d_name);
			rss += kb_of(path, "VmRSS:");
			snprintf(path, sizeof path, "/proc/%s/smaps_rollup", e->d_name);
			pss += kb_of(path, "Pss:");
			processes++;
		}
		if (proc)
			closedir(proc);
		if (rss > s->peak_rss_kb)
			s->peak_rss_kb = rss;
		if (pss > s->peak_pss_kb)
			s->peak_pss_kb = pss;
		if (processes > s->peak_processes)
			s->peak_processes = processes;
		sleep_ms(20);
	}
	return NULL;
}

/* ---- timing ---- */

static int by_value(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof *v, by_value);
	return v[n / 2];
}

static double seconds_since(int64_t start)
{
	return (double)(now_ns() - start) / 1e9;
}

static void bench_starts(int rounds)
{
	double launch[16], close_[16], connect[16];
	struct socapi_error err;
	for (int i = 0; i < rounds; i++) {
		struct socapi_browser_options o = {.ignore_environment = true};
		struct socapi_browser *b = NULL;
		int64_t t = now_ns();
		if (socapi_browser_new(&o, &b, &err) != SOCAPI_OK) {
			fprintf(stderr, "launch: %s\n", err.message);
			exit(1);
		}
		launch[i] = seconds_since(t);
		t = now_ns();
		socapi_browser_free(b);
		close_[i] = seconds_since(t);
	}
	struct own_chromium c;
	if (!chromium_start(&c)) {
		fprintf(stderr, "could not start a Chromium with a DevTools port\n");
		exit(1);
	}
	for (int i = 0; i < rounds; i++) {
		struct socapi_browser_options o = {.endpoint = c.ws};
		struct socapi_browser *b = NULL;
		int64_t t = now_ns();
		if (socapi_browser_new(&o, &b, &err) != SOCAPI_OK) {
			fprintf(stderr, "connect: %s\n", err.message);
			exit(1);
		}
		connect[i] = seconds_since(t);
		socapi_browser_free(b);
	}
	chromium_stop(&c);
	printf("browser start, launched (pipe):       %.3f s (free: %.3f s)\n",
	       median(launch, rounds), median(close_, rounds));
	printf("browser start, connected (WebSocket): %.3f s\n", median(connect, rounds));
}

static void bench_scrapers(int rounds)
{
	struct socapi_browser_options o = {.ignore_environment = true};
	struct socapi_browser *browser = NULL;
	struct socapi_error err;
	if (socapi_browser_new(&o, &browser, &err) != SOCAPI_OK) {
		fprintf(stderr, "launch: %s\n", err.message);
		exit(1);
	}
	struct sampler s = {.group = (pid_t)socapi_browser_pid(browser),
	                    .profile = browser->process.profile_dir};
	pthread_t sampler;
	pthread_create(&sampler, NULL, sample, &s);
	struct socapi_scraper_options so = {
	    .cookies = cookies, .browser = browser, .web_url = web_url};
	struct socapi_scraper *scraper = NULL;
	if (socapi_scraper_new(session, &so, &scraper, &err) != SOCAPI_OK) {
		fprintf(stderr, "scraper: %s\n", err.message);
		exit(1);
	}
	double groups[16], extended[16], feed[16];
	size_t n_groups = 0, n_extended = 0, n_events = 0;
	struct mailru_groups_get_params gp = {.has_limit = true, .limit = 50};
	struct mailru_stream_get_by_author_params fp = {.has_uid = true,
	                                                .uid = community_uid(&emu, "big_feed"),
	                                                .has_limit = true,
	                                                .limit = 100};
	for (int i = 0; i < rounds; i++) {
		struct socapi_uint_list *uids = NULL;
		struct mailru_user_list *users = NULL;
		struct mailru_stream_item_list *events = NULL;
		int64_t t = now_ns();
		if (mailru_groups_get_scrape(scraper, &gp, &uids, &err) != SOCAPI_OK)
			fprintf(stderr, "groups.get: %s\n", err.message);
		groups[i] = seconds_since(t);
		t = now_ns();
		if (mailru_groups_get_with_extended_scrape(scraper, &gp, &users, &err) != SOCAPI_OK)
			fprintf(stderr, "groups.get extended: %s\n", err.message);
		extended[i] = seconds_since(t);
		t = now_ns();
		if (mailru_stream_get_by_author_scrape(scraper, &fp, &events, &err) != SOCAPI_OK)
			fprintf(stderr, "stream.getByAuthor: %s\n", err.message);
		feed[i] = seconds_since(t);
		n_groups = uids ? uids->n_items : 0;
		n_extended = users ? users->n_items : 0;
		n_events = events ? events->n_items : 0;
		socapi_free(uids);
		socapi_free(users);
		socapi_free(events);
	}
	s.stop = true;
	pthread_join(sampler, NULL);
	socapi_scraper_free(scraper);
	socapi_browser_free(browser);
	printf("groups.get scraper, %zu communities:        %.3f s\n", n_groups,
	       median(groups, rounds));
	printf("groups.get extended scraper, %zu users:     %.3f s\n", n_extended,
	       median(extended, rounds));
	printf("stream.getByAuthor scraper, %zu events:    %.3f s\n", n_events,
	       median(feed, rounds));
	printf("browser peak over the calls: %d processes, RSS sum %.0f MB, PSS sum %.0f MB\n",
	       s.peak_processes, (double)s.peak_rss_kb / 1024, (double)s.peak_pss_kb / 1024);
}

int main(int argc, char **argv)
{
	int rounds = argc > 1 ? atoi(argv[1]) : 3;
	if (rounds < 1 || rounds > 16)
		rounds = 3;
	struct socapi_error err;
	if (socapi_global_init(NULL, &err) != SOCAPI_OK || !emulator_start(&emu) ||
	    !mailru_log_in(&emu, "maria@bk.ru", "secret2", &session, &cookies))
		return 1;
	snprintf(web_url, sizeof web_url, "%s/mailru/web", emu.base);
	bench_starts(rounds);
	bench_scrapers(rounds);
	socapi_session_free(session);
	free(cookies);
	emulator_stop(&emu);
	socapi_global_cleanup();
	return 0;
}
