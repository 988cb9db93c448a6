#include "kube/engine.h"
#include "kube/client.h"
#include "util/str.h"

#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

static int sock_cb(CURL *easy, curl_socket_t s, int what, void *userp, void *socketp)
{
	struct kube_engine *e = userp;
	struct epoll_event ev = { 0 };

	(void)easy;
	if (what == CURL_POLL_REMOVE) {
		epoll_ctl(e->epfd, EPOLL_CTL_DEL, s, NULL);
		curl_multi_assign(e->multi, s, NULL);
		return 0;
	}
	ev.data.fd = s;
	if (what & CURL_POLL_IN)
		ev.events |= EPOLLIN;
	if (what & CURL_POLL_OUT)
		ev.events |= EPOLLOUT;
	if (socketp) {
		epoll_ctl(e->epfd, EPOLL_CTL_MOD, s, &ev);
	} else {
		if (epoll_ctl(e->epfd, EPOLL_CTL_ADD, s, &ev) < 0)
			epoll_ctl(e->epfd, EPOLL_CTL_MOD, s, &ev);
		curl_multi_assign(e->multi, s, e);
	}
	return 0;
}

static int timer_cb(CURLM *m, long ms, void *userp)
{
	struct kube_engine *e = userp;

	(void)m;
	e->deadline_ns = ms < 0 ? 0 : mono_ns() + ms * 1000000;
	if (ms == 0)
		e->deadline_ns = mono_ns();
	return 0;
}

int kube_engine_init(struct kube_engine *e, struct tug_err *err)
{
	memset(e, 0, sizeof(*e));
	e->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (e->epfd < 0)
		return tug_errno(err, "epoll");
	e->multi = curl_multi_init();
	curl_multi_setopt(e->multi, CURLMOPT_SOCKETFUNCTION, sock_cb);
	curl_multi_setopt(e->multi, CURLMOPT_SOCKETDATA, e);
	curl_multi_setopt(e->multi, CURLMOPT_TIMERFUNCTION, timer_cb);
	curl_multi_setopt(e->multi, CURLMOPT_TIMERDATA, e);
	return 0;
}

void kube_engine_release(struct kube_engine *e)
{
	if (e->multi)
		curl_multi_cleanup(e->multi);
	if (e->epfd >= 0)
		close(e->epfd);
	memset(e, 0, sizeof(*e));
	e->epfd = -1;
}

int kube_engine_timeout_ms(const struct kube_engine *e)
{
	int64_t d;

	if (!e->deadline_ns)
		return -1;
	d = e->deadline_ns - mono_ns();
	if (d <= 0)
		return 0;
	return (int)((d + 999999) / 1000000);
}

void kube_engine_drive(struct kube_engine *e)
{
	struct epoll_event evs[16];
	int n;

	do {
		n = epoll_wait(e->epfd, evs, 16, 0);
		for (int i = 0; i < n; i++) {
			int flags = 0;
			if (evs[i].events & EPOLLIN)
				flags |= CURL_CSELECT_IN;
			if (evs[i].events & EPOLLOUT)
				flags |= CURL_CSELECT_OUT;
			if (evs[i].events & (EPOLLERR | EPOLLHUP))
				flags |= CURL_CSELECT_ERR;
			curl_multi_socket_action(e->multi, evs[i].data.fd, flags, &e->running);
		}
	} while (n == 16);
	/* curl asks for "now" again right after some actions: bounded loop */
	for (int i = 0; i < 8 && e->deadline_ns && mono_ns() >= e->deadline_ns; i++) {
		e->deadline_ns = 0;
		curl_multi_socket_action(e->multi, CURL_SOCKET_TIMEOUT, 0, &e->running);
	}
}

CURL *kube_engine_done(struct kube_engine *e, CURLcode *rc)
{
	CURLMsg *m;
	int left;

	while ((m = curl_multi_info_read(e->multi, &left))) {
		if (m->msg == CURLMSG_DONE) {
			CURL *h = m->easy_handle;
			*rc = m->data.result;
			curl_multi_remove_handle(e->multi, h);
			return h;
		}
	}
	return NULL;
}

int kube_engine_add(struct kube_engine *e, CURL *h)
{
	CURLMcode r = curl_multi_add_handle(e->multi, h);
	return r == CURLM_OK ? 0 : -1;
}

void kube_engine_remove(struct kube_engine *e, CURL *h)
{
	curl_multi_remove_handle(e->multi, h);
}

int kube_engine_start(struct kube_engine *e, struct kube_xfer *x, CURL *h, struct tug_err *err)
{
	int r = kube_xfer_prepare(x, h, err);

	if (r)
		return r;
	if (kube_engine_add(e, x->h) < 0)
		return tug_errf(err, TUG_E_GENERIC, "cannot start a transfer to %s", x->kc->cfg.server);
	return 0;
}
