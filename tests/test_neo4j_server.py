"""Tests for graph_tool.server.neo4j_server.

The ``neo4j``-marked tests really start the local Neo4j server with the module (no
mocks) in the configured ``GRAPH_TOOL_HOME`` / ``GRAPH_TOOL_NEO4J_BOLT_PORT``. If a
server is already running they use it and leave it running; they stop only a server
they started themselves.
"""

from __future__ import annotations

import os
import shutil
import socket
import stat
import time
from pathlib import Path

import pytest

from graph_tool.server import neo4j_server as ns

HAVE_JAVA = shutil.which("java") is not None
HAVE_JARS_OR_MVN = shutil.which("mvn") is not None or ns._jars_complete(ns.dist_dir())


# ----------------------------------------------------------------- no server needed


def test_handshake_on_closed_port_is_none() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    assert ns.bolt_handshake("127.0.0.1", port, timeout=0.5) is None


def test_handshake_on_non_bolt_server_is_none() -> None:
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(1)
        port = server.getsockname()[1]
        # The peer accepts (backlog) but never answers: the handshake must time out to None.
        assert ns.bolt_handshake("127.0.0.1", port, timeout=0.5) is None


def test_generated_password_is_private(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GRAPH_TOOL_HOME", str(tmp_path))
    monkeypatch.delenv("NEO4J_PASSWORD", raising=False)
    with pytest.raises(ns.Neo4jServerError):
        ns.read_password()
    password = ns._ensure_password(system_db_exists=False)
    assert len(password) >= ns.MIN_PASSWORD_LENGTH
    assert not password.startswith("-")
    path = ns.password_file()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert ns.read_password() == password
    assert ns._ensure_password(system_db_exists=True) == password  # reused, not regenerated
    monkeypatch.setenv("NEO4J_PASSWORD", "from-the-environment")
    assert ns.read_password() == "from-the-environment"


def test_short_env_password_rejected(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GRAPH_TOOL_HOME", str(tmp_path))
    monkeypatch.setenv("NEO4J_PASSWORD", "short")
    with pytest.raises(ns.Neo4jServerError):
        ns._ensure_password(system_db_exists=False)


def test_conf_binds_localhost_and_disables_http(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GRAPH_TOOL_HOME", str(tmp_path))
    monkeypatch.setenv("GRAPH_TOOL_NEO4J_BOLT_PORT", "17999")
    text = ns._conf_text(ns.bolt_port(), tmp_path / "lib", apoc=False)
    assert "server.default_listen_address=127.0.0.1" in text
    assert "server.bolt.listen_address=127.0.0.1:17999" in text
    assert "server.http.enabled=false" in text
    assert "server.https.enabled=false" in text
    assert f"db.tx_log.rotation.retention_policy={ns.TX_LOG_RETENTION}" in text
    assert "apoc" not in text
    assert "dbms.security.procedures.unrestricted=apoc.*" in ns._conf_text(17999, tmp_path, apoc=True)
    assert ns.bolt_uri() == "bolt://127.0.0.1:17999"


def test_conf_and_command_carry_the_chosen_collector(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GRAPH_TOOL_HOME", str(tmp_path))
    monkeypatch.delenv("GRAPH_TOOL_NEO4J_GC", raising=False)
    text = ns._conf_text(17999, tmp_path / "lib", apoc=False)
    assert "server.jvm.additional=-XX:+UseParallelGC" in text
    assert "UseG1GC" not in text
    monkeypatch.setenv("GRAPH_TOOL_NEO4J_GC", " G1 ")
    command = ns._java_command("java", tmp_path / "lib")
    assert "-XX:+UseG1GC" in command and "-XX:+UseParallelGC" not in command
    assert "server.jvm.additional=-XX:+UseG1GC" in ns._conf_text(17999, tmp_path / "lib", apoc=False)


def test_unknown_collector_rejected_naming_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GRAPH_TOOL_NEO4J_GC", "zgc")
    with pytest.raises(ns.Neo4jServerError, match="GRAPH_TOOL_NEO4J_GC must be one of parallel, g1, got 'zgc'"):
        ns.jvm_flags()


def test_bad_port_rejected(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GRAPH_TOOL_NEO4J_BOLT_PORT", "not-a-port")
    with pytest.raises(ns.Neo4jServerError):
        ns.bolt_port()


# ----------------------------------------------------------------- real server


@pytest.mark.neo4j
@pytest.mark.slow
@pytest.mark.skipif(
    os.environ.get("CI") != "true" and not (HAVE_JAVA and HAVE_JARS_OR_MVN),
    reason="needs java and mvn (or cached jars); under CI=true it runs, and fails without them",
)
def test_real_server_lifecycle() -> None:
    """Start the real server (or reuse a running one), check it, stop it if we started it.

    One test rather than several sharing a fixture, so that pytest-xdist cannot spread
    the checks over workers and stop the server under another worker's feet.
    """
    t0 = time.monotonic()
    uri = ns.start(timeout=240)
    print(f"start() took {time.monotonic() - t0:.1f} s (started={uri.started})")
    try:
        st = ns.status()
        assert st.running
        assert st.uri == str(uri)
        assert st.version == ns.NEO4J_VERSION
        assert st.bolt_protocol is not None and st.bolt_protocol.startswith("5.")
        if uri.started:
            assert st.pid is not None
            assert st.home == ns.instance_dir()

        port = int(str(uri).rsplit(":", 1)[1])
        agreed = ns.bolt_handshake("127.0.0.1", port)
        assert agreed is not None and agreed[0] == 5

        again = ns.start(timeout=30, quiet=True)  # idempotent
        assert again == uri
        assert not again.started

        if ns.password_file().exists():  # generated (no NEO4J_PASSWORD at first start)
            assert stat.S_IMODE(ns.password_file().stat().st_mode) == 0o600

        if uri.started or st.pid is not None:  # our server: we know its password
            import neo4j

            with neo4j.GraphDatabase.driver(str(uri), auth=("neo4j", ns.read_password())) as driver:
                driver.verify_connectivity()
                records, _, _ = driver.execute_query("RETURN 1 AS one")
                assert records[0]["one"] == 1
                # the server took the launcher's transaction-log retention (not its 2 days)
                records, _, _ = driver.execute_query(
                    "SHOW SETTINGS YIELD name, value WHERE name = 'db.tx_log.rotation.retention_policy' RETURN value"
                )
                assert [r["value"] for r in records] == [ns.TX_LOG_RETENTION]
                # the JVM runs the collector the launcher wrote into the instance's conf at start
                records, _, _ = driver.execute_query(
                    'CALL dbms.queryJmx("java.lang:type=GarbageCollector,name=*") YIELD name RETURN name'
                )
                names = " ".join(r["name"] for r in records)
                parallel = "server.jvm.additional=-XX:+UseParallelGC" in ns._conf_path().read_text()
                assert ("PS Scavenge" if parallel else "G1 Young Generation") in names, names
    finally:
        if uri.started:
            ns.stop()
    if uri.started:
        assert ns._managed_pid() is None
        assert not ns.status().running
