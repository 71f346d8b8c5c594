"""check's text output is made in blocks, descriptors that read alike sharing their lines:
the same text as rendering every descriptor one by one."""

from __future__ import annotations

import io

import pytest

from foreign_explorer.commands import check
from foreign_explorer.console import Style
from foreign_explorer.core.evaluate import evaluate_manifest
from foreign_explorer.core.manifest import parse_manifest
from foreign_explorer.core.policy import PolicySource, compile_policy
from foreign_explorer.core.profiles import DISTRIBUTION_2_8, DISTRIBUTION_3
from tests.core.test_report import MANIFESTS, _docker


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def _one_by_one(evaluation, style) -> str:
    lines = [line for v in evaluation.descriptors for line in check._descriptor_lines(v, style)]
    return "\n".join(lines)


@pytest.mark.parametrize("name", [*MANIFESTS, "many"])
@pytest.mark.parametrize("profile", [DISTRIBUTION_2_8, DISTRIBUTION_3])
@pytest.mark.parametrize("colour", [False, True])
def test_text_blocks_show_each_descriptor_as_rendered_alone(monkeypatch, name, profile, colour):
    monkeypatch.delenv("NO_COLOR", raising=False)
    style = Style(_Terminal() if colour else io.StringIO())
    data = _docker([{}] * 9000 + [{"size": 1}] * 3) if name == "many" else MANIFESTS[name]
    source = PolicySource(allow=(r"^https://mcr\.microsoft\.com/",))
    evaluation = evaluate_manifest(parse_manifest(data), compile_policy(source, profile))
    text = check.render_text(evaluation, style)
    assert _one_by_one(evaluation, style) in text
    body = evaluation.response.body.decode("utf-8", "replace").rstrip("\n")
    if not evaluation.accepted:
        assert text.endswith("\n" + check.visible(body))
