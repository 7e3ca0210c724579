"""Holds tests/dropbox_standin.py to Dropbox's own client: the official
Python SDK (pinned in tests/requirements.txt) drives every route the worker
calls, grants and errors included, and must read each answer, error body and
header exactly as it reads Dropbox's. Run by `make test` with pytest.

The SDK only speaks https to Dropbox's hosts; a transport adapter hands its
requests to the stand-in on loopback instead, unchanged otherwise.
"""

import io
import json
import socket
import subprocess
import sys
import time
import urllib.request
import zipfile
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import dropbox
import pytest
import requests
from dropbox.exceptions import ApiError, AuthError, BadInputError, InternalServerError, RateLimitError
from dropbox.oauth import DropboxOAuth2Flow

ROOT = Path(__file__).resolve().parent.parent
APP_KEY, APP_SECRET = "sdk-app-key", "sdk-app-secret"
REDIRECT = "https://share.example.com/oauth/dropbox/callback"


class ToStandin(requests.adapters.HTTPAdapter):
    """Sends what the SDK addresses to https://<dropbox host>/… to the
    stand-in, path, headers and body untouched."""

    def __init__(self, base):
        super().__init__()
        self.base = base

    def send(self, request, **kwargs):
        url = urlsplit(request.url)
        request.url = self.base + url.path + (f"?{url.query}" if url.query else "")
        return super().send(request, **kwargs)


@pytest.fixture(scope="module")
def standin():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen(
        [sys.executable, str(ROOT / "tests/dropbox_standin.py"), "--port", str(port),
         "--app-key", APP_KEY, "--app-secret", APP_SECRET],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            urllib.request.urlopen(base + "/__standin/log")
            break
        except OSError:
            time.sleep(0.05)
    yield base
    proc.terminate()
    proc.wait()


def control(base, path, body):
    req = urllib.request.Request(base + "/__standin" + path, json.dumps(body).encode(), method="POST")
    return json.load(urllib.request.urlopen(req))


def session_for(base):
    s = requests.Session()
    s.mount("https://", ToStandin(base))
    return s


FILES = {"/Mixes/Café 🎧.wav": {}, "/Mixes/plain.mp3": {"size": 3000},
         "/Art/cover.jpg": {"size": 500, "width": 3000, "height": 2000},
         "/Stems/Drums/kick.wav": {"size": 100}, "/Stems/Bass.wav": {"size": 100}}


def log(base, account):
    with urllib.request.urlopen(f"{base}/__standin/accounts/{account}/log") as answer:
        return [(e["endpoint"], e["status"]) for e in json.load(answer)]


def connect(base, spec=None):
    """A new account, connected through the SDK's own OAuth flow."""
    account = control(base, "/accounts", spec or {"files": FILES})["account_id"]
    web_session = {}
    flow = DropboxOAuth2Flow(APP_KEY, REDIRECT, web_session, "csrf", consumer_secret=APP_SECRET,
                             token_access_type="offline")
    flow.requests_session = session_for(base)
    authorize = flow.start()
    assert urlsplit(authorize).path == "/oauth2/authorize"
    consent = session_for(base).get(authorize + "&login=" + account, allow_redirects=False)
    assert consent.status_code == 302
    callback = urlsplit(consent.headers["location"])
    assert callback.netloc == "share.example.com"
    query = {k: v[0] for k, v in parse_qs(callback.query).items()}
    result = flow.finish(query)
    assert result.account_id == account and result.refresh_token
    dbx = dropbox.Dropbox(oauth2_access_token=result.access_token,
                          oauth2_refresh_token=result.refresh_token,
                          oauth2_access_token_expiration=result.expires_at,
                          app_key=APP_KEY, app_secret=APP_SECRET, session=session_for(base),
                          max_retries_on_error=0, max_retries_on_rate_limit=0)
    return account, dbx


def test_temporary_links_parse_and_serve_the_file_as_an_attachment(standin):
    _, dbx = connect(standin)
    result = dbx.files_get_temporary_link("/mixes/café 🎧.wav")
    meta = result.metadata
    assert meta.path_display == "/Mixes/Café 🎧.wav"
    assert meta.server_modified.year == 2026 and meta.size > 0 and len(meta.rev) >= 9
    served = requests.get(result.link)
    assert served.status_code == 200 and len(served.content) == meta.size
    disposition = served.headers["content-disposition"]
    assert disposition.startswith('attachment; filename="Caf')
    assert "filename*=UTF-8''Caf%C3%A9%20%F0%9F%8E%A7.wav" in disposition
    ranged = requests.get(result.link, headers={"range": "bytes=0-9"})
    assert ranged.status_code == 206 and ranged.content == served.content[:10]


def test_folders_download_as_a_zip_with_its_result_header(standin):
    _, dbx = connect(standin)
    result, response = dbx.files_download_zip("/Stems")
    assert result.metadata.name == "Stems"
    names = sorted(zipfile.ZipFile(io.BytesIO(response.content)).namelist())
    assert names == ["Stems/Bass.wav", "Stems/Drums/kick.wav"]


def test_thumbnails_are_images_fitted_to_the_box_with_the_files_metadata(standin):
    _, dbx = connect(standin)
    path = dropbox.files.PathOrLink.path("/art/cover.jpg")
    result, response = dbx.files_get_thumbnail_v2(
        path, format=dropbox.files.ThumbnailFormat.jpeg,
        size=dropbox.files.ThumbnailSize.w1024h768, mode=dropbox.files.ThumbnailMode.strict)
    assert result.file_metadata.path_display == "/Art/cover.jpg"
    assert len(result.file_metadata.rev) >= 9
    jpeg = response.content
    assert jpeg.startswith(b"\xff\xd8") and jpeg.endswith(b"\xff\xd9")
    # A 3000 × 2000 picture fitted inside 1024 × 768: 1024 × 683 (SOF0).
    sof = jpeg.index(b"\xff\xc0")
    assert jpeg[sof + 5:sof + 9] == bytes([2, 171, 4, 0])
    _, png = dbx.files_get_thumbnail_v2(path, format=dropbox.files.ThumbnailFormat.png,
                                        size=dropbox.files.ThumbnailSize.w64h64)
    assert png.content.startswith(b"\x89PNG")
    with pytest.raises(ApiError) as not_image:
        dbx.files_get_thumbnail_v2(dropbox.files.PathOrLink.path("/Mixes/plain.mp3"))
    assert not_image.value.error.is_unsupported_extension()
    with pytest.raises(ApiError) as missing:
        dbx.files_get_thumbnail_v2(dropbox.files.PathOrLink.path("/Art/none.jpg"))
    assert missing.value.error.get_path().is_not_found()


def test_path_errors_are_the_routes_own_unions(standin):
    account, dbx = connect(standin)
    with pytest.raises(ApiError) as missing:
        dbx.files_get_temporary_link("/nope.wav")
    assert missing.value.error.get_path().is_not_found()
    with pytest.raises(ApiError) as folder:
        dbx.files_get_temporary_link("/Stems")
    assert folder.value.error.get_path().is_not_file()
    with pytest.raises(ApiError) as file:
        dbx.files_download_zip("/Mixes/plain.mp3")
    assert file.value.error.get_path().is_not_folder()


def test_access_tokens_expire_and_refresh(standin):
    account, dbx = connect(standin)
    control(standin, f"/accounts/{account}/expire_access_tokens", {})
    # The SDK reads the 401 as an expired token and refreshes on its own.
    assert dbx.files_get_temporary_link("/Mixes/plain.mp3").link
    assert log(standin, account)[-3:] == [
        ("get_temporary_link", 401), ("token", 200), ("get_temporary_link", 200)]
    control(standin, f"/accounts/{account}/expire_access_tokens", {})
    bare = dropbox.Dropbox(oauth2_access_token=dbx._oauth2_access_token,
                           session=session_for(standin), max_retries_on_error=0)
    with pytest.raises(AuthError) as expired:
        bare.files_get_temporary_link("/Mixes/plain.mp3")
    assert expired.value.error.is_expired_access_token()


def test_a_revoked_app_refuses_the_refresh_token(standin):
    account, dbx = connect(standin)
    control(standin, f"/accounts/{account}/revoke", {})
    with pytest.raises(AuthError) as invalid:
        dbx.files_get_temporary_link("/Mixes/plain.mp3")
    assert invalid.value.error.is_invalid_access_token()
    with pytest.raises(AuthError):
        dbx.refresh_access_token()


def test_wrong_app_credentials_are_bad_input(standin):
    _, dbx = connect(standin)
    dbx._app_secret = "wrong"
    with pytest.raises(BadInputError) as refused:
        dbx.refresh_access_token()
    assert "invalid_client" in refused.value.message


def test_rate_limits_and_outages_read_as_dropbox_sends_them(standin):
    account, dbx = connect(standin)
    control(standin, f"/accounts/{account}/faults",
            {"faults": [{"endpoint": "get_temporary_link", "status": 429, "retry_after": 7}]})
    with pytest.raises(RateLimitError) as limited:
        dbx.files_get_temporary_link("/Mixes/plain.mp3")
    assert limited.value.backoff == 7 and limited.value.error.reason.is_too_many_requests()
    control(standin, f"/accounts/{account}/faults",
            {"faults": [{"endpoint": "download_zip", "status": 503}]})
    with pytest.raises(InternalServerError) as outage:
        dbx.files_download_zip("/Stems")
    assert outage.value.status_code == 503


def test_oversized_folders_are_too_many_files(standin):
    _, dbx = connect(standin, {"files": {f"/Big/{i}.wav": {"size": 1} for i in range(3)},
                               "zip_max_entries": 2})
    with pytest.raises(ApiError) as too_many:
        dbx.files_download_zip("/Big")
    assert too_many.value.error.is_too_many_files()


def test_folders_list_in_pages_and_the_account_says_who_it_is(standin):
    files = {f"/Beats/Track {i}/Track {i} 128bpm F#m.wav": {"size": 10} for i in range(3)}
    files |= {"/Beats/Track 0/cover.jpg": {"size": 10}, "/Beats/notes.txt": {"size": 5}}
    _, dbx = connect(standin, {"files": files, "name": "Jane Doe", "email": "jane@example.com",
                               "list_page": 2})
    page = dbx.files_list_folder("/beats")
    names = [e.name for e in page.entries]
    while page.has_more:
        page = dbx.files_list_folder_continue(page.cursor)
        names += [e.name for e in page.entries]
    assert names == ["notes.txt", "Track 0", "Track 1", "Track 2"]
    inside = dbx.files_list_folder("/Beats/Track 0", limit=10).entries
    kinds = {e.name: type(e).__name__ for e in inside}
    assert kinds == {"cover.jpg": "FileMetadata", "Track 0 128bpm F#m.wav": "FileMetadata"}
    page = dbx.files_list_folder("/Beats", recursive=True)
    paths = [e.path_display for e in page.entries]
    while page.has_more:
        page = dbx.files_list_folder_continue(page.cursor)
        paths += [e.path_display for e in page.entries]
    assert len(paths) == 8 and "/Beats/Track 0/cover.jpg" in paths
    assert paths.index("/Beats/Track 0") < paths.index("/Beats/Track 0/cover.jpg")
    with pytest.raises(ApiError) as not_folder:
        dbx.files_list_folder("/Beats/notes.txt")
    assert not_folder.value.error.get_path().is_not_folder()
    me = dbx.users_get_current_account()
    assert (me.name.display_name, me.email) == ("Jane Doe", "jane@example.com")
