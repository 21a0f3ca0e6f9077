"""Several Rasa servers on PostgreSQL, Redis and HAProxy — one description, two ways to run it.

    bin/topology up | down | status          processes on this machine, state under var/topology/
    .venv/bin/python -m deploy.topology compose   writes deploy/compose.yml + deploy/haproxy.cfg

``services()`` is the single source of truth: every service's command, port and environment.
``bin/topology`` starts exactly those commands as processes; ``compose()`` renders the same
commands, ports and environment as a Docker Compose file for one VPS (host networking, so the
ports and the 127.0.0.1 addresses are literally the same). tests/e2e/test_topology.py checks that
the committed compose file is what ``compose()`` renders and starts the process topology.

              ┌─ rasa1 :5006 ─┐                         ┌─ actions1 :5056
  clients ──▶ HAProxy :5005   ├─▶ HAProxy :5055 (actions)┤
              └─ rasa2 :5007 ─┘                         └─ actions2 :5057
                  │   └──── Redis :6379 (ticket locks: one server at a time per conversation)
                  └──────── PostgreSQL :5432 (databases dvhelp = conversations, directory)

Secrets (PostgreSQL password, HTTP API token, web session key) are generated once into
``var/topology/secrets.env`` (mode 600); compose reads the same names from ``deploy/.env``.
"""

from __future__ import annotations

import argparse
import glob
import os
import secrets
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Optional, Sequence

import yaml

REPO = Path(__file__).resolve().parents[1]
DEPLOY = REPO / "deploy"
MODEL = "models/dv-help.tar.gz"
SECRET_NAMES = ("POSTGRES_PASSWORD", "RASA_API_TOKEN", "WEB_SESSION_SECRET")
# Optional, passed through when set: the Telegram channel is off without its three secrets.
PASSED_THROUGH = ("TELEGRAM_TOKEN", "TELEGRAM_WEBHOOK_SECRET", "TELEGRAM_ID_SECRET")


@dataclass(frozen=True)
class Ports:
    balancer: int = 5005  # what clients use: the single-machine Rasa port, unchanged
    actions: int = 5055  # the action balancer: endpoints.yml's action_endpoint
    rasa: Sequence[int] = (5006, 5007)
    action_servers: Sequence[int] = (5056, 5057)
    postgres: int = 5432
    redis: int = 6379


@dataclass(frozen=True)
class Service:
    name: str
    command: List[str]
    port: int
    health: Optional[str] = None  # HTTP path answering 200 when ready
    env: Dict[str, str] = field(default_factory=dict)  # values may name secrets as ${NAME}
    image: str = "dvhelp"  # compose: the image built by deploy/Dockerfile, or an official one


def shared_env(ports: Ports) -> Dict[str, str]:
    """What every Rasa and action server gets (docs/SCALING.md explains each)."""
    pg = f"postgresql://dvhelp:${{POSTGRES_PASSWORD}}@127.0.0.1:{ports.postgres}"
    return {
        "TRACKER_STORE_URL": f"{pg}/dvhelp",
        "DIRECTORY_DATABASE_URL": f"{pg}/directory",
        "LOCK_STORE_URL": f"redis://127.0.0.1:{ports.redis}/0",
        # A ticket of a server killed mid-turn blocks that conversation this long (Rasa: 60 s).
        "TICKET_LOCK_LIFETIME": "20",
        "WEB_SESSION_SECRET": "${WEB_SESSION_SECRET}",
        "RASA_TELEMETRY_ENABLED": "false",
        "TF_CPP_MIN_LOG_LEVEL": "2",
        "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
        "SANIC_HOST": "127.0.0.1",
    }


def services(ports: Ports = Ports(), endpoints: str = "endpoints.yml") -> List[Service]:
    env = shared_env(ports)
    listed: List[Service] = [
        Service(
            "postgres",
            ["postgres", "-p", str(ports.postgres), "-c", "listen_addresses=127.0.0.1"],
            ports.postgres,
            image="postgres:15",
        ),
        Service(
            "redis",
            [
                "redis-server",
                "--port",
                str(ports.redis),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--protected-mode",
                "yes",
            ],
            ports.redis,
            image="redis:7",
        ),
    ]
    for number, port in enumerate(ports.action_servers, 1):
        listed.append(
            Service(
                f"actions{number}",
                ["bin/rasa", "run", "actions", "--actions", "actions", "--port", str(port)],
                port,
                "/health",
                env,
            )
        )
    for number, port in enumerate(ports.rasa, 1):
        listed.append(
            Service(
                f"rasa{number}",
                [
                    "bin/rasa",
                    "run",
                    "--model",
                    MODEL,
                    "--endpoints",
                    endpoints,
                    "--credentials",
                    "credentials.yml",
                    "--interface",
                    "127.0.0.1",
                    "--port",
                    str(port),
                    "--enable-api",
                    "--auth-token",
                    "${RASA_API_TOKEN}",
                ],
                port,
                "/",
                env,
            )
        )
    listed.append(Service("haproxy", ["haproxy", "-W", "-db", "-f", "haproxy.cfg"], ports.balancer, image="haproxy:2.6"))
    return listed


def haproxy_config(ports: Ports) -> str:
    """The balancer. Public: the channels only (REST, Telegram, socket.io, the chat page); Rasa's
    HTTP API (trackers, model) stays on the instances' own localhost ports.

    - Health checks every 2 s (5 s to answer: a busy server on 2 cores is slow, not dead), three
      failures take an instance out (≈6 s after a crash; meanwhile connection failures are retried);
      ``retry-on conn-failure empty-response`` + ``redispatch`` resend a turn whose server died
      before answering to the other one (the dead server had not stored it: Rasa saves after the turn).
    - socket.io: the page talks WebSocket only (web/chat.js), one TCP connection to one instance
      for the whole chat, so no stickiness is needed; ``timeout tunnel`` keeps it open. The
      long-polling transport would need stickiness and is not used.
    - No request logging: addresses and URLs of survivors are nobody's business.
    - ``X-Served-By`` names the instance (rasa1/rasa2, nothing about the person): for the tests
      and for operators following a problem to one instance.
    """

    def servers(prefix: str, listed: Sequence[int]) -> str:
        return "\n".join(f"    server {prefix}{n} 127.0.0.1:{port} check" for n, port in enumerate(listed, 1))

    return f"""# Generated by deploy/topology.py (python -m deploy.topology compose); do not edit.
global
    maxconn 4000

defaults
    mode http
    timeout connect 2s
    timeout client 65s
    timeout server 60s
    timeout tunnel 1h
    timeout http-request 10s
    retries 2
    option redispatch
    option http-buffer-request
    retry-on conn-failure empty-response junk-response
    timeout check 5s
    default-server inter 2s fall 3 rise 2

frontend public
    bind 127.0.0.1:{ports.balancer}
    http-request deny deny_status 404 unless {{ path_beg /webhooks/ /socket.io/ /chat }} or {{ path / }}
    default_backend rasa

backend rasa
    balance roundrobin
    option httpchk GET /
    http-check expect status 200
    http-response set-header X-Served-By %[srv_name]
{servers("rasa", ports.rasa)}

frontend actions
    bind 127.0.0.1:{ports.actions}
    default_backend actions

backend actions
    balance roundrobin
    option httpchk GET /health
    http-check expect status 200
{servers("actions", ports.action_servers)}
"""


def compose(ports: Ports = Ports()) -> str:
    """The same services as a Compose file for one VPS."""
    out: Dict[str, Dict] = {}
    for service in services(ports):
        entry: Dict = {"network_mode": "host", "restart": "unless-stopped"}
        if service.image == "dvhelp":
            entry.update(
                build={"context": "..", "dockerfile": "deploy/Dockerfile"},
                image="dvhelp",
                depends_on=["postgres", "redis"],
                environment={**service.env, **{name: f"${{{name}:-}}" for name in PASSED_THROUGH}},
            )
            entry["command"] = service.command
        elif service.name == "postgres":
            entry.update(
                image=service.image,
                command=service.command,
                environment={"POSTGRES_USER": "dvhelp", "POSTGRES_PASSWORD": "${POSTGRES_PASSWORD}", "POSTGRES_DB": "dvhelp"},
                volumes=["pgdata:/var/lib/postgresql/data", "./postgres-init.sql:/docker-entrypoint-initdb.d/init.sql:ro"],
            )
        elif service.name == "redis":
            entry.update(image=service.image, command=service.command)
        elif service.name == "haproxy":
            entry.update(
                image=service.image,
                command=service.command,
                working_dir="/usr/local/etc/haproxy",
                volumes=["./haproxy.cfg:/usr/local/etc/haproxy/haproxy.cfg:ro"],
                depends_on=[s.name for s in services(ports) if s.image == "dvhelp"],
            )
        out[service.name] = entry
    header = (
        "# Generated by deploy/topology.py (python -m deploy.topology compose) from the same\n"
        "# description bin/topology runs as processes; do not edit. Secrets: deploy/.env (see SCALING.md).\n"
    )
    return header + yaml.safe_dump({"services": out, "volumes": {"pgdata": {}}}, sort_keys=False, width=120)


# --- running it as processes ---------------------------------------------------------------


def _pg_bin() -> Path:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/postgres"))
    if not found:
        raise SystemExit("PostgreSQL server not found: run bin/setup-topology")
    return Path(found[-1]).parent


def _as_postgres(command: List[str]) -> List[str]:
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


class Topology:
    """The services of ``services()`` as processes under ``root`` (default var/topology)."""

    def __init__(self, root: Path = REPO / "var" / "topology", ports: Ports = Ports()) -> None:
        self.root, self.ports = Path(root), ports
        self.logs, self.run = self.root / "log", self.root / "run"
        self.endpoints = "endpoints.yml" if ports.actions == Ports().actions else str(self.root / "endpoints.yml")
        self.by_name = {s.name: s for s in services(ports, self.endpoints)}

    # -- files ------------------------------------------------------------------------------
    def secrets(self) -> Dict[str, str]:
        path = self.root / "secrets.env"
        if not path.exists():
            self.root.mkdir(parents=True, exist_ok=True)
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w") as handle:
                handle.writelines(f"{name}={secrets.token_hex(24)}\n" for name in SECRET_NAMES)
        return dict(line.strip().split("=", 1) for line in path.read_text().splitlines() if "=" in line)

    def env_of(self, service: Service) -> Dict[str, str]:
        values = self.secrets()
        return {**os.environ, **{key: _expand(value, values) for key, value in service.env.items()}}

    def command_of(self, service: Service) -> List[str]:
        values = self.secrets()
        return [_expand(part, values) for part in service.command]

    def _prepare(self) -> None:
        for folder in (self.logs, self.run):
            folder.mkdir(parents=True, exist_ok=True)
        (self.root / "haproxy.cfg").write_text(haproxy_config(self.ports))
        if self.endpoints != "endpoints.yml":  # the action balancer elsewhere (tests: free ports)
            config = yaml.safe_load((REPO / "endpoints.yml").read_text())
            config["action_endpoint"]["url"] = f"http://127.0.0.1:{self.ports.actions}/webhook"
            Path(self.endpoints).write_text(yaml.safe_dump(config, sort_keys=False))

    # -- processes --------------------------------------------------------------------------
    def pid(self, name: str) -> Optional[int]:
        try:
            pid = int((self.run / f"{name}.pid").read_text())
            os.kill(pid, 0)
            return pid
        except (OSError, ValueError):
            return None

    def start(self, name: str) -> None:
        if self.pid(name):
            return
        if name == "postgres":
            return self._start_postgres()
        service = self.by_name[name]
        command = self.command_of(service)
        cwd = self.root if name == "haproxy" else REPO
        if name == "redis":
            command += ["--dir", str(self.root)]
        process = subprocess.Popen(
            command,
            cwd=cwd,
            env=self.env_of(service),
            start_new_session=True,
            stdout=(self.logs / f"{name}.log").open("a"),
            stderr=subprocess.STDOUT,
        )
        (self.run / f"{name}.pid").write_text(str(process.pid))

    def _start_postgres(self) -> None:
        data, sockets = self.root / "postgres", self.root / "pg-sockets"
        fresh = not (data / "PG_VERSION").exists()
        if fresh:
            data.mkdir(parents=True, exist_ok=True)
            sockets.mkdir(exist_ok=True)
            password_file = self.root / "pg-password"
            password_file.write_text(self.secrets()["POSTGRES_PASSWORD"] + "\n")
            if os.geteuid() == 0:
                for path in (self.root, data, sockets, password_file):
                    shutil.chown(path, "postgres")
            subprocess.run(
                _as_postgres(
                    [
                        str(_pg_bin() / "initdb"),
                        "-D",
                        str(data),
                        "-U",
                        "dvhelp",
                        "-E",
                        "UTF8",
                        "--locale",
                        "C.UTF-8",
                        "--auth",
                        "scram-sha-256",
                        "--pwfile",
                        str(password_file),
                    ]
                ),
                check=True,
                capture_output=True,
                timeout=120,
            )
            password_file.unlink()
        log = self.logs / "postgres.log"
        log.touch()
        if os.geteuid() == 0:
            shutil.chown(log, "postgres")
        subprocess.run(
            _as_postgres(
                [
                    str(_pg_bin() / "pg_ctl"),
                    "-D",
                    str(data),
                    "-w",
                    "-l",
                    str(log),
                    "-o",
                    f"-p {self.ports.postgres} -k {sockets} -c listen_addresses=127.0.0.1",
                    "start",
                ]
            ),
            check=True,
            capture_output=True,
            timeout=120,
        )
        pid = int((data / "postmaster.pid").read_text().split()[0])
        (self.run / "postgres.pid").write_text(str(pid))
        if fresh:
            for database in ("dvhelp", "directory"):
                self.psql(f"CREATE DATABASE {database}", "postgres")

    def psql(self, sql: str, database: str = "dvhelp") -> str:
        env = {**os.environ, "PGPASSWORD": self.secrets()["POSTGRES_PASSWORD"]}
        result = subprocess.run(
            [
                str(_pg_bin() / "psql"),
                "-h",
                "127.0.0.1",
                "-p",
                str(self.ports.postgres),
                "-U",
                "dvhelp",
                "-d",
                database,
                "-tAc",
                sql,
            ],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        if result.returncode:
            raise RuntimeError(result.stderr.strip())
        return result.stdout.strip()

    def stop(self, name: str, sig: int = signal.SIGTERM, timeout: float = 20) -> None:
        if name == "postgres" and sig == signal.SIGTERM:
            subprocess.run(
                _as_postgres([str(_pg_bin() / "pg_ctl"), "-D", str(self.root / "postgres"), "-m", "fast", "-w", "stop"]),
                capture_output=True,
                timeout=60,
            )
        pid = self.pid(name)
        if pid:
            with _suppress():
                os.killpg(pid, sig) if name != "postgres" else os.kill(pid, sig)
            deadline = time.monotonic() + timeout
            while time.monotonic() < deadline and _alive(pid):
                time.sleep(0.1)
            if _alive(pid):
                with _suppress():
                    os.killpg(pid, signal.SIGKILL) if name != "postgres" else os.kill(pid, signal.SIGKILL)
        (self.run / f"{name}.pid").unlink(missing_ok=True)

    def kill(self, name: str) -> None:
        """As a crash: SIGKILL, no clean-up."""
        self.stop(name, signal.SIGKILL, timeout=10)

    def healthy(self, name: str) -> bool:
        service = self.by_name[name]
        if not self.pid(name):
            return False
        if name == "postgres":
            try:
                return self.psql("SELECT 1") == "1"
            except RuntimeError:
                return False
        if name == "redis":
            return (
                subprocess.run(
                    ["redis-cli", "-p", str(service.port), "ping"], capture_output=True, text=True, timeout=10
                ).stdout.strip()
                == "PONG"
            )
        path = service.health or "/"
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{service.port}{path}", timeout=3) as response:
                return response.status == 200
        except OSError:
            return False

    def wait(self, names: Sequence[str], seconds: float = 300) -> None:
        deadline = time.monotonic() + seconds
        waiting = list(names)
        while waiting and time.monotonic() < deadline:
            for name in list(waiting):
                if not self.pid(name):
                    raise RuntimeError(f"{name} stopped; log:\n{self.log(name)[-3000:]}")
                if self.healthy(name):
                    waiting.remove(name)
            time.sleep(0.5)
        if waiting:
            raise RuntimeError(f"not ready after {seconds} s: {waiting}; log:\n{self.log(waiting[0])[-3000:]}")

    def log(self, name: str) -> str:
        path = self.logs / f"{name}.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def load_directory(self) -> None:
        """The directory's CSVs into PostgreSQL (as bin/setup does into SQLite)."""
        env = self.env_of(self.by_name["actions1"])
        subprocess.run(
            [str(REPO / ".venv" / "bin" / "python"), "-m", "directory.load"],
            cwd=REPO,
            env=env,
            check=True,
            capture_output=True,
            timeout=300,
        )

    def up(self, names: Optional[Sequence[str]] = None) -> None:
        self._prepare()
        self.start("postgres")
        self.start("redis")
        self.wait(["postgres", "redis"], 60)
        if self.psql("SELECT count(*) FROM information_schema.tables WHERE table_name = 'organisations'", "directory") == "0":
            self.load_directory()
        servers = [s.name for s in services(self.ports) if s.image == "dvhelp"]
        for name in servers:
            self.start(name)
        self.start("haproxy")
        self.wait(servers + ["haproxy"], 400)

    def down(self) -> None:
        for service in reversed(services(self.ports)):
            self.stop(service.name)

    def status(self) -> List[str]:
        return [
            f"{s.name:9} :{s.port:<5} {'pid ' + str(self.pid(s.name)) if self.pid(s.name) else 'stopped':12} "
            f"{'healthy' if self.pid(s.name) and self.healthy(s.name) else '-'}"
            for s in services(self.ports)
        ]


def _expand(text: str, values: Dict[str, str]) -> str:
    for name, value in values.items():
        text = text.replace(f"${{{name}}}", value)
    return text


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except OSError:
        return False
    try:  # a zombie of ours is dead too
        return Path(f"/proc/{pid}/stat").read_text().split(") ")[1][0] != "Z"
    except OSError:
        return False


class _suppress:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: object) -> bool:
        return exc[0] is not None and issubclass(exc[0], OSError)  # type: ignore[arg-type]


def write_compose() -> None:
    (DEPLOY / "compose.yml").write_text(compose())
    (DEPLOY / "haproxy.cfg").write_text(haproxy_config(Ports()))


def main(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(prog="bin/topology", description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=["up", "down", "status", "compose"])
    args = parser.parse_args(argv)
    topology = Topology()
    if args.command == "compose":
        write_compose()
    elif args.command == "up":
        topology.up()
        print("\n".join(topology.status()))
        print(f"Serving on http://127.0.0.1:{topology.ports.balancer} (HAProxy → {len(topology.ports.rasa)} Rasa servers)")
    elif args.command == "down":
        topology.down()
    else:
        print("\n".join(topology.status()))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
