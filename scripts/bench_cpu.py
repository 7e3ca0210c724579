"""CPU per request of the worker under wrangler dev, read from the workerd
processes' own counters (utime + stime in /proc/<pid>/stat) before and after
a run of sequential requests per case: an unknown token (one D1 read and a
404 page) as the baseline, a one-track share, and the largest share the
limits allow, built through the API with every text at its longest.
Run by scripts/bench-cpu.sh, which starts the stack.

usage: bench_cpu.py BASE_URL ADMIN_TOKEN WORKER_PGID REQUESTS
"""

import json
import os
import re
import sys
import time
import urllib.request
from pathlib import Path

base, admin, pgid, requests = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
limits = {m[1]: int(m[2].replace("_", "")) for m in re.finditer(
    r"pub const (\w+): \w+ = ([\d_]+);", (Path(__file__).parent.parent / "src/limits.rs").read_text())}


def call(method, path, token, body=None):
    req = urllib.request.Request(base + path, method=method, data=json.dumps(body).encode() if body else None,
                                 headers={"authorization": f"Bearer {token}", "content-type": "application/json"})
    with urllib.request.urlopen(req) as answer:
        return json.load(answer)


def workerd_ticks():
    total = 0
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            stat = Path(f"/proc/{pid}/stat").read_text()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        if "(workerd)" in stat and int(fields[2]) == pgid:
            total += int(fields[11]) + int(fields[12])
    return total


def get(path):
    # As a link-preview bot: the page is rendered in full, and no view is
    # written after it, so the figures are the page's own cost.
    req = urllib.request.Request(base + path, headers={"user-agent": "Slackbot-LinkExpanding 1.0"})
    try:
        with urllib.request.urlopen(req) as answer:
            return answer.read()
    except urllib.error.HTTPError as e:
        return e.read()


key = call("POST", "/admin/producers", admin, {"handle": f"bench-{os.getpid()}", "display_name": "N" * 80})["api_key"]
people = [{"name": "N" * limits["PERSON_CHARS"], "role": "R" * limits["PERSON_CHARS"],
           "avatar_url": "https://cdn.example.com/" + "a" * 100, "url": "https://example.com/" + "u" * 100}]
kinds = ["master", "bounce", "stems", "project", "other"]
tracks = []
for t in range(limits["TRACKS_PER_SHARE"]):
    files = [{"kind": kinds[i % 5], "path": f"/Music/{t}/{'f' * 100}-{i}.wav", "folder": i % 5 == 2,
              "label": "L" * limits["FILE_LABEL_CHARS"]} for i in range(limits["FILES_PER_TRACK"])]
    tracks.append(call("POST", "/api/tracks", key, {
        "title": "Ü" * limits["TRACK_TITLE_CHARS"], "bpm": 128, "key": "K" * limits["MUSICAL_KEY_CHARS"],
        "artwork_path": "/Art/cover.jpg", "files": files,
        "collaborators": people * limits["COLLABORATORS_PER_TRACK"]})["id"])
everything = {"kinds": kinds}
largest = call("POST", "/api/shares", key, {"track_ids": tracks, "downloads": everything,
                                            "title": "T" * limits["SHARE_TITLE_CHARS"],
                                            "description": "D" * limits["DESCRIPTION_CHARS"]})["token"]
one = call("POST", "/api/shares", key, {"track_ids": tracks[:1]})["token"]
hz = os.sysconf("SC_CLK_TCK")
cases = [("unknown token (404)", "/s/no-such-token"), ("share, 1 track", f"/s/{one}"),
         ("largest allowed share", f"/s/{largest}")]
print(f"limits: {limits['TRACKS_PER_SHARE']} tracks x {limits['FILES_PER_TRACK']} files x "
      f"{limits['COLLABORATORS_PER_TRACK']} collaborators; {requests} sequential requests per case "
      f"and round, 5 rounds interleaved, medians")
runs = {label: [] for label, _ in cases}
for _ in range(5):
    for label, path in cases:
        for _ in range(5):
            get(path)
        before, start = workerd_ticks(), time.monotonic()
        for _ in range(requests):
            get(path)
        runs[label].append(((workerd_ticks() - before) * 1000 / hz / requests,
                            (time.monotonic() - start) * 1000 / requests))
median = lambda xs: sorted(xs)[len(xs) // 2]
baseline = median([cpu for cpu, _ in runs[cases[0][0]]])
for label, path in cases:
    cpu, wall = median([c for c, _ in runs[label]]), median([w for _, w in runs[label]])
    print(f"{label:<24} {len(get(path)):>9} B  workerd CPU {cpu:6.2f} ms/request "
          f"({cpu - baseline:+6.2f} ms over the 404)  wall {wall:6.2f} ms")
