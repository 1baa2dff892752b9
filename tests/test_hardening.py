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


def _streamlit_calls(path: Path):
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Call):
            yield node


def test_no_user_text_rendered_as_html():
    for path in [ROOT / "app.py", *ROOT.glob("app_pages/*.py"), *ROOT.glob("linreg/*.py")]:
        for call in _streamlit_calls(path):
            for kw in call.keywords:
                assert not (kw.arg == "unsafe_allow_html" and getattr(kw.value, "value", False)), path


def test_every_cache_is_bounded():
    from linreg.app import cache

    for opts in (cache.CACHE, cache.QUICK):  # every ** in a decorator below is one of these
        assert opts["max_entries"] <= 256 and opts["ttl"] <= 24 * 3600
    tree = ast.parse((ROOT / "linreg" / "app" / "cache.py").read_text())
    for fn in (n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)):
        for dec in fn.decorator_list:
            if isinstance(dec, ast.Call) and getattr(dec.func, "attr", "") in ("cache_resource", "cache_data"):
                spread = {getattr(k.value, "id", "?") for k in dec.keywords if k.arg is None}
                assert spread <= {"CACHE", "QUICK"}, fn.name
                bounded = bool(spread) or {"max_entries"} <= {k.arg for k in dec.keywords}
                # the one unbounded cache holds the three bundled tables only
                assert bounded or fn.name == "cached_bundled", fn.name


def test_dockerfile_runs_as_non_root_with_a_health_check():
    text = (ROOT / "Dockerfile").read_text()
    assert "\nUSER app" in text and "HEALTHCHECK" in text and "/_stcore/health" in text
    assert "EXPOSE 8501" in text


def test_kubernetes_manifests_have_affinity_probes_and_a_shared_secret():
    docs = list(yaml.safe_load_all((ROOT / "deploy" / "k8s" / "visualizer.yaml").read_text()))
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
    assert kinds["Ingress"]["metadata"]["annotations"]["nginx.ingress.kubernetes.io/affinity"] == "cookie"


def test_nginx_config_is_sticky_and_proxies_websockets():
    text = (ROOT / "deploy" / "nginx.conf").read_text()
    assert "hash $gdv_key consistent" in text and 'Set-Cookie "gdv=$gdv_key' in text
    assert "proxy_set_header Upgrade $http_upgrade" in text
    assert "client_max_body_size 20m" in text


def test_server_refuses_an_upload_over_max_upload_size():
    """A live server (limit set to 1 MB here) answers 413 to a larger upload, whatever the browser does."""
    import asyncio
    import urllib.error
    import urllib.request

    import websockets
    from browser_util import streamlit_server
    from streamlit.proto.BackMsg_pb2 import BackMsg
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    async def session_id(url: str) -> tuple[str, object]:
        ws = await websockets.connect(url.replace("http", "ws", 1) + "/_stcore/stream", subprotocols=["streamlit"])
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
                f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.csv"\r\n'
                f"Content-Type: text/csv\r\n\r\n"
            ).encode()
            + b"1" * size
            + f"\r\n--{boundary}--\r\n".encode()
        )
        req = urllib.request.Request(
            f"{url}/_stcore/upload_file/{sid}/file1", data=body, method="PUT",
            headers={"Content-Type": f"multipart/form-data; boundary={boundary}"},
        )  # fmt: skip
        try:
            return urllib.request.urlopen(req, timeout=30).status
        except urllib.error.HTTPError as exc:
            return exc.code

    # XSRF off only so that this test needs no browser cookie; the size check comes after it
    with streamlit_server(None, "--server.maxUploadSize", "1", "--server.enableXsrfProtection", "false") as url:
        loop = asyncio.new_event_loop()
        sid, ws = loop.run_until_complete(session_id(url))
        try:
            assert put(url, sid, 1000) in (200, 204)
            assert put(url, sid, 2 * 1024 * 1024) == 413
        finally:
            loop.run_until_complete(ws.close())
            loop.close()


def test_kubernetes_manifests_match_the_kubernetes_schemas():
    """Every resource in deploy/k8s against the published schemas (kubernetes-validate ships them; no
    cluster needed), strict: an unknown field is an error, not a silently ignored typo."""
    import kubernetes_validate

    docs = [d for d in yaml.safe_load_all((ROOT / "deploy" / "k8s" / "visualizer.yaml").read_text()) if d]
    assert {d["kind"] for d in docs} >= {"Deployment", "Service", "Ingress", "Secret"}
    version = kubernetes_validate.latest_version()
    for doc in docs:
        kubernetes_validate.validate(doc, version, strict=True)  # raises ValidationError on a bad field
    bad = next(d for d in docs if d["kind"] == "Deployment")
    broken = {**bad, "spec": {**bad["spec"], "replicas": "two"}}
    with pytest.raises(kubernetes_validate.ValidationError):  # the check can fail
        kubernetes_validate.validate(broken, version, strict=True)
