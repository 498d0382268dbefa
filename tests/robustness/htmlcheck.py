"""Finding markup that came from data rather than from our templates.

A page is unsafe when it holds anything a browser would run or load on an attacker's behalf:
an event-handler attribute, an inline script (other than a JSON data block, which must parse),
a script from anywhere but /static/, a `javascript:` URL, a frame, object, embed or base
element, or one of the probe elements our payloads use. Text that merely reads like markup,
escaped, is fine: that is what escaping is for.
"""
from __future__ import annotations

import json
from html.parser import HTMLParser

PROBE_TAG = "xss-probe"
FORBIDDEN_TAGS = {"iframe", "frame", "object", "embed", "base", "applet", PROBE_TAG}
URL_ATTRS = {"href", "src", "action", "formaction", "xlink:href", "data", "poster", "srcset"}
JSON_TYPES = {"application/json", "application/ld+json"}


class _Inspector(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self.text: list[str] = []
        self._script: dict | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}=...> event handler")
            if name in URL_ATTRS and value and value.strip().lower().replace("\x00", "").startswith(
                    ("javascript:", "vbscript:", "data:text/html")):
                self.problems.append(f"<{tag} {name}={value[:40]!r}> script URL")
        if tag in FORBIDDEN_TAGS:
            self.problems.append(f"<{tag}> element")
        if tag == "meta" and (a.get("http-equiv") or "").lower() == "refresh":
            self.problems.append("<meta http-equiv=refresh>")
        if tag == "script":
            src = a.get("src")
            if src is not None and not src.startswith("/static/"):
                self.problems.append(f"<script src={src[:40]!r}> from outside /static/")
            self._script = {"type": (a.get("type") or "").lower(), "src": src, "data": []}

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag == "script":
            self.handle_endtag(tag)

    def handle_endtag(self, tag):
        if tag == "script" and self._script is not None:
            body = "".join(self._script["data"]).strip()
            if self._script["type"] in JSON_TYPES:
                try:
                    json.loads(body)
                except ValueError:
                    self.problems.append("a JSON data block that does not parse (markup broke out of it?)")
            elif body:
                self.problems.append(f"inline script: {body[:60]!r}")
            self._script = None

    def handle_data(self, data):
        if self._script is not None:
            self._script["data"].append(data)
        else:
            self.text.append(data)


def inspect(html: str) -> tuple[list[str], str]:
    """Problems found in a page, and its visible text."""
    p = _Inspector()
    p.feed(html)
    p.close()
    if p._script is not None:
        p.problems.append("an unterminated script element")
    return p.problems, "".join(p.text)


def csp_problems(header: str | None) -> list[str]:
    """What is missing or too permissive in a Content-Security-Policy header."""
    if not header:
        return ["no Content-Security-Policy header"]
    directives = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            directives[words[0].lower()] = [w.lower() for w in words[1:]]
    scripts = directives.get("script-src", directives.get("default-src"))
    out = []
    if scripts is None:
        out.append("neither script-src nor default-src")
    else:
        for bad in ("'unsafe-inline'", "'unsafe-eval'", "*", "data:", "http:", "https:"):
            if bad in scripts:
                out.append(f"script-src allows {bad}")
    if directives.get("object-src", directives.get("default-src")) not in (["'none'"], ["'self'"]):
        out.append("object-src is not restricted")
    if "base-uri" not in directives:
        out.append("no base-uri")
    return out
