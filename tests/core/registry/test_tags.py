"""Tag lists: every page of a repository's tags, on the registry's own origin, bounded."""

from __future__ import annotations

import asyncio
import os

import pytest

from foreign_explorer.core.registry import errors as e
from foreign_explorer.core.registry.client import RegistryClient, RegistryOptions
from foreign_explorer.core.registry.tags import next_link, parse_tags
from tests.registry import images
from tests.registry.harness import RegistryPool, RunningRegistry
from tests.servers.registries import FrontEndRegistry
from tests.servers.scripted import Reply, ScriptedServer, json_reply, routes

TAGS = ("v1", "v2", "v3", "v4", "v5")


def _client(**options: object) -> RegistryClient:
    env = {"HOME": "/nonexistent", "PATH": os.environ["PATH"]}
    return RegistryClient(RegistryOptions(**options), env=env)  # type: ignore[arg-type]


def _push_tags(registry: RunningRegistry, hint: str) -> str:
    repo = registry.new_repo(hint)
    image = images.docker_image([images.layer(f"tags-{hint}")])
    for tag in TAGS:
        assert images.push_image(registry, repo, image, ref=tag).status == 201
    return repo


# --- the Link header ------------------------------------------------------------------------


def test_next_link_is_the_path_and_query_of_distributions_header() -> None:
    value = '</v2/a/b/tags/list?last=v2&n=2>; rel="next"'
    assert next_link([value], "http://127.0.0.1:5/v2/a/b/tags/list?n=2") == (
        "/v2/a/b/tags/list?last=v2&n=2"
    )


def test_next_link_reads_absolute_targets_and_rel_lists_on_the_same_origin() -> None:
    value = (
        '<https://r.example/v2/x/tags/list?last=z>; rel="prev", '
        '<https://r.example/v2/x/tags/list?last=y>; rel="next last"'
    )
    assert next_link([value], "https://r.example/v2/x/tags/list") == "/v2/x/tags/list?last=y"


def test_no_next_relation_ends_the_list() -> None:
    assert next_link(['</v2/x/tags/list?last=y>; rel="prev"'], "https://r.example/") is None
    assert next_link([], "https://r.example/") is None


def test_a_next_page_on_another_origin_is_refused() -> None:
    value = '<https://evil.example/v2/x/tags/list?last=y>; rel="next"'
    with pytest.raises(e.MalformedResponse, match="another origin"):
        next_link([value], "https://r.example/v2/x/tags/list")


@pytest.mark.parametrize("body", [b"[]", b'{"tags": "v1"}', b'{"tags": [1]}', b"not json"])
def test_a_tag_list_that_is_not_a_list_of_strings_is_malformed(body: bytes) -> None:
    with pytest.raises(e.MalformedResponse):
        parse_tags(body, "the tag list")


def test_a_null_tag_list_is_no_tags() -> None:
    assert parse_tags(b'{"name": "a", "tags": null}', "the tag list") == ()


# --- real registries ------------------------------------------------------------------------


async def test_distribution_3_pages_with_n_and_every_page_is_followed(
    registry3_pool: RegistryPool,
) -> None:
    registry = registry3_pool.registry_for(None)
    repo = _push_tags(registry, "paged")
    async with _client() as client:
        tags = await client.list_tags(f"127.0.0.1:{registry.port}/{repo}", page_size=2)
        pages = [r for r in client.requests if r.purpose == "tag list"]
    assert tags == TAGS
    assert len(pages) == 3
    assert [r.status for r in pages] == [200, 200, 200]


async def test_distribution_2_8_ignores_n_and_answers_every_tag_at_once(
    registry_pool: RegistryPool,
) -> None:
    registry = registry_pool.registry_for(None)
    repo = _push_tags(registry, "unpaged")
    async with _client() as client:
        tags = await client.list_tags(f"127.0.0.1:{registry.port}/{repo}", page_size=2)
        assert client.request_count == 1
    assert sorted(tags) == list(TAGS)


async def test_a_tag_list_behind_token_auth_costs_challenge_token_list(
    token_registry: FrontEndRegistry, single: tuple[str, images.Image]
) -> None:
    repo, _ = single
    async with _client() as client:
        tags = await client.list_tags(f"{token_registry.host}/{repo}")
        assert [(r.purpose, r.status) for r in client.requests] == [
            ("tag list", 401),
            ("token", 200),
            ("tag list", 200),
        ]
        # The same scope's token serves the manifests that follow: one request each.
        await client.fetch_image(f"{token_registry.host}/{repo}:{tags[0]}")
        assert client.request_count == 4
    assert sorted(tags) == ["v1", "v2"]


async def test_the_tag_list_of_a_missing_repository_says_so(
    push_registry: RunningRegistry,
) -> None:
    async with _client() as client:
        with pytest.raises(e.RepositoryNotFound, match="fe/no-such-repo is not known"):
            await client.list_tags(f"127.0.0.1:{push_registry.port}/fe/no-such-repo")


# --- faults a real registry does not produce ------------------------------------------------


def test_pages_that_lead_in_a_circle_are_refused() -> None:
    page = json_reply(200, {"name": "a", "tags": ["x"]}, ("Link", '</v2/a/tags/list>; rel="next"'))

    async def run(server: ScriptedServer) -> None:
        async with _client() as client:
            await client.list_tags(f"{server.netloc}/a")

    with ScriptedServer(routes({"/v2/a/tags/list": page})) as server:
        with pytest.raises(e.TagListTooLong, match="lead in a circle"):
            asyncio.run(run(server))
        assert len(server.requests_to("/v2/a/tags/list")) == 1


def test_a_page_over_the_byte_cap_stops_the_reading() -> None:
    big = Reply(200, b'{"tags": [' + b'"x",' * (1 << 20) + b'"x"]}', chunked=True)

    async def run(server: ScriptedServer) -> None:
        async with _client() as client:
            await client.list_tags(f"{server.netloc}/a")

    with (
        ScriptedServer(routes({"/v2/a/tags/list": big})) as server,
        pytest.raises(e.TagListTooLong, match="larger than"),
    ):
        asyncio.run(run(server))
