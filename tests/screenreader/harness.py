"""A real screen reader: GNOME Orca driving Debian's Chromium through AT-SPI on a virtual display.

Everything runs in a fresh temporary folder with its own X display (Xvfb), D-Bus session bus,
accessibility bus, speech server (speech-dispatcher, espeak-ng, audio to ALSA's null device) and
Orca preferences. Orca's customizations hook (orca-prefs/orca-customizations.py) writes each
utterance, with the language Orca detected for it, to a JSON-lines log that this module reads back.

Every process started here gets a marker in its environment; on the way out each is ended by its
PID, and so is any process that still carries the marker (helpers that D-Bus or Chromium started),
even when the test failed.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

from tests.browser.harness import CHROMIUM, LAUNCH_ARGS

HERE = Path(__file__).parent
PREFS = HERE / "orca-prefs"

AT_SPI_BUS_LAUNCHER = "/usr/libexec/at-spi-bus-launcher"
TOOLS = {  # program -> Debian package that provides it (scripts/install-test-deps installs them)
    "Xvfb": "xvfb",
    "dbus-daemon": "dbus",
    AT_SPI_BUS_LAUNCHER: "at-spi2-core",
    "speech-dispatcher": "speech-dispatcher",
    "orca": "orca",
    "xdotool": "xdotool",
    CHROMIUM: "chromium",
}
CHROMIUM_ARGS = [
    *LAUNCH_ARGS,  # the browser suite's: no sandbox (root), no network, no GPU, no first-run
    "--force-renderer-accessibility",  # expose the page to AT-SPI from the start
    "--no-default-browser-check",
    "--disable-features=Translate,TranslateUI,MediaRouter,OptimizationHints",  # no "Translate this page?" bubble
    "--disable-translate",
    "--password-store=basic",
    "--window-position=0,0",
    "--window-size=1280,1000",
]
SPEECHD_CONF = """\
LogLevel 2
LogDir "{logdir}"
AudioOutputMethod "alsa"
AudioALSADevice "null"
AddModule "espeak-ng" "sd_espeak-ng" "espeak-ng.conf"
DefaultModule espeak-ng
DefaultRate 100
"""


def missing_tools() -> list[str]:
    return sorted({pkg for tool, pkg in TOOLS.items() if not (shutil.which(tool) or os.access(tool, os.X_OK))})


@dataclass(frozen=True)
class Utterance:
    t: float
    text: str
    lang: str | None


class ScreenReaderError(RuntimeError):
    pass


class Session:
    """One running Orca on one virtual display; open pages, press keys, read what was said."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.marker = f"bothand-sr-{uuid.uuid4().hex}"
        self.log = folder / "orca-speech.jsonl"
        self.procs: list[subprocess.Popen[bytes]] = []
        self.env: dict[str, str] = {}
        self.browser: subprocess.Popen[bytes] | None = None

    # -- processes ---------------------------------------------------------------------------------

    def _start(self, args: list[str], name: str, pass_fds: tuple[int, ...] = ()) -> subprocess.Popen[bytes]:
        with open(self.folder / f"{name}.log", "ab") as out:  # the child keeps its own copy of the handle
            proc = subprocess.Popen(  # noqa: S603  # our own fixed command lines
                args, env=self.env, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                start_new_session=True, pass_fds=pass_fds,
            )
        self.procs.append(proc)
        return proc

    def _our_pids(self) -> set[int]:
        """Every live process whose environment carries this session's marker."""
        pids = set()
        needle = f"BOTHAND_SR_MARKER={self.marker}".encode()
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            with suppress(OSError):
                if needle in (entry / "environ").read_bytes().split(b"\0"):
                    pids.add(int(entry.name))
        pids.discard(os.getpid())
        return pids

    @staticmethod
    def _kill(pids: set[int], sig: signal.Signals) -> None:
        for pid in pids:
            with suppress(ProcessLookupError, PermissionError):
                os.kill(pid, sig)

    def stop(self) -> None:
        """End every process this session started, by PID: politely, then for sure."""
        pids = {p.pid for p in self.procs if p.poll() is None} | self._our_pids()
        self._kill(pids, signal.SIGTERM)
        deadline = time.monotonic() + 5
        for proc in self.procs:
            with suppress(subprocess.TimeoutExpired):
                proc.wait(timeout=max(0.1, deadline - time.monotonic()))
        leftover = {p.pid for p in self.procs if p.poll() is None} | self._our_pids()
        self._kill(leftover, signal.SIGKILL)
        for proc in self.procs:
            with suppress(subprocess.TimeoutExpired):
                proc.wait(timeout=5)

    # -- start-up ----------------------------------------------------------------------------------

    def start(self) -> None:
        f = self.folder
        for name in ("home", "runtime", "config", "data", "cache", "speechd/modules", "speechd-log", "orca"):
            (f / name).mkdir(parents=True, exist_ok=True)
        (f / "runtime").chmod(0o700)
        self.env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "LANG": "C.UTF-8",
            "HOME": str(f / "home"),
            "XDG_RUNTIME_DIR": str(f / "runtime"),
            "XDG_CONFIG_HOME": str(f / "config"),
            "XDG_DATA_HOME": str(f / "data"),
            "XDG_CACHE_HOME": str(f / "cache"),
            "GSETTINGS_BACKEND": "memory",  # no dconf service to start or leave behind
            "NO_AT_BRIDGE": "0",
            "BOTHAND_SR_MARKER": self.marker,
            "BOTHAND_ORCA_LOG": str(self.log),
        }
        self._start_display()
        self._start_dbus()
        self._start([AT_SPI_BUS_LAUNCHER, "--launch-immediately"], "at-spi")
        self._wait_for_a11y_bus()
        self._start_speech()
        shutil.copy(PREFS / "orca-customizations.py", f / "orca" / "orca-customizations.py")
        self.log.touch()
        debug = ["--debug-file", str(f / "orca-debug.log")] if os.environ.get("ORCA_DEBUG") else []  # slows Orca
        self._start(["orca", "-u", str(f / "orca"), *debug], "orca")
        # Orca says "Screen reader on." once it is ready for input.
        self.wait_for(lambda since: any(u.text.startswith("Screen reader on") for u in self.said(since)), 0, 60,
                      "Orca to start")
        self.wait_quiet(0, quiet=0.5)

    def _start_display(self) -> None:
        read, write = os.pipe()
        try:
            self._start(["Xvfb", "-displayfd", str(write), "-screen", "0", "1280x1024x24", "-nolisten", "tcp",
                         "-noreset"], "xvfb", pass_fds=(write,))
            os.close(write)
            with os.fdopen(read, "rb") as r:
                display = r.readline().strip().decode()
        except BaseException:
            with suppress(OSError):
                os.close(write)
            raise
        if not display:
            raise ScreenReaderError("Xvfb did not report a display: see xvfb.log")
        self.env["DISPLAY"] = f":{display}"

    def _start_dbus(self) -> None:
        socket = self.folder / "runtime" / "bus"
        self._start(["dbus-daemon", "--session", "--nofork", "--nopidfile", f"--address=unix:path={socket}"], "dbus")
        self._wait_path(socket, "the D-Bus session bus")
        self.env["DBUS_SESSION_BUS_ADDRESS"] = f"unix:path={socket}"

    def _wait_for_a11y_bus(self) -> None:
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            run = subprocess.run(  # noqa: S603
                ["dbus-send", "--session", "--print-reply", "--dest=org.a11y.Bus", "/org/a11y/bus",
                 "org.a11y.Bus.GetAddress"], env=self.env, capture_output=True, text=True, check=False,
            )
            if run.returncode == 0 and "unix:" in run.stdout:
                return
            time.sleep(0.1)
        raise ScreenReaderError("the accessibility bus did not start: see at-spi.log")

    def _start_speech(self) -> None:
        conf = self.folder / "speechd"
        (conf / "speechd.conf").write_text(SPEECHD_CONF.format(logdir=self.folder / "speechd-log"))
        shutil.copy("/etc/speech-dispatcher/modules/espeak-ng.conf", conf / "modules" / "espeak-ng.conf")
        socket = self.folder / "runtime" / "speechd.sock"
        self._start(["speech-dispatcher", "--run-single", "--communication-method", "unix_socket",
                     "--socket-path", str(socket), "--config-dir", str(conf), "--timeout", "0",
                     "--pid-file", str(self.folder / "speechd.pid")], "speechd")
        self._wait_path(socket, "speech-dispatcher")
        self.env["SPEECHD_ADDRESS"] = f"unix_socket:{socket}"

    def _wait_path(self, path: Path, what: str, timeout: float = 15) -> None:
        deadline = time.monotonic() + timeout
        while not path.exists():
            if time.monotonic() > deadline:
                raise ScreenReaderError(f"{what} did not start (no {path})")
            time.sleep(0.05)

    # -- speech ------------------------------------------------------------------------------------

    def _entries(self, since: int = 0) -> list[dict[str, object]]:
        lines = self.log.read_text(encoding="utf-8").splitlines()
        return [json.loads(line) for line in lines[since:] if line.strip()]

    def said(self, since: int = 0) -> list[Utterance]:
        """What Orca said since log line `since` (the hook's marks left out)."""
        return [Utterance(e["t"], e["text"], e["lang"]) for e in self._entries(since) if "text" in e]  # type: ignore[arg-type]

    def marked(self, since: int, mark: str) -> bool:
        return any(e.get("mark") == mark for e in self._entries(since))

    def mark(self) -> int:
        return len(self.log.read_text(encoding="utf-8").splitlines())

    def wait_for(
        self, done: Callable[[int], bool], since: int, timeout: float, what: str,
    ) -> list[Utterance]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if done(since):
                return self.said(since)
            time.sleep(0.05)
        raise ScreenReaderError(f"timed out waiting for {what}; Orca said: {[u.text for u in self.said(since)]}")

    def wait_quiet(self, since: int, quiet: float, timeout: float = 60) -> list[Utterance]:
        """What Orca said since `since`, once it has said nothing for `quiet` seconds."""
        start = time.monotonic()
        while True:
            time.sleep(0.05)
            said = self.said(since)
            now = time.monotonic()
            if now - (said[-1].t if said else start) >= quiet:
                return said
            if now - start > timeout:
                raise ScreenReaderError(f"Orca kept talking for {timeout}s: {[u.text for u in said[-5:]]}")

    # -- the browser and the keyboard --------------------------------------------------------------

    def open(self, url: str) -> list[Utterance]:
        """Start a fresh Chromium on `url`; return what Orca said once the page was read in."""
        self.close_browser()
        profile = Path(tempfile.mkdtemp(prefix="chromium-", dir=self.folder))
        (profile / "Default").mkdir()
        # No "Translate this page?" bubble: it would be announced over the page.
        (profile / "Default" / "Preferences").write_text(json.dumps({"translate": {"enabled": False}}))
        since = self.mark()
        self.browser = self._start([CHROMIUM, *CHROMIUM_ARGS, f"--user-data-dir={profile}", url], "chromium")

        # Orca sums the page up ("Page has 6 landmarks, ...") once it has loaded, then reads the first line.
        def summed_up_and_read(since: int) -> bool:
            texts = [u.text for u in self.said(since)]
            return any(t.startswith("Page has ") for t in texts[:-1])

        self.wait_for(summed_up_and_read, since, 90, "the page to load")
        return self.wait_quiet(since, quiet=1.0)

    def close_browser(self) -> None:
        if self.browser is None or self.browser.poll() is not None:
            return
        pids = {self.browser.pid}
        self._kill(pids, signal.SIGTERM)
        with suppress(subprocess.TimeoutExpired):
            self.browser.wait(timeout=10)
        if self.browser.poll() is None:
            self._kill(pids, signal.SIGKILL)
            self.browser.wait(timeout=5)
        self.wait_quiet(self.mark(), quiet=0.5, timeout=10)

    def _key(self, key: str) -> None:
        subprocess.run(["xdotool", "key", key], env=self.env, check=True)  # noqa: S603

    def say_all(self, timeout: float = 240) -> list[Utterance]:
        """Press KP_Add (Say All); return all Orca read, once it has read to the end."""
        since = self.mark()
        self._key("KP_Add")
        return self.wait_for(lambda since: self.marked(since, "say-all-done"), since, timeout, "Say All to end")

    def press(self, key: str, timeout: float = 60) -> list[Utterance]:
        """Press one key (xdotool's name for it); return what Orca said in answer."""
        since = self.mark()
        pressed = time.monotonic()
        self._key(key)
        # Orca logs a mark once its handler for the key has returned. Part of its answer can follow from
        # the events the move causes (the line at the new caret), and a key pressed before that would
        # cut it short: wait until Orca has been quiet for a while that grows with how slowly it answers
        # (a loaded machine), so an answer is never split.
        self.wait_for(lambda since: self.marked(since, "handled " + key.split("+")[-1]), since, timeout, key)
        latency = time.monotonic() - pressed
        return self.wait_quiet(since, quiet=min(3.0, max(0.5, 3 * latency)))


@contextmanager
def screen_reader(keep: Path | None = None) -> Iterator[Session]:
    """A started Orca session, stopped (every process, by PID) however the block ends."""
    folder = Path(tempfile.mkdtemp(prefix="bothand-orca-"))
    session = Session(folder)
    try:
        session.start()
        yield session
    finally:
        session.stop()
        if keep is not None:
            keep.mkdir(parents=True, exist_ok=True)
            for log in folder.glob("*.log*"):
                shutil.copy(log, keep / log.name)
            with suppress(FileNotFoundError):
                shutil.copy(session.log, keep / session.log.name)
        shutil.rmtree(folder, ignore_errors=True)
