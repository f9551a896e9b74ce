"""The delivery router: waits in quiet hours, throttles into one summary, falls back between channels.

The toast presenter and the tray are stand-ins: the real toast is tested in the GUI test, and the
tray icon belongs to the app shell (any object with showMessage / isSystemTrayAvailable).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from swan_desktop.domain.quiet_hours import QuietHours, Window
from swan_desktop.notify.channels import ChannelUnavailable, Popup, ToastChannel, TrayChannel
from swan_desktop.notify.prefs import DeliveryPrefs
from swan_desktop.notify.router import DeliveryRouter

MON_2330 = datetime(2031, 3, 3, 23, 30)


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


class Tray:
    def __init__(self, available: bool = True) -> None:
        self.ok = available
        self.messages: list[tuple[str, str]] = []

    def isSystemTrayAvailable(self) -> bool:
        return self.ok

    def showMessage(self, title: str, message: str) -> None:
        self.messages.append((title, message))


class BrokenDesktop:
    name = "desktop"

    def available(self) -> bool:
        return True

    def show(self, popup: Popup) -> str:
        raise ChannelUnavailable("org.freedesktop.DBus.Error.ServiceUnknown")


def popup(n: int, category: str = "schedule", priority: str = "normal") -> Popup:
    return Popup(str(n), f"Note {n}", "text", category, priority, n)


def make(clock: Clock, prefs: DeliveryPrefs | None = None, tray: Tray | None = None):
    toasts: list[Popup] = []
    router = DeliveryRouter([ToastChannel(toasts.append), TrayChannel(tray), BrokenDesktop()],
                            prefs or DeliveryPrefs(), clock)
    return router, toasts


async def test_quiet_hours_across_midnight_hold_pop_ups_until_morning_but_not_critical() -> None:
    clock = Clock(MON_2330)
    router, toasts = make(clock, DeliveryPrefs(quiet=QuietHours({0: Window.parse("22:00-07:00")})))
    router.deliver(popup(1))
    router.deliver(popup(2, "security", "critical"))
    await router.idle()
    assert [p.key for p in toasts] == ["2"] and [p.key for p in router.waiting] == ["1"]
    clock.now = datetime(2031, 3, 4, 6, 59)
    router.tick()
    assert [p.key for p in router.waiting] == ["1"]
    clock.now = datetime(2031, 3, 4, 7, 0)
    router.tick()
    await router.idle()
    assert [p.key for p in toasts] == ["2", "1"] and router.waiting == []
    assert router.log[-1].waited


async def test_do_not_disturb_expires_and_critical_can_be_kept_quiet_too() -> None:
    clock = Clock(MON_2330)
    prefs = DeliveryPrefs(dnd_until=MON_2330 + timedelta(minutes=30), critical_breaks_through=False)
    router, toasts = make(clock, prefs)
    router.deliver(popup(1, priority="critical"))
    await router.idle()
    assert toasts == []
    clock.now += timedelta(minutes=30)
    router.tick()
    await router.idle()
    assert [p.key for p in toasts] == ["1"]


async def test_a_burst_becomes_n_pop_ups_and_one_summary_counting_everything_held() -> None:
    clock = Clock(MON_2330)
    router, toasts = make(clock)
    for i in range(17):
        router.deliver(popup(i))
    await router.idle()
    assert len(toasts) == 10 and router.throttle.held("schedule") == 7
    clock.now += timedelta(seconds=61)
    router.tick()
    await router.idle()
    assert toasts[-1].title == "7 more schedule notifications"
    assert len(toasts) - 1 + 7 == 17  # shown + summarised == everything that arrived


async def test_desktop_failure_falls_back_to_the_tray_then_the_toast_and_says_so() -> None:
    clock = Clock(MON_2330)
    tray = Tray()
    router, toasts = make(clock, tray=tray)
    router.deliver(popup(1, priority="high"))
    await router.idle()
    status = router.log[-1].channels
    assert status["desktop"].startswith("unavailable: org.freedesktop.DBus.Error.ServiceUnknown")
    assert status["tray"] == "shown" and tray.messages == [("Note 1", "text")] and toasts == []
    assert router.log[-1].delivered_by == "tray"
    tray.ok = False
    router.deliver(popup(2, priority="high"))
    await router.idle()
    assert router.log[-1].channels["tray"] == "unavailable" and [p.key for p in toasts] == ["2"]
    assert router.log[-1].channels["sound"].startswith("unavailable")  # no sound channel set up here


async def test_channel_choices_per_category_and_priority_apply_live() -> None:
    clock = Clock(MON_2330)
    tray = Tray()
    router, toasts = make(clock, tray=tray)
    prefs = DeliveryPrefs()
    prefs.by_category["content"] = {"toast"}
    router.apply_prefs(prefs)
    router.deliver(popup(1, "content", "high"))
    await router.idle()
    assert "desktop" not in router.log[-1].channels and router.log[-1].channels["sound"] == "off"
    assert [p.key for p in toasts] == ["1"] and tray.messages == []
