"""Catalogue metadata an archivist supplies: `catalog.csv` at the corpus root and `NAME.meta.yaml` sidecars.

Both may give: title, date, partners, topics, source_url, author, notes. A sidecar wins over
the catalogue row for the same file. The values override what extraction guessed (title, date,
source URL, author) or add to it (partners, topics), and are shown on the document page as
catalogue metadata.

A `SOURCES.tsv` at the corpus root (tab-separated, with a `file` column and a `source` column,
as archives collected from repositories come) gives source URLs: a URL is taken as it is, a
"owner/repo@commit:path" reference becomes its GitHub address. `catalog.csv` rows win over it.
"""
from __future__ import annotations

import csv
import hashlib
import io
import json
import re
from pathlib import Path
from urllib.parse import quote

import yaml

from indexer.config import CATALOG_FILE, METADATA_MAX_BYTES, SIDECAR_SUFFIXES

from . import safeyaml
from .dates import parse_date

CATALOG_MAX_BYTES = 64 * 1024 * 1024  # read whole into the build's main process

FIELDS = ("title", "date", "partners", "topics", "source_url", "author", "notes")
SOURCES_FILE = "SOURCES.tsv"


class MetadataError(Exception):
    """A catalogue or sidecar file that cannot be used; the message is a one-line reason."""


def _split(value) -> list[str]:
    if value is None:
        return []
    if isinstance(value, (list, tuple)):
        return [str(v).strip() for v in value if str(v).strip()]
    return [v.strip() for v in re.split(r"[;,，；|]", str(value)) if v.strip()]


def normalise(raw: dict) -> dict:
    """Keep the known fields, with lists split and dates parsed; empty values dropped."""
    out: dict = {}
    for key in FIELDS:
        value = raw.get(key)
        if key == "source_url" and not value:
            value = raw.get("url") or raw.get("source")
        if key == "author" and not value:
            value = raw.get("issuer") or raw.get("publisher")
        if value in (None, "", []):
            continue
        if key in ("partners", "topics"):
            out[key] = _split(value)
        elif key == "date":
            d = parse_date(value)
            if d:
                out[key] = d
        else:
            out[key] = str(value).strip()
    return out


def is_metadata_file(rel: str) -> bool:
    """True for the catalogue, sources list and sidecar files, which are never documents."""
    return rel in (CATALOG_FILE, SOURCES_FILE) or rel.lower().endswith(SIDECAR_SUFFIXES)


_REPO_AT_COMMIT = re.compile(r"^([\w.-]+/[\w.-]+)@([0-9a-f]{7,40}):(.+)$")  # owner/repo@commit:path
_REPO_PATH_AT = re.compile(r"^([\w.-]+/[\w.-]+):(.+?)\s*@([0-9a-f]{7,40})$")  # owner/repo:path @commit


def source_address(value: str) -> str | None:
    """A source as an address: a URL as it is, "owner/repo@commit:path" as its GitHub page."""
    value = value.strip()
    if re.match(r"https?://", value):
        return value
    m = _REPO_AT_COMMIT.match(value)
    if m:
        repo, commit, path = m.groups()
    else:
        m = _REPO_PATH_AT.match(value)
        if not m:
            return None
        repo, path, commit = m.groups()
    return f"https://github.com/{repo}/blob/{commit}/{quote(path.strip())}"


def load_sources(corpus: Path) -> tuple[dict[str, dict], list[tuple[str, str]]]:
    """Source URLs from `SOURCES.tsv` keyed by document path, and (path, reason) for problems."""
    path = corpus / SOURCES_FILE
    if not path.is_file():
        return {}, []
    try:
        with open(path, "rb") as f:  # read whole in the build's main process: bounded like the catalogue
            raw = f.read(CATALOG_MAX_BYTES + 1)
        if len(raw) > CATALOG_MAX_BYTES:
            return {}, [(SOURCES_FILE, f"sources list not read: larger than {CATALOG_MAX_BYTES >> 20} MB")]
        text = raw.decode("utf-8-sig")
    except (OSError, UnicodeDecodeError) as e:
        return {}, [(SOURCES_FILE, f"sources list not read: {type(e).__name__}: {getattr(e, 'strerror', None) or e}")]
    reader = csv.DictReader(io.StringIO(text), delimiter="\t")
    rows: dict[str, dict] = {}
    try:
        fields = [f.strip().lower() for f in reader.fieldnames or []]
        key = next((f for f in ("file", "path") if f in fields), None)
        if key is None or "source" not in fields:
            return {}, [(SOURCES_FILE, "sources list has no 'file' and 'source' columns")]
        for row in reader:
            row = {(k or "").strip().lower(): (v if isinstance(v, str) else "").strip() for k, v in row.items()}
            rel = row.get(key, "").replace("\\", "/").lstrip("./")
            url = source_address(row.get("source", ""))
            if rel and url:
                rows[rel] = {"source_url": url}
    except csv.Error as e:  # keep the rows read so far
        return rows, [(SOURCES_FILE, f"sources list read up to line {reader.line_num} only: {e}")]
    return rows, []


def load_catalog(corpus: Path) -> tuple[dict[str, dict], list[tuple[str, str]]]:
    """Rows of `catalog.csv` keyed by document path, and (path, reason) for problems found."""
    sources, problems = load_sources(corpus)
    path = corpus / CATALOG_FILE
    if not path.is_file():
        return sources, problems
    try:
        with open(path, "rb") as f:
            raw = f.read(CATALOG_MAX_BYTES + 1)
        if len(raw) > CATALOG_MAX_BYTES:
            return sources, problems + [(CATALOG_FILE, f"catalogue not read: larger than {CATALOG_MAX_BYTES >> 20} MB")]
        text = raw.decode("utf-8-sig")
    except (OSError, UnicodeDecodeError) as e:
        return sources, problems + [(CATALOG_FILE, f"catalogue not read: {type(e).__name__}: {getattr(e, 'strerror', None) or e}")]
    rows: dict[str, dict] = {rel: dict(v) for rel, v in sources.items()}
    reader = csv.DictReader(io.StringIO(text))
    try:
        if not reader.fieldnames or "path" not in [f.strip() for f in reader.fieldnames]:
            return rows, problems + [(CATALOG_FILE, "catalogue has no 'path' column")]
        for i, row in enumerate(reader, start=2):
            row = {(k or "").strip(): (v if isinstance(v, str) else "").strip() for k, v in row.items()}
            rel = row.get("path", "").replace("\\", "/").lstrip("./")
            if not rel:
                problems.append((CATALOG_FILE, f"line {i}: empty path"))
                continue
            rows[rel] = {**rows.get(rel, {}), **normalise(row)}
    except csv.Error as e:  # a field over csv's size limit, a NUL byte: keep the rows read so far
        problems.append((CATALOG_FILE, f"catalogue read up to line {reader.line_num} only: {e}"))
    return rows, problems


def sidecar_for(file: Path) -> Path | None:
    """The sidecar file of a document, if there is one."""
    for suffix in SIDECAR_SUFFIXES:
        candidate = file.with_name(file.name + suffix)
        if candidate.is_file():
            return candidate
    return None


def load_sidecar(path: Path) -> dict:
    """A sidecar's metadata; MetadataError with a one-line reason when unreadable."""
    try:
        with open(path, "rb") as f:
            raw = f.read(METADATA_MAX_BYTES + 1)
        if len(raw) > METADATA_MAX_BYTES:
            raise MetadataError(f"sidecar not read: larger than {METADATA_MAX_BYTES // 1024} KB")
        text = raw.decode("utf-8-sig")
        data = json.loads(text) if path.suffix == ".json" else safeyaml.load(text)
    except safeyaml.UnsafeYaml as e:
        raise MetadataError(f"sidecar not read: {e}") from None
    except RecursionError:
        raise MetadataError("sidecar not read: nested too deeply") from None
    except (OSError, UnicodeDecodeError, ValueError, yaml.YAMLError) as e:
        raise MetadataError(f"sidecar not read: {type(e).__name__}") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise MetadataError("sidecar is not a mapping of fields")
    return normalise(data)


def fingerprint(meta: dict) -> str:
    """A short hash of catalogue metadata, so that a changed row re-indexes its document."""
    return hashlib.sha1(json.dumps(meta, sort_keys=True, ensure_ascii=False).encode()).hexdigest()[:12] if meta else ""
