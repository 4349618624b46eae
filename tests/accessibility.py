"""axe-core (Deque's accessibility engine, the npm package the Makefile
installs) over every page a browser journey visits.

axe runs asynchronously in the page, so running it while a journey goes on
would race the journey's next tap. Instead a route sees each navigation and
keeps the page as it was served; once the journey is over each one is shown
again from what was kept, in the same browser context (same screen size,
cookies and stylesheets), and checked there. The browser follows a redirect
without the route seeing it: the page a redirect leads to is asked for again
(a GET) when the checks run.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from playwright.sync_api import BrowserContext, Error, Page, Request, Route

AXE = Path(__file__).resolve().parents[1] / "node_modules" / "axe-core" / "axe.min.js"

# What fails a test (axe's impact levels: minor, moderate, serious, critical).
FAILING = {"serious", "critical"}

RUN_AXE = """async () => {
    const results = await axe.run(document, {resultTypes: ["violations"]});
    return results.violations.map((v) => ({
        id: v.id, impact: v.impact, help: v.help,
        nodes: v.nodes.slice(0, 3).map((n) => n.target.join(" ") + " :: " + n.failureSummary),
    }));
}"""


@dataclass
class Visited:
    method: str
    url: str
    body: bytes | None  # None: ask for it again (a redirect led there)


@dataclass
class Recorder:
    """Keeps the HTML of each page the contexts it watches navigate to."""

    pages: dict[tuple[str, str], Visited] = field(default_factory=dict)
    recording: bool = True

    def watch(self, context: BrowserContext) -> None:
        context.route(lambda url: "/static/" not in url, self._route)

    def _route(self, route: Route, request: Request) -> None:
        if not (self.recording and request.is_navigation_request() and request.frame.parent_frame is None):
            route.fallback()
            return
        if request.headers.get("content-type", "").startswith("multipart/"):
            # Chromium does not hand an upload's body to a route: the browser sends it itself.
            route.fallback()
            return
        response = route.fetch(max_redirects=0)
        # The first of each page: a form shown again with its errors (a POST) is a page of its own.
        if 300 <= response.status < 400 and "location" in response.headers:
            target = urljoin(request.url, response.headers["location"])
            self.pages.setdefault(("GET", urlsplit(target).path), Visited("GET", target, None))
        elif response.headers.get("content-type", "").startswith("text/html"):
            key = (request.method, urlsplit(request.url).path)
            if self.pages.get(key, Visited("", "", None)).body is None:
                self.pages[key] = Visited(request.method, request.url, response.body())
        route.fulfill(response=response)

    def violations(self, context: BrowserContext) -> list[str]:
        """axe's serious and critical violations on the pages kept, one line each."""
        self.recording = False
        found = []
        checker = context.new_page()
        checker.add_init_script(path=str(AXE))  # before the page's own scripts, whatever its CSP
        try:
            for visited in self.pages.values():
                found += [f"{visited.method} {visited.url}: {line}" for line in self._check(checker, visited)]
        finally:
            checker.close()
        return found

    @staticmethod
    def _check(checker: Page, visited: Visited) -> list[str]:
        if visited.body is not None:
            served = visited.body
            checker.route(visited.url, lambda route: route.fulfill(status=200, content_type="text/html", body=served))
        try:
            checker.goto(visited.url, wait_until="load")
            violations = checker.evaluate(RUN_AXE)
        except Error as error:
            if "Download is starting" in error.message:  # a redirect to a file: not a page
                return []
            raise
        finally:
            checker.unroute(visited.url)
        return [
            f"[{v['impact']}] {v['id']}: {v['help']} — {json.dumps(v['nodes'], ensure_ascii=False)}"
            for v in violations
            if v["impact"] in FAILING
        ]
