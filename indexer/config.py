"""All configuration in one place: environment variables, paths, limits."""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = Path(__file__).resolve().parent / "data"

# Extensions the extractors understand, each with the module of indexer/extract that reads it;
# anything else is reported as "unknown type".
EXTRACTORS = {
    ".txt": "text", ".text": "text", ".md": "markdown", ".markdown": "markdown", ".html": "html", ".htm": "html",
    ".pdf": "pdf", ".docx": "docx", ".pptx": "pptx", ".xlsx": "xlsx",
}
SUPPORTED_SUFFIXES = tuple(EXTRACTORS)
# Old binary Office formats: reported with what to do instead of "unknown type".
LEGACY_OFFICE = {".doc": ".docx", ".ppt": ".pptx", ".xls": ".xlsx"}
# Files a corpus holds beside its documents that the indexer does not read by design: counted as
# skipped, with the reason, never as failures (a data table, a checksum list, a licence). SOURCES.tsv
# and catalog.csv at the root are read as metadata (indexer/ingest/metadata.py), so never listed.
NOT_DOCUMENTS = {
    **dict.fromkeys((".tsv", ".csv", ".json", ".jsonl", ".yaml", ".yml"), "data file"),
    **dict.fromkeys((".md5", ".sha1", ".sha256", ".sha512", ".sfv"), "checksum file"),
    ".log": "log file",
    **dict.fromkeys((".css", ".js", ".map", ".woff", ".woff2", ".ttf", ".otf", ".eot", ".ico"), "web page asset"),
}
NOT_DOCUMENT_NAMES = {n: "licence or listing file" for n in
                      ("license", "licence", "copying", "notice", "manifest", "checksums", "sha256sums", "md5sums")}
# Files that carry metadata about other files, never documents themselves.
CATALOG_FILE = "catalog.csv"
SIDECAR_SUFFIXES = (".meta.yaml", ".meta.yml", ".meta.json")


def _env_int(name: str, default: int) -> int:
    try:
        return int(os.environ.get(name, default))
    except ValueError:
        return default


# OCR of pages without a text layer (tesseract); languages joined with "+".
TESSERACT = os.environ.get("TESSERACT", "tesseract")
OCR_LANGS = os.environ.get("OCR_LANGS", "chi_sim+eng")
OCR_DPI = 300
OCR_TIMEOUT_S = 180  # one page

# Limits on what one file may cost (README, "Limits"). Reader processes, memory and time: see Settings.
# Pages rendered for OCR are scaled down to at most this many pixels (A4 at 300 dpi is 8.7 million;
# a 14,400-point page would be 3,600 million, 3.6 GB in grey).
RENDER_MAX_PIXELS = _env_int("RENDER_MAX_MEGAPIXELS", 40) * 1_000_000
OCR_MAX_PAGES = _env_int("OCR_MAX_PAGES", 300)  # pages of one file sent to OCR; the rest named in a warning
OCR_SECONDS = _env_int("OCR_SECONDS", 120)  # OCR time of one file; pages left then named in a warning
PDF_MAX_PAGES = _env_int("PDF_MAX_PAGES", 5000)  # pages of one PDF read; the rest named in a warning
# Word, PowerPoint and Excel files are zip packages: their declared unpacked size is checked
# before anything is parsed (a 1 MB docx can unpack to gigabytes of XML).
MAX_UNZIPPED_BYTES = _env_int("MAX_UNZIPPED_MB", 100) * 1024 * 1024
MAX_ZIP_MEMBERS = 20_000
MAX_SHEET_CELLS = 20_000_000  # cells of one workbook looked at (openpyxl fills the gaps before a far cell)
# YAML front matter and sidecar metadata (parsed while the corpus is scanned, in the build's main process)
METADATA_MAX_BYTES = _env_int("METADATA_MAX_KB", 64) * 1024
YAML_MAX_NODES = 10_000  # nodes after alias expansion: a "billion laughs" has 9**9


# Chinese segmentation: rjieba (jieba-rs, the default) or jieba (pure Python, for comparison);
# jieba's dictionary cache goes to JIEBA_CACHE_DIR, else the index's cache folder (never a shared /tmp file)
SEGMENTER = os.environ.get("SEGMENTER", "rjieba")
JIEBA_CACHE_DIR = os.environ.get("JIEBA_CACHE_DIR")

# waitress threads of `python app.py`
SERVER_THREADS = _env_int("THREADS", 8)

# glibc malloc arenas of the server process: by default each of waitress's threads gets its own,
# and their freed pages stay resident (100k passages, bench mix: 311 MB with the default, 271 with 2)
MALLOC_ARENAS = _env_int("MALLOC_ARENAS", 2)


@dataclass(frozen=True)
class Settings:
    """Resolved settings for one process; build with `Settings.from_env()`."""

    corpus_dir: Path
    index_dir: Path
    instance_dir: Path
    host: str = "127.0.0.1"
    port: int = 5000
    max_file_bytes: int = 50 * 1024 * 1024
    passage_target_chars: int = 400
    passage_max_chars: int = 700
    max_query_chars: int = 500
    max_page: int = 100
    max_per_page: int = 100
    max_export_rows: int = 1000  # documents in one CSV/JSON export of a result set (web/export.py)
    build_workers: int = field(default_factory=lambda: max(1, min(4, os.cpu_count() or 1)))
    search_backend: str = "local"  # one of SEARCH_BACKENDS: local (Whoosh files in index_dir) or typesense
    # the cluster: addresses and key ("" = from instance/cluster/env, see typesense_settings), and the
    # alias its generations are published under (one cluster can hold several archives)
    typesense_nodes: str = ""
    typesense_api_key: str = field(default="", repr=False)
    typesense_collection: str = "customs-archive"
    # where users reach this server (https://archive.example.org): absolute links in exports and
    # citations start with it; without it they are relative (the Host header is never trusted)
    public_url: str = ""
    # Every file is read in a reader process (indexer/index/readers.py) under these limits:
    reader_memory_mb: int = 768  # memory a reader may allocate for one file (RLIMIT_AS above its start)
    reader_seconds: int = 300  # wall time for one file
    max_text_chars: int = 5_000_000  # characters of text kept from one file; the rest named in a warning
    build_memory_mb: int = 1900  # memory (PSS) the whole build adds to its start; above it the largest reader is stopped

    @classmethod
    def from_env(cls, corpus: str | os.PathLike | None = None, index: str | os.PathLike | None = None) -> "Settings":
        """Settings from arguments, else environment variables, else defaults."""
        corpus_dir = Path(corpus or os.environ.get("CORPUS_DIR") or PROJECT_ROOT / "corpus")
        index_dir = Path(index or os.environ.get("INDEX_DIR") or PROJECT_ROOT / "instance" / "index")
        if not corpus_dir.is_absolute():
            corpus_dir = Path.cwd() / corpus_dir
        if not index_dir.is_absolute():
            index_dir = Path.cwd() / index_dir
        return cls(
            corpus_dir=corpus_dir,
            index_dir=index_dir,
            instance_dir=index_dir.parent,
            host=os.environ.get("HOST", "127.0.0.1"),
            port=_env_int("PORT", 5000),
            max_file_bytes=_env_int("MAX_FILE_MB", 50) * 1024 * 1024,
            build_workers=_env_int("BUILD_WORKERS", max(1, min(4, os.cpu_count() or 1))),
            search_backend=(os.environ.get("SEARCH_BACKEND") or "local").strip().lower(),
            typesense_nodes=os.environ.get("TYPESENSE_NODES", ""),
            typesense_api_key=os.environ.get("TYPESENSE_API_KEY", ""),
            typesense_collection=os.environ.get("TYPESENSE_COLLECTION") or "customs-archive",
            public_url=(os.environ.get("PUBLIC_URL") or "").strip().rstrip("/"),
            reader_memory_mb=_env_int("READER_MEMORY_MB", 768),
            reader_seconds=_env_int("READER_SECONDS", 300),
            max_text_chars=_env_int("MAX_TEXT_CHARS", 5_000_000),
            build_memory_mb=_env_int("BUILD_MEMORY_MB", 1900),
        )

    @property
    def cache_dir(self) -> Path:
        """Folder for caches owned by this service (jieba, OCR results)."""
        return self.index_dir / "cache"


INSTALL_CACHE_DIR = PROJECT_ROOT / "instance" / "cache"  # what depends on the installed packages only


def lexicon_cache_dir() -> Path:
    """Where the cleaned lexicon is kept between processes: LEXICON_CACHE_DIR, else the install's
    cache folder (the lexicon depends on the installed dictionaries, not on an index: every index
    folder shares it), else, where that cannot be written, the index's cache folder."""
    if os.environ.get("LEXICON_CACHE_DIR"):
        return Path(os.environ["LEXICON_CACHE_DIR"])
    existing = next(p for p in (INSTALL_CACHE_DIR, *INSTALL_CACHE_DIR.parents) if p.exists())
    return INSTALL_CACHE_DIR if os.access(existing, os.W_OK) else Settings.from_env().cache_dir


# --- Search backend: the local Whoosh index or a Typesense cluster ------------------------------
# SEARCH_BACKEND is Settings.search_backend; the cluster's settings are read when asked (not at
# import) so that a test or a command can set the variables first.
SEARCH_BACKENDS = ("local", "typesense")
# `make cluster` keeps its nodes' data, PID files, logs and the env file below here.
CLUSTER_DIR = PROJECT_ROOT / "instance" / "cluster"
CLUSTER_ENV_FILE = CLUSTER_DIR / "env"


@dataclass(frozen=True)
class TypesenseSettings:
    """Where the cluster is and its key; build with `typesense_settings()`."""

    nodes: tuple[str, ...]  # API addresses, `host:port` (or `https://host:port`)
    api_key: str = field(repr=False)  # kept out of logs and tracebacks


def read_env_file(path: Path) -> dict[str, str]:
    """The NAME=value lines of a file such as instance/cluster/env ({} when it does not exist)."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    values = {}
    for line in text.splitlines():
        name, sep, value = line.strip().partition("=")
        if sep and name and not name.startswith("#"):
            values[name.strip()] = value.strip().strip("'\"")
    return values


def typesense_settings(env_file: Path | None = None, nodes: str = "", api_key: str = "") -> TypesenseSettings:
    """TYPESENSE_NODES and TYPESENSE_API_KEY: as given, else from the environment, else from the cluster's env file."""
    env_file = env_file or CLUSTER_ENV_FILE
    saved = read_env_file(env_file)
    nodes = nodes or os.environ.get("TYPESENSE_NODES") or saved.get("TYPESENSE_NODES", "")
    api_key = api_key or os.environ.get("TYPESENSE_API_KEY") or saved.get("TYPESENSE_API_KEY", "")
    addresses = tuple(a.strip() for a in nodes.split(",") if a.strip())
    if not addresses or not api_key:
        missing = " and ".join(n for n, v in (("TYPESENSE_NODES", addresses), ("TYPESENSE_API_KEY", api_key)) if not v)
        raise ValueError(f"{missing} not set and not in {env_file}: run `make cluster`, or set the variables"
                         " to your cluster's addresses and key")
    return TypesenseSettings(nodes=addresses, api_key=api_key)
