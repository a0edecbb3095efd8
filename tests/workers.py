"""Starting `celery worker` processes from Python, for the test suite and the benchmarks."""

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

PROJECT_ROOT = Path(__file__).resolve().parent.parent
START_SECONDS = 60
SLOW = {
    # Each chunk and each posting pauses inside its transaction, so the kill lands mid-step.
    "TANHUI_FAILPOINTS": "settlement.chunk=2,settlement.post=3",
    # A killed worker's unacknowledged task is delivered again after 6 s (looked for every 2 s).
    "CELERY_VISIBILITY_TIMEOUT": "6",
    "CELERY_UNACKED_RESTORE_INTERVAL": "2",
}


class WorkerFailed(RuntimeError):
    """The worker exited or did not answer a ping in time; the message holds its log."""


def database_url_for(name: str) -> str:
    """DATABASE_URL pointing at another database on the same server (e.g. the test copy)."""
    parts = urlsplit(os.environ["DATABASE_URL"])
    return urlunsplit(parts._replace(path=f"/{name}"))


class CeleryWorker:
    """One worker process on the database this process uses, with extra `env` if given."""

    def __init__(self, log_dir: Path, *, env: dict | None = None, concurrency: int = 1):
        from django.db import connection

        self.node = f"tanhui-{uuid.uuid4().hex[:8]}@localhost"
        self.log_path = Path(log_dir) / f"{self.node.split('@')[0]}.log"
        self.env = (
            os.environ
            | {
                "DATABASE_URL": database_url_for(connection.settings_dict["NAME"]),
                "MEDIA_ROOT": str(Path(log_dir) / "media"),
            }
            | (env or {})
        )
        self.concurrency = concurrency
        self.process: subprocess.Popen | None = None

    def start(self) -> "CeleryWorker":
        from config.celery import app

        pool = ["--pool=solo"] if self.concurrency == 1 else [f"--concurrency={self.concurrency}"]
        command = [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            *pool,
            "--loglevel=INFO",
            f"--hostname={self.node}",
            "--without-gossip",
            "--without-mingle",
        ]
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(
                command, cwd=PROJECT_ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT
            )
        deadline = time.monotonic() + START_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise WorkerFailed(f"worker exited with {self.process.returncode}:\n{self.log()}")
            if app.control.ping(destination=[self.node], timeout=0.5):
                return self
        self.kill()
        raise WorkerFailed(f"worker did not answer within {START_SECONDS} s:\n{self.log()}")

    def kill(self) -> None:
        """SIGKILL: the worker gets no chance to acknowledge, roll back or clean up."""
        self.process.kill()
        self.process.wait()

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.kill()

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")
