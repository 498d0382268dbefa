"""The Typesense cluster backend: server processes on loopback (`nodes`) and the official client (`client`).

Needs requirements-cluster.txt (`make cluster` and `make test` install it); `make run` does not.
"""
