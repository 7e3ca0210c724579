"""No secret in any log line: reads the worker's log from a whole test run
(wrangler dev's output: the worker's console lines and wrangler's own) and
fails on any secret the run created: the operator token, the sealing key,
the Dropbox app secret, every code, token and temporary link the Dropbox
stand-in issued, and anything shaped like an API key.

usage: log_check.py LOG STANDIN_URL [NAME=SECRET ...]
"""

import json
import re
import sys
import urllib.request

API_KEY = re.compile(r"sp\.[A-Za-z0-9_-]{16,}\.[A-Za-z0-9_-]{16,}")


def main():
    log_path, standin, *named = sys.argv[1:]
    lines = open(log_path, encoding="utf-8", errors="replace").read().splitlines()
    with urllib.request.urlopen(standin + "/__standin/secrets") as answer:
        issued = json.load(answer)
    secrets = [("dropbox", s) for s in issued]
    secrets += [tuple(n.split("=", 1)) for n in named]
    secrets = [(kind, s) for kind, s in secrets if len(s) >= 8]
    # An empty log, or a run that never reached Dropbox, would prove nothing.
    assert any("[wrangler:info]" in line for line in lines), f"{log_path} holds no request log"
    assert issued, "the Dropbox stand-in issued no secret: nothing was checked against it"
    leaks = []
    for number, line in enumerate(lines, 1):
        for kind, secret in secrets:
            if secret in line:
                leaks.append(f"line {number}: a {kind} secret")
        if API_KEY.search(line):
            leaks.append(f"line {number}: an API key")
    if leaks:
        print("secrets in the worker log:\n  " + "\n  ".join(leaks[:20]), file=sys.stderr)
        sys.exit(1)
    print(f"no secret in {len(lines)} log lines ({len(secrets)} secrets checked, API keys by shape)")


if __name__ == "__main__":
    main()
