"""YAML from files we do not control (front matter, sidecars): bounded in size, aliases and depth.

PyYAML's safe loader shares the object an alias points to, so a 600-byte "billion laughs" loads
quickly into a small graph; it is the first walk over it (str(), json.dumps(), a list
comprehension) that expands it to gigabytes. Here the composed node graph is measured before
anything is constructed: its size counted with every alias expanded (memoised, so the count
itself stays cheap), and cycles refused.
"""
from __future__ import annotations

import yaml

from indexer.config import METADATA_MAX_BYTES, YAML_MAX_NODES


class UnsafeYaml(ValueError):
    """YAML that is too large, too deep, or expands too far; the message is a one-line reason."""


def _expanded_size(root: yaml.Node, limit: int) -> int:
    """Nodes of the graph with aliases expanded; stops counting past `limit`; UnsafeYaml on a cycle."""
    sizes: dict[int, int] = {}
    on_path: set[int] = set()
    # iterative post-order walk: deep nesting must not exhaust Python's recursion
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, children_done = stack.pop()
        key = id(node)
        if children_done:
            on_path.discard(key)
            children = _children(node)
            sizes[key] = min(limit + 1, 1 + sum(sizes[id(c)] for c in children))
            continue
        if key in sizes:
            continue
        if key in on_path:
            raise UnsafeYaml("YAML refers to itself through an alias")
        on_path.add(key)
        stack.append((node, True))
        for child in _children(node):
            if id(child) in on_path:
                raise UnsafeYaml("YAML refers to itself through an alias")
            if id(child) not in sizes:
                stack.append((child, False))
    return sizes[id(root)]


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    if isinstance(node, yaml.MappingNode):
        return [n for pair in node.value for n in pair]
    return []


def load(text: str, max_bytes: int = METADATA_MAX_BYTES, max_nodes: int = YAML_MAX_NODES):
    """The data of a YAML document (safe types only); UnsafeYaml, or yaml.YAMLError when it is malformed."""
    size = len(text.encode("utf-8", "surrogatepass"))
    if size > max_bytes:
        raise UnsafeYaml(f"YAML too large: {size // 1024} KB > limit {max_bytes // 1024} KB")
    loader = yaml.SafeLoader(text)
    try:
        try:
            node = loader.get_single_node()
        except RecursionError:
            raise UnsafeYaml("YAML nested too deeply") from None
        if node is None:
            return None
        if _expanded_size(node, max_nodes) > max_nodes:
            raise UnsafeYaml(f"YAML aliases expand to more than {max_nodes} nodes")
        try:
            return loader.construct_document(node)
        except RecursionError:
            raise UnsafeYaml("YAML nested too deeply") from None
    finally:
        loader.dispose()
