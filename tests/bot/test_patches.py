"""Every botbuilder/msrest fix (bot/teams/patches.py) is checked against the code it was
written for: a botbuilder or msrest upgrade that changes a patched function fails here,
naming the patch to review; and every listed fix exists."""

from __future__ import annotations

import importlib
from typing import Any

import pytest
from msrest.universal_http.requests import ClientRetryPolicy

from bot.teams import patches
from bot.teams.patches import PATCHES, Patch, fingerprint, target_source


def _resolve(reference: str) -> Any:
    module_name, _, qualname = reference.split(" ")[0].partition(":")
    value: Any = importlib.import_module(module_name)
    for name in qualname.split("."):
        value = getattr(value, name)
    return value


@pytest.mark.parametrize("patch", PATCHES, ids=[p.target for p in PATCHES])
def test_the_patched_code_is_what_the_fix_was_written_for(patch: Patch) -> None:
    assert fingerprint(patch.target) == patch.fingerprint, (
        f"{patch.target} changed since {patches.WRITTEN_AGAINST}: review {patch.fix} "
        f"({patch.why})")


@pytest.mark.parametrize("patch", PATCHES, ids=[p.target for p in PATCHES])
def test_the_fix_exists(patch: Patch) -> None:
    assert _resolve(patch.fix) is not None


def test_a_changed_target_changes_its_fingerprint() -> None:
    """The fingerprint is of the target's own source: another function's differs."""
    one, other = PATCHES[0].target, PATCHES[1].target
    assert target_source(one) != target_source(other)
    assert fingerprint(one) != fingerprint(other)


def test_install_applies_the_monkeypatches() -> None:
    patches.install()
    metadata = patches._Metadata  # noqa: SLF001
    assert metadata.get is patches._get and metadata._find is patches._find  # noqa: SLF001
    assert isinstance(ClientRetryPolicy.safe_codes, frozenset)
    codes = ClientRetryPolicy().policy.status_forcelist
    assert 408 in codes and 500 in codes and 501 not in codes and 200 not in codes
