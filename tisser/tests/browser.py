"""What the browser tests of the staff side share: logging in, measuring the page's
width, running axe-core (from the npm package, installed by `make install`)."""

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
PASSWORD = "motdepasse-solide-42"  # the role_users fixture's


def open_context(browser, *, width=1280, height=900, bypass_csp=False):
    return browser.new_context(
        viewport={"width": width, "height": height}, locale="fr-FR", bypass_csp=bypass_csp
    )


def log_in(page, base_url, email, password=PASSWORD):
    page.goto(f"{base_url}/compte/connexion/")
    page.fill("input[type=email]", email)
    page.fill("input[type=password]", password)
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_load_state()


def page_width(page) -> int:
    """How wide the page is drawn: more than the viewport means a sideways scroll."""
    return page.evaluate("document.documentElement.scrollWidth")


def axe_source() -> str:
    if not AXE.exists():
        pytest.skip("axe-core is not installed: run `make install` (npm ci) first")
    return AXE.read_text(encoding="utf-8")


def serious_violations(page, source: str) -> list:
    """axe-core's serious and critical violations on the page as it is now. (The context
    bypasses the page's CSP so that the test may inject axe; the page's own scripts are
    unchanged.)"""
    page.add_script_tag(content=source)
    return page.evaluate(
        """async () => (await axe.run(document, {resultTypes: ["violations"]})).violations
            .filter(v => ["serious", "critical"].includes(v.impact))
            .map(v => ({id: v.id, impact: v.impact, nodes: v.nodes.slice(0, 3).map(n => n.target.join(" "))}))"""
    )
