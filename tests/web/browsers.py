"""What the browser tests share: Chromium driven by Playwright, the app served by waitress in a
thread, a page that records script errors, and screenshots under tests/artifacts/."""
from __future__ import annotations

import os
import threading
from contextlib import contextmanager
from pathlib import Path

import pytest

from indexer.config import PROJECT_ROOT

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = PROJECT_ROOT / "tests" / "artifacts"
LAUNCH_ARGS = ["--no-sandbox", "--headless=new", "--disable-gpu", "--disable-background-networking",
               "--disable-component-update", "--no-first-run", "--disable-sync"]
DESKTOP = {"viewport": {"width": 1280, "height": 900}, "locale": "en-US"}


def require_chromium():
    """Playwright's sync API, or the calling test module skipped with the reason."""
    if not os.access(CHROMIUM, os.X_OK):
        pytest.skip(f"browser tests skipped: {CHROMIUM} not found (run `make browser-deps` as root, "
                    "or apt-get install chromium)", allow_module_level=True)
    return pytest.importorskip("playwright.sync_api", reason="browser tests skipped: playwright is not installed")


@contextmanager
def served(app):
    """The app served by waitress on a free port of 127.0.0.1, in a thread; yields its address."""
    from waitress import create_server

    srv = create_server(app, host="127.0.0.1", port=0, threads=4)
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{srv.effective_port}"
    finally:
        srv.close()
        thread.join(timeout=5)


@contextmanager
def chromium(sync_api):
    """Debian's Chromium, headless."""
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        try:
            yield b
        finally:
            b.close()


def new_page(browser, **options):
    """(context, page, errors): a desktop page unless `options` say otherwise; `errors` collects
    script errors and console errors (the PDF viewer's own are not ours)."""
    context = browser.new_context(**(DESKTOP | options))
    pg = context.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda e: errors.append(str(e)))
    pg.on("console", lambda m: errors.append(m.text) if m.type == "error"
          and "chrome-extension" not in m.location.get("url", "") else None)
    return context, pg, errors


def artifact(name: str) -> Path:
    """Where a screenshot of that name goes."""
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS / name
