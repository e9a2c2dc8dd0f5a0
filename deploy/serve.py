"""`make serve REPLICAS=N`: N `streamlit run app.py` replicas behind one nginx with sticky sessions.

    python deploy/serve.py [--replicas N] [--port 8501] [--host ADDRESS] [--replica-ports P1,P2,...]

Each replica listens on loopback (PORT+100, PORT+101, ... unless --replica-ports says otherwise);
nginx listens on PORT and sends every request of one browser to the same replica (a cookie,
deploy/nginx.conf.template says how). nginx runs in the foreground from a temporary folder (its
configuration, pid file and temporary paths), so no root and no /etc/nginx are needed; the folder
is deleted on exit. Ctrl-C or SIGTERM stops nginx and every replica; a replica or nginx that dies
stops the rest too (exit 1).

SERVE_DEBUG=1 adds a response header X-ImmunoPrep-Replica naming the replica (tests check
affinity with it); it is off by default.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = Path(__file__).resolve().parent / "nginx.conf.template"
READY_TIMEOUT = 120  # seconds for every replica to answer /_stcore/health (2 slow cores, N replicas)
STOP_TIMEOUT = 10  # seconds for a child to exit after SIGTERM before it is killed


class Stop(Exception):
    """Raised by the signal handler: Ctrl-C, SIGTERM or SIGHUP."""


def find_nginx() -> str | None:
    # Debian puts nginx in /usr/sbin, which is not on a normal user's PATH.
    return shutil.which("nginx") or next((p for p in ("/usr/sbin/nginx", "/sbin/nginx") if os.access(p, os.X_OK)), None)


def streamlit_command(port: int) -> list[str]:
    """Same as `make run` (and tests/browser.py), headless on a loopback port."""
    return [sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"), "--server.headless", "true",
            "--server.port", str(port), "--server.address", "127.0.0.1"]  # fmt: skip


def render_config(prefix: Path, listen: str, replica_ports: list[int], debug: bool) -> str:
    servers = "\n".join(f"        server 127.0.0.1:{port};" for port in replica_ports)
    debug_header = "        add_header X-ImmunoPrep-Replica $upstream_addr always;" if debug else ""
    text = TEMPLATE.read_text()
    for field, value in {
        "prefix": str(prefix),
        "listen": listen,
        "servers": servers,
        "debug_header": debug_header,
    }.items():
        text = text.replace("{{" + field + "}}", value)
    return text


def _die_with_parent() -> None:
    """In the child before exec: get SIGTERM if serve.py dies, even by SIGKILL (Linux), so no replica
    or nginx is left behind."""
    if sys.platform.startswith("linux"):
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # 1 = PR_SET_PDEATHSIG


def healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(url + "/_stcore/health", timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


def stop_all(children: dict[str, subprocess.Popen]) -> None:
    for process in children.values():
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)  # nginx: fast shutdown; streamlit: clean exit
    deadline = time.monotonic() + STOP_TIMEOUT
    for process in children.values():
        try:
            process.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def check_alive(children: dict[str, subprocess.Popen], prefix: Path) -> None:
    for name, process in children.items():
        if process.poll() is not None:
            message = f"{name} stopped (exit code {process.returncode})"
            log = prefix / "error.log"
            if name == "nginx" and log.exists() and log.read_text().strip():
                message += ":\n" + log.read_text().strip()[-2000:]
            raise RuntimeError(message)


def serve(replicas: int, port: int, host: str, replica_ports: list[int], debug: bool) -> int:
    nginx = find_nginx()
    if nginx is None:
        print("nginx is not installed (Debian: sudo apt-get install nginx, or make system-deps)", file=sys.stderr)
        return 1
    prefix = Path(tempfile.mkdtemp(prefix="immunoprep-serve-"))
    if os.geteuid() == 0:
        prefix.chmod(0o711)  # nginx as root runs its workers as nobody: they must reach their temp paths
    children: dict[str, subprocess.Popen] = {}
    env = dict(os.environ, STREAMLIT_BROWSER_GATHER_USAGE_STATS="false")

    def on_signal(signum, frame):
        raise Stop

    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, on_signal)
    try:
        for index, replica_port in enumerate(replica_ports):
            # Own session: Ctrl-C reaches only serve.py, which stops the children in order.
            # stdout (the "You can now view your app at <replica>" banner) is dropped; warnings and
            # errors (stderr) still show.
            children[f"replica {index + 1} (port {replica_port})"] = subprocess.Popen(
                streamlit_command(replica_port),
                cwd=ROOT,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                start_new_session=True,
                preexec_fn=_die_with_parent,
            )
        deadline = time.monotonic() + READY_TIMEOUT
        waiting = list(replica_ports)
        while waiting:
            check_alive(children, prefix)
            waiting = [p for p in waiting if not healthy(f"http://127.0.0.1:{p}")]
            if waiting and time.monotonic() > deadline:
                raise RuntimeError(f"replicas on ports {waiting} did not answer /_stcore/health in {READY_TIMEOUT} s")
            if waiting:
                time.sleep(0.3)

        listen = f"{host}:{port}" if host else str(port)
        config = prefix / "nginx.conf"
        config.write_text(render_config(prefix, listen, replica_ports, debug))
        children["nginx"] = subprocess.Popen(
            [nginx, "-p", str(prefix), "-c", str(config), "-e", str(prefix / "error.log"), "-g", "daemon off;"],
            stdin=subprocess.DEVNULL,
            start_new_session=True,
            preexec_fn=_die_with_parent,
        )
        local = f"http://{host if host not in ('', '0.0.0.0') else '127.0.0.1'}:{port}"
        deadline = time.monotonic() + 15
        while not healthy(local):
            check_alive(children, prefix)
            if time.monotonic() > deadline:
                raise RuntimeError(f"nginx did not answer on {local}")
            time.sleep(0.2)
        shown = f"http://{host if host not in ('', '0.0.0.0') else 'localhost'}:{port}"
        print(f"ImmunoPrep: {replicas} replicas behind nginx, open {shown} (Ctrl-C stops everything)", flush=True)
        while True:
            check_alive(children, prefix)
            time.sleep(0.5)
    except Stop:
        return 0
    except RuntimeError as error:
        print(f"make serve: {error}", file=sys.stderr)
        return 1
    finally:
        # A second Ctrl-C while stopping must not leave children behind.
        for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            signal.signal(signum, signal.SIG_IGN)
        stop_all(children)
        shutil.rmtree(prefix, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replicas", type=int, default=2, help="number of streamlit processes (default 2)")
    parser.add_argument("--port", type=int, default=8501, help="port nginx listens on (default 8501)")
    parser.add_argument("--host", default="", help="address nginx listens on (default: every address, as `make run`)")
    parser.add_argument("--replica-ports", default="", help="comma-separated loopback ports (default PORT+100...)")
    args = parser.parse_args(argv)
    if args.replicas < 1:
        parser.error("--replicas must be at least 1")
    if args.replica_ports:
        replica_ports = [int(p) for p in args.replica_ports.split(",")]
        if len(replica_ports) != args.replicas:
            parser.error("--replica-ports needs one port per replica")
    else:
        replica_ports = [args.port + 100 + i for i in range(args.replicas)]
    debug = os.environ.get("SERVE_DEBUG", "") not in ("", "0")
    return serve(args.replicas, args.port, args.host, replica_ports, debug)


if __name__ == "__main__":
    sys.exit(main())
