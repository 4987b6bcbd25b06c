#!/usr/bin/env python3
"""Fills ComfyUI's models folder before ComfyUI starts: the deployment's twin of the AppHost's model-download step.

Each file is downloaded into <file>.partial, resumed after a cut connection with an HTTP Range request, checked
against its SHA-256 and only then moved into place. A file already there is kept when its hash matches (hashed once,
then remembered in <file>.verified by size and time, the same marker the AppHost writes). Exit code 0 when every
file is in place, 1 with the reason otherwise.

Environment:
  COMFYUI_MODELS      JSON list of {"url": ..., "path": "checkpoints/x.safetensors", "sha256": ... (optional)}
  COMFYUI_MODELS_DIR  the models folder (default /opt/ComfyUI/models)
  HF_TOKEN            optional; sent as "Authorization: Bearer" to the file's host only, never printed
"""
import hashlib
import http.client
import json
import os
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

CHUNK = 1 << 20
ATTEMPTS_WITHOUT_PROGRESS = 5
RETRY_DELAY_SECONDS = float(os.environ.get("FETCH_MODELS_RETRY_DELAY", "2"))
DOTNET_EPOCH_TICKS = 621355968000000000  # .NET DateTime ticks at 1970-01-01, so the .verified markers match the AppHost's


class DownloadError(Exception):
    pass


class DropAuthorizationOffHost(urllib.request.HTTPRedirectHandler):
    """Hugging Face redirects to a CDN with a signed URL: the token must not travel there."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        new = super().redirect_request(req, fp, code, msg, headers, newurl)
        if new is not None and urllib.parse.urlsplit(newurl).hostname != urllib.parse.urlsplit(req.full_url).hostname:
            new.remove_header("Authorization")
        return new


OPENER = urllib.request.build_opener(DropAuthorizationOffHost)


def log(message):
    print(message, flush=True)


def hash_file(path, digest):
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(CHUNK), b""):
            digest.update(chunk)
    return digest


def marker(sha256, path):
    st = os.stat(path)
    return f"sha256={sha256} size={st.st_size} mtime={st.st_mtime_ns // 100 + DOTNET_EPOCH_TICKS}"


def read_marker(path):
    try:
        with open(path + ".verified", encoding="utf-8") as f:
            return f.read().strip()
    except OSError:
        return None


def write_marker(path, sha256):
    with open(path + ".verified", "w", encoding="utf-8") as f:
        f.write(marker(sha256, path) + "\n")


def target_path(root, relative):
    root = os.path.realpath(root)
    target = os.path.realpath(os.path.join(root, *relative.split("/")))
    if not target.startswith(root + os.sep):
        raise DownloadError(f"{relative} is outside the models folder {root}")
    return target


def gigabytes(n):
    return f"{n / 1e9:.1f}"


def ensure(model, root, token):
    url, relative, expected = model["url"], model["path"], (model.get("sha256") or "").lower() or None
    target = target_path(root, relative)
    if os.path.exists(target):
        if expected is None:
            log(f"{relative}: already present, not verified (no sha256 given); not downloaded")
            return
        if read_marker(target) == marker(expected, target):
            log(f"{relative}: already present, SHA-256 {expected} verified; not downloaded")
            return
        actual = hash_file(target, hashlib.sha256()).hexdigest()
        if actual == expected:
            write_marker(target, actual)
            log(f"{relative}: already present, SHA-256 {actual} verified; not downloaded")
            return
        log(f"{relative}: present but its SHA-256 is {actual}, expected {expected}: downloading a good copy")

    os.makedirs(os.path.dirname(target), exist_ok=True)
    partial = target + ".partial"
    digest, have = hashlib.sha256(), 0
    if os.path.exists(partial):
        hash_file(partial, digest)
        have = os.path.getsize(partial)
        log(f"{relative}: resuming at byte {have}")
    total, failures, requests = model.get("size"), 0, 0
    started = last_report = time.monotonic()   # progress lines every 10 s
    while True:
        request = urllib.request.Request(url, headers={"User-Agent": "FluxAspire-fetch-models"})
        if have:
            request.add_header("Range", f"bytes={have}-")
        if token:
            request.add_header("Authorization", f"Bearer {token}")
        before, requests = have, requests + 1
        try:
            with OPENER.open(request, timeout=60) as response:
                if response.status == 206:
                    content_range = response.headers.get("Content-Range", "")   # bytes from-to/total
                    start = int(content_range.split(" ", 1)[1].split("-", 1)[0])
                    if start != have:
                        raise OSError(f"asked for byte {have}, got a range from {start}")
                    size = content_range.rsplit("/", 1)[1]
                    total = int(size) if size != "*" else total
                    mode = "ab"
                else:   # a first request, or a server that ignores Range: (re)start from byte 0
                    digest, have, mode = hashlib.sha256(), 0, "wb"
                    length = response.headers.get("Content-Length")
                    total = int(length) if length else total
                with open(partial, mode) as out:
                    while chunk := response.read(CHUNK):
                        out.write(chunk)
                        digest.update(chunk)
                        have += len(chunk)
                        if time.monotonic() - last_report >= 10:
                            last_report = time.monotonic()
                            share = f"{have * 100 // total}% " if total else ""
                            log(f"{relative}: {share}({gigabytes(have)} of {gigabytes(total) if total else '?'} GB)")
            if total is None or have >= total:
                break
            raise OSError(f"the body ended at byte {have} of {total}")
        except urllib.error.HTTPError as e:
            if e.code in (401, 403):
                raise DownloadError(f"Downloading {relative}: {url} answered {e.code} {e.reason}. "
                                    "The file needs a token with access: set HF_TOKEN (the hf-token parameter).")
            if e.code in (404, 410):
                raise DownloadError(f"Downloading {relative}: {url} answered {e.code} {e.reason}")
            if e.code == 416 and total == have:
                break   # the partial already holds the whole file
            if e.code == 416:
                os.remove(partial)   # longer than the file, or the file changed: start over
                digest, have = hashlib.sha256(), 0
            error = e
        except (urllib.error.URLError, OSError, http.client.HTTPException, ValueError, IndexError) as e:
            error = e
        failures = 1 if have > before else failures + 1
        if failures >= ATTEMPTS_WITHOUT_PROGRESS:
            raise DownloadError(f"Downloading {relative} from {url} failed {failures} times without progress: {error}. "
                                f"The partial file ({have} bytes) is kept; the next run resumes it.")
        time.sleep(RETRY_DELAY_SECONDS)

    actual = digest.hexdigest()
    if expected is not None and actual != expected:
        os.remove(partial)
        raise DownloadError(f"SHA-256 mismatch for {relative} from {url}: expected {expected}, got {actual}. "
                            "The download was deleted; check ComfyUI:Models Url and Sha256.")
    os.replace(partial, target)
    write_marker(target, actual)
    verified = f"SHA-256 {actual} verified" if expected else "not verified: no sha256 given"
    log(f"{relative}: downloaded {gigabytes(have)} GB in {time.monotonic() - started:.0f} s ({requests} requests), {verified}")


def main():
    try:
        models = json.loads(os.environ.get("COMFYUI_MODELS") or "[]")
        root = os.environ.get("COMFYUI_MODELS_DIR") or "/opt/ComfyUI/models"
        token = os.environ.get("HF_TOKEN") or None
        for model in models:
            ensure(model, root, token)
    except (DownloadError, OSError, ValueError, KeyError) as e:
        log(f"fetch_models: {e}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
