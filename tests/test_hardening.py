"""Production settings and safety rules, checked on the files that ship."""

import ast
import tomllib
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
CONFIG = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())


def test_streamlit_config_is_hardened():
    server, client = CONFIG["server"], CONFIG["client"]
    assert server["enableXsrfProtection"] is True
    assert server["enableCORS"] is True
    assert server["maxUploadSize"] <= 50
    assert server["fileWatcherType"] == "none" and server["runOnSave"] is False
    assert client["showErrorDetails"] == "none"
    assert client["toolbarMode"] == "viewer"
    assert CONFIG["browser"]["gatherUsageStats"] is False


#: Every Python module that ships: the router, the pages and the whole package
#: (linreg/app/ holds the Streamlit calls).
SHIPPED = sorted(
    [ROOT / "app.py", *ROOT.glob("pages/**/*.py"), *ROOT.glob("linreg/**/*.py")]
)


def _calls(tree: ast.AST):
    return (node for node in ast.walk(tree) if isinstance(node, ast.Call))


def _keyword(call: ast.Call, name: str) -> ast.expr | None:
    return next((k.value for k in call.keywords if k.arg == name), None)


def _enabled(value: ast.expr | None) -> bool:
    """A flag passed as anything but a literal False (or left out) counts as on."""
    return value is not None and not (
        isinstance(value, ast.Constant) and not value.value
    )


def string_constants(tree: ast.Module) -> dict[str, str]:
    """Module-level names bound once, to a string literal (or literals joined by +)."""

    def text(node: ast.expr) -> str | None:
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return node.value
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
            left, right = text(node.left), text(node.right)
            return None if left is None or right is None else left + right
        return None

    bound: dict[str, list[str | None]] = {}
    for node in tree.body:
        if isinstance(node, (ast.Assign, ast.AnnAssign)) and node.value is not None:
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                if isinstance(target, ast.Name):
                    bound.setdefault(target.id, []).append(text(node.value))
    rebound = {
        name
        for node in ast.walk(tree)
        if isinstance(node, ast.Global)
        for name in node.names
    }
    return {
        k: v[0]
        for k, v in bound.items()
        if len(v) == 1 and v[0] is not None and k not in rebound
    }


def script_sources(tree: ast.Module) -> list[tuple[ast.expr, str]]:
    """Every expression whose text reaches the page as a script: st.html's body with
    unsafe_allow_javascript, a component's html/js, components.v1.html's body."""
    found = []
    for call in _calls(tree):
        attr = getattr(call.func, "attr", "")
        chain = ast.unparse(call.func)
        if attr == "html" and "v1" in chain and call.args:
            found.append((call.args[0], "components.v1.html"))
        elif (
            attr == "html"
            and _enabled(_keyword(call, "unsafe_allow_javascript"))
            and call.args
        ):
            found.append((call.args[0], "st.html with unsafe_allow_javascript"))
        if attr == "component" and "components" in chain:
            found += [
                (v, f"component {k}=")
                for k in ("html", "js")
                if (v := _keyword(call, k)) is not None
            ]
    return found


def not_constant(expr: ast.expr, constants: dict[str, str]) -> list[str]:
    """The parts of ``expr`` that are no module-level string constant.  Allowed besides:
    a constant without a script in it, formatted with whole numbers only
    (``MARK.format(int(i))``), joined by +.
    """
    if isinstance(expr, ast.BinOp) and isinstance(expr.op, ast.Add):
        return not_constant(expr.left, constants) + not_constant(expr.right, constants)
    name = (
        expr.id
        if isinstance(expr, ast.Name)
        else expr.attr
        if isinstance(expr, ast.Attribute)
        else None
    )
    if name in constants:
        return []
    if (
        isinstance(expr, ast.Call)
        and getattr(expr.func, "attr", "") == "format"
        and not expr.keywords
    ):
        template = expr.func.value
        key = (
            template.id
            if isinstance(template, ast.Name)
            else getattr(template, "attr", None)
        )
        whole = all(
            isinstance(a, ast.Call) and getattr(a.func, "id", "") == "int"
            for a in expr.args
        )
        if key in constants and "<script" not in constants[key].lower() and whole:
            return []
    return [ast.unparse(expr)]


def script_violations(modules: dict[str, ast.Module]) -> list[str]:
    constants = {
        name: text
        for tree in modules.values()
        for name, text in string_constants(tree).items()
    }
    return [
        f"{where}:{expr.lineno}: {how} gets {part}"
        for where, tree in modules.items()
        for expr, how in script_sources(tree)
        for part in not_constant(expr, constants)
    ]


def test_no_text_rendered_as_html():
    """Markdown never renders HTML (user text goes through display.plain; HTML is
    st.html's, sanitised)."""
    for path in SHIPPED:
        for call in _calls(ast.parse(path.read_text())):
            assert not _enabled(_keyword(call, "unsafe_allow_html")), (
                f"{path.relative_to(ROOT)}:{call.lineno}"
            )


def test_every_module_is_read():
    names = {p.relative_to(ROOT).as_posix() for p in SHIPPED}
    assert {
        "app.py",
        "pages/playground.py",
        "linreg/app/display.py",
        "linreg/app/scrub.py",
    } <= names


def test_every_script_given_to_the_page_is_a_module_level_constant():
    modules = {
        p.relative_to(ROOT).as_posix(): ast.parse(p.read_text()) for p in SHIPPED
    }
    scripts = [expr for tree in modules.values() for expr, _ in script_sources(tree)]
    # the player's keys, the scrubber's clicks, the screen probe: the scan finds them
    assert len(scripts) >= 3
    assert script_violations(modules) == []


@pytest.mark.parametrize(
    "source",
    [
        (
            'import streamlit as st\nst.html(f"<script>{name}</script>",'
            " unsafe_allow_javascript=True)"
        ),
        (
            'import streamlit as st\nJS = "<script>x</script>"\nst.html(JS + name,'
            " unsafe_allow_javascript=True)"
        ),
        (
            'import streamlit as st\nJS = "<b>{}</b>"\nst.html(JS.format(name),'
            " unsafe_allow_javascript=True)"
        ),
        (
            "import streamlit as st\nJS ="
            ' "<script>{}</script>"\nst.html(JS.format(int(n)),'
            " unsafe_allow_javascript=True)"
        ),
        'import streamlit as st\nst.components.v2.component("c", js=make(name))',
        "import streamlit as st\nst.components.v1.html(page)",
        (  # bound twice: no constant
            "import streamlit as st\ndef f():\n    st.html(JS,"
            ' unsafe_allow_javascript=True)\nJS = "<script>a</script>"\nJS = x'
        ),
    ],
)
def test_the_script_rule_catches_a_script_built_at_run_time(source):
    assert script_violations({"example.py": ast.parse(source)})


def test_the_script_rule_lets_constants_through():
    source = (
        'import streamlit as st\nJS = "<script>" + "a</script>"\nMARK = "<span'
        ' data-i={}></span>"\nst.html(JS + MARK.format(int(i)),'
        ' unsafe_allow_javascript=True)\nst.components.v2.component("c",'
        ' js=JS)\nst.html(f"<style>{css}</style>")'
    )
    assert script_violations({"example.py": ast.parse(source)}) == []


def test_every_cache_is_bounded():
    from linreg.app import cache

    # every ** in a decorator below is one of these
    for opts in (cache.CACHE, cache.QUICK):
        assert opts["max_entries"] <= 256 and opts["ttl"] <= 24 * 3600
    tree = ast.parse((ROOT / "linreg" / "app" / "cache.py").read_text())
    for fn in (n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)):
        for dec in fn.decorator_list:
            if isinstance(dec, ast.Call) and getattr(dec.func, "attr", "") in (
                "cache_resource",
                "cache_data",
            ):
                spread = {
                    getattr(k.value, "id", "?") for k in dec.keywords if k.arg is None
                }
                assert spread <= {"CACHE", "QUICK"}, fn.name
                bounded = bool(spread) or {"max_entries"} <= {
                    k.arg for k in dec.keywords
                }
                # the one unbounded cache holds the three bundled tables only
                assert bounded or fn.name == "cached_bundled", fn.name


def test_dockerfile_runs_as_non_root_with_a_health_check():
    text = (ROOT / "Dockerfile").read_text()
    assert "\nUSER app" in text and "HEALTHCHECK" in text and "/_stcore/health" in text
    assert "EXPOSE 8501" in text


def test_kubernetes_manifests_have_affinity_probes_and_a_shared_secret():
    docs = list(
        yaml.safe_load_all((ROOT / "deploy" / "k8s" / "visualizer.yaml").read_text())
    )
    kinds = {d["kind"]: d for d in docs}
    assert set(kinds) == {"Secret", "Deployment", "Service", "Ingress"}
    pod = kinds["Deployment"]["spec"]["template"]["spec"]
    container = pod["containers"][0]
    assert pod["securityContext"]["runAsNonRoot"] is True
    assert container["readinessProbe"]["httpGet"]["path"] == "/_stcore/health"
    env = {e["name"]: e for e in container["env"]}
    assert (
        env["STREAMLIT_SERVER_COOKIE_SECRET"]["valueFrom"]["secretKeyRef"]["name"]
        == kinds["Secret"]["metadata"]["name"]
    )
    assert kinds["Service"]["spec"]["sessionAffinity"] == "ClientIP"
    assert (
        kinds["Ingress"]["metadata"]["annotations"][
            "nginx.ingress.kubernetes.io/affinity"
        ]
        == "cookie"
    )


def test_nginx_config_is_sticky_and_proxies_websockets():
    text = (ROOT / "deploy" / "nginx.conf").read_text()
    assert "hash $gdv_key consistent" in text and 'Set-Cookie "gdv=$gdv_key' in text
    assert "proxy_set_header Upgrade $http_upgrade" in text
    assert "client_max_body_size 20m" in text


def test_server_refuses_an_upload_over_max_upload_size():
    """A live server (limit set to 1 MB here) answers 413 to a larger upload, whatever
    the browser does."""
    import asyncio
    import http.client
    import urllib.parse

    import websockets
    from browser_util import streamlit_server
    from streamlit.proto.BackMsg_pb2 import BackMsg
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    async def session_id(url: str) -> tuple[str, object]:
        ws = await websockets.connect(
            url.replace("http", "ws", 1) + "/_stcore/stream", subprotocols=["streamlit"]
        )
        back = BackMsg()
        back.rerun_script.query_string = ""
        await ws.send(back.SerializeToString())
        while True:
            msg = ForwardMsg()
            msg.ParseFromString(await ws.recv())
            if msg.WhichOneof("type") == "new_session":
                return msg.new_session.initialize.session_id, ws

    def put(url: str, sid: str, size: int) -> int:
        boundary = "gdvboundary"
        body = (
            (
                f'--{boundary}\r\nContent-Disposition: form-data; name="file";'
                ' filename="a.csv"\r\nContent-Type: text/csv\r\n\r\n'
            ).encode()
            + b"1" * size
            + f"\r\n--{boundary}--\r\n".encode()
        )
        # the server may answer 413 and close while the body is still being sent: the
        # send stops there and the answer already sent is read
        host = urllib.parse.urlsplit(url)
        conn = http.client.HTTPConnection(host.hostname, host.port, timeout=30)
        conn.putrequest("PUT", f"/_stcore/upload_file/{sid}/file1")
        conn.putheader("Content-Type", f"multipart/form-data; boundary={boundary}")
        conn.putheader("Content-Length", str(len(body)))
        conn.endheaders()
        try:
            for start in range(0, len(body), 64 * 1024):
                conn.send(body[start : start + 64 * 1024])
        except (BrokenPipeError, ConnectionResetError):
            pass
        try:
            return conn.getresponse().status
        finally:
            conn.close()

    # XSRF off only so that this test needs no browser cookie; the size check comes
    # after it
    with streamlit_server(
        None, "--server.maxUploadSize", "1", "--server.enableXsrfProtection", "false"
    ) as url:
        loop = asyncio.new_event_loop()
        sid, ws = loop.run_until_complete(session_id(url))
        try:
            assert put(url, sid, 1000) in (200, 204)
            assert put(url, sid, 2 * 1024 * 1024) == 413
        finally:
            loop.run_until_complete(ws.close())
            loop.close()


def test_kubernetes_manifests_match_the_kubernetes_schemas():
    """Every resource in deploy/k8s against the published schemas (kubernetes-validate
    ships them; no cluster needed), strict: an unknown field is an error, not a silently
    ignored typo.
    """
    import kubernetes_validate

    docs = [
        d
        for d in yaml.safe_load_all(
            (ROOT / "deploy" / "k8s" / "visualizer.yaml").read_text()
        )
        if d
    ]
    assert {d["kind"] for d in docs} >= {"Deployment", "Service", "Ingress", "Secret"}
    version = kubernetes_validate.latest_version()
    for doc in docs:
        # raises ValidationError on a bad field
        kubernetes_validate.validate(doc, version, strict=True)
    bad = next(d for d in docs if d["kind"] == "Deployment")
    broken = {**bad, "spec": {**bad["spec"], "replicas": "two"}}
    with pytest.raises(kubernetes_validate.ValidationError):  # the check can fail
        kubernetes_validate.validate(broken, version, strict=True)
