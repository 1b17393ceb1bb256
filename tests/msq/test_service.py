"""msq service install/uninstall/status: rendering, real validators, and manager commands.

systemd-analyze and plistlib check the rendered files for real. `systemctl --user` and
`launchctl` cannot run in a container, so those (and only those) go through a recording
fake runner; files are written for real into a tmp HOME / XDG_CONFIG_HOME.
"""

from __future__ import annotations

import os
import plistlib
import shutil
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

import pytest

from msq import service as svc

REPO = Path(__file__).resolve().parents[2]
PACKAGED = REPO / "client" / "msq" / "service" / "service_files"


class FakeRunner:
    """Records commands; answers with canned results keyed by command prefix."""

    def __init__(self, answers: dict[tuple[str, ...], tuple[int, str, str]] | None = None):
        self.calls: list[list[str]] = []
        self.answers = answers or {}

    def __call__(self, cmd: Sequence[str]) -> subprocess.CompletedProcess[str]:
        cmd = list(cmd)
        self.calls.append(cmd)
        best: tuple[int, str, str] = (0, "", "")
        best_len = -1
        for prefix, answer in self.answers.items():
            if tuple(cmd[: len(prefix)]) == prefix and len(prefix) > best_len:
                best, best_len = answer, len(prefix)
        rc, out, err = best
        return subprocess.CompletedProcess(cmd, rc, out, err)


@pytest.fixture
def fake_msqd(tmp_path: Path) -> str:
    """A real executable called msqd (systemd-analyze verify insists ExecStart exists)."""
    path = tmp_path / "bin dir" / "msqd"
    path.parent.mkdir()
    path.write_text("#!/bin/sh\nexit 0\n")
    path.chmod(0o755)
    return str(path)


# ------------------------------------------------------------------------------ templates


@pytest.mark.parametrize(
    ("top", "name"),
    [("systemd", "msqd.service"), ("launchd", "dev.msq.msqd.plist")],
)
def test_packaged_templates_equal_repo_sources(top: str, name: str) -> None:
    # systemd/ and launchd/ are the source of truth; the wheel ships copies.
    assert (PACKAGED / name).read_bytes() == (REPO / top / name).read_bytes()
    assert svc.template_text(name) == (REPO / top / name).read_text()


def test_spec_names_differ_for_home_instance(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = svc.ServiceSpec(msqd="/usr/bin/msqd")
    test = svc.ServiceSpec(msqd="/usr/bin/msqd", home=str(tmp_path))
    assert (real.unit_name, real.label, real.args) == ("msqd.service", "dev.msq.msqd", [])
    tag = svc.home_suffix(tmp_path)
    assert tag is not None and len(tag) == 8
    assert test.unit_name == f"msqd-{tag}.service"
    assert test.label == f"dev.msq.msqd.{tag}"
    assert test.args == ["--home", str(tmp_path)]
    # A relative --home names the same instance as its absolute form.
    monkeypatch.chdir(tmp_path.parent)
    assert svc.ServiceSpec(msqd="/m", home=tmp_path.name).unit_name == test.unit_name


def test_spec_rejects_relative_msqd() -> None:
    with pytest.raises(svc.ServiceError, match="absolute"):
        svc.ServiceSpec(msqd="msqd")


def test_render_unit_substitutes_everything(fake_msqd: str) -> None:
    text = svc.render_unit(svc.ServiceSpec(msqd=fake_msqd, home="/tmp/odd home/100%"))
    assert "@" not in text
    exec_line = next(line for line in text.splitlines() if line.startswith("ExecStart="))
    # Quoted because of the space; % doubled so systemd does not expand a specifier.
    assert exec_line == f'ExecStart="{fake_msqd}" --home "/tmp/odd home/100%%"'
    for line in (
        "Type=notify",
        "NotifyAccess=main",
        "Restart=on-failure",
        "RestartSec=2",
        "TimeoutStopSec=10",
        "KillSignal=SIGTERM",
        "StandardOutput=journal",
        "StandardError=journal",
        "Nice=10",
        "UMask=0077",
        "WantedBy=default.target",
    ):
        assert line in text.splitlines()


def test_render_unit_default_instance_has_no_args() -> None:
    text = svc.render_unit(svc.ServiceSpec(msqd="/opt/msq/bin/msqd"))
    assert "ExecStart=/opt/msq/bin/msqd\n" in text


def _verify(unit: Path, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    runtime = tmp_path / "runtime"
    runtime.mkdir(mode=0o700, exist_ok=True)
    env = dict(os.environ, XDG_RUNTIME_DIR=str(runtime), SYSTEMD_LOG_COLOR="0")
    return subprocess.run(
        ["systemd-analyze", "--user", "--man=no", "verify", str(unit)],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )


needs_analyze = pytest.mark.skipif(
    shutil.which("systemd-analyze") is None,
    reason="systemd-analyze not installed (Debian/Ubuntu: apt-get install systemd)",
)


@needs_analyze
@pytest.mark.parametrize("home", [None, "/tmp/msq test home"])
def test_rendered_unit_passes_systemd_analyze_verify(
    tmp_path: Path, fake_msqd: str, home: str | None
) -> None:
    spec = svc.ServiceSpec(msqd=fake_msqd, home=home)
    unit = tmp_path / spec.unit_name
    unit.write_text(svc.render_unit(spec))
    cp = _verify(unit, tmp_path)
    # Unknown keys are only warnings (exit 0), so stderr must be empty too.
    assert (cp.returncode, cp.stderr) == (0, ""), cp.stderr


@needs_analyze
def test_systemd_analyze_verify_catches_a_broken_unit(tmp_path: Path, fake_msqd: str) -> None:
    # Guards the guard: the check above must be able to fail.
    spec = svc.ServiceSpec(msqd=fake_msqd)
    unit = tmp_path / spec.unit_name
    unit.write_text(svc.render_unit(spec).replace("Nice=10", "Nicety=10"))
    assert "Nicety" in _verify(unit, tmp_path).stderr
    unit.write_text(svc.render_unit(spec).replace(fake_msqd, fake_msqd + "-missing"))
    assert _verify(unit, tmp_path).returncode != 0
    # A malformed umask is caught too, so UMask=0077 is really checked above.
    unit.write_text(svc.render_unit(spec).replace("UMask=0077", "UMask=0999"))
    assert "Failed to parse mode value" in _verify(unit, tmp_path).stderr


def test_rendered_plist_loads_with_expected_keys(tmp_path: Path) -> None:
    spec = svc.ServiceSpec(msqd="/Users/me/.local/bin/msqd", home="/tmp/a&b <c>")
    data = plistlib.loads(svc.render_plist(spec, tmp_path).encode())
    tag = svc.home_suffix("/tmp/a&b <c>")
    log = str(tmp_path / "Library" / "Logs" / "msq" / f"msqd.{tag}.log")
    assert data["Label"] == f"dev.msq.msqd.{tag}"
    assert data["ProgramArguments"] == ["/Users/me/.local/bin/msqd", "--home", "/tmp/a&b <c>"]
    assert data["RunAtLoad"] is True
    assert data["KeepAlive"] == {"SuccessfulExit": False}
    assert data["ProcessType"] == "Background"
    assert data["LowPriorityIO"] is True
    # launchd's umask is an integer: 63 == 0o077, owner-only files.
    assert data["Umask"] == 0o077 and type(data["Umask"]) is int
    assert data["StandardOutPath"] == data["StandardErrorPath"] == log
    assert "@" not in repr(data)


def test_rendered_plist_default_instance(tmp_path: Path) -> None:
    data = plistlib.loads(
        svc.render_plist(svc.ServiceSpec(msqd="/usr/local/bin/msqd"), tmp_path).encode()
    )
    assert data["Label"] == "dev.msq.msqd"
    assert data["ProgramArguments"] == ["/usr/local/bin/msqd"]
    assert data["StandardOutPath"].endswith("Library/Logs/msq/msqd.log")


def test_find_msqd_prefers_sibling_of_python(tmp_path: Path, fake_msqd: str) -> None:
    python = Path(fake_msqd).parent / "python"
    assert svc.find_msqd(str(python), which=lambda _: "/elsewhere/msqd") == fake_msqd
    assert (
        svc.find_msqd(str(tmp_path / "py"), which=lambda _: "/elsewhere/msqd") == "/elsewhere/msqd"
    )
    with pytest.raises(svc.ServiceError, match="msqd was not found"):
        svc.find_msqd(str(tmp_path / "py"), which=lambda _: None)


# ------------------------------------------------------------------------------- managers


def test_detect_manager(tmp_path: Path) -> None:
    run = FakeRunner()
    has = lambda name: f"/usr/bin/{name}"  # noqa: E731
    none = lambda name: None  # noqa: E731
    booted, not_booted = tmp_path, tmp_path / "missing"
    env = {"HOME": str(tmp_path)}

    m = svc.detect_manager(run, "linux", has, env, not_booted)
    assert isinstance(m, svc.Absent) and "systemd is not running" in m.reason
    assert run.calls == []  # nothing probed when systemd is not PID 1

    assert isinstance(svc.detect_manager(run, "linux", none, env, booted), svc.Absent)
    assert isinstance(svc.detect_manager(run, "linux", has, env, booted), svc.SystemdUser)
    assert run.calls == [["systemctl", "--user", "show-environment"]]

    down = FakeRunner({("systemctl",): (1, "", "Failed to connect to bus: No medium found")})
    m = svc.detect_manager(down, "linux", has, env, booted)
    assert isinstance(m, svc.Absent) and "No medium found" in m.reason

    assert isinstance(svc.detect_manager(run, "darwin", has, env, booted, tmp_path), svc.Launchd)
    m = svc.detect_manager(run, "darwin", none, env, booted, tmp_path)
    assert isinstance(m, svc.Absent) and isinstance(m.fallback, svc.Launchd)


def test_detect_manager_on_this_machine_returns_a_manager() -> None:
    m = svc.detect_manager()
    assert m.name in {"systemd", "launchd", "none"}


def test_systemd_install_uninstall_status(tmp_path: Path, fake_msqd: str) -> None:
    config = tmp_path / "xdg config"
    run = FakeRunner()
    mgr = svc.SystemdUser(run, env={"XDG_CONFIG_HOME": str(config), "HOME": "/nonexistent"})
    spec = svc.ServiceSpec(msqd=fake_msqd)
    unit_path = config / "systemd" / "user" / "msqd.service"

    svc.install(mgr, spec)
    assert unit_path.read_text() == svc.render_unit(spec)
    assert run.calls == [
        ["systemctl", "--user", "daemon-reload"],
        ["systemctl", "--user", "enable", "msqd.service"],
        ["systemctl", "--user", "restart", "msqd.service"],
    ]

    run.calls.clear()
    run.answers[("systemctl", "--user", "show")] = (
        0,
        "LoadState=loaded\nActiveState=active\nSubState=running\nUnitFileState=enabled\n"
        "MainPID=4242\nStatusText=watching 2 roots, 37 cards\n",
        "",
    )
    st = mgr.status(spec)
    assert run.calls == [
        [
            "systemctl", "--user", "show", "msqd.service",
            "-p", "LoadState,ActiveState,SubState,UnitFileState,MainPID,StatusText",
        ]
    ]  # fmt: skip
    assert (st.installed, st.enabled, st.active, st.pid) == (True, True, True, 4242)
    assert st.state == "active/running" and st.detail == "watching 2 roots, 37 cards"

    run.calls.clear()
    svc.uninstall(mgr, spec)
    assert not unit_path.exists()
    assert run.calls == [
        ["systemctl", "--user", "disable", "--now", "msqd.service"],
        ["systemctl", "--user", "daemon-reload"],
        ["systemctl", "--user", "reset-failed", "msqd.service"],
    ]


def test_systemd_home_instance_does_not_touch_the_real_unit(tmp_path: Path, fake_msqd: str) -> None:
    env = {"HOME": str(tmp_path)}  # no XDG_CONFIG_HOME: falls back to ~/.config
    run = FakeRunner()
    mgr = svc.SystemdUser(run, env=env)
    real = svc.ServiceSpec(msqd=fake_msqd)
    test = svc.ServiceSpec(msqd=fake_msqd, home=str(tmp_path / "h"))
    svc.install(mgr, real)
    svc.install(mgr, test)
    svc.uninstall(mgr, test)
    unit_dir = tmp_path / ".config" / "systemd" / "user"
    assert [p.name for p in unit_dir.iterdir()] == ["msqd.service"]
    assert ["systemctl", "--user", "enable", test.unit_name] in run.calls


def test_systemd_install_failure_is_one_sentence(tmp_path: Path, fake_msqd: str) -> None:
    run = FakeRunner({("systemctl", "--user", "restart"): (1, "", "Job failed.\nsee journal")})
    mgr = svc.SystemdUser(run, env={"XDG_CONFIG_HOME": str(tmp_path)})
    with pytest.raises(svc.ServiceError) as info:
        svc.install(mgr, svc.ServiceSpec(msqd=fake_msqd))
    assert str(info.value) == "`systemctl --user restart msqd.service` failed: see journal"


def test_launchd_install_uninstall_status(tmp_path: Path) -> None:
    run = FakeRunner()
    mgr = svc.Launchd(run, user_home=tmp_path, uid=501)
    spec = svc.ServiceSpec(msqd="/usr/local/bin/msqd")
    plist = tmp_path / "Library" / "LaunchAgents" / "dev.msq.msqd.plist"

    svc.install(mgr, spec)
    assert plistlib.loads(plist.read_bytes())["Label"] == "dev.msq.msqd"
    assert (tmp_path / "Library" / "Logs" / "msq").is_dir()
    assert run.calls == [
        ["launchctl", "bootout", "gui/501/dev.msq.msqd"],
        ["launchctl", "enable", "gui/501/dev.msq.msqd"],
        ["launchctl", "bootstrap", "gui/501", str(plist)],
    ]

    run.calls.clear()
    run.answers[("launchctl", "print")] = (
        0,
        "gui/501/dev.msq.msqd = {\n\tstate = running\n\tpid = 77\n}",
        "",
    )
    run.answers[("launchctl", "print-disabled")] = (
        0,
        'disabled services = {\n\t"other" => disabled\n}',
        "",
    )
    st = mgr.status(spec)
    assert (st.installed, st.enabled, st.active, st.pid, st.state) == (
        True,
        True,
        True,
        77,
        "running",
    )
    assert run.calls == [
        ["launchctl", "print", "gui/501/dev.msq.msqd"],
        ["launchctl", "print-disabled", "gui/501"],
    ]

    run.calls.clear()
    svc.uninstall(mgr, spec)
    assert not plist.exists()
    assert run.calls == [["launchctl", "bootout", "gui/501/dev.msq.msqd"]]

    run.answers[("launchctl", "print")] = (113, "", "Could not find service")
    run.answers[("launchctl", "print-disabled")] = (0, '"dev.msq.msqd" => disabled', "")
    st = mgr.status(spec)
    assert (st.installed, st.enabled, st.active, st.state) == (False, False, False, "not loaded")


def test_launchd_falls_back_to_load_when_bootstrap_fails(tmp_path: Path) -> None:
    run = FakeRunner(
        {("launchctl", "bootstrap"): (5, "", "Bootstrap failed: 5: Input/output error")}
    )
    mgr = svc.Launchd(run, user_home=tmp_path, uid=501)
    svc.install(mgr, svc.ServiceSpec(msqd="/usr/local/bin/msqd"))
    plist = tmp_path / "Library" / "LaunchAgents" / "dev.msq.msqd.plist"
    assert run.calls[-1] == ["launchctl", "load", "-w", str(plist)]

    run.answers[("launchctl", "load")] = (1, "", "Load failed")
    with pytest.raises(svc.ServiceError, match="Load failed"):
        svc.install(mgr, svc.ServiceSpec(msqd="/usr/local/bin/msqd"))


# ------------------------------------------------------------------------------------ CLI


@pytest.fixture
def cli_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fake_msqd: str):
    from click.testing import CliRunner

    from msq.cli import service_cmd

    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    return CliRunner(), service_cmd, fake_msqd


def _absent(tmp_path: Path) -> svc.Absent:
    return svc.Absent(
        "systemd is not running on this machine (no /run/systemd/system; a container?)",
        svc.SystemdUser(FakeRunner(), env={"XDG_CONFIG_HOME": str(tmp_path / "config")}),
    )


def test_cli_install_without_manager_prints_the_unit(cli_env, tmp_path, monkeypatch) -> None:
    runner, cmd, msqd = cli_env
    monkeypatch.setattr(cmd, "_manager", lambda: _absent(tmp_path))
    result = runner.invoke(cmd.service, ["install", "--msqd", msqd], obj={"home": None})
    assert result.exit_code == 0, result.output
    unit = tmp_path / "config" / "systemd" / "user" / "msqd.service"
    assert result.stderr == (
        "msq: systemd is not running on this machine (no /run/systemd/system; a container?),"
        f" so msqd was not installed; this is the file msq would write to {unit}:\n"
    )
    assert result.stdout == svc.render_unit(svc.ServiceSpec(msqd=msqd))
    assert not unit.exists()


def test_cli_install_on_this_machine_never_fails_without_manager(cli_env) -> None:
    runner, cmd, msqd = cli_env
    if cmd._manager().available:
        pytest.skip("a real service manager runs here; not installing into it from a test")
    result = runner.invoke(cmd.service, ["install", "--msqd", msqd], obj={"home": None})
    assert result.exit_code == 0
    assert f"ExecStart={msqd}" in result.stdout or f'ExecStart="{msqd}"' in result.stdout


def test_cli_home_passes_through_with_distinct_name(cli_env, tmp_path, monkeypatch) -> None:
    runner, cmd, msqd = cli_env
    run = FakeRunner()
    mgr = svc.SystemdUser(run, env={"XDG_CONFIG_HOME": str(tmp_path / "config")})
    monkeypatch.setattr(cmd, "_manager", lambda: mgr)
    home = str(tmp_path / "h")
    spec = svc.ServiceSpec(msqd=msqd, home=home)

    result = runner.invoke(cmd.service, ["install", "--msqd", msqd], obj={"home": home})
    assert result.exit_code == 0, result.output
    assert f"installed and started {spec.unit_name}" in result.stdout
    text = (tmp_path / "config" / "systemd" / "user" / spec.unit_name).read_text()
    assert f"--home {home}\n" in text
    assert ["systemctl", "--user", "restart", spec.unit_name] in run.calls

    props = (
        "LoadState=loaded\nActiveState=inactive\nSubState=dead\nUnitFileState=enabled\nMainPID=0\n"
    )
    run.answers[("systemctl", "--user", "show")] = (0, props, "")
    result = runner.invoke(cmd.service, ["status"], obj={"home": home})
    assert result.exit_code == 3
    assert "running  no (inactive/dead)" in result.stdout

    result = runner.invoke(cmd.service, ["uninstall"], obj={"home": home})
    assert result.exit_code == 0 and "removed" in result.stdout


def test_cli_dry_run_and_print_change_nothing(cli_env, tmp_path, monkeypatch) -> None:
    runner, cmd, msqd = cli_env
    run = FakeRunner()
    mgr = svc.SystemdUser(run, env={"XDG_CONFIG_HOME": str(tmp_path / "config")})
    monkeypatch.setattr(cmd, "_manager", lambda: mgr)
    result = runner.invoke(cmd.service, ["install", "--dry-run", "--msqd", msqd], obj=None)
    assert result.exit_code == 0
    assert "run    systemctl --user enable msqd.service" in result.stdout
    result = runner.invoke(cmd.service, ["install", "--print", "--msqd", msqd], obj=None)
    assert result.stdout == svc.render_unit(svc.ServiceSpec(msqd=msqd))
    assert run.calls == [] and not (tmp_path / "config").exists()


def test_cli_errors_are_click_exceptions(cli_env, tmp_path, monkeypatch) -> None:
    runner, cmd, msqd = cli_env
    run = FakeRunner({("systemctl", "--user", "enable"): (1, "", "Access denied")})
    mgr = svc.SystemdUser(run, env={"XDG_CONFIG_HOME": str(tmp_path / "config")})
    monkeypatch.setattr(cmd, "_manager", lambda: mgr)
    result = runner.invoke(cmd.service, ["install", "--msqd", msqd], obj={})
    assert result.exit_code == 1
    assert result.stderr == "Error: `systemctl --user enable msqd.service` failed: Access denied.\n"


def test_cli_status_without_manager(cli_env, tmp_path, monkeypatch) -> None:
    runner, cmd, _ = cli_env
    monkeypatch.setattr(cmd, "_manager", lambda: _absent(tmp_path))
    result = runner.invoke(cmd.service, ["status"], obj={})
    assert result.exit_code == 3
    assert result.stdout.splitlines()[0] == "manager  none"
    assert "running  no (no service manager)" in result.stdout
    assert "note     systemd is not running" in result.stdout


def test_service_cmd_import_stays_light() -> None:
    code = (
        "import sys, msq.cli.service_cmd; "
        "bad = {'torch', 'sentence_transformers', 'hnswlib', 'llama_cpp'}"
        " & set(sys.modules); print(sorted(bad))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env=dict(
            os.environ, PYTHONPATH=os.pathsep.join([str(REPO / "client"), str(REPO / "daemon")])
        ),
    )
    assert out.stdout.strip() == "[]"


# ---------------------------------------------------------------------------- demo corpus
# (Lives here because this helper owned only this test file; it may move to test_demo.py.)


def test_demo_corpus_is_valid_and_documented() -> None:
    from msq.demo import corpus_path

    root = corpus_path()
    scripts = sorted(root.rglob("*.py"))
    assert len(scripts) >= 16
    assert not list(root.rglob("__init__.py")), "corpus folders must not be packages"
    readme = (root / "README.md").read_text()
    for path in scripts:
        src = path.read_text()
        # compile() in memory: checks syntax without leaving __pycache__ in the package.
        compile(src, str(path), "exec", dont_inherit=True)
        assert 40 <= len(src.splitlines()) <= 150, path
        assert f"`{path.relative_to(root).as_posix()}`" in readme, f"{path} missing from README"
