"""The configured backend: where searches read from and where builds write to (SEARCH_BACKEND)."""
from __future__ import annotations

from indexer.config import SEARCH_BACKENDS, Settings

from .backend import IndexTarget, IndexUnavailable


def _check(settings: Settings) -> str:
    """The backend's name; a typo is refused, not guessed."""
    if settings.search_backend not in SEARCH_BACKENDS:
        raise IndexUnavailable(f"SEARCH_BACKEND={settings.search_backend!r}: expected one of {', '.join(SEARCH_BACKENDS)}")
    return settings.search_backend


def _cluster(settings: Settings):
    from indexer.config import typesense_settings

    from .typesense.cluster import Cluster

    try:
        import typesense  # noqa: F401  (the official client: requirements-cluster.txt)
    except ImportError:
        raise IndexUnavailable("the Typesense client is not installed: pip install -r requirements-cluster.txt"
                               " (make cluster does)") from None
    try:
        return Cluster(typesense_settings(nodes=settings.typesense_nodes, api_key=settings.typesense_api_key))
    except ValueError as e:  # the variables are not set and `make cluster` was not run
        raise IndexUnavailable(str(e)) from None


def generations(settings: Settings):
    """The generations a reader can open (`current()` names the published one, `open(name)` opens it)."""
    if _check(settings) == "local":
        from .local.generations import LocalGenerations

        return LocalGenerations(settings.index_dir)
    from .typesense.generations import TypesenseGenerations

    return TypesenseGenerations(_cluster(settings), settings.typesense_collection)


def target(settings: Settings) -> IndexTarget:
    """Where a build writes."""
    if _check(settings) == "local":
        from .local.target import LocalTarget

        return LocalTarget(settings.index_dir, settings.build_workers)
    from .typesense.target import TypesenseTarget

    return TypesenseTarget(_cluster(settings), settings.typesense_collection, settings.instance_dir / "cluster-build")
