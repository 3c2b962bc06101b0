"""Hostile-input fuzz of the k8snet-tui CLI (standalone, stdlib only, seeded).

Generates a few hundred hostile level files, manifests and packs under a
temporary folder, runs each through ``check``, ``check --json``, ``trace`` and
``validate`` (packs: ``validate``), and records per run the exit code, whether
a Python traceback, raw terminal control characters or a hang (20 s) occurred,
the peak RSS (``/usr/bin/time -v``) and whether an exit-2 refusal is printed
as ``file:line:col: error: ...``.

    python3 scripts/hostile_fuzz.py [--seed N] [--jobs 2] [--limit N] [--out DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import resource
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
LEVELS = REPO / "levels"
TIMEOUT_S = 20.0
MEM_CAP_BYTES = 3 * 1024**3  # RLIMIT_AS guard so a runaway cannot take the machine down
LOC_RE = re.compile(r"^.+:\d+:\d+: (error|warning): ")
RSS_RE = re.compile(r"Maximum resident set size \(kbytes\): (\d+)")
TRACE_FROM = "internet"
TRACE_TO = "service/default/x:80"

PAYLOADS: dict[str, str] = {
    "osc-title+clear": "\x1b]0;pwned\x07\x1b[2J",
    "csi-c1": "\x9b31mred",
    "nul": "a\x00b",
    "bidi-rlo": "abc\u202edcba",
    "bidi-isolate": "x\u2066y\u2069",
    "del": "a\x7fb",
    "nel-c1": "a\x85b",
    "cr-bs": "ok\r\x08\x08FAKE",
}


def _is_raw_control(ch: str) -> bool:
    o = ord(ch)
    if ch in "\n\t":
        return False
    return (
        o <= 0x1F
        or 0x7F <= o <= 0x9F
        or 0x202A <= o <= 0x202E
        or 0x2066 <= o <= 0x2069
        or 0xDC80 <= o <= 0xDCFF  # undecodable byte (surrogateescape): not valid UTF-8 output
    )


def raw_controls(data: bytes) -> list[str]:
    text = data.decode("utf-8", errors="surrogateescape")
    return sorted({f"U+{ord(c):04X}" for c in text if _is_raw_control(c)})


@dataclass
class Case:
    name: str
    path: Path
    kind: str  # "level" | "pack" | "manifests"
    snippet: str


@dataclass
class Run:
    case: str
    kind: str
    argv: list[str]
    exit_code: int | None
    timed_out: bool
    traceback: bool
    raw_control: list[str]
    rss_kb: int | None
    seconds: float
    loc_ok: bool | None  # exit 2: first stderr line matches file:line:col
    json_ok: bool | None  # check --json with exit 0/1: stdout is one JSON object
    stdout_head: list[str] = field(default_factory=list)
    stderr_head: list[str] = field(default_factory=list)

    def failures(self) -> list[str]:
        out: list[str] = []
        if self.timed_out:
            out.append("hang")
        if self.traceback:
            out.append("traceback")
        if self.raw_control:
            out.append("raw-control " + ",".join(self.raw_control))
        if self.exit_code == 2 and self.loc_ok is False:
            out.append("refusal-not-file:line:col")
        if self.exit_code is not None and self.exit_code not in (0, 1, 2):
            out.append(f"exit-{self.exit_code}")
        if self.rss_kb is not None and self.rss_kb >= 1024 * 1024:
            out.append(f"rss {self.rss_kb} kB")
        if self.json_ok is False:
            out.append("bad-json")
        return out


# --------------------------------------------------------------------------- inputs

TEMPLATE = """\
format: k8snet/v1
id: fuzz
title: @TITLE@
difficulty: 1
briefing: hostile input
@YKEY@: extra
resources:
  - apiVersion: v1
    kind: @KIND@
    metadata:
      name: web
      namespace: default
      labels: {@LKEY@: @LVAL@}
    spec:
      containers:
        - name: c
          image: nginx
          ports:
            - {name: http, containerPort: 8080}
  - apiVersion: v1
    kind: Service
    metadata: {name: x, namespace: default}
    spec:
      selector: {app: web}
      ports: [{port: 80, targetPort: http}]
flows:
  - name: @FNAME@
    from: @FROM@
    to: @TO@
    expect: allow
"""

DEFAULTS = {
    "@TITLE@": "Fuzz",
    "@YKEY@": "#x-note",
    "@KIND@": "Pod",
    "@LKEY@": "app",
    "@LVAL@": "web",
    "@FNAME@": "reach",
    "@FROM@": "internet",
    "@TO@": "service/default/x:80",
}

MANIFEST = """\
apiVersion: v1
kind: Pod
metadata: {name: web, namespace: default, labels: {app: web}}
spec:
  containers: [{name: c, image: nginx, ports: [{name: http, containerPort: 8080}]}]
---
apiVersion: v1
kind: Service
metadata: {name: x, namespace: default}
spec: {selector: {app: web}, ports: [{port: 80, targetPort: http}]}
"""


def fill(**over: str) -> str:
    text = TEMPLATE
    for key, default in DEFAULTS.items():
        text = text.replace(key, over.get(key.strip("@").lower(), default))
    return text


def yaml_escape(s: str) -> str:
    """A YAML double-quoted scalar whose *value* holds the raw characters."""
    out = []
    for ch in s:
        o = ord(ch)
        if ch == '"' or ch == "\\":
            out.append("\\" + ch)
        elif o < 0x20 or 0x7F <= o <= 0x9F or 0x202A <= o <= 0x202E or 0x2066 <= o <= 0x2069:
            out.append(f"\\u{o:04x}" if o > 0xFF else f"\\x{o:02x}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def _const(text: str) -> Callable[[re.Match[str]], str]:
    return lambda m: text


def _append(payload: str) -> Callable[[re.Match[str]], str]:
    return lambda m: m.group(1) + yaml_escape(m.group(2) + payload)


class Gen:
    def __init__(self, root: Path, seed: int) -> None:
        self.root = root
        self.rng = random.Random(seed)
        self.cases: list[Case] = []
        self.levels = sorted(p for p in LEVELS.rglob("*.yaml") if p.name != "pack.yaml")
        self.level_texts = [p.read_text("utf-8") for p in self.levels]

    def _dir(self, name: str) -> Path:
        safe = re.sub(r"[^A-Za-z0-9_.+-]", "_", name)[:60]
        d = self.root / f"{len(self.cases):03d}-{safe}"
        d.mkdir(parents=True)
        return d

    def add(
        self, name: str, data: bytes | str, fname: str = "level.yaml", kind: str = "level"
    ) -> Path:
        d = self._dir(name)
        p = d / fname
        raw = data.encode("utf-8", errors="surrogateescape") if isinstance(data, str) else data
        p.write_bytes(raw)
        self.cases.append(Case(name, p, kind, raw[:240].decode("utf-8", "backslashreplace")))
        return d

    def add_special(
        self, name: str, build: Callable[[Path], tuple[Path, str]], kind: str = "level"
    ) -> None:
        d = self._dir(name)
        target, snippet = build(d)
        self.cases.append(Case(name, target, kind, snippet))

    def shipped(self) -> str:
        return self.rng.choice(self.level_texts)

    # -- generators ---------------------------------------------------------

    def control_chars(self) -> None:
        fields = ["title", "ykey", "kind", "lkey", "lval", "fname", "from", "to"]
        for pname, payload in PAYLOADS.items():
            for fld in fields:
                base = DEFAULTS["@" + fld.upper() + "@"]
                if fld in ("from", "to"):
                    val = (
                        base.replace("default", "def" + payload) if fld == "to" else base + payload
                    )
                else:
                    val = base + payload
                # the value holds the characters (double-quoted escapes)
                self.add(f"cc-esc-{pname}-{fld}", fill(**{fld: yaml_escape(val)}))
            # raw characters written into the file itself (title, flow name, key)
            for fld in ("title", "fname", "ykey"):
                self.add(
                    f"cc-raw-{pname}-{fld}",
                    fill(**{fld: DEFAULTS["@" + fld.upper() + "@"] + payload}),
                )
        # file names carrying control characters (no NUL on POSIX)
        for pname, payload in PAYLOADS.items():
            if "\x00" in payload:
                continue
            self.add(f"cc-fname-{pname}", fill(title="Bad"), fname=f"lv{payload}.yaml")
            self.add(f"cc-fname-broken-{pname}", "flows: [\n", fname=f"br{payload}.yaml")
        # shipped levels with an escaped payload injected into title / flow names / refs
        for i in range(12):
            text = self.shipped()
            payload = self.rng.choice(list(PAYLOADS.values()))
            which = i % 3
            if which == 0:
                text = re.sub(
                    r"^title: .*$",
                    _const("title: " + yaml_escape("T" + payload)),
                    text,
                    count=1,
                    flags=re.M,
                )
            elif which == 1:
                text = re.sub(
                    r"(- name: )(.*)$",
                    _append(payload),
                    text,
                    count=1,
                    flags=re.M,
                )
            else:
                text = re.sub(
                    r"(\bref: )([\w/.-]+)",
                    _append(payload),
                    text,
                    count=1,
                )
            self.add(f"cc-shipped-{i}", text)
        # an include pattern and a label value from a glob with a control char
        self.add(
            "cc-include-pattern", fill() + "include: [" + yaml_escape("m\x1b[2J*.yaml") + "]\n"
        )

    def type_confusion(self) -> None:
        big = "9" * 5000
        values = [
            "true",
            "false",
            "yes",
            "0",
            "-1",
            "3.5",
            big,
            "-" + big,
            ".nan",
            ".inf",
            "-.inf",
            "1e999",
            "0x1F",
            "0o777",
            "1_000",
            "2001-12-14",
            "null",
            "~",
            "''",
            "[]",
            "{}",
            "[[[]]]",
            "!!binary aGVsbG8=",
            "!!set {a, b}",
            "*nosuchalias",
            "!!python/object/apply:os.system ['true']",
            "!custom x",
            "!!int nope",
            "!!float x",
            '"\\x1b[2J"',
            "12:30:00",
            "=",
        ]
        targeted = [
            (r"containerPort: \d+", "containerPort: "),
            (r"\bport: \d+", "port: "),
            (r"difficulty: \d+", "difficulty: "),
            (r"par: \d+", "par: "),
            (r"replicas: \d+", "replicas: "),
            (r"expect: \w+", "expect: "),
            (r"targetPort: \w+", "targetPort: "),
            (r"format: \S+", "format: "),
        ]
        for pat, prefix in targeted:
            for val in ("true", big, ".nan", "null", "'80'"):
                for text in self.level_texts:
                    if re.search(pat, text):
                        break
                self.add(
                    f"type-{prefix.strip(': ')}-{val[:8]}",
                    re.sub(pat, _const(prefix + val), text, count=1),
                )
        line_re = re.compile(r"^(\s*(?:- )?[A-Za-z_][\w.-]*: )(\S.*)$", re.M)
        for i in range(20):
            text = self.shipped()
            lines = [m for m in line_re.finditer(text) if not m.group(2).startswith("|")]
            m = self.rng.choice(lines)
            val = self.rng.choice(values)
            self.add(f"type-rand-{i}", text[: m.start(2)] + val + text[m.end(2) :])
        # integer where a string goes and a list where a mapping goes
        self.add("flow-port-5000-digits", fill(to="service/default/x:" + big))
        self.add("flow-pod-port-5000-digits", fill(to="pod/default/web:" + big + "/tcp"))
        self.add("type-flows-mapping", fill().replace("flows:\n  - name", "flows:\n  name"))
        self.add(
            "type-resources-string", re.sub(r"resources:\n(?:  .*\n)+", "resources: lots\n", fill())
        )
        self.add(
            "type-metadata-list",
            fill().replace("metadata:\n      name: web", "metadata:\n      - name: web"),
        )
        self.add("type-top-list", "- " + fill().replace("\n", "\n  "))
        self.add("type-top-scalar", "42\n")
        self.add(
            "type-int-keys",
            fill().replace(
                "#x-note: extra", "1: extra\ntrue: x\nnull: y\n[a, b]: z\n? {k: v}\n: w"
            ),
        )

    def deep(self) -> None:
        n = 100_000
        self.add("deep-flow-seq", fill(title="[" * n + "]" * n))
        self.add("deep-flow-map", fill(title="{a: " * n + "1" + "}" * n))
        self.add("deep-flow-unclosed", fill(title="[" * n))
        self.add(
            "deep-block-seq-one-line",
            "resources:\n  "
            + "- " * n
            + "x\n"
            + fill()
            .split("resources:\n", 1)[1]
            .split("flows:", 1)[0]
            .replace("  - apiVersion", "#")
            + "flows: []\n",
        )
        self.add("deep-block-seq-top", "- " * n + "x\n")
        depth = 3000
        block = "".join(" " * i + "a:\n" for i in range(depth)) + " " * depth + "b: 1\n"
        self.add(
            "deep-block-map-3000",
            fill()
            + "cluster:\n"
            + "".join(" " * (i + 1) + "a:\n" for i in range(depth))
            + " " * (depth + 1)
            + "b: 1\n",
        )
        self.add("deep-block-map-top", block)
        self.add("deep-labels", fill(lval="[" * 65 + "]" * 65))
        self.add(
            "deep-flow-in-flows",
            fill().replace("flows:\n", "flows:\n  - " + "[" * n + "]" * n + "\n"),
        )

    def aliases(self) -> None:
        lol = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
        for i in range(1, 10):
            prev = chr(ord("a") + i - 1)
            cur = chr(ord("a") + i)
            lol.append(f"{cur}: &{cur} [" + ",".join([f"*{prev}"] * 9) + "]")
        bomb = "\n".join("x-" + line for line in lol) + "\n"
        self.add("alias-bomb-top", fill().replace("#x-note: extra\n", bomb.replace("x-", "x_")))
        self.add("alias-bomb-only", "\n".join(lol) + "\n")
        self.add(
            "alias-bomb-title",
            fill()
            .replace(
                "title: Fuzz",
                "x: "
                + bomb.replace("\n", " ").strip()[:0]
                + "1\n"
                + bomb.replace("x-", "z_")
                + "title: *j",
            )
            .replace("z_j", "z_j"),
        )
        self.add("alias-recursive-seq", fill(title="&r [*r]"))
        self.add("alias-recursive-map", fill(title="&r {k: *r}"))
        self.add("alias-undefined", fill(title="*nope"))
        self.add(
            "alias-merge-bomb",
            fill().replace("#x-note: extra", "base: &b {a: 1}\nm: {<<: [*b, *b, *b], <<: *b}"),
        )
        # many aliases of one big list: values-per-character bomb
        self.add(
            "alias-wide",
            fill()
            + "wide: &w ["
            + ",".join(["1"] * 2000)
            + "]\nwide2: ["
            + ",".join(["*w"] * 2000)
            + "]\n",
        )
        self.add(
            "alias-resources",
            fill().replace("resources:\n", "resources: &res\n") + "cluster: {x: *res, y: *res}\n",
        )

    def huge(self) -> None:
        self.add("huge-flat-list", fill() + "x-big: [" + ",".join(["1"] * 1_200_000) + "]\n")
        flows = "".join(
            f"  - {{name: f{i}, from: internet, to: 'service/default/x:80', expect: allow}}\n"
            for i in range(50_001)
        )
        self.add("huge-flows", fill() + flows.replace("  - {name: f0,", "  - {name: g0,"))
        self.add(
            "huge-replicas",
            fill()
            .replace("kind: Pod", "kind: Deployment")
            .replace(
                "    spec:\n      containers:",
                "    spec:\n      replicas: 1000000\n      selector: {matchLabels: {app: web}}\n"
                "      template:\n        metadata: {labels: {app: web}}\n"
                "        spec:\n          containers:",
            )
            .replace(
                "        - name: c\n          image: nginx\n          ports:\n"
                "            - {name: http, containerPort: 8080}",
                "            - {name: c, image: nginx, ports: [{name: http, containerPort: 8080}]}",
            ),
        )
        self.add("huge-17MiB", fill() + "# " + "x" * (17 * 1024 * 1024) + "\n")
        self.add("huge-long-line-title", fill(title="A" * 5_000_000))
        self.add("huge-long-key", fill(ykey="k" * 2_000_000))
        pods = "".join(
            f"  - {{apiVersion: v1, kind: Pod, metadata: {{name: p{i}, namespace: default}}, "
            "spec: {containers: [{name: c, image: x}]}}\n"
            for i in range(10_500)
        )
        self.add("huge-pods", fill().replace("flows:\n", pods + "flows:\n"))
        nodes = "".join(f"    - {{name: n{i}}}\n" for i in range(1_200))
        self.add("huge-nodes", fill() + "cluster:\n  nodes:\n" + nodes)
        self.add("huge-many-docs", "---\n" * 300_000)

    def structural(self) -> None:
        base = fill()
        for wrong, right in [
            ("flow:", "flows:"),
            ("resorces:", "resources:"),
            ("apiversion:", "apiVersion:"),
            ("metdata:", "metadata:"),
            ("tittle:", "title:"),
            ("expct:", "expect:"),
            ("frm:", "from:"),
        ]:
            self.add(f"typo-{wrong[:-1]}", base.replace(right, wrong, 1))
        for key in (
            "title",
            "flows",
            "resources",
            "format",
            "id",
            "kind",
            "metadata",
            "from",
            "to",
            "expect",
            "name",
            "labels",
        ):
            self.add(
                f"null-{key}",
                re.sub(rf"^(\s*(?:- )?{key}:).*$", r"\1 null", base, count=1, flags=re.M),
            )
        for i in range(10):
            text = self.shipped()
            raw = text.encode()
            cut = self.rng.randrange(1, len(raw))
            self.add(f"truncated-{i}", raw[:cut])
        self.add("truncated-mid-utf8", "title: caf\u00e9".encode()[:-1])
        self.add("dup-keys", base + "title: again\nflows: []\n")
        self.add("tabs", base.replace("    kind", "\tkind"))
        self.add("crlf", base.replace("\n", "\r\n"))
        self.add("cr-only", base.replace("\n", "\r"))
        self.add("empty", b"")
        self.add("only-doc-marker", "---\n...\n")
        self.add("two-docs", base + "---\n" + base)
        self.add("bom-utf8", b"\xef\xbb\xbf" + base.encode())
        self.add("utf16", base.encode("utf-16"))
        self.add("utf32", base.encode("utf-32"))
        self.add("python-tag", "!!python/object/apply:os.system ['echo pwned']\n")
        self.add("yaml-directive", "%YAML 1.1\n%TAG ! tag:evil,2000:\n---\n" + base)
        self.add("anchor-on-key", base.replace("#x-note: extra", "&k x-note: extra\n*k : again"))

    def binary(self) -> None:
        for i in range(6):
            self.add(
                f"binary-{i}",
                bytes(self.rng.randrange(256) for _ in range(self.rng.choice([16, 512, 8192]))),
            )
        self.add("invalid-utf8-ff", b"title: \xff\xfe\n" + fill().encode())
        self.add("invalid-utf8-lone", fill().encode().replace(b"Fuzz", b"F\xc3uzz"))
        self.add("invalid-utf8-surrogate", fill().encode().replace(b"Fuzz", b"\xed\xa0\x80"))
        self.add("invalid-utf8-c1-raw", fill().encode().replace(b"Fuzz", b"\x9b2J"))
        self.add(
            "invalid-utf8-overlong", fill().encode().replace(b"reach", b"\xc0\xaf\xe0\x80\xaf")
        )
        self.add("raw-nul", fill().encode().replace(b"Fuzz", b"F\x00uzz"))
        self.add("raw-esc-in-key", fill().encode().replace(b"#x-note", b"\x1b]0;pwned\x07\x1b[2J"))
        self.add("nul-flood", b"\x00" * 100_000)
        self.add("esc-flood", b"\x1b[2J" * 20_000)

    def specials(self) -> None:
        def fifo(d: Path) -> tuple[Path, str]:
            p = d / "fifo.yaml"
            os.mkfifo(p)
            return p, "<FIFO>"

        def dirpath(d: Path) -> tuple[Path, str]:
            p = d / "adir.yaml"
            p.mkdir()
            return p, "<directory>"

        def selfloop(d: Path) -> tuple[Path, str]:
            p = d / "loop.yaml"
            p.symlink_to("loop.yaml")
            return p, "<symlink loop.yaml -> loop.yaml>"

        def devzero(d: Path) -> tuple[Path, str]:
            p = d / "zero.yaml"
            p.symlink_to("/dev/zero")
            return p, "<symlink -> /dev/zero>"

        def missing(d: Path) -> tuple[Path, str]:
            return d / "missing\x1b[2J.yaml", "<nonexistent file whose name holds ESC>"

        def noperm(d: Path) -> tuple[Path, str]:
            p = d / "noperm.yaml"
            p.write_text(fill())
            p.chmod(0)
            return p, "<mode 000 file>"

        def inc(
            pattern: str, setup: Callable[[Path], None] | None = None
        ) -> Callable[[Path], tuple[Path, str]]:
            def build(d: Path) -> tuple[Path, str]:
                if setup is not None:
                    setup(d)
                p = d / "level.yaml"
                text = fill() + f"include: [{pattern}]\n"
                p.write_text(text, "utf-8", errors="surrogateescape")
                return p, f"include: [{pattern}]"

            return build

        def s_fifo(d: Path) -> None:
            os.mkfifo(d / "m.yaml")

        def s_loop(d: Path) -> None:
            (d / "m.yaml").symlink_to("m.yaml")

        def s_dirloop(d: Path) -> None:
            (d / "sub").mkdir()
            (d / "sub" / "up").symlink_to("..")
            (d / "sub" / "m.yaml").write_text(MANIFEST)

        def s_many(d: Path) -> None:
            (d / "many").mkdir()
            for i in range(501):
                (d / "many" / f"{i}.yaml").write_text(
                    MANIFEST.replace("name: web", f"name: w{i}").replace("name: x", f"name: x{i}")
                )

        def s_garbage(d: Path) -> None:
            (d / "g.yaml").write_bytes(b"\x1b]0;pwned\x07\x00\xff\xfe" + MANIFEST.encode())

        def s_escname(d: Path) -> None:
            (d / "m\x1b[2J.yaml").write_text("kind: [\n")

        def s_bomb(d: Path) -> None:
            lol = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
            for i in range(1, 10):
                p, c = chr(96 + i), chr(97 + i)
                lol.append(f"{c}: &{c} [" + ",".join([f"*{p}"] * 9) + "]")
            (d / "b.yaml").write_text("\n".join(lol) + "\n")

        def s_devzero(d: Path) -> None:
            (d / "z.yaml").symlink_to("/dev/zero")

        def s_dir(d: Path) -> None:
            (d / "d.yaml").mkdir()

        self.add_special("special-fifo", fifo)
        self.add_special("special-directory", dirpath)
        self.add_special("special-symlink-loop", selfloop)
        self.add_special("special-devzero", devzero)
        self.add_special("special-missing-esc-name", missing)
        self.add_special("special-noperm", noperm)
        self.add_special("include-fifo", inc("m.yaml", s_fifo))
        self.add_special("include-symlink-loop", inc("m.yaml", s_loop))
        self.add_special("include-dir-symlink-loop-glob", inc("'**/*.yaml'", s_dirloop))
        self.add_special("include-nul", inc('"a\\0b.yaml"'))
        self.add_special("include-a**b", inc("'a**b/x.yaml'"))
        self.add_special("include-star-star-only", inc("'**'", s_dirloop))
        self.add_special("include-501-files", inc("'many/*.yaml'", s_many))
        self.add_special("include-garbage", inc("g.yaml", s_garbage))
        self.add_special("include-esc-named-file", inc("'m*.yaml'", s_escname))
        self.add_special("include-alias-bomb", inc("b.yaml", s_bomb))
        self.add_special("include-devzero", inc("z.yaml", s_devzero))
        self.add_special("include-directory", inc("d.yaml", s_dir))
        self.add_special("include-self", inc("level.yaml"))
        self.add_special("include-abs-etc", inc("/etc/passwd"))
        self.add_special("include-dotdot", inc("'../../../../../../etc/hostname'"))
        self.add_special("include-int", inc("5"))
        self.add_special("include-null", inc("null"))
        self.add_special("include-nested-list", inc("[[a]]"))
        self.add_special("include-empty-string", inc("''"))
        self.add_special("include-bracket-glob", inc("'[z-a].yaml'"))
        self.add_special("include-proc", inc("'/proc/self/fd/*'"))

        # plain manifests (trace on a file / folder of manifests)
        self.add("manifest-ok", MANIFEST, fname="m.yaml", kind="manifests")
        self.add(
            "manifest-esc-name",
            MANIFEST.replace("name: x", 'name: "x\\e]0;pwned\\a"'),
            fname="m.yaml",
            kind="manifests",
        )
        self.add("manifest-list-kind", "kind: List\nitems: 5\n", fname="m.yaml", kind="manifests")
        self.add(
            "manifest-bad-kind",
            MANIFEST.replace("kind: Service", 'kind: "\\x9b2J"'),
            fname="m.yaml",
            kind="manifests",
        )

        def mdir(d: Path) -> tuple[Path, str]:
            (d / "a.yaml").write_text(MANIFEST)
            (d / "b.yaml").write_bytes(b"\xff\xfe\x00garbage")
            os.mkfifo(d / "c.yaml")
            (d / "l.yaml").symlink_to("l.yaml")
            (d / "up").symlink_to(".")
            return d, "<folder: good a.yaml, garbage b.yaml, FIFO c.yaml, loop l.yaml, up -> .>"

        self.add_special("manifest-folder-hostile", mdir, kind="manifests")

    def packs(self) -> None:
        good = fill()

        def pack(
            pack_yaml: str | bytes | None,
            files: Mapping[str, str | bytes] | None = None,
            extra: Callable[[Path], None] | None = None,
        ) -> Callable[[Path], tuple[Path, str]]:
            def build(d: Path) -> tuple[Path, str]:
                root = d / "pack"
                root.mkdir()
                for rel, content in (files or {}).items():
                    p = root / rel
                    p.parent.mkdir(parents=True, exist_ok=True)
                    p.write_bytes(content.encode() if isinstance(content, str) else content)
                if pack_yaml is not None:
                    raw = (
                        pack_yaml.encode("utf-8", "surrogateescape")
                        if isinstance(pack_yaml, str)
                        else pack_yaml
                    )
                    (root / "pack.yaml").write_bytes(raw)
                if extra is not None:
                    extra(root)
                snippet = (pack_yaml if isinstance(pack_yaml, str) else repr(pack_yaml))[:240]
                return root, snippet

            return build

        def py(entries: str, pid: str = "p", title: str = "P", chap: str = "c1") -> str:
            return (
                f"format: k8snet/v1\nid: {pid}\ntitle: {title}\nauthor: a\nversion: 0.1.0\n"
                f"description: d\nchapters:\n  - id: {chap}\n    title: C\n    levels:\n{entries}"
            )

        lv = {"c1/l.yaml": good}
        self.add_special("pack-ok-ish", pack(py("      - c1/l.yaml\n"), lv), kind="pack")
        self.add_special("pack-missing-pack-yaml", pack(None, lv), kind="pack")
        self.add_special("pack-empty-pack-yaml", pack("", lv), kind="pack")
        self.add_special("pack-garbage", pack(b"\xff\x00\x1b]0;pwned\x07", lv), kind="pack")
        self.add_special("pack-entry-nul", pack(py('      - "c1/l\\0.yaml"\n'), lv), kind="pack")
        self.add_special(
            "pack-entry-esc", pack(py('      - "c1/\\e]0;pwned\\a.yaml"\n'), lv), kind="pack"
        )
        self.add_special("pack-entry-missing", pack(py("      - c1/nope.yaml\n"), lv), kind="pack")
        self.add_special(
            "pack-entry-dotdot", pack(py("      - ../../../../etc/passwd\n"), lv), kind="pack"
        )
        self.add_special("pack-entry-abs", pack(py("      - /etc/hostname\n"), lv), kind="pack")
        self.add_special(
            "pack-entry-dup", pack(py("      - c1/l.yaml\n      - c1/l.yaml\n"), lv), kind="pack"
        )
        self.add_special(
            "pack-entry-int", pack(py("      - 5\n      - null\n      - [x]\n"), lv), kind="pack"
        )
        self.add_special(
            "pack-levels-scalar",
            pack(py("").replace("    levels:\n", "    levels: 7\n"), lv),
            kind="pack",
        )
        self.add_special(
            "pack-title-esc",
            pack(py("      - c1/l.yaml\n", title='"\\x1b[2J\\u202eevil"'), lv),
            kind="pack",
        )
        self.add_special(
            "pack-id-esc",
            pack(py("      - c1/l.yaml\n", pid='"p\\x9b"', chap='"c\\x1b[31m"'), lv),
            kind="pack",
        )
        self.add_special(
            "pack-entry-broken-level",
            pack(
                py("      - c1/l.yaml\n      - c1/b.yaml\n"),
                {**lv, "c1/b.yaml": b"title: [\x1b[2J\n\xff"},
            ),
            kind="pack",
        )
        self.add_special(
            "pack-entry-fifo",
            pack(py("      - c1/f.yaml\n"), lv, lambda r: os.mkfifo(r / "c1" / "f.yaml")),
            kind="pack",
        )
        self.add_special(
            "pack-entry-loop",
            pack(
                py("      - c1/s.yaml\n"), lv, lambda r: (r / "c1" / "s.yaml").symlink_to("s.yaml")
            ),
            kind="pack",
        )
        self.add_special(
            "pack-entry-devzero",
            pack(
                py("      - c1/z.yaml\n"),
                lv,
                lambda r: (r / "c1" / "z.yaml").symlink_to("/dev/zero"),
            ),
            kind="pack",
        )
        self.add_special("pack-entry-dir", pack(py("      - c1\n"), lv), kind="pack")
        self.add_special(
            "pack-yaml-fifo", pack(None, lv, lambda r: os.mkfifo(r / "pack.yaml")), kind="pack"
        )
        self.add_special(
            "pack-yaml-loop",
            pack(None, lv, lambda r: (r / "pack.yaml").symlink_to("pack.yaml")),
            kind="pack",
        )
        self.add_special(
            "pack-yaml-dir", pack(None, lv, lambda r: (r / "pack.yaml").mkdir()), kind="pack"
        )
        bomb = "x: &a [1,1,1,1,1,1,1,1,1,1]\n" + "".join(
            f"x{i}: &a{i} [" + ",".join([f"*a{i - 1}" if i > 1 else "*a"] * 10) + "]\n"
            for i in range(1, 9)
        )
        self.add_special(
            "pack-yaml-alias-bomb", pack(bomb + py("      - c1/l.yaml\n"), lv), kind="pack"
        )
        self.add_special(
            "pack-yaml-deep",
            pack(py("      - c1/l.yaml\n").replace("author: a", "author: " + "[" * 100_000), lv),
            kind="pack",
        )
        chapters = "".join(
            f"  - id: c{i}\n    title: C\n    levels: [c1/l.yaml]\n" for i in range(5000)
        )
        self.add_special(
            "pack-many-chapters", pack(py("      - c1/l.yaml\n") + chapters, lv), kind="pack"
        )
        self.add_special(
            "pack-entry-glob", pack(py("      - 'c1/*.yaml'\n      - 'a**b'\n"), lv), kind="pack"
        )
        self.add_special(
            "pack-chapters-misspelt",
            pack(py("      - c1/l.yaml\n").replace("chapters:", "chapter:"), lv),
            kind="pack",
        )
        self.add_special(
            "pack-bool-version",
            pack(
                py("      - c1/l.yaml\n")
                .replace("version: 0.1.0", "version: true")
                .replace("format: k8snet/v1", "format: 1"),
                lv,
            ),
            kind="pack",
        )

        def shipped_pack(mutate: Callable[[str], str]) -> Callable[[Path], tuple[Path, str]]:
            def build(d: Path) -> tuple[Path, str]:
                root = d / "pack"
                root.mkdir()
                for p in LEVELS.rglob("*"):
                    if p.is_file():
                        q = root / p.relative_to(LEVELS)
                        q.parent.mkdir(parents=True, exist_ok=True)
                        q.write_bytes(p.read_bytes())
                text = mutate((LEVELS / "pack.yaml").read_text())
                (root / "pack.yaml").write_text(text, "utf-8", "surrogateescape")
                return root, "<shipped pack, pack.yaml mutated>"

            return build

        self.add_special(
            "pack-shipped-one-entry-esc",
            shipped_pack(
                lambda t: t.replace("- 01-pods/01-port-conflict.yaml", '- "01-pods/\\e[2J.yaml"')
            ),
            kind="pack",
        )
        self.add_special(
            "pack-shipped-truncated", shipped_pack(lambda t: t[: len(t) // 2]), kind="pack"
        )

    def all(self) -> list[Case]:
        for g in (
            self.control_chars,
            self.type_confusion,
            self.deep,
            self.aliases,
            self.huge,
            self.structural,
            self.binary,
            self.specials,
            self.packs,
        ):
            g()
        return self.cases


# --------------------------------------------------------------------------- running


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEM_CAP_BYTES, MEM_CAP_BYTES))


def head(data: bytes, n: int = 4) -> list[str]:
    text = data.decode("utf-8", errors="backslashreplace")
    return [ascii(line)[1:-1][:300] for line in text.splitlines()[:n]]


def run_one(case: Case, args: list[str], rss_file: Path) -> Run:
    argv = [sys.executable, "-m", "k8snet_tui", *args]
    cmd = ["/usr/bin/time", "-v", "-o", str(rss_file), *argv]
    env = dict(
        os.environ, K8SNET_TUI_DATA_DIR=str(rss_file.parent / "data"), NO_COLOR="1", TERM="dumb"
    )
    start = time.monotonic()
    proc = subprocess.Popen(
        cmd,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        start_new_session=True,
        preexec_fn=_limit_memory,
        env=env,
        cwd=str(case.path.parent),
    )
    timed_out = False
    try:
        out, err = proc.communicate(timeout=TIMEOUT_S)
    except subprocess.TimeoutExpired:
        timed_out = True
        os.killpg(proc.pid, signal.SIGKILL)
        out, err = proc.communicate()
    seconds = time.monotonic() - start
    rss: int | None = None
    try:
        m = RSS_RE.search(rss_file.read_text(errors="replace"))
        rss = int(m.group(1)) if m else None
    except OSError:
        pass
    code = None if timed_out else proc.returncode
    first = err.decode("utf-8", "replace").splitlines()[:1]
    loc_ok = bool(first and LOC_RE.match(first[0])) if code == 2 else None
    json_ok: bool | None = None
    if "--json" in args and code in (0, 1):
        try:
            json_ok = isinstance(json.loads(out), dict)
        except ValueError:
            json_ok = False
    return Run(
        case=case.name,
        kind=case.kind,
        argv=["k8snet-tui", *args],
        exit_code=code,
        timed_out=timed_out,
        traceback=b"Traceback (most recent call last)" in err
        or b"Traceback (most recent call last)" in out,
        raw_control=sorted(set(raw_controls(out)) | set(raw_controls(err))),
        rss_kb=rss,
        seconds=round(seconds, 2),
        loc_ok=loc_ok,
        json_ok=json_ok,
        stdout_head=head(out),
        stderr_head=head(err),
    )


def commands(case: Case) -> Iterator[list[str]]:
    p = str(case.path)
    if case.kind == "pack":
        yield ["validate", p]
        return
    if case.kind == "manifests":
        yield ["trace", p, TRACE_FROM, TRACE_TO]
        yield ["trace", p, "pod/default/web", "service/default/x:80"]
        return
    yield ["check", p]
    yield ["check", p, "--json"]
    yield ["trace", p, TRACE_FROM, TRACE_TO]
    yield ["validate", p]


def extra_trace_cases(root: Path) -> list[tuple[Case, list[str]]]:
    """Hostile FROM/TO arguments on a good level."""
    d = root / "zz-trace-args"
    d.mkdir()
    p = d / "level.yaml"
    p.write_text(fill())
    case = Case("trace-args", p, "level", "<good template level, hostile FROM/TO>")
    argsets = [
        ["trace", str(p), "internet\x1b]0;pwned\x07", TRACE_TO],
        ["trace", str(p), TRACE_FROM, "service/default/x\x1b[2J:80"],
        ["trace", str(p), TRACE_FROM, "service/default/x:" + "9" * 5000],
        ["trace", str(p), "\u202epod/default/web", TRACE_TO],
        ["trace", str(p), TRACE_FROM, "service/default/x:\x9b80"],
        ["trace", str(p), TRACE_FROM, "http://\x1b[2Jexample.com/"],
        ["trace", str(p), "", ""],
    ]
    return [(case, a) for a in argsets]


def main() -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--seed", type=int, default=1234)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--limit", type=int, default=0, help="only the first N inputs (0: all)")
    ap.add_argument(
        "--out",
        type=Path,
        default=None,
        help="folder for inputs and results (default: a new temp dir)",
    )
    ns = ap.parse_args()
    root = ns.out or Path(tempfile.mkdtemp(prefix="k8snet-fuzz-"))
    inputs = root / "inputs"
    inputs.mkdir(parents=True, exist_ok=True)
    cases = Gen(inputs, ns.seed).all()
    if ns.limit:
        cases = cases[: ns.limit]
    jobs: list[tuple[Case, list[str]]] = [(c, a) for c in cases for a in commands(c)]
    jobs += extra_trace_cases(inputs)
    work = root / "work"
    work.mkdir(exist_ok=True)
    print(f"inputs: {len(cases)}, runs: {len(jobs)}, folder: {root}", flush=True)

    def task(i: int) -> Run:
        c, a = jobs[i]
        return run_one(c, a, work / f"{i:05d}.time")

    runs: list[Run] = []
    with ThreadPoolExecutor(max_workers=max(1, min(ns.jobs, 2))) as pool:
        for n, r in enumerate(pool.map(task, range(len(jobs))), 1):
            runs.append(r)
            if r.failures():
                print(f"[{n}/{len(jobs)}] FAIL {r.case}: {'; '.join(r.failures())}", flush=True)
            elif n % 100 == 0:
                print(f"[{n}/{len(jobs)}] ...", flush=True)
    snippets = {c.name: c.snippet for c in cases}
    with (root / "results.jsonl").open("w") as f:
        for r in runs:
            f.write(
                json.dumps({**asdict(r), "snippet": snippets.get(r.case, "")}, ensure_ascii=True)
                + "\n"
            )
    rss = [r.rss_kb for r in runs if r.rss_kb is not None]
    summary = {
        "inputs": len(cases),
        "runs": len(runs),
        "tracebacks": sum(r.traceback for r in runs),
        "hangs": sum(r.timed_out for r in runs),
        "raw_control_runs": sum(bool(r.raw_control) for r in runs),
        "exit2_runs": sum(r.exit_code == 2 for r in runs),
        "refusals_not_file_line_col": sum(r.exit_code == 2 and r.loc_ok is False for r in runs),
        "other_exit_codes": sum(r.exit_code not in (0, 1, 2, None) for r in runs),
        "bad_json": sum(r.json_ok is False for r in runs),
        "max_rss_kb": max(rss, default=0),
        "max_rss_case": max(runs, key=lambda r: r.rss_kb or 0).case if runs else "",
        "slowest_s": max((r.seconds for r in runs), default=0.0),
        "failing_runs": sum(bool(r.failures()) for r in runs),
    }
    (root / "summary.json").write_text(json.dumps(summary, indent=2))
    print(json.dumps(summary, indent=2))
    print(f"details: {root / 'results.jsonl'}")
    return 1 if summary["failing_runs"] else 0


if __name__ == "__main__":
    sys.exit(main())
