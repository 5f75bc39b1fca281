"""Run a real Neo4j Community server on this machine, without Docker.

Neo4j Community is resolved from Maven Central as jars (``pom.xml`` next to this
module) and cached under ``$GRAPH_TOOL_HOME/neo4j/<version>/lib`` (``GRAPH_TOOL_HOME``
defaults to ``~/.cache/graph-tool``). A server instance lives in
``$GRAPH_TOOL_HOME/neo4j/instance`` (``conf/``, ``data/``, ``logs/``, ``run/``,
``import/``, ``plugins/``); its ``neo4j.conf`` is generated on every start and it is
launched as ``java -cp 'lib/*:plugins/*' org.neo4j.server.CommunityEntryPoint`` with the
JVM flags of Neo4j's default configuration, detached in its own process group.

The server listens on ``127.0.0.1`` only, with Bolt on ``GRAPH_TOOL_NEO4J_BOLT_PORT``
(default 7687) and HTTP/HTTPS off. Authentication is on: the password comes from
``NEO4J_PASSWORD`` or is generated once and kept in ``$GRAPH_TOOL_HOME/neo4j/password``
(mode 0600). The initial password is applied only before the very first start;
changing ``NEO4J_PASSWORD`` afterwards does not change the stored password.

This module deliberately does not import a Neo4j driver: readiness is checked with a
raw Bolt handshake.

Public API: :func:`ensure_jars`, :func:`start`, :func:`stop`, :func:`status`,
:func:`read_password`, :func:`bolt_uri` (plus :func:`bolt_handshake`,
:class:`Neo4jStatus`, :class:`StartResult`, :class:`Neo4jServerError`).
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import re
import secrets
import shutil
import signal
import socket
import struct
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "DEFAULT_GC",
    "GC_FLAGS",
    "JVM_FLAGS",
    "NEO4J_VERSION",
    "Neo4jServerError",
    "Neo4jStatus",
    "StartResult",
    "bolt_handshake",
    "bolt_port",
    "bolt_uri",
    "ensure_jars",
    "jvm_flags",
    "read_password",
    "start",
    "status",
    "stop",
]

POM_PATH: Path = Path(__file__).with_name("pom.xml")
_DEFAULT_VERSION = "5.26.30"
BOLT_HOST = "127.0.0.1"
DEFAULT_BOLT_PORT = 7687
# Creating 1M people by LOAD CSV took 32.0 s with a 1 GiB heap and a 512 MiB page cache,
# 27.5 s with 2 GiB and 1 GiB (4 GiB and 2 GiB: 27.3 s): less garbage collection.
DEFAULT_HEAP = "2g"
DEFAULT_PAGECACHE = "1g"
TX_LOG_RETENTION = "1G size"  # transaction logs kept once a checkpoint no longer needs them
MIN_PASSWORD_LENGTH = 8  # Neo4j's default dbms.security.auth_minimum_password_length
ENTRY_POINT = "org.neo4j.server.CommunityEntryPoint"
ADMIN_TOOL = "org.neo4j.cli.AdminTool"

# The garbage collector, by GRAPH_TOOL_NEO4J_GC. Neo4j's own conf picks G1; on this
# project's 2-core machine the parallel collector loaded 1M people in 47-51 s where G1
# took 54-67 s (five runs each, alternating servers): G1's concurrent marking threads
# compete with the writes for the two cores. G1 keeps pauses shorter on a large heap.
GC_FLAGS: dict[str, str] = {"parallel": "-XX:+UseParallelGC", "g1": "-XX:+UseG1GC"}
DEFAULT_GC = "parallel"

# JVM flags of the ``server.jvm.additional`` lines in Neo4j 5's default neo4j.conf
# (what ``neo4j console``/``neo4j start`` pass) but the collector (jvm_flags() adds it);
# heap flags are added from the config.
JVM_FLAGS: tuple[str, ...] = (
    "-XX:-OmitStackTraceInFastThrow",
    "-XX:+AlwaysPreTouch",
    "-XX:+UnlockExperimentalVMOptions",
    "-XX:+TrustFinalNonStaticFields",
    "-XX:+DisableExplicitGC",
    "-Djdk.nio.maxCachedBufferSize=1024",
    "-Dio.netty.tryReflectionSetAccessible=true",
    "-Djdk.tls.ephemeralDHKeySize=2048",
    "-Djdk.tls.rejectClientInitiatedRenegotiation=true",
    "-XX:FlightRecorderOptions=stackdepth=256",
    "-XX:+UnlockDiagnosticVMOptions",
    "-XX:+DebugNonSafepoints",
    "--add-opens=java.base/java.nio=ALL-UNNAMED",
    "--add-opens=java.base/java.io=ALL-UNNAMED",
    "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
    "--enable-native-access=ALL-UNNAMED",
    "-Dlog4j2.disable.jmx=true",
    "-Dlog4j.layout.jsonTemplate.maxStringLength=32768",
)

_BOLT_MAGIC = b"\x60\x60\xb0\x17"
# Four version proposals, each [0, range, minor, major]: 5.8..5.0, 4.4..4.2, 4.1, 3.0.
_BOLT_PROPOSALS = b"\x00\x08\x08\x05\x00\x02\x04\x04\x00\x00\x01\x04\x00\x00\x00\x03"
_MEMORY_RE = re.compile(r"^[1-9][0-9]*[kKmMgG]$")
_PID_FILE = "graph-tool-neo4j.pid"
_MARKER = ".complete"
# Server processes launched by this Python process, so they can be reaped via poll().
_CHILDREN: dict[int, subprocess.Popen[bytes]] = {}


class Neo4jServerError(RuntimeError):
    """Raised when the local Neo4j server cannot be prepared, started or stopped."""


@dataclass(frozen=True)
class Neo4jStatus:
    """State of the local Neo4j server.

    ``running`` is true when a Bolt server answers at ``uri``; ``pid`` is the process
    id of the server started by this module (``None`` if none is alive, e.g. when
    another server, such as a Docker container, answers on the port).
    """

    running: bool
    pid: int | None
    uri: str
    version: str
    home: Path
    bolt_protocol: str | None = None


class StartResult(str):
    """The Bolt URI returned by :func:`start`.

    Its ``started`` attribute tells whether this call launched the server (``False``
    when one was already running).
    """

    started: bool

    def __new__(cls, uri: str, started: bool) -> StartResult:
        """Create the URI string carrying the ``started`` flag."""
        obj = super().__new__(cls, uri)
        obj.started = started
        return obj


# --------------------------------------------------------------------------- paths


def _pom_version() -> str:
    """Return the ``neo4j.version`` property of the bundled pom.xml."""
    try:
        text = POM_PATH.read_text()
    except OSError:
        return _DEFAULT_VERSION
    match = re.search(r"<neo4j\.version>\s*([^<\s]+)\s*</neo4j\.version>", text)
    return match.group(1) if match else _DEFAULT_VERSION


NEO4J_VERSION: str = _pom_version()


def graph_tool_home() -> Path:
    """Return ``$GRAPH_TOOL_HOME`` (default ``~/.cache/graph-tool``)."""
    raw = os.environ.get("GRAPH_TOOL_HOME") or "~/.cache/graph-tool"
    return Path(raw).expanduser().resolve()


def _neo4j_root() -> Path:
    return graph_tool_home() / "neo4j"


def dist_dir() -> Path:
    """Return the jar cache folder ``$GRAPH_TOOL_HOME/neo4j/<version>``."""
    return _neo4j_root() / NEO4J_VERSION


def instance_dir() -> Path:
    """Return the server instance folder ``$GRAPH_TOOL_HOME/neo4j/instance``."""
    return _neo4j_root() / "instance"


@contextlib.contextmanager
def exclusive_use() -> Iterator[None]:
    """Hold the project's Neo4j database alone while clearing and refilling it.

    Community has one user database: test runs and benchmarks that clear it take this
    lock (a file beside the instance) so that they never clear it under each other.
    """
    lock_path = _neo4j_root() / "tests.lock"
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    with lock_path.open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def password_file() -> Path:
    """Return the path of the generated-password file."""
    return _neo4j_root() / "password"


def bolt_port() -> int:
    """Return the configured Bolt port (``GRAPH_TOOL_NEO4J_BOLT_PORT``, default 7687)."""
    raw = os.environ.get("GRAPH_TOOL_NEO4J_BOLT_PORT", "").strip()
    if not raw:
        return DEFAULT_BOLT_PORT
    try:
        port = int(raw)
    except ValueError as exc:
        raise Neo4jServerError(f"GRAPH_TOOL_NEO4J_BOLT_PORT is not a number: {raw!r}") from exc
    if not 0 < port < 65536:
        raise Neo4jServerError(f"GRAPH_TOOL_NEO4J_BOLT_PORT out of range: {port}")
    return port


def import_dir_for(uri: str) -> Path | None:
    """The import folder of the project's own server when ``uri`` points at it (it reads
    files there with ``LOAD CSV``), else None.

    >>> import_dir_for("bolt://db.example.org:7687") is None
    True
    """
    port = bolt_port()
    ours = {f"{scheme}://{host}:{port}" for scheme in ("bolt", "neo4j") for host in (BOLT_HOST, "localhost")}
    folder = instance_dir() / "import"
    return folder if uri.rstrip("/") in ours and folder.is_dir() else None


def _uri(port: int) -> str:
    return f"bolt://{BOLT_HOST}:{port}"


def bolt_uri() -> str:
    """Return the Bolt URI to connect to.

    If a server started by this module is alive, its URI (the port it was started
    with); otherwise the URI for the configured port.
    """
    if _managed_pid() is not None:
        port = _conf_port()
        if port is not None:
            return _uri(port)
    return _uri(bolt_port())


def _memory_setting(var: str, default: str) -> str:
    value = os.environ.get(var, "").strip() or default
    if not _MEMORY_RE.match(value):
        raise Neo4jServerError(f"{var} must look like 512m or 2g, got {value!r}")
    return value.lower()


def jvm_flags() -> tuple[str, ...]:
    """The server's JVM flags: the collector ``GRAPH_TOOL_NEO4J_GC`` names, then :data:`JVM_FLAGS`.

    >>> jvm_flags()[0] in GC_FLAGS.values()
    True
    """
    name = os.environ.get("GRAPH_TOOL_NEO4J_GC", "").strip().lower() or DEFAULT_GC
    if name not in GC_FLAGS:
        raise Neo4jServerError(f"GRAPH_TOOL_NEO4J_GC must be one of {', '.join(GC_FLAGS)}, got {name!r}")
    return (GC_FLAGS[name], *JVM_FLAGS)


def _ensure_private_dir(path: Path) -> None:
    path.mkdir(parents=True, exist_ok=True)
    path.chmod(0o700)


@contextlib.contextmanager
def _locked(lock_path: Path) -> Iterator[None]:
    """Hold an exclusive advisory lock on ``lock_path`` for the ``with`` block."""
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    with open(lock_path, "a+") as handle:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def _say(message: str, quiet: bool) -> None:
    if not quiet:
        print(message, flush=True)


# --------------------------------------------------------------------------- jars


def _java() -> str:
    """Return the java executable: ``$JAVA_HOME/bin/java`` if set, else ``java`` on PATH."""
    java_home = os.environ.get("JAVA_HOME")
    if java_home:
        candidate = Path(java_home) / "bin" / "java"
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return str(candidate)
        raise Neo4jServerError(f"JAVA_HOME is set but {candidate} is not executable")
    found = shutil.which("java")
    if not found:
        raise Neo4jServerError("java not found on PATH (Neo4j 5.26 needs Java 17 or 21)")
    return found


def _jars_complete(dist: Path) -> bool:
    lib = dist / "lib"
    return (dist / _MARKER).is_file() and lib.is_dir() and any(lib.glob("neo4j-*.jar"))


def ensure_jars(*, quiet: bool = False) -> Path:
    """Make sure the Neo4j jars are in the cache; return the cache folder.

    Runs ``mvn dependency:copy-dependencies`` on the bundled pom.xml unless the cache
    is already complete (marker file present). Neo4j jars go to ``lib/``, APOC jars (if
    the pom lists them) to ``plugins/``.
    """
    dist = dist_dir()
    if _jars_complete(dist):
        return dist
    _ensure_private_dir(_neo4j_root())
    dist.mkdir(parents=True, exist_ok=True)
    with _locked(dist / ".lock"):
        if _jars_complete(dist):
            return dist
        mvn = shutil.which("mvn")
        if not mvn:
            raise Neo4jServerError(
                "Maven (mvn) is needed once to download Neo4j jars; install it "
                "(e.g. apt-get install maven) or use the neo4j:5.26 Docker image"
            )
        lib, plugins = dist / "lib", dist / "plugins"
        staging = dist / "lib.partial"
        shutil.rmtree(staging, ignore_errors=True)
        _say(f"Resolving Neo4j {NEO4J_VERSION} jars with Maven into {lib} ...", quiet)
        cmd = [
            mvn,
            "-q",
            "-B",
            "-f",
            str(POM_PATH),
            "dependency:copy-dependencies",
            f"-DoutputDirectory={staging}",
        ]
        proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
        if proc.returncode != 0:
            shutil.rmtree(staging, ignore_errors=True)
            output = (proc.stdout + proc.stderr).strip()[-4000:]
            raise Neo4jServerError(f"mvn failed (exit {proc.returncode}):\n{output}")
        plugin_staging = dist / "plugins.partial"
        shutil.rmtree(plugin_staging, ignore_errors=True)
        plugin_staging.mkdir()
        for jar in staging.glob("apoc-*.jar"):
            jar.rename(plugin_staging / jar.name)
        for final, partial in ((lib, staging), (plugins, plugin_staging)):
            shutil.rmtree(final, ignore_errors=True)
            partial.rename(final)
        marker = {
            "version": NEO4J_VERSION,
            "lib_jars": len(list(lib.glob("*.jar"))),
            "plugins": sorted(p.name for p in plugins.glob("*.jar")),
            "created": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        }
        (dist / _MARKER).write_text(json.dumps(marker, indent=2) + "\n")
        return dist


# --------------------------------------------------------------------------- password


def read_password() -> str:
    """Return the Neo4j password: ``NEO4J_PASSWORD`` if set, else the generated one.

    Raises :class:`Neo4jServerError` if neither exists (run :func:`start` first).
    """
    env = os.environ.get("NEO4J_PASSWORD")
    if env:
        return env
    path = password_file()
    try:
        value = path.read_text().strip()
    except FileNotFoundError:
        value = ""
    if not value:
        raise Neo4jServerError(f"no Neo4j password: set NEO4J_PASSWORD or start the server once to generate {path}")
    return value


def _ensure_password(system_db_exists: bool) -> str:
    """Return the password to use, generating and storing one (mode 0600) if needed."""
    env = os.environ.get("NEO4J_PASSWORD")
    if env:
        if len(env) < MIN_PASSWORD_LENGTH:
            raise Neo4jServerError(f"NEO4J_PASSWORD must be at least {MIN_PASSWORD_LENGTH} characters")
        return env
    path = password_file()
    if path.is_file():
        path.chmod(0o600)
        value = path.read_text().strip()
        if value:
            return value
    if system_db_exists:
        raise Neo4jServerError(
            f"the Neo4j instance in {instance_dir()} already has a password but {path} is "
            "missing: set NEO4J_PASSWORD to it, or delete the instance's data/ folder"
        )
    _ensure_private_dir(path.parent)
    value = secrets.token_urlsafe(24)
    while value.startswith("-"):  # keep it usable as a command-line argument
        value = secrets.token_urlsafe(24)
    path.unlink(missing_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(value + "\n")
    path.chmod(0o600)
    return value


# --------------------------------------------------------------------------- config


def _conf_text(port: int, lib: Path, apoc: bool) -> str:
    inst = instance_dir()
    heap = _memory_setting("GRAPH_TOOL_NEO4J_HEAP", DEFAULT_HEAP)
    pagecache = _memory_setting("GRAPH_TOOL_NEO4J_PAGECACHE", DEFAULT_PAGECACHE)
    lines = [
        "# Generated by graph_tool.server.neo4j_server on every start; edits are lost.",
        "server.default_listen_address=127.0.0.1",
        "server.bolt.enabled=true",
        f"server.bolt.listen_address={BOLT_HOST}:{port}",
        f"server.bolt.advertised_address={BOLT_HOST}:{port}",
        "server.http.enabled=false",
        "server.https.enabled=false",
        "dbms.security.auth_enabled=true",
        "dbms.usage_report.enabled=false",
        f"server.directories.data={inst / 'data'}",
        f"server.directories.logs={inst / 'logs'}",
        f"server.directories.run={inst / 'run'}",
        f"server.directories.import={inst / 'import'}",
        # LOAD CSV reads RFC 4180 quoting only: a backslash before a quote is text
        "dbms.import.csv.legacy_quote_escaping=false",
        # Keep 1 GiB of transaction logs, not Neo4j's two days of them: Community has no
        # incremental backup to use them, and a day of benchmark loads left 71 GB that filled the disk.
        f"db.tx_log.rotation.retention_policy={TX_LOG_RETENTION}",
        f"server.directories.plugins={inst / 'plugins'}",
        f"server.directories.licenses={inst / 'licenses'}",
        f"server.directories.lib={lib}",
        f"server.memory.heap.initial_size={heap}",
        f"server.memory.heap.max_size={heap}",
        f"server.memory.pagecache.size={pagecache}",
    ]
    if apoc:
        lines.append("dbms.security.procedures.unrestricted=apoc.*")
    lines.extend(f"server.jvm.additional={flag}" for flag in jvm_flags())
    return "\n".join(lines) + "\n"


def _conf_path() -> Path:
    return instance_dir() / "conf" / "neo4j.conf"


def _conf_port() -> int | None:
    """Return the Bolt port in the instance's current neo4j.conf, if any."""
    try:
        text = _conf_path().read_text()
    except FileNotFoundError:
        return None
    match = re.search(r"^server\.bolt\.listen_address=.*:(\d+)\s*$", text, re.MULTILINE)
    return int(match.group(1)) if match else None


def _java_command(java: str, lib: Path) -> list[str]:
    inst = instance_dir()
    heap = _memory_setting("GRAPH_TOOL_NEO4J_HEAP", DEFAULT_HEAP)
    return [
        java,
        "-cp",
        f"{lib}/*:{inst / 'plugins'}/*",
        *jvm_flags(),
        f"-Xms{heap}",
        f"-Xmx{heap}",
        "-Dfile.encoding=UTF-8",
        ENTRY_POINT,
        f"--home-dir={inst}",
        f"--config-dir={inst / 'conf'}",
    ]


def _sync_plugins(dist: Path) -> bool:
    """Copy cached plugin jars into the instance; return whether APOC is present."""
    target = instance_dir() / "plugins"
    target.mkdir(parents=True, exist_ok=True)
    source = dist / "plugins"
    if source.is_dir():
        for jar in source.glob("*.jar"):
            dest = target / jar.name
            if not dest.exists() or dest.stat().st_size != jar.stat().st_size:
                shutil.copy2(jar, dest)
    return any(target.glob("apoc*.jar"))


def _set_initial_password(java: str, lib: Path, password: str) -> None:
    """Run ``neo4j-admin dbms set-initial-password`` against the instance."""
    inst = instance_dir()
    env = dict(os.environ, NEO4J_HOME=str(inst), NEO4J_CONF=str(inst / "conf"))
    cmd = [
        java,
        "-cp",
        f"{lib}/*",
        "-Dfile.encoding=UTF-8",
        ADMIN_TOOL,
        "dbms",
        "set-initial-password",
        "--",
        password,  # "--": password may start with "-"
    ]
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, check=False)
    if proc.returncode != 0:
        output = (proc.stdout + proc.stderr).replace(password, "***").strip()[-4000:]
        raise Neo4jServerError(f"set-initial-password failed (exit {proc.returncode}):\n{output}")


# --------------------------------------------------------------------------- processes


def _pid_file() -> Path:
    return instance_dir() / "run" / _PID_FILE


def _console_log() -> Path:
    return instance_dir() / "logs" / "console.log"


def _pid_alive(pid: int) -> bool:
    """Return whether ``pid`` is a live (non-zombie) process; reap it if it is our child."""
    child = _CHILDREN.get(pid)
    if child is not None:
        if child.poll() is None:
            return True
        del _CHILDREN[pid]
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return True
    state = stat.rsplit(")", 1)[-1].split()[0] if ")" in stat else ""
    return state not in ("Z", "X")


def _is_our_server(pid: int) -> bool:
    """Return whether ``pid`` is a Neo4j server running this module's instance."""
    if not _pid_alive(pid):
        return False
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        return True  # no /proc (e.g. macOS): trust the pid file
    args = [a.decode(errors="replace") for a in cmdline]
    return ENTRY_POINT in args and f"--home-dir={instance_dir()}" in args


def _managed_pid() -> int | None:
    """Return the pid of the server started by this module, if it is alive."""
    try:
        pid = int(_pid_file().read_text().strip())
    except (FileNotFoundError, ValueError):
        return None
    return pid if _is_our_server(pid) else None


def _signal_group(pid: int, sig: signal.Signals) -> None:
    with contextlib.suppress(ProcessLookupError):
        if os.getpgid(pid) == pid:
            os.killpg(pid, sig)
        else:
            os.kill(pid, sig)


def _wait_dead(pid: int, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not _pid_alive(pid):
            return True
        time.sleep(0.2)
    return not _pid_alive(pid)


def _terminate(pid: int, timeout: float) -> None:
    """SIGTERM the process group of ``pid``; SIGKILL it after ``timeout`` seconds."""
    _signal_group(pid, signal.SIGTERM)
    if _wait_dead(pid, timeout):
        return
    _signal_group(pid, signal.SIGKILL)
    if not _wait_dead(pid, 10.0):
        raise Neo4jServerError(f"Neo4j process {pid} did not exit after SIGKILL")


def _tail(path: Path, lines: int = 40, start: int = 0) -> str:
    try:
        with open(path, "rb") as handle:
            handle.seek(start)
            data = handle.read()
    except OSError:
        return ""
    return "\n".join(data.decode(errors="replace").splitlines()[-lines:])


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


# --------------------------------------------------------------------------- bolt


def bolt_handshake(host: str = BOLT_HOST, port: int | None = None, timeout: float = 2.0) -> tuple[int, int] | None:
    """Perform a Bolt handshake; return the agreed ``(major, minor)`` or ``None``.

    Sends the magic preamble ``0x6060B017`` and four version proposals and reads the
    4-byte answer. ``None`` means nothing listens, the peer is not Bolt, or it agreed
    on no version.
    """
    port = bolt_port() if port is None else port
    try:
        with socket.create_connection((host, port), timeout=timeout) as sock:
            sock.settimeout(timeout)
            sock.sendall(_BOLT_MAGIC + _BOLT_PROPOSALS)
            reply = b""
            while len(reply) < 4:
                chunk = sock.recv(4 - len(reply))
                if not chunk:
                    return None
                reply += chunk
    except OSError:
        return None
    (value,) = struct.unpack(">I", reply)
    if value == 0:
        return None
    return reply[3], reply[2]


def _port_in_use(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(1.0)
        return sock.connect_ex((BOLT_HOST, port)) == 0


# --------------------------------------------------------------------------- API


def status() -> Neo4jStatus:
    """Return the state of the local server (no side effects)."""
    pid = _managed_pid()
    port = (_conf_port() if pid is not None else None) or bolt_port()
    agreed = bolt_handshake(BOLT_HOST, port, timeout=2.0)
    return Neo4jStatus(
        running=agreed is not None,
        pid=pid,
        uri=_uri(port),
        version=NEO4J_VERSION,
        home=instance_dir(),
        bolt_protocol=f"{agreed[0]}.{agreed[1]}" if agreed else None,
    )


def _wait_for_bolt(
    port: int, deadline: float, pid: int, proc: subprocess.Popen[bytes] | None, log_offsets: tuple[int, int]
) -> None:
    """Block until Bolt answers on ``port``; raise if the process dies or time runs out."""
    neo4j_log = instance_dir() / "logs" / "neo4j.log"
    while True:
        if bolt_handshake(BOLT_HOST, port, timeout=1.0) is not None:
            return
        dead = proc.poll() is not None if proc is not None else not _pid_alive(pid)
        if dead or time.monotonic() >= deadline:
            if not dead:
                _terminate(pid, 60.0)
            reason = "exited during startup" if dead else "did not answer on Bolt in time"
            raise Neo4jServerError(
                f"Neo4j (pid {pid}) {reason}.\n--- {_console_log()} ---\n"
                f"{_tail(_console_log(), start=log_offsets[0])}\n--- {neo4j_log} ---\n"
                f"{_tail(neo4j_log, start=log_offsets[1])}"
            )
        time.sleep(0.25)


def start(timeout: float = 180.0, *, quiet: bool = False) -> StartResult:
    """Start the local Neo4j server (idempotent) and return its Bolt URI.

    Downloads the jars on first use, writes ``neo4j.conf``, sets the initial password
    before the first start, launches the server detached and waits up to ``timeout``
    seconds for a Bolt handshake. Prints progress and the URI unless ``quiet``.

    The returned :class:`StartResult` is the URI string; its ``started`` attribute is
    ``False`` when a server was already running (ours, or another Bolt server on the
    port, e.g. a Docker container), so callers only stop what they started.
    """
    inst = instance_dir()
    _ensure_private_dir(_neo4j_root())
    for sub in ("conf", "data", "logs", "run", "import", "plugins", "licenses"):
        (inst / sub).mkdir(parents=True, exist_ok=True)
    deadline = time.monotonic() + timeout
    with _locked(inst / "run" / "graph-tool-neo4j.lock"):
        pid = _managed_pid()
        if pid is not None:
            port = _conf_port() or bolt_port()
            uri = _uri(port)
            if bolt_handshake(BOLT_HOST, port) is None:
                _say(f"Neo4j (pid {pid}) is starting; waiting for Bolt ...", quiet)
                _wait_for_bolt(port, deadline, pid, None, (0, 0))
            if port != bolt_port():
                _say(
                    f"note: running server uses port {port}, not the configured {bolt_port()}; stop it to change ports",
                    quiet,
                )
            _say(f"Neo4j {NEO4J_VERSION} already running (pid {pid})", quiet)
            _say(uri, quiet)
            return StartResult(uri, started=False)

        port = bolt_port()
        uri = _uri(port)
        if bolt_handshake(BOLT_HOST, port) is not None:
            _say(f"a Bolt server not started by graph-tool already answers at {uri}; not starting another", quiet)
            _say(uri, quiet)
            return StartResult(uri, started=False)
        if _port_in_use(port):
            raise Neo4jServerError(
                f"port {port} is in use by something that is not Bolt; set GRAPH_TOOL_NEO4J_BOLT_PORT to a free port"
            )

        t0 = time.monotonic()
        dist = ensure_jars(quiet=quiet)
        lib = dist / "lib"
        java = _java()
        apoc = _sync_plugins(dist)
        _conf_path().write_text(_conf_text(port, lib, apoc))
        system_db = inst / "data" / "databases" / "system"
        password = _ensure_password(system_db.exists())
        if not system_db.exists():
            _set_initial_password(java, lib, password)

        console = _console_log()
        offsets = (_size(console), _size(inst / "logs" / "neo4j.log"))
        with open(console, "ab") as log:
            log.write(f"=== graph-tool start {time.strftime('%Y-%m-%d %H:%M:%S')} ===\n".encode())
            log.flush()
            proc = subprocess.Popen(
                _java_command(java, lib),
                cwd=inst,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                close_fds=True,
            )
        _CHILDREN[proc.pid] = proc
        _pid_file().write_text(f"{proc.pid}\n")
        _say(f"Starting Neo4j {NEO4J_VERSION} (pid {proc.pid}), home {inst} ...", quiet)
        _wait_for_bolt(port, deadline, proc.pid, proc, offsets)
        _say(f"Neo4j is up after {time.monotonic() - t0:.1f} s", quiet)
        _say(uri, quiet)
        return StartResult(uri, started=True)


def stop(timeout: float = 60.0, *, quiet: bool = False) -> None:
    """Stop the server started by this module.

    Sends SIGTERM to its process group, waits up to ``timeout`` seconds, then SIGKILL.
    Does nothing if it is not running; never touches a server it did not start.
    """
    inst = instance_dir()
    if not inst.is_dir():
        _say("Neo4j is not running", quiet)
        return
    with _locked(inst / "run" / "graph-tool-neo4j.lock"):
        pid = _managed_pid()
        if pid is None:
            _pid_file().unlink(missing_ok=True)
            _say("Neo4j is not running (no server started by graph-tool)", quiet)
            return
        _say(f"Stopping Neo4j (pid {pid}) ...", quiet)
        t0 = time.monotonic()
        _terminate(pid, timeout)
        _pid_file().unlink(missing_ok=True)
        _say(f"Neo4j stopped after {time.monotonic() - t0:.1f} s", quiet)
