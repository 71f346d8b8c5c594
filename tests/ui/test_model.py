"""The state -> view derivation, without Textual."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import replace
from pathlib import Path

from foreign_explorer.commands.inputs import sample_bytes
from foreign_explorer.core.policy import PolicySource
from foreign_explorer.core.profiles import DISTRIBUTION_2_8, DISTRIBUTION_3
from foreign_explorer.ui.loading import SAMPLE_TITLE, load_bytes
from foreign_explorer.ui.model import EntryStatus, Explorer, ExplorerState
from tests.ui.builders import OCI_INDEX, target_sensitive_manifest

MCR = r"^https://mcr\.microsoft\.com/"


def sample_state(**changes) -> ExplorerState:
    entry = load_bytes(1, SAMPLE_TITLE, sample_bytes())
    return replace(ExplorerState(entries=(entry,)), **changes)


def test_one_state_gives_one_evaluation_per_target() -> None:
    view = Explorer().derive(sample_state())
    assert view.evaluation.policy.profile == DISTRIBUTION_2_8
    assert view.other.policy.profile == DISTRIBUTION_3
    assert view.evaluation.response.status == 500


def test_selection_starts_on_the_first_failing_descriptor() -> None:
    assert Explorer().derive(sample_state()).selected == 1


def test_a_policy_that_does_not_compile_keeps_the_last_one_that_did() -> None:
    explorer = Explorer()
    explorer.derive(sample_state(source=PolicySource(allow=(MCR,))))
    view = explorer.derive(sample_state(source=PolicySource(allow=("(?=x",))))
    assert view.policy_error is not None
    assert view.policy.source.allow == (MCR,)
    assert view.evaluation.response.status == 201


def test_without_any_valid_policy_yet_the_default_one_is_shown() -> None:
    view = Explorer().derive(sample_state(source=PolicySource(allow=("(?=x",))))
    assert view.policy.source == PolicySource()
    assert view.evaluation.response.status == 500


def test_prepared_manifests_are_reused_across_keystrokes() -> None:
    explorer = Explorer()
    state = sample_state()
    manifest = state.entry.current.manifest
    first = explorer.prepared(manifest, DISTRIBUTION_2_8)
    explorer.derive(replace(state, source=PolicySource(allow=("x",))))
    assert explorer.prepared(manifest, DISTRIBUTION_2_8) is first


def test_differing_positions_come_from_the_two_evaluations() -> None:
    entry = load_bytes(1, "m", target_sensitive_manifest())
    state = ExplorerState(entries=(entry,), source=PolicySource(allow=(MCR,)))
    assert Explorer().derive(state).differs == frozenset({1})


def test_a_file_index_shows_the_index_itself_and_lists_unfetched_children() -> None:
    data = (
        '{"schemaVersion":2,"mediaType":"' + OCI_INDEX + '","manifests":[{"mediaType":'
        '"application/vnd.oci.image.manifest.v1+json","size":1,"digest":"sha256:'
        + "a" * 64
        + '","platform":{"os":"linux","architecture":"arm64","variant":"v8"}}]}'
    ).encode()
    entry = load_bytes(1, "index.json", data)
    assert entry.is_index
    assert entry.current is entry.index
    assert [(s.platform, s.image) for s in entry.slots] == [("linux/arm64/v8", None)]
    view = Explorer().derive(ExplorerState(entries=(entry,)))
    assert view.evaluation.manifest.is_index
    assert view.mirrors_cleanly is None


def test_an_unreadable_file_is_a_refused_entry_not_an_exception() -> None:
    entry = load_bytes(1, "bad.json", b"{not json")
    assert entry.status is EntryStatus.REFUSED
    assert entry.error and "\n" not in entry.error


def test_the_model_and_loading_never_import_textual() -> None:
    code = (
        "import sys, foreign_explorer.ui.model, foreign_explorer.ui.loading, "
        "foreign_explorer.core.export; print('textual' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_the_check_command_never_imports_textual() -> None:
    code = (
        "import sys\nfrom foreign_explorer.cli import main\n"
        "try:\n    main(['check', '--sample'])\nexcept SystemExit:\n    pass\n"
        "print('textual' in sys.modules, file=sys.stderr)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.stderr.strip().splitlines()[-1] == "False"


def test_an_index_file_picks_up_its_children_and_their_history_from_beside_it() -> None:
    from foreign_explorer.ui import loading

    data_dir = Path(__file__).parents[1] / "data" / "windows-multiarch"
    path = data_dir / "index.json"
    entry = loading.load_bytes(1, str(path), path.read_bytes(), path=path)
    assert [slot.image is not None for slot in entry.slots] == [True, True, True]
    chosen = entry.slots[entry.chosen].image
    assert chosen is not None and chosen.manifest.foreign_count == 2
    assert chosen.history is not None and chosen.history[0] == "Apply image 1809-RTM-amd64"


def test_an_index_read_from_stdin_lists_its_children_as_not_fetched() -> None:
    from foreign_explorer.ui import loading

    data = (Path(__file__).parents[1] / "data" / "windows-multiarch" / "index.json").read_bytes()
    entry = loading.load_bytes(1, "-", data)
    assert entry.chosen == -1
    assert {slot.error for slot in entry.slots} == {"not fetched (from a file)"}
