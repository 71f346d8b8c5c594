"""A repository's tag list: `GET /v2/<name>/tags/list`, following `Link: <...>; rel="next"`.

distribution 3 pages when asked (`?n=`) and names the next page in a `Link` header
(`</v2/<name>/tags/list?last=b&n=2>; rel="next"`); 2.8 ignores `n` and answers every tag at
once; hosted registries page whether asked or not. Pages are followed on the registry's own
origin only, and bounded: pages, bytes per page and tags in all.
"""

from __future__ import annotations

from dataclasses import dataclass

from foreign_explorer.core.registry import errors as e
from foreign_explorer.core.registry.jsonbody import read_object

MAX_PAGE_BYTES = 4 * 1024 * 1024
MAX_PAGES = 1000
MAX_TAGS = 100_000


@dataclass(frozen=True)
class TagPage:
    tags: tuple[str, ...]
    # The next page as a path with its query (`/v2/a/tags/list?last=b&n=2`), or None.
    next_path: str | None


def parse_tags(body: bytes, where: str) -> tuple[str, ...]:
    """The `tags` of a tag list answer (`null` and a missing list are no tags)."""
    doc = read_object(body, where)
    tags = doc.get("tags")
    if tags is None:
        return ()
    if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
        raise e.MalformedResponse(f"{where}: 'tags' is not a list of strings")
    return tuple(tags)


def _link_entries(value: str) -> list[tuple[str, str]]:
    """(target, parameters) of each `<target>; params` entry of one Link header value."""
    entries = []
    i = 0
    while True:
        start = value.find("<", i)
        if start < 0:
            return entries
        end = value.find(">", start)
        if end < 0:
            return entries
        target = value[start + 1 : end]
        # Parameters run to the next entry's `<` (quoted values hold no `<` in practice).
        following = value.find("<", end)
        params = value[end + 1 : following if following >= 0 else len(value)]
        entries.append((target, params))
        i = end + 1


def _is_next(params: str) -> bool:
    for param in params.split(";"):
        key, _, raw = param.strip().partition("=")
        if key.strip().lower() == "rel":
            rels = raw.strip().strip(",").strip().strip('"').lower().split()
            return "next" in rels
    return False


def next_link(values: list[str] | tuple[str, ...], current_url: str) -> str | None:
    """The `rel="next"` target as a path with its query, when it stays on the same origin."""
    import httpx

    from foreign_explorer.core.registry.transport import origin_of, origin_text

    for value in values:
        for target, params in _link_entries(value):
            if not _is_next(params):
                continue
            try:
                url = httpx.URL(current_url).join(target)
            except httpx.InvalidURL:
                raise e.MalformedResponse("the tag list's next-page link is not a URL") from None
            if url.scheme not in ("http", "https") or origin_of(str(url)) != origin_of(current_url):
                raise e.MalformedResponse(
                    f"the tag list's next page is on another origin ({origin_text(str(url))}); "
                    "not following it"
                )
            return url.raw_path.decode("ascii")
    return None
