"""Benchmark: per-request cost of the main routes, start-up time and memory. Prints figures only.

Drives the ASGI app in-process through httpx's ASGITransport (no sockets, no server), so the
figures compare routes with each other in one run; absolute numbers depend on the machine.
Usage: make bench  (or .venv/bin/python scripts/bench.py)
"""

from __future__ import annotations

import asyncio
import resource
import time

import httpx

SLUG = "medication-and-therapy"
N = 500


def rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


async def main() -> None:
    before = rss_mib()
    t0 = time.perf_counter()
    from api.app import create_app

    app = create_app()
    start_ms = (time.perf_counter() - t0) * 1000
    print(f"start-up (import, parse articles, load 14 locales' catalogs): {start_ms:.0f} ms; "
          f"peak RSS {before:.0f} -> {rss_mib():.0f} MiB")
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://bench") as client:
        etag = (await client.get(f"/api/v1/articles/{SLUG}?lang=ar")).headers["etag"]
        cases = {
            "JSON article (ar)": (f"/api/v1/articles/{SLUG}?lang=ar", {}),
            "JSON article, 304 revalidation": (f"/api/v1/articles/{SLUG}?lang=ar", {"If-None-Match": etag}),
            "JSON article via Accept-Language": (f"/api/v1/articles/{SLUG}", {"Accept-Language": "zh-TW,zh;q=0.9"}),
            "JSON article list (vi)": ("/api/v1/articles?lang=vi", {}),
            "JSON locales": ("/api/v1/locales", {}),
            "HTML article (fa)": (f"/fa/articles/{SLUG}", {}),
            "HTML home (ko)": ("/ko/", {}),
            "HTML embed (ar)": (f"/embed/ar/{SLUG}", {}),
            "404 page (localized)": ("/es/articles/nope", {}),
        }
        results = {}
        for name, (url, headers) in cases.items():
            await client.get(url, headers=headers)  # first hit fills the per-locale caches
            t = time.perf_counter()
            for _ in range(N):
                await client.get(url, headers=headers)
            results[name] = (time.perf_counter() - t) / N * 1000
    base = results["JSON article (ar)"]
    print(f"\n{'route':36} {'ms/request':>10} {'vs JSON article':>16}")
    for name, ms in results.items():
        print(f"{name:36} {ms:10.2f} {ms / base:15.2f}x")
    print(f"\npeak RSS after {N * len(cases)} requests: {rss_mib():.0f} MiB")


if __name__ == "__main__":
    asyncio.run(main())
