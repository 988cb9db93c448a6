/* paging.h - lists in pages (limit/continue), as kubectl does with
 * --chunk-size, each page decoded with the scanner and handed over item
 * by item. */
#ifndef TUG_KUBE_PAGING_H
#define TUG_KUBE_PAGING_H

#include "kube/client.h"
#include "kube/jscan.h"
#include "backend.h"

/* Return non-zero to stop listing. */
typedef int (*kube_item_cb)(void *ctx, struct jv item);

/* The query for one page: "?limit=N[&continue=T][&labelSelector=S]". */
char *kube_list_query(int limit, const char *cont, const char *selector);

/* Parse a list answer: each item to cb; *cont and *rv (malloc'd, NULL
 * when absent) get metadata.continue and metadata.resourceVersion.
 * Returns the item count, or -1 when the body is not a list. */
long kube_page_parse(const char *buf, size_t len, kube_item_cb cb, void *ctx, char **cont,
		     char **rv);

/* List a whole collection page by page (ns "" = all namespaces).
 * A continue token that expired (410) restarts the list unpaged, as
 * client-go's pager does. *rv_out gets the list's resourceVersion. */
int kube_list_all(struct kube_client *kc, enum tug_kind k, const char *ns,
		  const char *selector, kube_item_cb cb, void *ctx, char **rv_out,
		  struct tug_err *err);

#endif
