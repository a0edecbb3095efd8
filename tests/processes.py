"""Running manage.py in a child process, for tests of whole-program behaviour."""

import os
import subprocess
import sys

from tests.conftest import PROJECT_ROOT

SERVICE_VARIABLES = {"DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL", "CELERY_RESULT_BACKEND"}


def embedded_env(var_dir) -> dict:
    """This environment without service settings: the embedded SpatiaLite profile."""
    env = {k: v for k, v in os.environ.items() if k not in SERVICE_VARIABLES}
    return env | {"TANHUI_VAR_DIR": str(var_dir)}


def manage(env, *args, check=True) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=check,
    )
