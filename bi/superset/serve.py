"""``make bi``: Superset on the serving copy, on 127.0.0.1, until Ctrl-C.

    .venv/bin/python bi/superset/serve.py [--port 8088] [--home DIR]

Installs Superset's own environment (``.venv-superset`` from requirements-superset.lock)
if it is missing or older than the lock; builds the warehouse with the nightly pipeline
(``countybudget run`` against the offline mirror) if there is no serving copy yet;
initialises Superset's metadata in a throwaway directory; starts gunicorn on loopback;
provisions the database, datasets, charts and dashboard (provision.py); prints the URL.
Everything it started is stopped by PID on Ctrl-C, SIGTERM or failure.

Runs with the project's interpreter (it reads the lake layout from ``countybudget.paths``);
Superset itself only ever runs in its own environment.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
sys.path.insert(0, str(REPO))

from countybudget import paths  # noqa: E402 - after the path fix-up, run as a script

SUPERSET_VENV = REPO / ".venv-superset"
SUPERSET_LOCK = REPO / "requirements-superset.lock"
CONFIG = HERE / "superset_config.py"
ADMIN_USER = "admin"
INSTALL_STAMP = SUPERSET_VENV / ".installed"


def superset_bin(name: str) -> str:
    return str(SUPERSET_VENV / "bin" / name)


def ensure_environment() -> None:
    """``.venv-superset`` from the lock (Superset cannot share Airflow's Flask/SQLAlchemy pins)."""
    if INSTALL_STAMP.exists() and INSTALL_STAMP.stat().st_mtime >= SUPERSET_LOCK.stat().st_mtime:
        return
    if not (SUPERSET_VENV / "bin" / "python").exists():
        subprocess.run([_base_python(), "-m", "venv", str(SUPERSET_VENV)], check=True)
    uv = REPO / ".venv" / "bin" / "uv"
    installer = [str(uv), "pip", "install", "-q", "--python", superset_bin("python")] if uv.exists() else \
        [superset_bin("python"), "-m", "pip", "install", "-q"]
    subprocess.run([*installer, "-r", str(SUPERSET_LOCK)], check=True)
    INSTALL_STAMP.touch()


CHROMIUM_PACKAGES = ("chromium", "chromium-driver", "fonts-wqy-microhei")


def ensure_chromium() -> None:
    """Debian's headless Chromium and its driver, for the browser check (bi/superset/browser_check.py)."""
    missing = [p for p in CHROMIUM_PACKAGES
               if subprocess.run(["dpkg", "-s", p], capture_output=True, check=False).returncode != 0]
    if not missing:
        return
    if os.geteuid() != 0:
        raise RuntimeError(f"the browser check needs Debian packages (as root: apt-get install {' '.join(missing)})")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update", "-qq"], check=True, env=env)
    subprocess.run(["apt-get", "install", "-y", "-qq", "--no-install-recommends", *missing], check=True, env=env)


def _base_python() -> str:
    """The interpreter the project venv was made from (Superset's venv uses the same Python)."""
    return getattr(sys, "_base_executable", None) or shutil.which("python3") or sys.executable


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class SupersetServer:
    """Superset on 127.0.0.1:``port`` reading ``serving`` read-only; a context manager."""

    def __init__(self, serving: Path, port: int | None = None, home: Path | None = None,
                 password: str | None = None) -> None:
        self.serving = Path(serving).resolve()
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self._own_home = home is None
        self.home = Path(home or tempfile.mkdtemp(prefix="countybudget-superset-"))
        # passed as --password=… : a generated one may begin with "-", which argparse would
        # take for an option (a one-in-64 failure of every Superset start)
        self.password = password or secrets.token_urlsafe(12)
        self.process: subprocess.Popen[bytes] | None = None
        self.provisioned: dict[str, Any] = {}
        self.log_path = self.home / "superset.log"

    @property
    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("AIRFLOW", "PYTHONPATH", "VIRTUAL_ENV"))}
        env.update({
            "SUPERSET_HOME": str(self.home),
            "SUPERSET_CONFIG_PATH": str(CONFIG),
            "SUPERSET_SECRET_KEY": self._secret_key(),
            "FLASK_APP": "superset",
            "SUPERSET_ADMIN_USER": ADMIN_USER,
            "SUPERSET_ADMIN_PASSWORD": self.password,
            "COUNTYBUDGET_SERVING_PATH": str(self.serving),
        })
        return env

    def _secret_key(self) -> str:
        key_file = self.home / "secret_key"
        if not key_file.exists():
            key_file.write_text(secrets.token_hex(32), encoding="utf-8")
            key_file.chmod(0o600)
        return key_file.read_text(encoding="utf-8").strip()

    def _superset(self, *args: str) -> None:
        with open(self.log_path, "ab") as log:
            subprocess.run([superset_bin("superset"), *args], env=self.env, check=True, stdout=log,
                           stderr=subprocess.STDOUT)

    def start(self) -> "SupersetServer":
        ensure_environment()
        self.home.mkdir(parents=True, exist_ok=True)
        started = time.monotonic()
        self._superset("db", "upgrade")
        self._superset("fab", "create-admin", "--username", ADMIN_USER, "--firstname", "countybudget",
                       "--lastname", "admin", "--email", "admin@localhost", f"--password={self.password}")
        self._superset("init")
        log = open(self.log_path, "ab")
        self.process = subprocess.Popen(
            [superset_bin("gunicorn"), "--bind", f"127.0.0.1:{self.port}", "--workers", "1",
             "--worker-class", "gthread", "--threads", "8", "--timeout", "120", "superset.app:create_app()"],
            env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        log.close()
        try:
            done = subprocess.run([superset_bin("python"), str(HERE / "provision.py"), "--url", self.url,
                                   "--serving", str(self.serving), f"--password={self.password}", "--wait", "300"],
                                  env=self.env, capture_output=True, text=True, check=False)
            if done.returncode != 0:
                raise RuntimeError(f"provisioning failed: {done.stderr[-3000:]}\n(log: {self.log_path})")
            self.provisioned = json.loads(done.stdout.strip().splitlines()[-1])
        except BaseException:
            self.stop()
            raise
        self.provisioned["seconds_to_ready"] = round(time.monotonic() - started, 1)
        return self

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)  # gunicorn's own session: master and its workers
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self.process = None
        if self._own_home:
            shutil.rmtree(self.home, ignore_errors=True)

    def __enter__(self) -> "SupersetServer":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def ensure_serving_copy() -> Path:
    serving = paths.serving_path()
    if not serving.is_file():
        print(f"bi: no serving copy at {serving}; building the warehouse with the nightly pipeline first", flush=True)
        subprocess.run([str(REPO / ".venv" / "bin" / "countybudget"), "run"], check=True)
    return serving


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=int(os.environ.get("SUPERSET_PORT", "8088")))
    parser.add_argument("--home", type=Path, help="keep Superset's metadata here (default: a throwaway dir)")
    args = parser.parse_args(argv)
    serving = ensure_serving_copy()
    stop = {"signal": None}

    def on_signal(signum: int, frame: Any) -> None:
        stop["signal"] = signum
        raise KeyboardInterrupt

    # both explicitly: a shell starting us in the background leaves SIGINT ignored
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    server = SupersetServer(serving, port=args.port, home=args.home,
                            password=os.environ.get("SUPERSET_ADMIN_PASSWORD") or None)
    try:
        server.start()
        print(f"bi: Superset on {server.provisioned['dashboard_url']}  (user {ADMIN_USER}, password {server.password})"
              f"\nbi: reading {serving} read-only; ready in {server.provisioned['seconds_to_ready']} s;"
              f" Ctrl-C stops it (pid {server.process.pid})", flush=True)
        while server.process.poll() is None:
            time.sleep(1)
        print(f"bi: Superset exited with {server.process.returncode}; see {server.log_path}")
        return 1
    except KeyboardInterrupt:
        print("bi: stopping Superset", flush=True)
        return 0
    finally:
        server.stop()


if __name__ == "__main__":
    sys.exit(main())
