#!/usr/bin/env python3
"""A local stand-in for the parts of the Dropbox HTTP API sharepage uses.

Same paths, headers, JSON shapes, error bodies and status codes as Dropbox
documents them, for tests and local development (it never ships with the
worker):

  GET  /oauth2/authorize          the consent page; redirects back with a code
  POST /oauth2/token              authorization_code and refresh_token grants
  POST /2/files/get_temporary_link
  POST /2/files/list_folder        and /continue: a folder's entries, paged by cursor
  POST /2/users/get_current_account  who connected (name, email)
  POST /2/files/download_zip      a real ZIP; argument in Dropbox-API-Arg
  POST /2/files/get_thumbnail_v2  a real JPEG or PNG of an image file, sized by
                                  `size` and `mode` (a file's picture is one
                                  colour, taken from its bytes, so a replaced
                                  cover looks different); argument in
                                  Dropbox-API-Arg
  GET  /tl/<id>/<name>            temporary links: bytes, Range (206), expiry,
                                  Content-Disposition as Dropbox serves it

tests/dropbox_sdk_test.py holds every answer to Dropbox's official Python
SDK, which parses them as it parses Dropbox's own.

Signing in on the consent page is stood in for by `login=<account_id>` in the
authorize URL (and `deny=1` declines). Everything else a test controls lives
under /__standin/ (see `control`): accounts and their files, token lifetimes,
fault injection (429 with Retry-After, 500, delays, revoked refresh tokens,
expired tokens and links), a log of the Dropbox calls each account made, and
every secret it issued (codes, tokens, link ids) for the log check.

Only the standard library: python3 is all it needs.
"""

import argparse
import base64
import hashlib
import io
import json
import math
import secrets
import struct
import sys
import threading
import time
import zipfile
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, quote, urlencode, urlsplit

LINK_LIFE_S = 4 * 3600
ZIP_MAX_BYTES = 20 * 1024**3
ZIP_MAX_ENTRIES = 10_000


def tone_wav(seed: str, seconds: float = 2.0, rate: int = 8000) -> bytes:
    """A short, quiet sine tone, so a browser really plays demo files."""
    freq = 220 + int(hashlib.sha256(seed.encode()).hexdigest()[:4], 16) % 440
    n = int(seconds * rate)
    frames = b"".join(
        struct.pack("<h", int(6000 * math.sin(2 * math.pi * freq * i / rate)))
        for i in range(n)
    )
    header = b"RIFF" + struct.pack("<I", 36 + len(frames)) + b"WAVEfmt "
    header += struct.pack("<IHHIIHH", 16, 1, 1, rate, rate * 2, 2, 16)
    return header + b"data" + struct.pack("<I", len(frames)) + frames


def content_for(path: str, spec: dict) -> bytes:
    if "content" in spec:
        return spec["content"].encode()
    if "tone" in spec:
        return tone_wav(path, seconds=float(spec["tone"]))
    if path.lower().endswith(".wav") and "size" not in spec:
        return tone_wav(path)
    size = spec.get("size", 1024)
    seed = hashlib.sha256(path.encode()).digest()
    return (seed * (size // len(seed) + 1))[:size]


class Account:
    def __init__(self, account_id, spec):
        self.id = account_id
        self.files = {}  # path_lower -> (path_display, spec)
        for path, file_spec in spec.get("files", {}).items():
            self.files[path.lower()] = (path, file_spec or {})
        self.expires_in = spec.get("expires_in", 14400)
        # Dropbox's limit is 10 000 entries; tests lower it to reach it cheaply.
        self.zip_max_entries = spec.get("zip_max_entries", ZIP_MAX_ENTRIES)
        # Who signed in: users/get_current_account answers with these.
        self.name = spec.get("name", "Stand-in User")
        self.email = spec.get("email", account_id.split(":")[-1].lower() + "@example.com")
        # Entries per list_folder page when the caller sets no limit; tests
        # lower it to page through folders cheaply.
        self.list_page = spec.get("list_page", 500)
        self.faults = []
        self.log = []

    def children(self, folder_lower):
        """The entries directly inside a folder ("" is the root): its files,
        and the folders that deeper files imply, sorted by name."""
        prefix = folder_lower.rstrip("/") + "/"
        found = {}
        for lower, (display, spec) in self.files.items():
            if not lower.startswith(prefix):
                continue
            rest = display[len(prefix):]
            if "/" in rest:
                top = rest.split("/", 1)[0]
                found.setdefault(top.lower(), ("folder", display[:len(prefix) + len(top)], None))
            else:
                found[rest.lower()] = ("file", display, spec)
        return [found[k] for k in sorted(found)]

    def descendants(self, folder_lower):
        """Everything under a folder, as a recursive list_folder lists it:
        each folder before what it holds."""
        found, queue = [], [folder_lower]
        while queue:
            current = queue.pop(0)
            for kind, display, spec in self.children(current):
                found.append((kind, display, spec))
                if kind == "folder":
                    queue.append(display.lower())
        return found

    def folder_entries(self, folder_lower):
        prefix = folder_lower.rstrip("/") + "/"
        return sorted(
            (display, spec)
            for lower, (display, spec) in self.files.items()
            if lower.startswith(prefix)
        )

    def lookup(self, path):
        """("file", display, spec), ("folder", display, None) or None."""
        lower = path.lower().rstrip("/")
        if lower in self.files:
            display, spec = self.files[lower]
            return ("file", display, spec)
        entries = self.folder_entries(lower)
        if entries:
            # The folder's own spelling, from the first file under it.
            display = entries[0][0][: len(lower)]
            return ("folder", display, None)
        return None


class State:
    def __init__(self, app_key, app_secret):
        self.lock = threading.Lock()
        self.app_key = app_key
        self.app_secret = app_secret
        self.accounts = {}
        self.codes = {}  # code -> (account_id, redirect_uri, expires)
        self.access = {}  # token -> [account_id, expires]
        self.refresh = {}  # token -> account_id (absent once revoked)
        self.links = {}  # id -> [account_id, path_lower, expires]
        self.unattributed = []
        # Every secret handed out, for tests that check none leaks into a log.
        self.issued = []

    def new_account(self, spec):
        # Dropbox account ids are "dbid:" and 35 more characters (its SDK checks).
        account_id = spec.get("account_id") or "dbid:" + secrets.token_urlsafe(27)[:35]
        self.accounts[account_id] = Account(account_id, spec)
        return account_id


def dbx_error(summary_tag, error):
    return {"error_summary": summary_tag + "/..", "error": error}


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "dropbox-standin"
    state: State = None

    def log_message(self, fmt, *args):
        if self.server.verbose:
            sys.stderr.write("standin: " + fmt % args + "\n")

    # ---- plumbing -------------------------------------------------------
    def body(self):
        length = int(self.headers.get("content-length") or 0)
        return self.rfile.read(length) if length else b""

    def reply(self, status, body=b"", content_type="application/json", headers=()):
        if isinstance(body, (dict, list)):
            body = json.dumps(body).encode()
        elif isinstance(body, str):
            body = body.encode()
            if content_type == "application/json":
                content_type = "text/plain; charset=utf-8"
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        if body or status not in (204, 304):
            self.send_header("content-type", content_type)
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def record(self, account, endpoint, status):
        entry = {"endpoint": endpoint, "status": status, "at": time.time()}
        with self.state.lock:
            (account.log if account else self.state.unattributed).append(entry)

    def injected(self, account, endpoint):
        """Applies the next fault queued for this account and endpoint.
        Returns True when the fault answered the request itself."""
        if account is None:
            return False
        with self.state.lock:
            fault = next(
                (f for f in account.faults if f["endpoint"] in (endpoint, "*")), None
            )
            if fault is None:
                return False
            fault["times"] -= 1
            if fault["times"] <= 0:
                account.faults.remove(fault)
        if fault.get("delay_ms"):
            time.sleep(fault["delay_ms"] / 1000)
        status = fault.get("status")
        if status is None:
            return False
        self.record(account, endpoint, status)
        if status == 429:
            retry = fault.get("retry_after", 1)
            error = {"reason": {".tag": "too_many_requests"}, "retry_after": retry}
            self.reply(429, dbx_error("too_many_requests", error),
                       headers=[("retry-after", str(retry))])
        else:
            self.reply(status, "Internal Server Error" if status >= 500 else "")
        return True

    def bearer_account(self, endpoint):
        """The account an access token belongs to, or answers 401 itself."""
        auth = self.headers.get("authorization", "")
        token = auth[7:] if auth.lower().startswith("bearer ") else None
        with self.state.lock:
            entry = self.state.access.get(token)
            account = self.state.accounts.get(entry[0]) if entry else None
        if account is None:
            self.record(None, endpoint, 401)
            self.reply(401, dbx_error("invalid_access_token",
                                      {".tag": "invalid_access_token"}))
            return None
        if self.injected(account, endpoint):
            return None
        if entry[1] <= time.time():
            self.record(account, endpoint, 401)
            self.reply(401, dbx_error("expired_access_token",
                                      {".tag": "expired_access_token"}))
            return None
        return account

    def path_error(self, account, endpoint, tag):
        self.record(account, endpoint, 409)
        self.reply(409, dbx_error("path/" + tag, {".tag": "path", "path": {".tag": tag}}))

    def bad_input(self, account, endpoint, what):
        """Dropbox answers malformed calls with 400 and plain text."""
        self.record(account, endpoint, 400)
        self.reply(400, f'Error in call to API function "files/{endpoint}": {what}')

    def find(self, account, endpoint, path, kind):
        """(display, spec) of the file or folder at `path`, or answers 409."""
        found = account.lookup(path)
        if found is None:
            self.path_error(account, endpoint, "not_found")
        elif found[0] != kind:
            self.path_error(account, endpoint, "not_" + kind)
        else:
            return found[1:]
        return None

    def metadata(self, kind, display, spec=None):
        """FileMetadata or FolderMetadata, with every field Dropbox's API
        spec marks required (the official SDK refuses an answer without)."""
        digest = hashlib.sha256(display.lower().encode()).hexdigest()
        meta = {".tag": kind, "name": display.rsplit("/", 1)[-1],
                "path_lower": display.lower(), "path_display": display,
                "id": "id:" + digest[:16]}
        if kind == "file":
            data = content_for(display, spec or {})
            hashed = content_hash(data)
            # Like Dropbox's, the rev changes when the file is replaced.
            rev = hashlib.sha256((display.lower() + hashed).encode()).hexdigest()
            meta.update(client_modified=FILE_TIME, server_modified=FILE_TIME,
                        rev="0" + rev[:15], size=len(data), is_downloadable=True,
                        content_hash=hashed)
        return meta

    # ---- Dropbox --------------------------------------------------------
    def do_GET(self):
        url = urlsplit(self.path)
        if url.path == "/oauth2/authorize":
            return self.authorize(parse_qs(url.query))
        if url.path.startswith("/tl/"):
            return self.temporary_link_bytes(url.path)
        if url.path.startswith("/__standin/"):
            return self.control("GET", url.path)
        self.reply(404, "Not Found")

    do_HEAD = do_GET

    def do_POST(self):
        url = urlsplit(self.path)
        routes = {
            "/oauth2/token": self.token,
            "/2/files/get_temporary_link": self.get_temporary_link,
            "/2/files/download_zip": self.download_zip,
            "/2/files/get_thumbnail_v2": self.get_thumbnail_v2,
            "/2/files/list_folder": self.list_folder,
            "/2/files/list_folder/continue": self.list_folder_continue,
            "/2/users/get_current_account": self.get_current_account,
        }
        if url.path in routes:
            return routes[url.path]()
        if url.path.startswith("/__standin/"):
            return self.control("POST", url.path)
        self.reply(404, "Not Found")

    def authorize(self, query):
        one = lambda name: (query.get(name) or [""])[0]
        if one("client_id") != self.state.app_key:
            return self.reply(400, "<h1>Invalid client_id</h1>", "text/html")
        if one("response_type") != "code" or not one("redirect_uri"):
            return self.reply(400, "<h1>Invalid request</h1>", "text/html")
        login, redirect, state = one("login"), one("redirect_uri"), one("state")
        if not login:
            # The consent page: one "Allow" link per account, as if signed in.
            with self.state.lock:
                accounts = list(self.state.accounts)
            base = self.path
            items = "".join(
                f'<li><a href="{base}&amp;login={quote(a)}">Allow as {a}</a></li>'
                for a in accounts
            )
            page = f"<!doctype html><title>Dropbox stand-in</title><h1>Allow access?</h1><ul>{items}</ul>"
            return self.reply(200, page, "text/html; charset=utf-8")
        params = {"state": state} if state else {}
        if one("deny"):
            params.update(error="access_denied",
                          error_description="The user chose not to give your app access to their Dropbox account.")
        else:
            with self.state.lock:
                if login not in self.state.accounts:
                    return self.reply(400, "<h1>Unknown account</h1>", "text/html")
                code = secrets.token_urlsafe(24)
                self.state.codes[code] = (login, redirect, time.time() + 600)
                self.state.issued.append(code)
            params["code"] = code
        sep = "&" if "?" in redirect else "?"
        self.reply(302, "", "text/html", [("location", redirect + sep + urlencode(params))])

    def token(self):
        form = {k: v[0] for k, v in parse_qs(self.body().decode("utf-8", "replace")).items()}
        client_id, secret = form.get("client_id"), form.get("client_secret")
        auth = self.headers.get("authorization", "")
        if auth.lower().startswith("basic "):
            try:
                client_id, _, secret = base64.b64decode(auth[6:]).decode().partition(":")
            except Exception:
                client_id = None
        grant = form.get("grant_type")
        with self.state.lock:
            if grant == "authorization_code":
                account_id = (self.state.codes.get(form.get("code")) or (None,))[0]
            else:
                account_id = self.state.refresh.get(form.get("refresh_token"))
            account = self.state.accounts.get(account_id)
        if self.injected(account, "token"):
            return
        if (client_id, secret) != (self.state.app_key, self.state.app_secret):
            self.record(account, "token", 400)
            return self.reply(400, {"error": "invalid_client",
                                    "error_description": "Invalid client_id or client_secret"})
        if grant == "authorization_code":
            with self.state.lock:
                entry = self.state.codes.pop(form.get("code"), None)
            if not entry or entry[2] < time.time() or entry[1] != form.get("redirect_uri"):
                self.record(account, "token", 400)
                error = "redirect_uri mismatch" if entry else "code doesn't exist or has expired"
                return self.reply(400, {"error": "invalid_grant", "error_description": error})
            answer = self.issue(account, refresh=True)
        elif grant == "refresh_token":
            if account is None:
                self.record(None, "token", 400)
                return self.reply(400, {"error": "invalid_grant",
                                        "error_description": "refresh token is invalid or revoked"})
            answer = self.issue(account, refresh=False)
        else:
            self.record(account, "token", 400)
            return self.reply(400, {"error": "unsupported_grant_type"})
        self.record(account, "token", 200)
        self.reply(200, answer)

    def issue(self, account, refresh):
        access = "sl." + secrets.token_urlsafe(32)
        answer = {"access_token": access, "token_type": "bearer",
                  "expires_in": account.expires_in}
        with self.state.lock:
            self.state.access[access] = [account.id, time.time() + account.expires_in]
            self.state.issued.append(access)
            if refresh:
                rt = secrets.token_urlsafe(32)
                self.state.refresh[rt] = account.id
                self.state.issued.append(rt)
                answer.update(refresh_token=rt, scope="files.content.read",
                              uid=str(abs(hash(account.id)) % 10**9), account_id=account.id)
        return answer

    def rpc(self, endpoint, argument="path"):
        """Reads an RPC call as Dropbox does: a JSON body, then the bearer
        token. Answers (account, argument's value) or None when it answered
        an error itself. `argument` None takes no argument (`null` body)."""
        raw = self.body()
        if not self.headers.get("content-type", "").startswith("application/json"):
            self.bad_input(None, endpoint, 'Bad HTTP "Content-Type" header. '
                                           'Expecting one of "application/json".')
            return None
        account = self.bearer_account(endpoint)
        if account is None:
            return None
        try:
            value = json.loads(raw or b"null")
            value = value[argument] if argument else value
        except Exception:
            self.bad_input(account, endpoint, "request body: could not decode input as JSON")
            return None
        return account, value

    def get_temporary_link(self):
        endpoint = "get_temporary_link"
        called = self.rpc(endpoint)
        if called is None:
            return
        account, path = called
        found = self.find(account, endpoint, path, "file")
        if found is None:
            return
        display, spec = found
        link_id = secrets.token_urlsafe(16)
        with self.state.lock:
            self.state.links[link_id] = [account.id, display.lower(), time.time() + LINK_LIFE_S]
            self.state.issued.append(link_id)
        host = self.headers.get("host")
        name = quote(display.rsplit("/", 1)[-1])
        meta = self.metadata("file", display, spec)
        self.record(account, endpoint, 200)
        self.reply(200, {"metadata": meta, "link": f"http://{host}/tl/{link_id}/{name}"})

    def list_folder(self):
        endpoint = "list_folder"
        called = self.rpc(endpoint, argument=None)
        if called is None:
            return
        account, args = called
        try:
            path, limit = args["path"], int(args.get("limit") or account.list_page)
            recursive = bool(args.get("recursive", False))
        except Exception:
            return self.bad_input(account, endpoint, "request body: could not decode input as JSON")
        if path and account.lookup(path) is None:
            return self.path_error(account, endpoint, "not_found")
        if path and account.lookup(path)[0] != "folder":
            return self.path_error(account, endpoint, "not_folder")
        self.list_page_of(account, endpoint, path.lower(), 0, limit, recursive)

    def list_folder_continue(self):
        endpoint = "list_folder/continue"
        called = self.rpc(endpoint, argument="cursor")
        if called is None:
            return
        account, cursor = called
        try:
            path, offset, limit, recursive = json.loads(
                base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        except Exception:
            return self.bad_input(account, endpoint, "cursor: invalid")
        if path and account.lookup(path) is None:
            # The folder went away: the cursor can no longer be continued.
            self.record(account, endpoint, 409)
            return self.reply(409, dbx_error("reset", {".tag": "reset"}))
        self.list_page_of(account, endpoint, path, offset, limit, recursive)

    def list_page_of(self, account, endpoint, path, offset, limit, recursive):
        entries = account.descendants(path) if recursive else account.children(path)
        page = entries[offset:offset + limit]
        cursor = base64.urlsafe_b64encode(
            json.dumps([path, offset + len(page), limit, recursive]).encode())
        self.record(account, endpoint, 200)
        self.reply(200, {"entries": [self.metadata(kind, display, spec) for kind, display, spec in page],
                         "cursor": cursor.decode().rstrip("="),
                         "has_more": offset + len(page) < len(entries)})

    def get_current_account(self):
        endpoint = "get_current_account"
        called = self.rpc(endpoint, argument=None)
        if called is None:
            return
        account = called[0]
        given, _, surname = account.name.partition(" ")
        initials = "".join(w[0] for w in account.name.split()[:2]).upper()
        namespace = str(abs(hash(account.id)) % 10**10)
        self.record(account, endpoint, 200)
        self.reply(200, {
            "account_id": account.id,
            "name": {"given_name": given, "surname": surname, "familiar_name": given,
                     "display_name": account.name, "abbreviated_name": initials},
            "email": account.email, "email_verified": True, "disabled": False,
            "locale": "en", "referral_link": "https://www.dropbox.com/referrals/standin",
            "is_paired": False, "account_type": {".tag": "basic"},
            "root_info": {".tag": "user", "root_namespace_id": namespace,
                          "home_namespace_id": namespace},
            "country": "PT"})

    def download_zip(self):
        endpoint = "download_zip"
        self.body()
        arg = self.headers.get("dropbox-api-arg", "")
        try:
            arg.encode("ascii")
            path = json.loads(arg)["path"]
        except Exception:
            return self.bad_input(None, endpoint, 'HTTP header "Dropbox-API-Arg": '
                                                  "could not decode input as JSON")
        account = self.bearer_account(endpoint)
        if account is None:
            return
        found = self.find(account, endpoint, path, "folder")
        if found is None:
            return
        display = found[0]
        entries = account.folder_entries(display.lower())
        sizes = [s.get("size", 0) for _, s in entries]
        if len(entries) + 1 > account.zip_max_entries:
            self.record(account, endpoint, 409)
            return self.reply(409, dbx_error("too_many_files", {".tag": "too_many_files"}))
        if sum(sizes) >= ZIP_MAX_BYTES or any(s >= 4 * 1024**3 for s in sizes):
            self.record(account, endpoint, 409)
            return self.reply(409, dbx_error("too_large", {".tag": "too_large"}))
        top = display.rsplit("/", 1)[-1]
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for file_display, spec in entries:
                inner = top + file_display[len(display):]
                archive.writestr(inner, content_for(file_display, spec))
        result = json.dumps({"metadata": self.metadata("folder", display)}, ensure_ascii=True)
        self.record(account, endpoint, 200)
        self.reply(200, buffer.getvalue(), "application/zip",
                   [("dropbox-api-result", result)])

    def get_thumbnail_v2(self):
        endpoint = "get_thumbnail_v2"
        self.body()
        try:
            arg = json.loads(self.headers.get("dropbox-api-arg", "").encode("ascii"))
            resource = arg["resource"]
            path = resource["path"] if resource[".tag"] == "path" else None
            fmt, size, mode = (tag(arg.get(k, d)) for k, d in
                               (("format", "jpeg"), ("size", "w64h64"), ("mode", "strict")))
            box = THUMBNAIL_SIZES[size]
            if not isinstance(path, str) or mode not in THUMBNAIL_MODES:
                raise ValueError
        except (UnicodeEncodeError, ValueError, KeyError, TypeError):
            return self.bad_input(None, endpoint, 'HTTP header "Dropbox-API-Arg": '
                                                  "could not decode input as JSON")
        if fmt not in ("jpeg", "png"):
            return self.bad_input(None, endpoint, "the stand-in draws jpeg and png only")
        account = self.bearer_account(endpoint)
        if account is None:
            return
        found = self.find(account, endpoint, path, "file")
        if found is None:
            return
        display, spec = found
        if display.rsplit(".", 1)[-1].lower() not in THUMBNAIL_EXTENSIONS:
            self.record(account, endpoint, 409)
            return self.reply(409, dbx_error("unsupported_extension",
                                             {".tag": "unsupported_extension"}))
        width, height = fitted(spec.get("width", 3000), spec.get("height", 3000), box, mode)
        colour = hashlib.sha256(content_for(display, spec)).digest()[:3]
        image = (solid_jpeg if fmt == "jpeg" else solid_png)(width, height, colour)
        result = {"file_metadata": self.metadata("file", display, spec)}
        self.record(account, endpoint, 200)
        self.reply(200, image, "application/octet-stream",
                   [("dropbox-api-result", json.dumps(result, ensure_ascii=True))])

    def temporary_link_bytes(self, path):
        link_id = path.split("/")[2]
        with self.state.lock:
            entry = self.state.links.get(link_id)
            account = self.state.accounts.get(entry[0]) if entry else None
        if account is None:
            return self.reply(404, "Not Found", "text/plain")
        if entry[2] <= time.time():
            self.record(account, "link", 410)
            return self.reply(410, "This link has expired.", "text/plain")
        display, spec = account.files[entry[1]]
        data = content_for(display, spec)
        content_type = "audio/wav" if display.lower().endswith(".wav") else "application/octet-stream"
        headers = [("content-disposition", attachment(display.rsplit("/", 1)[-1])),
                   ("accept-ranges", "bytes")]
        ranges = self.headers.get("range")
        if ranges:
            span = parse_range(ranges, len(data))
            if span is None:
                self.record(account, "link", 416)
                return self.reply(416, "", content_type,
                                  [("content-range", f"bytes */{len(data)}")])
            start, end = span
            self.record(account, "link", 206)
            return self.reply(206, data[start:end + 1], content_type,
                              [("content-range", f"bytes {start}-{end}/{len(data)}")] + headers)
        self.record(account, "link", 200)
        self.reply(200, data, content_type, headers)

    # ---- test control -----------------------------------------------------
    def control(self, method, path):
        parts = path.strip("/").split("/")[1:]
        spec = json.loads(self.body() or b"{}") if method == "POST" else {}
        state = self.state
        if parts == ["accounts"] and method == "POST":
            with state.lock:
                account_id = state.new_account(spec)
            return self.reply(200, {"account_id": account_id})
        if parts == ["log"]:
            return self.reply(200, state.unattributed)
        if parts == ["secrets"]:
            with state.lock:
                return self.reply(200, list(state.issued))
        if len(parts) < 3 or parts[0] != "accounts":
            return self.reply(404, {"error": "unknown control"})
        with state.lock:
            account = state.accounts.get(parts[1])
        if account is None:
            return self.reply(404, {"error": "unknown account"})
        action = parts[2]
        with state.lock:
            if action == "log" and method == "GET":
                return self.reply(200, account.log)
            if action == "faults" and method == "POST":
                if spec.get("clear"):
                    account.faults.clear()
                for fault in spec.get("faults", []):
                    fault.setdefault("endpoint", "*")
                    fault.setdefault("times", 1)
                    account.faults.append(fault)
                return self.reply(200, {"queued": len(account.faults)})
            if action == "settings" and method == "POST":
                account.expires_in = spec.get("expires_in", account.expires_in)
                return self.reply(200, {"expires_in": account.expires_in})
            if action == "files" and method == "POST":
                for p, file_spec in spec.get("files", {}).items():
                    account.files[p.lower()] = (p, file_spec or {})
                return self.reply(200, {"files": len(account.files)})
            if action == "revoke" and method == "POST":
                # As when the user unlinks the app: every token stops working.
                state.refresh = {t: a for t, a in state.refresh.items() if a != account.id}
                state.access = {t: e for t, e in state.access.items() if e[0] != account.id}
                return self.reply(200, {})
            if action == "expire_access_tokens" and method == "POST":
                for entry in state.access.values():
                    if entry[0] == account.id:
                        entry[1] = time.time() - 1
                return self.reply(200, {})
            if action == "expire_links" and method == "POST":
                for entry in state.links.values():
                    if entry[0] == account.id:
                        entry[2] = time.time() - 1
                return self.reply(200, {})
        self.reply(404, {"error": "unknown control"})


FILE_TIME = "2026-11-01T12:00:00Z"


def content_hash(data):
    """Dropbox's content hash: SHA-256 over the SHA-256 of each 4 MiB block."""
    blocks = [hashlib.sha256(data[i:i + 4 * 1024**2]).digest()
              for i in range(0, len(data), 4 * 1024**2)]
    return hashlib.sha256(b"".join(blocks)).hexdigest()


THUMBNAIL_SIZES = {f"w{w}h{h}": (w, h) for w, h in (
    (32, 32), (64, 64), (128, 128), (256, 256), (480, 320), (640, 480),
    (960, 640), (1024, 768), (2048, 1536))}
THUMBNAIL_MODES = ("strict", "bestfit", "fitone_bestfit", "original")
THUMBNAIL_EXTENSIONS = ("jpg", "jpeg", "png", "tiff", "tif", "gif", "webp", "ppm", "bmp",
                        "heic")


def tag(value):
    """A union member as sent: "jpeg" or {".tag": "jpeg"}."""
    return value[".tag"] if isinstance(value, dict) else value


def fitted(width, height, box, mode):
    """A thumbnail's size: scaled down (never up) to fit the box (`strict`),
    the box or its transpose (`bestfit`), or to cover it (`fitone_bestfit`)."""
    if mode == "original":
        return width, height
    boxes = [box] if mode == "strict" else [box, box[::-1]]
    pick = max if mode == "bestfit" else min
    if mode == "fitone_bestfit":
        scale = pick(max(bw / width, bh / height) for bw, bh in boxes)
    else:
        scale = pick(min(bw / width, bh / height) for bw, bh in boxes)
    scale = min(scale, 1.0)
    return max(1, round(width * scale)), max(1, round(height * scale))


def solid_png(width, height, rgb):
    """A PNG of one colour."""
    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))
    rows = (b"\0" + bytes(rgb) * width) * height
    return (b"\x89PNG\r\n\x1a\n"
            + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


def solid_jpeg(width, height, rgb):
    """A baseline JPEG of one colour. Every 8×8 block of a flat picture
    has only its DC coefficient, so the coding needs two tiny Huffman
    tables: DC categories as 4-bit codes, and AC's end-of-block as "0"."""
    r, g, b = rgb
    planes = (0.299 * r + 0.587 * g + 0.114 * b,
              128 - 0.168736 * r - 0.331264 * g + 0.5 * b,
              128 + 0.5 * r - 0.418688 * g - 0.081312 * b)
    # With every quantizer 1, a flat block's DC is 8 × (value − 128).
    dcs = [round(8 * (v - 128)) for v in planes]
    bits = []
    blocks = ((width + 7) // 8) * ((height + 7) // 8)
    for block in range(blocks):
        for dc in dcs:
            diff = dc if block == 0 else 0
            category = abs(diff).bit_length()
            bits.append(format(category, "04b"))
            if category:
                bits.append(format(diff if diff > 0 else diff + (1 << category) - 1,
                                   f"0{category}b"))
            bits.append("0")
    stream = "".join(bits)
    stream += "1" * (-len(stream) % 8)
    entropy = bytearray()
    for i in range(0, len(stream), 8):
        byte = int(stream[i:i + 8], 2)
        entropy.append(byte)
        if byte == 0xFF:
            entropy.append(0)

    def segment(marker, data):
        return struct.pack(">BBH", 0xFF, marker, len(data) + 2) + data
    return (b"\xff\xd8"
            + segment(0xE0, b"JFIF\0\x01\x01\0\0\x01\0\x01\0\0")
            + segment(0xDB, b"\0" + b"\x01" * 64)
            + segment(0xC0, struct.pack(">BHHB", 8, height, width, 3)
                      + b"".join(bytes([c, 0x11, 0]) for c in (1, 2, 3)))
            + segment(0xC4, b"\x00" + bytes([0, 0, 0, 12] + [0] * 12) + bytes(range(12))
                      + b"\x10" + bytes([1] + [0] * 15) + b"\0")
            + segment(0xDA, b"\x03" + b"".join(bytes([c, 0]) for c in (1, 2, 3))
                      + b"\x00\x3f\x00")
            + bytes(entropy) + b"\xff\xd9")


def attachment(name):
    """The Content-Disposition temporary links serve: the name as plain
    ASCII, and in full as RFC 5987 UTF-8."""
    plain = name.encode("ascii", "replace").decode().replace('"', "_").replace("\\", "_")
    return f"attachment; filename=\"{plain}\"; filename*=UTF-8''{quote(name)}"


def parse_range(header, size):
    """The one byte range of a `Range: bytes=…` header, or None."""
    if not header.startswith("bytes=") or "," in header or size == 0:
        return None
    first, _, last = header[6:].strip().partition("-")
    try:
        if first == "":
            length = int(last)
            if length <= 0:
                return None
            return max(size - length, 0), size - 1
        start = int(first)
        end = int(last) if last else size - 1
    except ValueError:
        return None
    if start >= size or end < start:
        return None
    return start, min(end, size - 1)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--port", type=int, default=8788)
    parser.add_argument("--app-key", default="standin-app-key")
    parser.add_argument("--app-secret", default="standin-app-secret")
    parser.add_argument("--accounts", help="JSON file: a list of account specs to create")
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args()
    state = State(args.app_key, args.app_secret)
    if args.accounts:
        with open(args.accounts) as f:
            for spec in json.load(f):
                state.new_account(spec)
    Handler.state = state
    # Dropbox takes many connections at once; the standard library's listen
    # backlog of 5 would make a burst of visitors wait on SYN retries.
    ThreadingHTTPServer.request_queue_size = 256
    server = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    server.daemon_threads = True
    server.verbose = args.verbose
    print(f"dropbox stand-in on http://127.0.0.1:{args.port}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
