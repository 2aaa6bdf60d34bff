"""Who a feature flag is on for: the rules of models/flags.py, over many organization ids."""

from __future__ import annotations

import itertools

import pytest

from aisettings.models.flags import BUCKETS, KNOWN_FLAGS, Flag, basis_points, bucket, features

IDS = range(1, 10_001)


def share_on(flag: Flag) -> float:
    return sum(flag.is_on_for(organization_id) for organization_id in IDS) / len(IDS)


@pytest.mark.parametrize("percent", [1, 10, 25, 50, 75, 99.5])
def test_a_rollout_reaches_its_share_of_organizations_within_two_points(percent: float) -> None:
    flag = Flag("settings-page", basis_points(percent))

    assert abs(share_on(flag) - percent / 100) <= 0.02


def test_raising_a_rollout_keeps_every_organization_that_was_in() -> None:
    steps = [Flag("settings-page", basis_points(percent)) for percent in (10, 25, 50, 75, 100)]

    for smaller, larger in itertools.pairwise(steps):
        assert all(larger.is_on_for(key) for key in IDS if smaller.is_on_for(key))
    assert share_on(steps[-1]) == 1


def test_flags_at_the_same_rollout_pick_different_organizations() -> None:
    page, rest = Flag("settings-page", 1000), Flag("rest-api", 1000)

    both = sum(page.is_on_for(key) and rest.is_on_for(key) for key in IDS)

    assert both < 0.03 * len(IDS)  # about 10% of 10%, as for independent picks


def test_a_bucket_is_the_same_on_every_call() -> None:
    assert [bucket("rest-api", key) for key in (1, 2, 3)] == [bucket("rest-api", key) for key in (1, 2, 3)]
    assert all(0 <= bucket("rest-api", key) < BUCKETS for key in IDS)


def test_killed_beats_everything_and_denied_beats_allowed() -> None:
    everyone = Flag("x", BUCKETS, allowed=frozenset({1}), denied=frozenset({2}))

    assert everyone.is_on_for(1)
    assert not everyone.is_on_for(2)
    assert Flag("x", 0, allowed=frozenset({3})).is_on_for(3)
    assert not Flag("x", BUCKETS, allowed=frozenset({1}), killed=True).is_on_for(1)


def test_known_flags_are_on_for_everyone_until_set() -> None:
    assert features({}, 42) == sorted(KNOWN_FLAGS)
    assert features({"rest-api": Flag("rest-api", 0)}, 42) == ["settings-page"]


@pytest.mark.parametrize("percent", [-1, 100.01, 1000])
def test_a_rollout_outside_0_to_100_is_refused(percent: float) -> None:
    with pytest.raises(ValueError, match="from 0 to 100"):
        basis_points(percent)


def test_hundredths_of_a_percent_are_kept() -> None:
    assert basis_points(12.34) == 1234
    assert Flag("x", 1234).rollout_percent == 12.34
