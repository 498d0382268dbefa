"""The Flask application: search page, document pages, JSON API (see ../shared/spec/API.md)."""
from __future__ import annotations

import ctypes
import logging
import sys

from flask import Flask

from indexer.config import MALLOC_ARENAS, PROJECT_ROOT, SERVER_THREADS, Settings


def create_app(settings: Settings | None = None) -> Flask:
    """Build the application for one corpus and index folder."""
    from indexer.search.handle import IndexHandle
    from web import api, events_pages, export, files, knowledge_pages, pages, reading, security
    from web.i18n import t
    from web.urls import DocIdConverter

    settings = settings or Settings.from_env()
    app = Flask(__name__, template_folder=str(PROJECT_ROOT / "templates"),
                static_folder=str(PROJECT_ROOT / "static"))
    app.config.update(SETTINGS=settings, JSON_AS_ASCII=False, TEMPLATES_AUTO_RELOAD=False)
    app.debug = False  # never, even with FLASK_DEBUG=1 left in the environment
    app.json.ensure_ascii = False
    app.json.sort_keys = False
    app.extensions["index"] = IndexHandle(settings)
    app.jinja_env.globals["t"] = t
    app.url_map.converters["doc_id"] = DocIdConverter
    security.init_app(app)
    app.register_blueprint(api.bp)
    app.register_blueprint(pages.bp)
    app.register_blueprint(knowledge_pages.bp)
    app.register_blueprint(export.bp)
    app.register_blueprint(files.bp)
    app.register_blueprint(events_pages.bp)
    app.register_blueprint(reading.bp)
    return app


def _preload() -> None:
    # jieba's dictionary takes most of a second to load: pay it at start-up, not in the first request
    from indexer.analysis.segment import get_segmenter

    get_segmenter()


WARM_UP_QUERIES = ("海关 合作", "customs cooperation", '"single window"')


def _warm_up(application: Flask):
    """Answer a few searches before anyone asks. The first search of a process loads the query
    expansion: the CC-CEDICT lexicon (~4 s the first time on an install, ~0.4 s from its cache
    after), the taxonomy's variants and the lemmatiser; the pages answer meanwhile."""
    import threading
    import time

    from indexer.search.request import parse_request

    def run() -> None:
        t0 = time.monotonic()
        try:
            svc = application.extensions["index"].get()
            for q in WARM_UP_QUERIES:
                svc.search(parse_request({"q": q}.get, lambda _name: []))
        except Exception as e:  # no index yet, or a broken one: the pages say so; nothing to warm
            print(f"warm-up skipped: {' '.join(str(e).split())[:200]}", file=sys.stderr)
            return
        print(f"warmed up in {time.monotonic() - t0:.1f} s: the first searches answer at full speed", file=sys.stderr)

    thread = threading.Thread(target=run, name="warm-up", daemon=True)
    thread.start()
    return thread


def _limit_malloc_arenas() -> None:
    # must run before any thread starts; M_ARENA_MAX is glibc's mallopt option -8 (elsewhere: no-op)
    try:
        ctypes.CDLL("libc.so.6").mallopt(-8, MALLOC_ARENAS)
    except (OSError, AttributeError):
        pass


def serve() -> None:
    """Serve with waitress on HOST:PORT (127.0.0.1:5000 by default); never in debug mode."""
    from waitress import serve as waitress_serve

    _limit_malloc_arenas()
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    settings = Settings.from_env()
    _preload()
    application = create_app(settings)
    try:
        application.extensions["index"].get()
    except Exception as e:  # serve anyway: pages say how to build the index
        print(f"warning: {e}", file=sys.stderr)
    print(f"serving {settings.corpus_dir} on http://{settings.host}:{settings.port}", file=sys.stderr)
    _warm_up(application)
    waitress_serve(application, host=settings.host, port=settings.port,
                   threads=SERVER_THREADS, ident="customs-archive")


app = create_app()

if __name__ == "__main__":
    serve()
