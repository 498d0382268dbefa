"""Rendering helpers shared by the HTML pages: interface language, labels, the page response."""
from __future__ import annotations

from flask import make_response, render_template, request

from indexer.analysis.taxonomy import load_taxonomy

from .i18n import UI_LANGS, choose_lang, t
from .urls import switch_lang_url

COOKIE_AGE = 365 * 86400


def ui_lang() -> str:
    """The interface language of this request."""
    return choose_lang(request.args.get("ui"), request.cookies.get("ui"), request.accept_languages)


def label_for(lang: str):
    """A function giving the label of a partner or topic id in `lang` (the id when unknown)."""
    tax = load_taxonomy()

    def label(ident: str) -> str:
        e = tax.entry(ident)
        return e.label(lang) if e else ident

    return label


def page(template: str, status: int = 200, **ctx):
    """Render a page in the interface language; remember a language chosen with ?ui= in a cookie."""
    lang = ctx.pop("lang", None) or ui_lang()
    other = "en" if lang == "zh" else "zh"
    ctx.setdefault("label", label_for(lang))
    html = render_template(template, lang=lang, t=t,
                           switch_url=switch_lang_url(request.path, request.args.items(multi=True), other),
                           other_lang=other, **ctx)
    resp = make_response(html, status)
    if request.args.get("ui") in UI_LANGS:
        resp.set_cookie("ui", request.args["ui"], max_age=COOKIE_AGE, samesite="Lax")
    resp.vary.add("Accept-Language")
    resp.vary.add("Cookie")
    return resp
