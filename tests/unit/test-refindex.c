/* The ref index of live lists: put, get, delete under churn, against a
 * plain array as the model. */
#include "t.h"
#include "refindex.h"

#include <stdio.h>
#include <stdlib.h>

int main(void)
{
	struct refindex x = { 0 };
	static long model[20000];
	char key[64];
	int bad = 0;

	T_OK(refindex_get(&x, "nothing") == -1, "an empty index has nothing");
	refindex_del(&x, "nothing");
	for (int i = 0; i < 20000; i++) {
		snprintf(key, sizeof(key), "load-%02d/pod-%05d", i % 10, i);
		refindex_put(&x, key, i);
		model[i] = i;
	}
	T_OK(x.n == 20000, "20,000 keys in (%zu)", x.n);
	for (int i = 0; i < 20000; i++) {
		snprintf(key, sizeof(key), "load-%02d/pod-%05d", i % 10, i);
		bad += refindex_get(&x, key) != i;
	}
	T_OK(bad == 0, "every key finds its index (%d wrong)", bad);
	/* churn: delete a pseudo-random half, move some, put some back */
	srand(7);
	for (int r = 0; r < 60000; r++) {
		int i = rand() % 20000;
		snprintf(key, sizeof(key), "load-%02d/pod-%05d", i % 10, i);
		if (model[i] >= 0 && rand() % 3) {
			refindex_del(&x, key);
			model[i] = -1;
		} else {
			long v = rand() % 100000;
			refindex_put(&x, key, v);
			model[i] = v;
		}
	}
	bad = 0;
	size_t live = 0;
	for (int i = 0; i < 20000; i++) {
		snprintf(key, sizeof(key), "load-%02d/pod-%05d", i % 10, i);
		bad += refindex_get(&x, key) != model[i];
		live += model[i] >= 0;
	}
	T_OK(bad == 0, "after 60,000 puts and deletes every key agrees with the model (%d wrong)", bad);
	T_OK(x.n == live, "the count agrees (%zu vs %zu)", x.n, live);
	T_OK(refindex_get(&x, "load-00/pod-99999") == -1, "an absent key stays absent");
	refindex_release(&x);
	T_OK(x.n == 0 && refindex_get(&x, "load-00/pod-00000") == -1, "released: empty");
	return T_DONE();
}
