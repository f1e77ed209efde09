"""Fixtures for the pages: logged-in clients, and headless Chromium for the browser tests.

The browser is Debian's /usr/bin/chromium driven by Playwright; Playwright
never downloads one (no ``playwright install``).
"""

from pathlib import Path

import pytest

from tests.fakes.verdict_provider import SCRIPTED

CHROMIUM = "/usr/bin/chromium"
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-output" / "screenshots"


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """pytest-playwright's launch options, pointed at the system Chromium."""
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
    }


@pytest.fixture
def scripted_provider(settings):
    """The deterministic provider (the logs say the verdict) registered as 'scripted'."""
    settings.LLM_PROVIDERS = {**settings.LLM_PROVIDERS, "scripted": SCRIPTED}
    return "scripted"


@pytest.fixture
def root_client(client, superuser):
    client.force_login(superuser)
    return client


@pytest.fixture
def staff_client(client, staff_user):
    """Staff without the command-inputs permission."""
    client.force_login(staff_user)
    return client


@pytest.fixture
def screenshot():
    """Save a page's screenshot under test-output/screenshots/<name>.png."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def take(page, name: str) -> Path:
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take
