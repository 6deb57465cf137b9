"""A strict YAML loader that keeps the position of every value.

It reads the event stream (with libyaml when available) and builds plain data
itself, so that it can refuse what `yaml.safe_load` silently accepts:
duplicate keys (safe_load keeps the last), anchors and aliases (an alias bomb
is refused before anything is expanded), custom tags, several documents.
Dates stay strings. Problems come back as data, never as exceptions.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

try:  # libyaml is several times faster; the pure-Python parser gives the same events.
    from yaml import CSafeLoader as _EventLoader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _EventLoader

MAX_BYTES = 1024 * 1024
Path_ = tuple  # a path into the data: keys and list indexes

_YAML_TAG = "tag:yaml.org,2002:"
_ALLOWED_TAGS = {_YAML_TAG + t for t in ("str", "int", "float", "bool", "null", "map", "seq")}


class _Resolver(yaml.resolver.Resolver):
    """YAML 1.1 implicit types without timestamps: dates stay strings."""


_Resolver.yaml_implicit_resolvers = {
    ch: [(tag, rx) for tag, rx in resolvers if tag != _YAML_TAG + "timestamp"]
    for ch, resolvers in yaml.resolver.Resolver.yaml_implicit_resolvers.items()
}
_RESOLVER = _Resolver()
_CONSTRUCTOR = yaml.constructor.SafeConstructor()


@dataclass(frozen=True)
class YamlProblem:
    """Something wrong with the text of a file, at a 1-based line and column."""

    code: str
    message: str
    line: int = 1
    col: int = 1


@dataclass
class YamlDocument:
    """The data of one file and where each value and key stands in it."""

    path: Path
    text: str = ""
    data: Any = None
    problems: list[YamlProblem] = field(default_factory=list)
    value_marks: dict[Path_, tuple[int, int]] = field(default_factory=dict)
    key_marks: dict[Path_, tuple[int, int]] = field(default_factory=dict)
    block_scalars: set[Path_] = field(default_factory=set)  # values written as | or > blocks

    def text_start(self, path: Path_) -> tuple[int, int]:
        """Where the text of the scalar at `path` begins: for a | or > block, its first content line."""
        line, col = self.position(path)
        if tuple(path) not in self.block_scalars:
            return line, col
        lines = self.text.split("\n")
        for number in range(line, len(lines)):  # `line` is 1-based: lines[line] is the next line
            content = lines[number]
            if content.strip():
                return number + 1, len(content) - len(content.lstrip()) + 1
        return line, col

    def position(self, path: Path_, *, key: bool = False) -> tuple[int, int]:
        """Line and column of the value at `path` (or of its key), else of its nearest parent."""
        path = tuple(path)
        while True:
            marks = self.key_marks if key else self.value_marks
            if path in marks:
                return marks[path]
            if key and path in self.value_marks:
                return self.value_marks[path]
            if not path:
                return (1, 1)
            path = path[:-1]
            key = False


class _Refused(Exception):
    """Stop composing: the rest of the file cannot be trusted."""


def _mark(event: yaml.Event) -> tuple[int, int]:
    return (event.start_mark.line + 1, event.start_mark.column + 1)


class _Builder:
    def __init__(self, doc: YamlDocument, events):
        self.doc = doc
        self._events = events
        self._buffered: yaml.Event | None = None

    def next(self) -> yaml.Event:
        if self._buffered is not None:
            event, self._buffered = self._buffered, None
            return event
        return next(self._events)

    def peek(self) -> yaml.Event:
        if self._buffered is None:
            self._buffered = next(self._events)
        return self._buffered

    def refuse(self, code: str, message: str, event: yaml.Event) -> None:
        self.doc.problems.append(YamlProblem(code, message, *_mark(event)))
        raise _Refused

    def check_node(self, event: yaml.Event) -> None:
        if isinstance(event, yaml.AliasEvent):
            self.refuse("MK103", f"alias *{event.anchor} is not allowed", event)
        if getattr(event, "anchor", None):
            self.refuse("MK103", f"anchor &{event.anchor} is not allowed", event)
        tag = getattr(event, "tag", None)
        if tag and tag != "!" and tag not in _ALLOWED_TAGS:
            self.refuse("MK106", f"tag {tag} is not allowed", event)

    def node(self, path: Path_) -> Any:
        event = self.next()
        self.check_node(event)
        self.doc.value_marks[path] = _mark(event)
        if isinstance(event, yaml.ScalarEvent):
            if event.style in ("|", ">"):
                self.doc.block_scalars.add(path)
            return self.scalar(event)
        if isinstance(event, yaml.SequenceStartEvent):
            items = []
            while not isinstance(self.peek(), yaml.SequenceEndEvent):
                items.append(self.node(path + (len(items),)))
            self.next()
            return items
        if isinstance(event, yaml.MappingStartEvent):
            return self.mapping(path)
        self.refuse("MK101", f"unexpected {type(event).__name__}", event)
        return None

    def mapping(self, path: Path_) -> dict:
        result: dict[str, Any] = {}
        while not isinstance(self.peek(), yaml.MappingEndEvent):
            key_event = self.next()
            self.check_node(key_event)
            if not isinstance(key_event, yaml.ScalarEvent):
                self.refuse("MK101", "a key must be plain text, not a list or mapping", key_event)
            key = key_event.value
            if key == "<<" and key_event.implicit[0]:
                self.refuse("MK103", "merge keys (<<) are not allowed", key_event)
            if key in result:
                line, col = _mark(key_event)
                first = self.doc.key_marks.get(path + (key,), (0, 0))[0]
                self.doc.problems.append(YamlProblem("MK102", f"duplicate key '{key}' (first at line {first})", line, col))
                self.node(path + ("\0dup", key))  # parse and drop it; the first value is kept
                continue
            self.doc.key_marks[path + (key,)] = _mark(key_event)
            result[key] = self.node(path + (key,))
        self.next()
        return result

    def scalar(self, event: yaml.ScalarEvent) -> Any:
        tag = event.tag
        if tag in (None, "!"):
            implicit = (event.implicit[0], event.implicit[1]) if tag is None else (False, False)
            tag = _RESOLVER.resolve(yaml.ScalarNode, event.value, implicit)
        if tag == _YAML_TAG + "str":
            return event.value
        node = yaml.ScalarNode(tag, event.value)
        try:
            if tag == _YAML_TAG + "int":
                return _CONSTRUCTOR.construct_yaml_int(node)
            if tag == _YAML_TAG + "float":
                return _CONSTRUCTOR.construct_yaml_float(node)
            if tag == _YAML_TAG + "bool":
                return _CONSTRUCTOR.construct_yaml_bool(node)
            if tag == _YAML_TAG + "null":
                return None
        except (ValueError, yaml.YAMLError):
            self.refuse("MK101", f"'{event.value}' is not a valid {tag.removeprefix(_YAML_TAG)}", event)
        self.refuse("MK106", f"tag {tag} is not allowed", event)
        return None


def _decode(raw: bytes) -> tuple[str | None, YamlProblem | None]:
    if b"\0" in raw:
        return None, YamlProblem("MK104", "binary file (contains NUL bytes), expected UTF-8 YAML")
    try:
        return raw.decode("utf-8-sig"), None
    except UnicodeDecodeError as err:
        before = raw[: err.start]
        line = before.count(b"\n") + 1
        col = len(before) - (before.rfind(b"\n") + 1) + 1
        return None, YamlProblem("MK104", f"not valid UTF-8 (byte 0x{raw[err.start]:02x})", line, col)


_CONTENT = re.compile(r"^[ \t]*[^\s#]", re.M)


def parse_text(text: str, path: Path) -> YamlDocument:
    """Parse YAML text strictly."""
    doc = YamlDocument(path=path, text=text)
    if not _CONTENT.search(text):
        doc.problems.append(YamlProblem("MK105", "empty file: expected one YAML mapping"))
        return doc
    events = iter(yaml.parse(text, Loader=_EventLoader))
    builder = _Builder(doc, events)
    try:
        builder.next()  # StreamStart
        builder.next()  # DocumentStart
        doc.data = builder.node(())
        builder.next()  # DocumentEnd
        extra = builder.next()
        if not isinstance(extra, yaml.StreamEndEvent):
            builder.refuse("MK110", "more than one YAML document in the file", extra)
    except _Refused:
        doc.data = None
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        doc.problems.append(YamlProblem("MK101", f"YAML syntax: {err.problem or err.context}", line, col))
        doc.data = None
    except yaml.YAMLError as err:  # reader errors (control characters) carry no mark
        doc.problems.append(YamlProblem("MK101", f"YAML: {err}"))
        doc.data = None
    return doc


def load_file(path: Path) -> YamlDocument:
    """Read and parse one file; never raises for bad content."""
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            doc = YamlDocument(path=path)
            doc.problems.append(YamlProblem("MK107", f"file is {size:,} bytes; a knowledge file must be under {MAX_BYTES:,}"))
            return doc
        raw = path.read_bytes()
    except OSError as err:
        doc = YamlDocument(path=path)
        doc.problems.append(YamlProblem("MK104", f"cannot read file: {err.strerror}"))
        return doc
    text, problem = _decode(raw)
    if problem:
        doc = YamlDocument(path=path)
        doc.problems.append(problem)
        return doc
    return parse_text(text, path)
