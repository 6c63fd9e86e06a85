"""A real Spark standalone cluster for the tests: one master and two workers (one core each),
separate JVM processes started from pyspark's own ``spark-class`` and stopped by PID.

Java 17 (``openjdk-17-jre-headless``) and pyspark come from ``scripts/test``. Each worker
runs its Python workers with this interpreter, so they import the assay package under test.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

#: Seconds a daemon may take to come up (a JVM start on a busy 2-core machine).
START_SECONDS = 120


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def spark_home() -> Path:
    import pyspark

    return Path(pyspark.__file__).parent


@dataclass
class Daemon:
    """One JVM daemon (master or worker) and its log."""

    name: str
    process: subprocess.Popen
    log: Path
    ui_port: int
    log_file: object = None

    def alive(self) -> bool:
        return self.process.poll() is None

    def stop(self) -> None:
        if self.alive():
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=20)
        if self.log_file is not None:
            self.log_file.close()
            self.log_file = None


@dataclass
class Cluster:
    """A running standalone cluster."""

    master_url: str
    master: Daemon
    workers: list[Daemon] = field(default_factory=list)
    work_dir: Path = Path()

    def state(self) -> dict:
        """The master's JSON status page: workers, their cores and state, applications."""
        with urllib.request.urlopen(f"http://127.0.0.1:{self.master.ui_port}/json/", timeout=10) as r:
            return json.load(r)

    def executor_pids(self) -> list[int]:
        """PIDs of the executor JVMs this cluster's workers launched: their descendants whose
        command line is Spark's executor (nothing else on the machine)."""
        children: dict[int, list[int]] = {}
        commands: dict[int, str] = {}
        for entry in os.listdir("/proc"):
            if not entry.isdigit():
                continue
            try:
                with open(f"/proc/{entry}/stat") as f:
                    ppid = int(f.read().rsplit(")", 1)[1].split()[1])
                with open(f"/proc/{entry}/cmdline", "rb") as f:
                    commands[int(entry)] = f.read().decode(errors="replace")
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry))
        found, stack = [], [w.process.pid for w in self.workers]
        while stack:
            pid = stack.pop()
            for child in children.get(pid, []):
                if "CoarseGrainedExecutorBackend" in commands.get(child, ""):
                    found.append(child)
                stack.append(child)
        return sorted(found)

    def stop(self) -> None:
        executors = self.executor_pids()
        for w in self.workers:
            w.stop()
        self.master.stop()
        for pid in executors:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        shutil.rmtree(self.work_dir, ignore_errors=True)


def _start(name: str, args: list[str], log_dir: Path, ui_port: int) -> Daemon:
    env = dict(os.environ, SPARK_LOCAL_IP="127.0.0.1", SPARK_HOME=str(spark_home()),
               PYSPARK_PYTHON=sys.executable, SPARK_NO_DAEMONIZE="1")
    log = log_dir / f"{name}.log"
    out = open(log, "wb")
    process = subprocess.Popen([str(spark_home() / "bin" / "spark-class"), *args], stdout=out,
                               stderr=subprocess.STDOUT, env=env, start_new_session=True)
    return Daemon(name, process, log, ui_port, out)


def _wait(condition, daemon_logs: list[Path], what: str) -> None:
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        try:
            if condition():
                return
        except OSError:
            pass
        time.sleep(0.5)
    tails = "\n".join(f"--- {p.name}\n{p.read_text(errors='replace')[-3000:]}" for p in daemon_logs)
    raise RuntimeError(f"the Spark cluster did not come up ({what}) within {START_SECONDS} s\n{tails}")


def start(workers: int = 2) -> Cluster:
    """Starts a master and ``workers`` workers (1 core, 1 GiB each) on loopback."""
    work_dir = Path(tempfile.mkdtemp(prefix="assay-spark-"))
    port, ui = _free_port(), _free_port()
    master = _start("master", ["org.apache.spark.deploy.master.Master", "--host", "127.0.0.1",
                               "--port", str(port), "--webui-port", str(ui)], work_dir, ui)
    cluster = Cluster(f"spark://127.0.0.1:{port}", master, work_dir=work_dir)
    try:
        _wait(lambda: cluster.state().get("status") == "ALIVE", [master.log], "master")
        for i in range(workers):
            wui = _free_port()
            w = _start(f"worker-{i}", ["org.apache.spark.deploy.worker.Worker", "--host", "127.0.0.1",
                                       "--cores", "1", "--memory", "1g", "--webui-port", str(wui),
                                       "--work-dir", str(work_dir / f"work-{i}"), cluster.master_url],
                       work_dir, wui)
            cluster.workers.append(w)
        _wait(lambda: sum(1 for w in cluster.state().get("workers", []) if w.get("state") == "ALIVE") == workers,
              [master.log, *(w.log for w in cluster.workers)], f"{workers} workers")
    except BaseException:
        cluster.stop()
        raise
    return cluster


def session(cluster: Cluster, name: str = "assay-tests"):
    """A SparkSession on the cluster: two executors of one core, Python workers on this
    interpreter, Arrow batches of 10,000 rows."""
    from pyspark.sql import SparkSession

    os.environ["PYSPARK_PYTHON"] = sys.executable
    os.environ["SPARK_LOCAL_IP"] = "127.0.0.1"
    session = (
        SparkSession.builder.master(cluster.master_url)
        .appName(name)
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.executor.cores", "1")
        .config("spark.cores.max", "2")
        .config("spark.executor.memory", "768m")
        .config("spark.driver.memory", "768m")
        .config("spark.pyspark.python", sys.executable)
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.sql.execution.arrow.maxRecordsPerBatch", "10000")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.task.maxFailures", "4")
        .getOrCreate()
    )
    # getOrCreate hands back a session already running (perhaps in local mode): not this one.
    if session.sparkContext.master != cluster.master_url:
        raise RuntimeError(f"a Spark session on {session.sparkContext.master} was already running")
    return session
