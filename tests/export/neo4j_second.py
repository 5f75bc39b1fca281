"""A second, throwaway Neo4j instance for the bulk-import test.

Neo4j Community has one user database, and the project's server holds the test data of
other tests, so ``neo4j-admin database import full`` is proven against a separate instance:
its own home, ``neo4j.conf`` and data folder in a temporary directory, the jars the project
already caches, Bolt on a free local port. The helper runs Neo4j's own AdminTool (the
import, then ``dbms set-initial-password``), starts that instance, yields its URI and
password, and stops it (only the process it started, by its process group).
"""

from __future__ import annotations

import os
import secrets
import signal
import socket
import subprocess
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from graph_tool.server import neo4j_server

HEAP = "384m"
PAGECACHE = "64m"


def free_port(preferred: int = 7697) -> int:
    """``preferred`` when nothing listens there, else any free local port."""
    for port in (preferred, 0):
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return int(sock.getsockname()[1])
    raise RuntimeError("no free local port")


def _conf(home: Path, lib: Path, port: int) -> str:
    lines = [
        "server.default_listen_address=127.0.0.1",
        "server.bolt.enabled=true",
        f"server.bolt.listen_address=127.0.0.1:{port}",
        f"server.bolt.advertised_address=127.0.0.1:{port}",
        "server.http.enabled=false",
        "server.https.enabled=false",
        "dbms.security.auth_enabled=true",
        "dbms.usage_report.enabled=false",
        f"server.directories.data={home / 'data'}",
        f"server.directories.logs={home / 'logs'}",
        f"server.directories.run={home / 'run'}",
        f"server.directories.import={home / 'import'}",
        f"server.directories.plugins={home / 'plugins'}",
        f"server.directories.licenses={home / 'licenses'}",
        f"server.directories.lib={lib}",
        f"server.memory.heap.initial_size={HEAP}",
        f"server.memory.heap.max_size={HEAP}",
        f"server.memory.pagecache.size={PAGECACHE}",
    ]
    return "\n".join(lines) + "\n"


def admin(java: str, lib: Path, home: Path, args: Sequence[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run Neo4j's admin tool (``neo4j-admin``) against the instance in ``home``."""
    env = dict(os.environ, NEO4J_HOME=str(home), NEO4J_CONF=str(home / "conf"))
    cmd = [java, "-Xmx512m", "-cp", f"{lib}/*", "-Dfile.encoding=UTF-8", neo4j_server.ADMIN_TOOL, *args]
    return subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=cwd, check=False, timeout=600)


@contextmanager
def imported_instance(
    tmp: Path, csv_dir: Path, import_args: Sequence[str], port: int | None = None
) -> Iterator[tuple[str, str, str]]:
    """Bulk-import ``csv_dir`` into a fresh instance, start it; yield (uri, password, import log)."""
    dist = neo4j_server.ensure_jars(quiet=True)
    lib = dist / "lib"
    java = neo4j_server._java()
    home = tmp / "neo4j-second"
    for sub in ("conf", "data", "logs", "run", "import", "plugins", "licenses"):
        (home / sub).mkdir(parents=True, exist_ok=True)
    port = port or free_port()
    (home / "conf" / "neo4j.conf").write_text(_conf(home, lib, port))
    done = admin(java, lib, home, import_args, csv_dir)
    log = done.stdout + done.stderr
    if done.returncode != 0:
        raise RuntimeError(f"neo4j-admin database import full failed ({done.returncode}):\n{log[-6000:]}")
    password = secrets.token_urlsafe(18)
    set_pw = admin(java, lib, home, ["dbms", "set-initial-password", "--", password], home)
    if set_pw.returncode != 0:
        raise RuntimeError(f"set-initial-password failed: {(set_pw.stdout + set_pw.stderr)[-2000:]}")
    cmd = [
        java,
        "-cp",
        f"{lib}/*",
        *neo4j_server.jvm_flags(),
        f"-Xms{HEAP}",
        f"-Xmx{HEAP}",
        "-Dfile.encoding=UTF-8",
        neo4j_server.ENTRY_POINT,
        f"--home-dir={home}",
        f"--config-dir={home / 'conf'}",
    ]
    with open(home / "logs" / "console.log", "ab") as console:
        proc = subprocess.Popen(
            cmd, cwd=home, stdin=subprocess.DEVNULL, stdout=console, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        deadline = time.monotonic() + 240
        while neo4j_server.bolt_handshake("127.0.0.1", port, timeout=1.0) is None:
            if proc.poll() is not None or time.monotonic() > deadline:
                tail = (home / "logs" / "console.log").read_text(errors="replace")[-4000:]
                raise RuntimeError(f"the second Neo4j did not start on port {port}:\n{tail}")
            time.sleep(0.5)
        yield f"bolt://127.0.0.1:{port}", password, log
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=30)
