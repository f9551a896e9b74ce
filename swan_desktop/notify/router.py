"""``DeliveryRouter``: one entry point that decides when and where a notification pops up and sounds.

For each new notification: the user's channel choices for its category and
priority; quiet hours / do-not-disturb (it waits, unless critical breaks
through); the per-category throttle (held back ones become one summary such as
"7 more schedule notifications"); then the pop-up goes to the first channel
that works in the order desktop → tray → toast, and the sound plays. Every
attempt is recorded in :attr:`status` and failures are logged — never silent.
The center lists every notification regardless: the router only decides about
pop-ups and sounds.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from ..domain.throttle import Throttle
from .channels import Channel, ChannelUnavailable, Popup
from .prefs import POPUP_CHANNELS, DeliveryPrefs

log = logging.getLogger(__name__)


HELD_QUIET = "held by quiet hours / do not disturb"
HELD_THROTTLE = "throttled into a summary"


def local_now() -> datetime:
    return datetime.now().astimezone()


@dataclass
class Delivery:
    """What happened to one pop-up: channel → status (``shown id=3``, ``failed: …``, ``unavailable: …``)."""

    popup: Popup
    channels: dict[str, str] = field(default_factory=dict)
    waited: bool = False

    @property
    def delivered_by(self) -> str | None:
        return next((c for c, s in self.channels.items() if not s.startswith(("failed", "unavailable",
                                                                                "off", "skipped"))), None)


class DeliveryRouter:
    def __init__(self, channels: list[Channel], prefs: DeliveryPrefs | None = None,
                 clock: Callable[[], datetime] = local_now) -> None:
        self._channels = {c.name: c for c in channels}
        self.prefs = prefs or DeliveryPrefs()
        self.clock = clock
        self.throttle = Throttle(self.prefs.throttle_per_minute)
        #: Every pop-up attempted, newest last (the delivery status the user can see).
        self.log: list[Delivery] = []
        #: Pop-ups waiting for quiet hours / do-not-disturb to end.
        self.waiting: list[Popup] = []
        self._tasks: set[asyncio.Task[Any]] = set()
        self.on_delivery: list[Callable[[Delivery], None]] = []
        #: Per pop-up key (a notification id): channel → what happened, for the center's detail area.
        self.status: dict[str, dict[str, str]] = {}
        #: Told the key of each pop-up whose status changed.
        self.on_status: list[Callable[[str], None]] = []

    # -- settings ------------------------------------------------------------------
    def apply_prefs(self, prefs: DeliveryPrefs) -> None:
        """Take new preferences at once (the settings page calls this)."""
        self.prefs = prefs
        self.throttle.limit = prefs.throttle_per_minute
        sound = self._channels.get("sound")
        if sound is not None and hasattr(sound, "set_volume"):
            sound.set_volume(prefs.volume)

    def set_tray(self, tray: Any | None) -> None:
        channel = self._channels.get("tray")
        if channel is not None and hasattr(channel, "tray"):
            channel.tray = tray

    # -- entry points ----------------------------------------------------------------
    def deliver(self, popup: Popup) -> None:
        """A new notification arrived (or a summary): pop it up now, hold it, or let it wait."""
        now = self.clock()
        if self.prefs.gate.holds(now, popup.priority):
            self.waiting.append(popup)
            self._held(popup, HELD_QUIET)
            return
        if not self.throttle.admit(popup.category, now):
            self._held(popup, HELD_THROTTLE)
            return
        self._send(popup)

    def _held(self, popup: Popup, why: str) -> None:
        self.status[popup.key] = {"pop-up": why, "sound": why}
        self._status_changed(popup.key)

    def _status_changed(self, key: str) -> None:
        for fn in list(self.on_status):
            fn(key)

    def tick(self) -> None:
        """Call every few seconds: releases what waited once quiet ends, and due throttle summaries."""
        now = self.clock()
        if self.waiting and not self.prefs.gate.silenced(now):
            waiting, self.waiting = self.waiting, []
            for popup in waiting:
                if self.throttle.admit(popup.category, now):
                    self._send(popup, waited=True)
                else:
                    self._held(popup, HELD_THROTTLE)
        for summary in self.throttle.due(now):
            self._send(Popup(f"summary:{summary.category}", summary.text,
                             "Open the notification center to see them all.", summary.category, "normal"))

    async def idle(self) -> None:
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    # -- channels ------------------------------------------------------------------------
    def _send(self, popup: Popup, waited: bool = False) -> None:
        delivery = Delivery(popup, waited=waited)
        self.log.append(delivery)
        self.status[popup.key] = delivery.channels
        wanted = self.prefs.channels(popup.category, popup.priority)
        if "sound" in wanted:
            self._try(delivery, "sound")
        else:
            delivery.channels["sound"] = "off"
        task = asyncio.get_event_loop().create_task(self._pop(delivery, wanted))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _pop(self, delivery: Delivery, wanted: set[str]) -> None:
        chain = [c for c in POPUP_CHANNELS if c in wanted] or ["toast"]
        if "toast" not in chain:
            chain.append("toast")  # the last resort when every chosen channel fails
        for name in chain:
            if name == "desktop":
                ok = await self._try_async(delivery, name)
            else:
                ok = self._try(delivery, name)
            if ok:
                break
        for fn in list(self.on_delivery):
            fn(delivery)
        self._status_changed(delivery.popup.key)

    def _check(self, delivery: Delivery, name: str) -> Channel | None:
        channel = self._channels.get(name)
        if channel is None:
            delivery.channels[name] = "unavailable: not set up"
            return None
        if not channel.available():
            delivery.channels[name] = "unavailable"
            log.info("%s channel unavailable for %s", name, delivery.popup.key)
            return None
        return channel

    def _record_failure(self, delivery: Delivery, name: str, err: Exception) -> None:
        kind = "unavailable" if isinstance(err, ChannelUnavailable) else "failed"
        delivery.channels[name] = f"{kind}: {err}"
        log.warning("%s channel could not deliver %s: %s", name, delivery.popup.key, err)

    def _try(self, delivery: Delivery, name: str) -> bool:
        channel = self._check(delivery, name)
        if channel is None:
            return False
        try:
            delivery.channels[name] = channel.show(delivery.popup)
        except Exception as err:  # noqa: BLE001 - whatever a channel's failure, fall back and record it
            self._record_failure(delivery, name, err)
            return False
        return True

    async def _try_async(self, delivery: Delivery, name: str) -> bool:
        channel = self._check(delivery, name)
        if channel is None:
            return False
        try:
            delivery.channels[name] = await asyncio.to_thread(channel.show, delivery.popup)
        except Exception as err:  # noqa: BLE001 - whatever a channel's failure, fall back and record it
            self._record_failure(delivery, name, err)
            return False
        return True
