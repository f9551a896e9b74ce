"""The server and desktop versions: a desktop says its version at ``authenticate``; one older than
``--min-desktop-version`` is refused in words (``forbidden``/``update_required``), one older than
``--latest-desktop-version`` is told where the installer is, and anything else hears nothing."""

from __future__ import annotations

import pytest

from swan_desktop.server.cli import _parser, desktop_updates, main
from swan_desktop.server.embedded import EmbeddedServer
from swan_desktop.server.updates import READS_PAGES, DesktopUpdates
from tests.support.server import PASSWORDS, Clients

URL = "https://studio.example/swan-desktop-0.3.0-setup.exe"


def auth(username: str, version: str | None, app: str = "swan-desktop") -> dict[str, object]:
    data: dict[str, object] = {"username": username, "password": PASSWORDS[username]}
    if version is not None:
        data["client"] = {"app": app, "version": version}
    return data


async def test_nothing_is_said_when_the_server_knows_of_no_update(clients: Clients) -> None:
    client = await clients.open()
    reply = await client.ok("authenticate", auth("ana", "0.2.0"))
    assert "update" not in reply and reply["user"]["name"] == "Ana"


async def test_an_older_desktop_is_told_where_the_newer_one_is(
        server: EmbeddedServer, clients: Clients) -> None:
    server.server.updates = DesktopUpdates(latest="0.3.0", url=URL)
    older, current, other, silent = [await clients.open() for _ in range(4)]
    assert (await older.ok("authenticate", auth("ana", "0.2.0")))["update"] == {
        "required": False, "latest": "0.3.0", "url": URL}
    assert "update" not in await current.ok("authenticate", auth("ana", "0.3.0"))
    assert "update" not in await other.ok("authenticate", auth("ana", "0.1.0", app="studio-kiosk"))
    assert "update" not in await silent.ok("authenticate", auth("ana", None))  # says no version


async def test_a_desktop_below_the_minimum_is_refused_in_words(
        server: EmbeddedServer, clients: Clients) -> None:
    server.server.updates = DesktopUpdates(minimum="0.2.5", latest="0.3.0", url=URL)
    old = await clients.open()
    error = await old.error("authenticate", auth("ana", "0.2.1"))
    assert error["code"] == "forbidden" and error["message"].startswith("Update required")
    assert "0.2.1" in error["message"] and "0.3.0" in error["message"] and URL in error["message"]
    assert error["data"] == {"reason": "update_required",
                             "update": {"required": True, "minimum": "0.2.5", "latest": "0.3.0", "url": URL}}
    assert (await old.error("sync", {}))["code"] == "unauthorized"  # not signed in
    token = (await (await clients.open()).ok("authenticate", auth("ana", "0.2.5")))["token"]
    refused = await (await clients.open()).error("authenticate", {
        "token": token, "client": {"app": "swan-desktop", "version": "0.2.1"}})
    assert refused["data"]["reason"] == "update_required"  # a remembered sign-in too
    newer = await (await clients.open()).ok("authenticate", auth("ana", "0.2.5-beta+7"))
    assert newer["update"]["latest"] == "0.3.0"


async def test_a_desktop_that_reads_only_first_pages_is_refused_whatever_the_minimum(
        server: EmbeddedServer, clients: Clients) -> None:
    """A desktop before 0.2.0 reads only the first page of a paged reply: at a busy studio it would
    show part of a month without a word. It is told to update even when no minimum was given."""
    for updates in (DesktopUpdates(), DesktopUpdates(minimum="0.1.0", latest="0.1.5")):
        server.server.updates = updates
        error = await (await clients.open()).error("authenticate", auth("ana", "0.1.9"))
        assert error["code"] == "forbidden" and error["data"]["reason"] == "update_required"
        assert error["data"]["update"] == {"required": True, "minimum": READS_PAGES, "latest": READS_PAGES,
                                           "url": None}
        assert f"({READS_PAGES} or newer)" in error["message"]
        current = await (await clients.open()).ok("authenticate", auth("ana", READS_PAGES))
        assert current["user"]["name"] == "Ana"
    kiosk = await (await clients.open()).ok("authenticate", auth("ana", "0.1.0", app="studio-kiosk"))
    assert "update" not in kiosk  # another program is neither refused nor told


async def test_the_client_field_is_checked(clients: Clients) -> None:
    client = await clients.open()
    for bad in ({"app": "swan-desktop"}, {"app": "swan-desktop", "version": "latest"},
                {"app": "swan-desktop", "version": "1.0", "os": "win"}):
        error = await client.error("authenticate", {**auth("ana", None), "client": bad})
        assert error["code"] == "invalid", error


def test_serve_takes_the_update_flags_and_refuses_a_version_that_is_not_one(capsys) -> None:
    args = _parser().parse_args(["serve", "--db", "x.db", "--min-desktop-version", "0.2.0",
                                 "--latest-desktop-version", "0.3.0", "--installer-url", URL])
    assert desktop_updates(args) == DesktopUpdates("0.2.0", "0.3.0", URL)
    assert main(["serve", "--db", "x.db", "--min-desktop-version", "soon"]) == 2
    assert "not a version: 'soon'" in capsys.readouterr().err
    with pytest.raises(ValueError, match="cannot be older"):
        DesktopUpdates(minimum="0.3", latest="0.2")
