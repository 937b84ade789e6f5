"""Sign in through the login page as a person would, then check that the exercise's
Charter determinations reach the map: used by scripts/first-hour.sh.

    python scripts/first_hour_check.py http://127.0.0.1:8000 admin PASSWORD

Only the standard library: it runs with any Python 3.11.
"""

from __future__ import annotations

import http.cookiejar
import json
import re
import sys
import urllib.error
import urllib.parse
import urllib.request


def main(base: str, username: str, password: str) -> int:
    opener = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
    with opener.open(f"{base}/login") as answer:
        form = answer.read().decode()
    token = re.search(r'name="csrf_token" value="([^"]+)"', form)
    if not token:
        return fail("the login page has no form token")
    body = urllib.parse.urlencode({"username": username, "password": password,
                                   "csrf_token": token.group(1), "next": "/"}).encode()
    try:
        with opener.open(f"{base}/login", data=body) as answer:
            page, landed = answer.read().decode(), urllib.parse.urlparse(answer.url).path
    except urllib.error.HTTPError as exc:
        return fail(f"signing in as {username} was refused (HTTP {exc.code})")
    if landed != "/" or 'id="map"' not in page:
        return fail(f"signing in as {username} did not open the map (landed on {landed})")
    print(f"signed in as {username} through the login page; the map page opened")
    with opener.open(f"{base}/api/v1/incidents?source=national&limit=5000") as answer:
        features = json.load(answer)["features"]
    exercise = [f["properties"] for f in features if f["properties"]["exercise"]]
    engaged = [p for p in exercise if "6" in p["engaged"]]
    undetermined = [p for p in exercise if p["undetermined"]]
    if not engaged or not undetermined:
        return fail(f"the map's exercise reports: {len(exercise)}, engaging Art. 6: "
                    f"{len(engaged)}, with an undetermined article: {len(undetermined)}")
    print(f"the map shows {len(exercise)} exercise reports: {len(engaged)} engage Art. 6, "
          f"{len(undetermined)} have an article still undetermined")
    return 0


def fail(why: str) -> int:
    print(f"FAILED: {why}", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:4]))
