/* objects.h - API objects (as scanner spans) to struct tug_obj rows with
 * kubectl's printing logic: pod STATUS, READY x/y, RESTARTS, workload
 * counts, service ports, node roles, event targets. */
#ifndef TUG_KUBE_OBJECTS_H
#define TUG_KUBE_OBJECTS_H

#include "backend.h"
#include "kube/jscan.h"

/* Indexes into tug_obj.cells per kind (columns.c renders them). */
enum { POD_NOMINATED, POD_GATES, POD_NCELLS };
enum { DEP_UPTODATE, DEP_AVAILABLE, DEP_CONTAINERS, DEP_IMAGES, DEP_SELECTOR, DEP_NCELLS };
enum { STS_CONTAINERS, STS_IMAGES, STS_NCELLS };
enum { DS_DESIRED, DS_CURRENT, DS_READY, DS_UPTODATE, DS_AVAILABLE, DS_NODESEL,
       DS_CONTAINERS, DS_IMAGES, DS_SELECTOR, DS_NCELLS };
enum { RS_DESIRED, RS_CURRENT, RS_READY, RS_CONTAINERS, RS_IMAGES, RS_SELECTOR, RS_NCELLS };
enum { SVC_TYPE, SVC_CLUSTERIP, SVC_EXTERNALIP, SVC_EXTERNALIP_WIDE, SVC_PORTS,
       SVC_SELECTOR, SVC_NCELLS };
enum { NODE_ROLES, NODE_VERSION, NODE_INTERNALIP, NODE_EXTERNALIP, NODE_OS, NODE_KERNEL,
       NODE_RUNTIME, NODE_NCELLS };
enum { EV_TYPE, EV_REASON, EV_OBJECT, EV_SUBOBJECT, EV_SOURCE, EV_MESSAGE, EV_COUNT,
       EV_NCELLS };

/* Fill o from one object of kind k. o->raw stays NULL (the views keep
 * rows small; inspect fetches the full object). Returns 0, or -1 when
 * item is not an object. */
int kube_obj_decode(enum tug_kind k, struct jv item, struct tug_obj *o);

/* The same from a jansson object (single GETs, tests). raw is set to a
 * new reference of j. */
int kube_obj_from_json(enum tug_kind k, json_t *j, struct tug_obj *o);

/* Parse an RFC 3339 timestamp string value; 0 when absent or bad. */
int64_t kube_time(struct jv v);

#endif
