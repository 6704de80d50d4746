/*
 * bench_batch.c - N slow calls one after another (socapi_call) and all at
 * once (socapi_batch) against the bundled emulator, which delays each
 * answer by the same time. Prints both wall times; never a test.
 *   cmake --build build --target bench_batch && build/bench/bench_batch [calls] [delay ms]
 */
#define _POSIX_C_SOURCE 200809L
#include "../tests/emulator_harness.h"

#include <socapi/vk.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <vk/vk.h>

#define MAX_CALLS 64

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Every request to /vk/method waits delay_ms before its answer. */
static bool slow_down(const struct emulator *emu, int calls, int delay_ms)
{
	char fault[160];
	snprintf(fault, sizeof fault,
	         "{\"path\": \"/vk/method\", \"fault\": \"timeout\", \"delay_ms\": %d, \"times\": %d}",
	         delay_ms, calls);
	return emulator_control(emu, "faults", fault);
}

int main(int argc, char **argv)
{
	int calls = argc > 1 ? atoi(argv[1]) : 16, delay_ms = argc > 2 ? atoi(argv[2]) : 200;
	if (calls < 1 || calls > MAX_CALLS)
		return 2;
	struct emulator emu;
	struct socapi_error err;
	if (socapi_global_init(NULL, &err) != SOCAPI_OK || !emulator_start(&emu))
		return 1;
	char api_url[128];
	snprintf(api_url, sizeof api_url, "%s/vk/method", emu.base);
	struct socapi_vk_credentials cred = {.access_token = "vk1.a.emuIvanFixedUserToken0001",
	                                     .api_url = api_url};
	struct socapi_session *sessions[MAX_CALLS];
	for (int i = 0; i < calls; i++)
		if (socapi_vk_session_new(&cred, NULL, &sessions[i], &err) != SOCAPI_OK)
			return 1;
	int failures = 0;

	slow_down(&emu, calls, delay_ms);
	double start = now();
	for (int i = 0; i < calls; i++) {
		int64_t t = 0;
		failures += vk_utils_get_server_time(sessions[i], &t, &err) != SOCAPI_OK;
	}
	double one_by_one = now() - start;

	slow_down(&emu, calls, delay_ms);
	struct socapi_batch *batch = NULL;
	int64_t times[MAX_CALLS];
	struct socapi_error errs[MAX_CALLS];
	start = now();
	failures += socapi_batch_new(&batch, &err) != SOCAPI_OK;
	for (int i = 0; batch && i < calls; i++)
		failures += socapi_batch_add(batch, sessions[i], &vk_utils_get_server_time_method, NULL,
		                             &times[i], &errs[i], &err) != SOCAPI_OK;
	failures += !batch || socapi_batch_run(batch, &err) != SOCAPI_OK;
	double at_once = now() - start;
	for (int i = 0; batch && i < calls; i++)
		failures += errs[i].status != SOCAPI_OK;
	socapi_batch_free(batch);

	printf("%d calls, each answered after %d ms: one by one %.2f s, as a batch %.2f s (%.1fx); "
	       "%d failures\n", calls, delay_ms, one_by_one, at_once, one_by_one / at_once, failures);
	for (int i = 0; i < calls; i++)
		socapi_session_free(sessions[i]);
	emulator_stop(&emu);
	socapi_global_cleanup();
	return failures ? 1 : 0;
}
