"""Content-Security-Policy violations seen by a real browser page (chromium reports them on the console
and as ``securitypolicyviolation`` events): a page that works only because a policy is missing fails."""

from __future__ import annotations

from playwright.async_api import ConsoleMessage, Page

_LISTEN = """() => {
  window.__cspViolations = [];
  document.addEventListener("securitypolicyviolation",
    (e) => window.__cspViolations.push(`${e.violatedDirective} ${e.blockedURI}`));
}"""


class CspWatch:
    """Collects violations on every document ``page`` loads from now on."""

    def __init__(self, page: Page) -> None:
        self.console: list[str] = []
        page.on("console", self._on_console)

    @classmethod
    async def on(cls, page: Page) -> CspWatch:
        await page.add_init_script(f"({_LISTEN})()")
        return cls(page)

    def _on_console(self, message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text:
            self.console.append(message.text)

    async def violations(self, page: Page) -> list[str]:
        """Everything reported so far (the current document's events and every console report)."""
        events = await page.evaluate("() => window.__cspViolations || []")
        return [*self.console, *events]
