#!/usr/bin/env python3
"""kube-sim: a Kubernetes API server simulator for tests (see README.md next to this file).

Starts an HTTPS API server on loopback with its own CA, writes a kubeconfig, seeds a cluster,
runs simulated controllers and kubelets, and serves until SIGTERM/SIGINT."""
import argparse
import ipaddress
import json
import os
import signal
import sys
import tempfile
import threading

sys.dont_write_bytecode = True  # keep the source tree clean when tests run
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from sim import (auth as A, certs, churn, context, controller, faults as F, kubeconfig, proxy,  # noqa: E402
                 seed, server, store as S, timefmt)


def parse_args(argv):
    p = argparse.ArgumentParser(prog="kube-sim", description="Kubernetes API server simulator for tests.")
    p.add_argument("--host", default="127.0.0.1", help="loopback address to listen on (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=0, help="port (default 0: a free port, see --port-file)")
    p.add_argument("--dir", help="state directory for the CA, certificates, kubeconfig and port file "
                                 "(default: a new temporary directory)")
    p.add_argument("--port-file", help="write the port here once serving (default DIR/port)")
    p.add_argument("--kubeconfig", help="write the kubeconfig here (default DIR/kubeconfig)")
    p.add_argument("--seed", default="default", help="seed: 'default', 'empty' or a JSON file (see README)")
    p.add_argument("--pods", type=int, default=0, help="add N synthetic pods (deployments in load-NN namespaces)")
    p.add_argument("--random-seed", type=int, default=1, help="seed for generated names and uids (default 1)")
    p.add_argument("--token", default="sim-admin-token", help="bearer token of the admin token user")
    p.add_argument("--viewer-token", default="sim-viewer-token", help="bearer token of the read-only user")
    p.add_argument("--basic", default="sim-basic:sim-password", help="USER:PASSWORD accepted by basic auth")
    p.add_argument("--ready-delay", type=float, default=1.0, help="seconds from pod creation to Running+ready")
    p.add_argument("--terminate-delay", type=float, default=1.0, help="seconds a deleted pod stays Terminating")
    p.add_argument("--log-interval", type=float, default=1.0, help="seconds between generated log lines")
    p.add_argument("--bookmark-interval", type=float, default=10.0, help="seconds between watch BOOKMARKs")
    p.add_argument("--watch-history", type=int, default=1000,
                   help="events kept per resource for watches; older resourceVersions get 410 Gone")
    p.add_argument("--watch-timeout", type=float, default=1800.0, help="server-side watch timeout (seconds)")
    p.add_argument("--max-events", type=int, default=2000, help="cap on stored core/v1 Events")
    p.add_argument("--no-metrics", action="store_true", help="do not serve metrics.k8s.io")
    p.add_argument("--server-version", default="v1.32.4", help="gitVersion reported by /version")
    p.add_argument("--delay-ms", type=float, default=0, help="fault: delay every API response by this much")
    p.add_argument("--drop-watch-after-events", type=int, help="fault: cut watches after N events")
    p.add_argument("--drop-watch-after-seconds", type=float, help="fault: cut watches after S seconds")
    p.add_argument("--fault", action="append", default=[], help="fault rule as JSON (repeatable; see README)")
    p.add_argument("--churn", type=float, default=0, help="pod changes per second (load tests)")
    p.add_argument("--churn-mode", default="modify", choices=["modify", "replace"])
    p.add_argument("--proxy", action="store_true",
                   help="also run an HTTP CONNECT proxy (port in DIR/proxy-port, kubeconfig context sim-proxy)")
    p.add_argument("--gzip", action="store_true", help="gzip responses over 128 KiB when the client accepts it")
    p.add_argument("--verbose", action="store_true", help="log requests to stderr")
    a = p.parse_args(argv)
    try:
        if not ipaddress.ip_address(a.host).is_loopback:
            p.error("--host must be a loopback address (127.0.0.0/8 or ::1)")
    except ValueError:
        p.error("--host must be an IP address, got %r" % a.host)
    if ":" not in a.basic:
        p.error("--basic must be USER:PASSWORD")
    return a


def main(argv=None):
    a = parse_args(sys.argv[1:] if argv is None else argv)
    d = a.dir or tempfile.mkdtemp(prefix="kube-sim.")
    os.makedirs(d, exist_ok=True)
    try:
        pki = certs.ensure(os.path.join(d, "pki"))
    except (RuntimeError, OSError) as e:
        sys.stderr.write("kube-sim: cannot create certificates in %s: %s\n" % (d, e))
        return 1
    cfg = context.Config()
    cfg.ready_delay, cfg.terminate_delay = a.ready_delay, a.terminate_delay
    cfg.log_interval, cfg.bookmark_interval = a.log_interval, a.bookmark_interval
    cfg.watch_timeout, cfg.max_events = a.watch_timeout, a.max_events
    cfg.metrics, cfg.version, cfg.gzip, cfg.verbose = not a.no_metrics, a.server_version, a.gzip, a.verbose
    auth = A.Auth()
    auth.add_token(a.token, "sim-token-admin", ["system:masters"])
    auth.add_token(a.viewer_token, "sim-viewer", [A.READONLY_GROUP], readonly=True)
    buser, bpass = a.basic.split(":", 1)
    auth.add_basic(buser, bpass, ["system:masters"])
    faults = F.Faults()
    try:
        if a.delay_ms:
            faults.add({"delayMs": a.delay_ms})
        if a.drop_watch_after_events or a.drop_watch_after_seconds:
            faults.add({"watch": True, "dropWatchAfterEvents": a.drop_watch_after_events,
                        "dropWatchAfterSeconds": a.drop_watch_after_seconds})
        for f in a.fault:
            faults.add(json.loads(f))
    except (ValueError, TypeError) as e:
        sys.stderr.write("kube-sim: bad fault rule: %s\n" % e)
        return 2
    sim = context.Sim(S.Store(history=a.watch_history), auth, faults, cfg, a.random_seed)
    ctl = controller.Controller(sim)
    sim.controller = ctl
    sim.churn = churn.Churn(sim)
    try:
        spec = seed.load(a.seed)
    except (OSError, ValueError) as e:
        sys.stderr.write("kube-sim: cannot read seed %s: %s\n" % (a.seed, e))
        return 2
    t0 = timefmt.now()
    seed.run(sim, ctl, spec, a.pods, a.random_seed)
    try:
        srv = server.Server((a.host, a.port), sim, server.ssl_context(pki))
    except OSError as e:
        sys.stderr.write("kube-sim: cannot listen on %s:%d: %s\n" % (a.host, a.port, e))
        return 1
    port = srv.server_address[1]
    host = "[%s]" % a.host if ":" in a.host else a.host
    url = "https://%s:%d" % (host, port)
    sim.server_address = "%s:%d" % (host, port)
    kc = a.kubeconfig or os.path.join(d, "kubeconfig")
    proxy_url = None
    if a.proxy:
        px = proxy.ConnectProxy(sim, a.host)
        px.start()
        proxy_url = "http://%s:%d" % (host, px.port)
        with open(os.path.join(d, "proxy-port"), "w") as f:
            f.write("%d\n" % px.port)
    kubeconfig.write(kc, url, pki, a.token, a.viewer_token, (buser, bpass), proxy_url)
    ctl.start()
    if a.churn:
        sim.churn.set(a.churn, a.churn_mode)
    stop = threading.Event()

    def on_signal(signum, frame):
        stop.set()
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    server.serve_in_thread(srv)
    pf = a.port_file or os.path.join(d, "port")
    with open(pf + ".tmp", "w") as f:
        f.write("%d\n" % port)
    os.rename(pf + ".tmp", pf)
    print("kube-sim: serving %s (seeded %d objects in %.1fs); kubeconfig %s; state %s" % (
        url, sum(len(r.items) for r in sim.store.res.values()), timefmt.now() - t0, kc, d), flush=True)
    while not stop.wait(1.0):
        pass
    ctl.stopping = True
    srv.shutdown()
    srv.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
