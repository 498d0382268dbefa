"""The embedded backend: Whoosh segment files read and ranked with numpy, a SQLite document store."""
