"""A real casebook server in a subprocess and headless Chromium driving it (for the page tests).

Chromium and its driver come from Debian's packages (/usr/bin/chromium, /usr/bin/chromedriver);
`python3 tasks.py test` installs them. Nothing is downloaded at run time.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
START_TIMEOUT = 180  # seconds; the first start may build the index and prepare the encoders

CHROME_FLAGS = ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_up(url: str, proc: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"`casebook serve` exited with {proc.returncode}:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(url + "/", timeout=5):  # 503 until the index is loaded
                return
        except (urllib.error.URLError, ConnectionError, TimeoutError):  # HTTPError is a URLError
            time.sleep(0.3)
    raise RuntimeError(f"`casebook serve` did not answer within {START_TIMEOUT} s:\n{log.read_text()[-3000:]}")


@contextmanager
def casebook_server(env: dict[str, str] | None = None, library: Path | None = None) -> Iterator[str]:
    """`casebook serve --port FREE` in a subprocess (on `library`, else the built-in one); yields
    its base URL and stops it afterwards."""
    port = free_port()
    log = Path(tempfile.mkstemp(prefix="casebook-serve-", suffix=".log")[1])
    events = Path(tempfile.mkdtemp(prefix="casebook-events-")) / "events.sqlite3"  # not the library's own store
    where = ["--library", str(library)] if library is not None else []
    with log.open("w") as out:
        proc = subprocess.Popen([sys.executable, "-m", "casebook", "serve", "--port", str(port), *where],
                                cwd=ROOT, env={"CASEBOOK_EVENTS_PATH": str(events), **os.environ, **(env or {})},
                                stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(url, proc, log)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.unlink(missing_ok=True)
        shutil.rmtree(events.parent, ignore_errors=True)


def chrome(downloads: Path, width: int = 1280, height: int = 900):
    """Headless Chromium with a fresh profile, downloading into `downloads` without asking."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    if not (CHROMIUM.exists() and CHROMEDRIVER.exists()):
        raise RuntimeError("Chromium is missing: `apt-get install -y chromium chromium-driver` "
                           "(or run `python3 tasks.py test`, which installs it)")
    profile = tempfile.mkdtemp(prefix="casebook-chrome-")
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in (*CHROME_FLAGS, f"--user-data-dir={profile}", f"--window-size={width},{height}"):
        options.add_argument(flag)
    options.add_experimental_option("prefs", {
        "download.default_directory": str(downloads), "download.prompt_for_download": False,
        "download.directory_upgrade": True, "safebrowsing.enabled": False})
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    driver.execute_cdp_cmd("Page.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)})
    driver.implicitly_wait(0)
    driver.profile_dir = profile  # removed by quit()
    return driver


def quit_chrome(driver) -> None:
    driver.quit()
    shutil.rmtree(driver.profile_dir, ignore_errors=True)


def wait_for_file(folder: Path, pattern: str, timeout: float = 15) -> Path:
    """A finished download in `folder` (Chromium writes `.crdownload` until it is done)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        done = [p for p in folder.glob(pattern) if not p.name.endswith(".crdownload")]
        if done:
            return done[0]
        time.sleep(0.2)
    raise AssertionError(f"no download matching {pattern} in {folder}: {list(folder.iterdir())}")


def navigate(driver, action) -> None:
    """Do something that loads a new page (a click, Enter in a form) and wait until it has loaded."""
    from selenium.common.exceptions import WebDriverException
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    old = driver.find_element(By.TAG_NAME, "html")

    def left(_driver) -> bool:
        # Mid-navigation, Chromium may answer for the old node with a generic inspector error
        # ("Node with given id does not belong to the document") rather than a stale-element one.
        try:
            old.is_enabled()
        except WebDriverException:
            return True
        return False

    action()
    WebDriverWait(driver, 20).until(left)
    WebDriverWait(driver, 20).until(lambda d: d.execute_script("return document.readyState") == "complete")


def new_window(driver, action) -> None:
    """Do something that opens a new tab (a form with target=_blank) and switch to it once loaded."""
    from selenium.webdriver.support.ui import WebDriverWait

    before = set(driver.window_handles)
    action()
    WebDriverWait(driver, 20).until(lambda d: set(d.window_handles) - before)
    driver.switch_to.window((set(driver.window_handles) - before).pop())
    WebDriverWait(driver, 20).until(
        lambda d: d.current_url != "about:blank" and d.execute_script("return document.readyState") == "complete")
