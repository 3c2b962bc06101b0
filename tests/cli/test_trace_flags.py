"""`k8snet-tui trace --method/--header/--via/--served-by` (DESIGN.md §5): the flow fields
as options, checked as a level's flow is, and no change at all when they are absent."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from k8snet_tui.cli import _trace_flow, build_parser, main

URL = "http://shop.example.com/"


def _args(*flags: str) -> argparse.Namespace:
    return build_parser().parse_args(["trace", "PATH", "internet", URL, *flags])


def test_the_flags_build_the_flow_a_level_would_write() -> None:
    flow = _trace_flow(_args("--method", "POST", "--header", "X-Canary: true",
                             "--header", "accept:text/html", "--via", "gateway/infra/public",
                             "--served-by", "deploy/shop/api-v2"))
    assert flow.method == "POST"
    assert flow.headers == {"X-Canary": "true", "accept": "text/html"}
    assert flow.header("x-canary") == "true"
    assert str(flow.via_ref) == "gateway/infra/public"
    assert str(flow.served_by_ref) == "deployment/shop/api-v2"


def test_without_flags_the_flow_is_only_from_and_to() -> None:
    flow = _trace_flow(_args())
    assert (flow.from_, flow.to, flow.expect) == ("internet", URL, "allow")
    assert flow.model_fields_set == {"from_", "to"}


def test_a_header_value_keeps_its_colons_and_loses_the_spaces_around_it() -> None:
    flow = _trace_flow(_args("--header", "Host:  admin.example.com:8080 "))
    assert flow.headers == {"Host": "admin.example.com:8080"}
    assert flow.host_override == "admin.example.com"


def test_the_help_lists_the_flow_field_options(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["trace", "--help"]) == 0
    out = capsys.readouterr().out
    for flag in ("--method METHOD", "--header NAME:VALUE", "--via ENTRY", "--served-by REF"):
        assert flag in out


BAD = [
    (["--method", "post"], '<command line>: error: --method: "post" is not an HTTP method: '
                           "use GET, HEAD, POST, PUT, DELETE, CONNECT, OPTIONS, TRACE or "
                           "PATCH (upper case, as the Gateway API matches them); did you mean "
                           "POST?"),
    (["--header", "x-canary"], '<command line>: error: --header: "x-canary" is not '
                               'NAME:VALUE; write e.g. --header "x-canary: true"'),
    (["--header", "x canary: 1"], "<command line>: error: --header: 'x canary' is not a "
                                  "header name"),
    (["--header", ":authority: a"], '--header: ":authority" is an HTTP/2 pseudo-header'),
    (["--header", "a: 1", "--header", "a: 2"], "--header: header a is given twice: keep one"),
    (["--header", "A: 1", "--header", "a: 2"], '--header: headers "A" and "a" are the same '
                                               "header"),
    (["--header", "x-a: a\x01b"], "--header: header x-a: 'a\\x01b' is not a header value"),
    (["--via", "gateway/public"], '<command line>: error: --via: "gateway/public": a Gateway '
                                  "is gateway/NS/NAME or gateway/NS/NAME/LISTENER"),
    (["--served-by", "node/node-1"], '<command line>: error: --served-by: "node" cannot '
                                     "serve a request"),
    (["--served-by", "svc/shop/api:80"], "--served-by: \"svc/shop/api:80\": servedBy names "
                                         "an object, not a port"),
]


@pytest.mark.parametrize(("flags", "message"), BAD, ids=[" ".join(b[0]) for b in BAD])
def test_a_bad_flag_is_one_message_and_exit_2(
        level: Path, flags: list[str], message: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["trace", str(level), "internet", URL, *flags]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert len(captured.err.strip().splitlines()) == 1, captured.err
    assert message in captured.err


@pytest.mark.parametrize("flags", [["--method", "GET"], ["--header", "x-a: 1"],
                                   ["--via", "ingress"]])
def test_http_flags_need_an_http_destination(
        level: Path, flags: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["trace", str(level), "pod/shop/web", "service/shop/api:80", *flags]) == 2
    err = capsys.readouterr().err
    assert f"<command line>: error: {flags[0]}: " in err
    assert 'only for http:// and https:// destinations, and this flow goes to ' \
           '"service/shop/api:80"' in err


def test_a_served_by_that_does_not_exist_names_the_file(
        level: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["trace", str(level), "pod/shop/web", "service/shop/api:80",
                 "--served-by", "svc/shop/apii"]) == 2
    err = capsys.readouterr().err
    assert err.strip() == (f"<command line>: error: --served-by: service shop/apii does not "
                           f"exist in {level}; did you mean service/shop/api?")


def test_a_bad_flag_is_reported_before_the_file_is_read(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Like a bad FROM or TO: the command line is wrong whatever the file holds."""
    assert main(["trace", str(tmp_path / "missing.yaml"), "internet", URL,
                 "--method", "get"]) == 2
    assert "--method" in capsys.readouterr().err


@pytest.mark.parametrize(("src", "dst"), [("pod/shop/web", "pod/shop/api:8080"),
                                          ("pod/shop/web", "service/shop/api:80"),
                                          ("internet", "service/shop/api:80"),
                                          ("internet", "http://shop.example.com/")])
def test_valid_flags_trace_the_flow(
        level: Path, src: str, dst: str, capsys: pytest.CaptureFixture[str]) -> None:
    """The engine does not honour the fields yet; the flow still traces, same verdict."""
    plain = main(["trace", str(level), src, dst])
    plain_out = capsys.readouterr().out
    flags = ["--served-by", "pod/shop/api"]
    if dst.startswith("http"):
        flags += ["--method", "POST", "--header", "x-canary: true", "--via", "ingress"]
    assert main(["trace", str(level), src, dst, *flags]) == plain
    assert "verdict:" in capsys.readouterr().out
    assert "verdict:" in plain_out


@pytest.mark.parametrize(("src", "dst"), [("pod/shop/web", "pod/shop/api:8080"),
                                          ("pod/shop/web", "service/shop/api:80"),
                                          ("internet", "service/shop/api:80"),
                                          ("pod/shop/web", "http://api.shop/x?debug=1")])
def test_without_the_flags_trace_prints_what_engine_trace_prints(
        level: Path, src: str, dst: str, capsys: pytest.CaptureFixture[str]) -> None:
    """`trace` now evaluates a FlowSpec; without the new options its output must be the
    one the engine gives for the bare references, byte for byte."""
    from k8snet_tui.engine.evaluate import Engine
    from k8snet_tui.game.locks import original_refs
    from k8snet_tui.model.load import load_any
    from k8snet_tui.report import make_console, print_problems, render_trace

    code = main(["trace", str(level), src, dst])
    via_cli = capsys.readouterr()
    loaded = load_any(str(level))
    trace = Engine(loaded.world).trace(src, dst)
    print_problems(loaded.warnings, collapse=True)
    render_trace(make_console(), trace, str(level), level=loaded, original=original_refs(loaded))
    direct = capsys.readouterr()
    assert (via_cli.out, via_cli.err) == (direct.out, direct.err)
    assert code == (0 if trace.verdict.value == "allow" else 1)


def test_a_via_gateway_that_does_not_exist_names_the_file(
        level: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["trace", str(level), "internet", URL, "--via", "gateway/shop/public"]) == 2
    err = capsys.readouterr().err
    assert err.strip() == (f"<command line>: error: --via: gateway shop/public does not "
                           f"exist in {level}")
