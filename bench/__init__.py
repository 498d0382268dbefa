"""Benchmarks: a generated archive-sized corpus, index build, incremental rebuild, HTTP query
latency against a naive Whoosh baseline, server memory and start-up (`python -m bench`)."""
