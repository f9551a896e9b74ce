"""``serve`` raises its open-file limit (``ulimit -n``) to what ``--max-connections`` needs."""

from __future__ import annotations

import pytest

from swan_desktop.server.limits import FD_RESERVE, raise_file_limit

resource = pytest.importorskip("resource")


@pytest.fixture
def file_limit():
    """The process's limit, put back afterwards."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    yield soft, hard
    resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))


def test_a_low_soft_limit_is_raised_to_what_the_connections_need(file_limit) -> None:
    _, hard = file_limit
    if hard != resource.RLIM_INFINITY and hard < 600 + FD_RESERVE:
        pytest.skip("the hard limit is too low to show the raise")
    resource.setrlimit(resource.RLIMIT_NOFILE, (256, hard))
    needed, allowed = raise_file_limit(600)
    assert needed == allowed == 600 + FD_RESERVE
    assert resource.getrlimit(resource.RLIMIT_NOFILE)[0] == 600 + FD_RESERVE


def test_past_the_hard_limit_it_says_how_far_it_got(file_limit) -> None:
    _, hard = file_limit
    if hard == resource.RLIM_INFINITY:
        pytest.skip("no hard limit here")
    needed, allowed = raise_file_limit(hard + 1000)
    assert needed == hard + 1000 + FD_RESERVE
    assert allowed == hard < needed  # serve warns with both numbers


def test_a_high_enough_limit_is_left_alone(file_limit) -> None:
    soft, _ = file_limit
    needed, allowed = raise_file_limit(10)
    assert (needed, allowed) == (10 + FD_RESERVE, 10 + FD_RESERVE)
    assert resource.getrlimit(resource.RLIMIT_NOFILE)[0] == soft
