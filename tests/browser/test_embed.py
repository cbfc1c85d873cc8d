"""A partner's page on another origin embeds an Arabic article with the oEmbed code."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

import httpx
from playwright.sync_api import Browser

from tests.browser.harness import SLUG, partner_portal


def test_rtl_embed_in_an_iframe_on_another_origin(browser: Browser, base_url: str, tmp_path: Path) -> None:
    oembed = httpx.get(f"{base_url}/api/oembed?url={quote(f'{base_url}/ar/articles/{SLUG}')}&maxheight=300").json()
    context = browser.new_context()
    with partner_portal(tmp_path, oembed["html"]) as portal:
        try:
            page = context.new_page()
            page.goto(portal)
            frame = page.frame_locator("iframe")
            frame.locator("h1").wait_for()
            assert frame.locator("html").get_attribute("dir") == "rtl"
            assert frame.locator("html").get_attribute("lang") == "ar"
            assert frame.locator("aside#help-now").is_visible()
            # The optional script reports the height; the partner's script sizes the iframe to fit.
            page.wait_for_function("() => parseInt(document.querySelector('iframe').style.height) > 1000")
            assert context.cookies() == []
        finally:
            context.close()


# A video player's embed on the same portal: its address contains "/embed/" too (YouTube's does), and it
# posts what our embeds post. It sends from the portal's origin, never from ours.
VIDEO_PLAYER = """<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Video</title></head>
<body><p>A video player</p><script>
function post() { parent.postMessage({ type: "bothand:height", height: 5000 }, "*"); }
post(); setInterval(post, 50);
</script></body></html>"""
# Counts the player's messages as the portal receives them, so the test knows the partner script saw them.
COUNTER = """<script>
window.playerMessages = 0;
window.addEventListener("message", function (event) {
  var player = document.getElementById("player");
  if (player && event.source === player.contentWindow) window.playerMessages++;
});
</script>"""


def test_partner_script_resizes_only_our_iframe(browser: Browser, base_url: str, tmp_path: Path) -> None:
    oembed = httpx.get(f"{base_url}/api/oembed?url={quote(f'{base_url}/es/articles/{SLUG}')}&maxheight=300").json()
    (tmp_path / "embed").mkdir()
    (tmp_path / "embed" / "player.html").write_text(VIDEO_PLAYER, encoding="utf-8")
    player = '<iframe id="player" src="/embed/player.html" title="A video" width="560" height="315"></iframe>'
    context = browser.new_context()
    with partner_portal(tmp_path, COUNTER + player + oembed["html"]) as portal:
        try:
            page = context.new_page()
            page.goto(portal)
            page.wait_for_function(
                "() => window.playerMessages >= 5"
                " && parseInt(document.querySelector('iframe[lang=es]').style.height) > 1000")
            assert page.eval_on_selector("#player", "frame => frame.style.height") == ""
            assert page.eval_on_selector("#player", "frame => frame.clientHeight") == 315
        finally:
            context.close()


def test_country_chooser_reloads_the_embed_in_its_iframe(browser: Browser, base_url: str, tmp_path: Path) -> None:
    """The embed's country form has no action of its own: it must go to the embed's own address, keep
    resize=0, stay in the iframe (the partner's page does not move) and set no cookie."""
    iframe = (f'<iframe src="{base_url}/embed/es/{SLUG}?country=MX&amp;resize=0" title="Artículo"'
              ' width="600" height="900"></iframe>')
    context = browser.new_context()
    with partner_portal(tmp_path, iframe) as portal:
        try:
            page = context.new_page()
            page.goto(portal)
            frame = page.frame_locator("iframe")
            frame.locator("#help-now-country").select_option("CA")
            with page.expect_request(lambda r: "country=CA" in r.url):
                frame.locator(".country-form button").click()
            frame.locator(".crisis-contact[href='tel:988']").wait_for()
            embedded = next(f for f in page.frames if f is not page.main_frame)
            assert embedded.url == f"{base_url}/embed/es/{SLUG}?country=CA&resize=0"
            assert page.url == portal
            assert frame.locator("#help-now-country").input_value() == "CA"
            assert context.cookies() == []
        finally:
            context.close()
