"""The desktop's own notifications: the freedesktop service over D-Bus on Linux, plyer elsewhere.

On Linux one session-bus connection is kept open (jeepney's threaded router):
``Notify`` goes out on it and the service's ``ActionInvoked`` and
``NotificationClosed`` signals come back on it, so a pop-up's buttons (the
notification's own actions, Desktop Notifications spec ``actions``) reach
``on_action(note_id, action_id)`` — called on the router's thread; the Qt layer
moves it to the GUI thread. The body is escaped when the service advertises
``body-markup`` (it would otherwise read "Tom & Jerry <late>" as markup).

Elsewhere plyer shows the notification. It tells nothing back: on Windows it
shows a balloon from a thread of its own and swallows any failure there, and
with no back end for the platform it falls back to a facade that raises
``NotImplementedError``. Both are made to raise :class:`ChannelUnavailable`
here, so a failed pop-up is never counted as delivered and the toast shows.
"""

from __future__ import annotations

import html
import logging
import threading
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any

from .popup import ChannelUnavailable, Popup

log = logging.getLogger(__name__)

DBUS_TIMEOUT_S = 3.0
PATH, NAME = "/org/freedesktop/Notifications", "org.freedesktop.Notifications"
ActionHandler = Callable[[int, str], None]


class DBusNotifications:
    """``Notify`` with actions over one kept session-bus connection (see the module's notes)."""

    def __init__(self, bus_address: str | None = None, on_action: ActionHandler | None = None) -> None:
        self.bus_address = bus_address
        self.on_action = on_action
        self._lock = threading.Lock()  # the connection
        self._notes_lock = threading.Lock()  # the id map, also used from the router's thread
        self._router: Any = None
        self._filter: Any = None
        self._caps: frozenset[str] | None = None
        self._notes: dict[int, int] = {}  # the service's id → the notification's id

    def notify(self, app_name: str, popup: Popup) -> int:
        """Show ``popup``; the service's id. Raises :class:`ChannelUnavailable` on any failure."""
        from jeepney import HeaderFields, MessageType, new_method_call

        router = self._open()
        caps = self._capabilities(router)
        body = html.escape(popup.message, quote=False) if "body-markup" in caps else popup.message
        actions = [part for pair in popup.actions for part in pair] if "actions" in caps else []
        urgency = {"low": 0, "normal": 1, "high": 1, "critical": 2}.get(popup.priority, 1)
        msg = new_method_call(_address(), "Notify", "susssasa{sv}i", (
            app_name, 0, "dialog-information", popup.title, body, actions,
            {"urgency": ("y", urgency), "category": ("s", f"swan.{popup.category}")},
            0 if popup.sticky else 5000,
        ))
        reply = self._call(router, msg)
        if reply.header.message_type == MessageType.error:
            name = reply.header.fields.get(HeaderFields.error_name, "D-Bus error")
            raise ChannelUnavailable(f"{name}: {reply.body}")
        nid = int(reply.body[0])
        if actions and popup.note_id is not None:
            with self._notes_lock:
                self._notes[nid] = popup.note_id
        return nid

    def close(self) -> None:
        with self._lock:
            router, self._router, self._caps = self._router, None, None
            handle, self._filter = self._filter, None
        if handle is not None:
            handle.close()
        if router is not None:
            router.close()
            router.conn.close()

    # -- the connection ---------------------------------------------------------------
    def _open(self) -> Any:
        from jeepney import MatchRule
        from jeepney.bus_messages import message_bus
        from jeepney.io.threading import DBusRouter, Proxy, open_dbus_connection

        with self._lock:
            if self._router is not None and self._router._rcv_thread.is_alive():
                return self._router
            try:
                conn = open_dbus_connection(bus=self.bus_address or "SESSION")
            except (OSError, KeyError, ValueError) as err:
                raise ChannelUnavailable(f"no session bus: {err}") from err
            router = _quiet_router(DBusRouter)(conn)
            rule = MatchRule(type="signal", interface=NAME, path=PATH)
            self._filter = router.filter(rule, queue=_Relay(self._signal))
            try:
                Proxy(message_bus, router, timeout=DBUS_TIMEOUT_S).AddMatch(rule)
            except Exception as err:  # noqa: BLE001 - signals are a bonus; Notify may still work
                log.info("cannot listen for notification actions: %s", err)
            self._router, self._caps = router, None
            return router

    def _call(self, router: Any, msg: Any) -> Any:
        from jeepney.io.common import RouterClosed

        try:
            return router.send_and_get_reply(msg, timeout=DBUS_TIMEOUT_S)
        except (OSError, TimeoutError, RouterClosed) as err:
            self.close()
            raise ChannelUnavailable(f"the notification service did not answer: {err}") from err

    def _capabilities(self, router: Any) -> frozenset[str]:
        from jeepney import MessageType, new_method_call

        if self._caps is None:
            reply = self._call(router, new_method_call(_address(), "GetCapabilities"))
            if reply.header.message_type == MessageType.error:
                from jeepney import HeaderFields

                name = reply.header.fields.get(HeaderFields.error_name, "D-Bus error")
                raise ChannelUnavailable(f"{name}: {reply.body}")
            self._caps = frozenset(str(c) for c in reply.body[0])
        return self._caps

    def _signal(self, msg: Any) -> None:
        from jeepney import HeaderFields

        member = msg.header.fields.get(HeaderFields.member)
        if member == "ActionInvoked":
            nid, key = int(msg.body[0]), str(msg.body[1])
            with self._notes_lock:
                note = self._notes.get(nid)
            if note is not None and self.on_action is not None and key != "default":
                self.on_action(note, key)
        elif member == "NotificationClosed":
            with self._notes_lock:
                self._notes.pop(int(msg.body[0]), None)


def _quiet_router(base: type) -> type:
    """jeepney's router whose receiving thread ends quietly when the bus goes away (a log-out)."""

    class Router(base):
        def _receiver(self) -> None:
            try:
                super()._receiver()
            except OSError as err:
                log.info("the session bus went away: %s", err)

    return Router


class _Relay:
    """A stand-in for the router's queue: hands each matching signal straight to a function."""

    def __init__(self, fn: Callable[[Any], None]) -> None:
        self._fn = fn

    def put_nowait(self, msg: Any) -> None:
        try:
            self._fn(msg)
        except Exception:  # a handler's failure must not stop the bus connection
            log.exception("handling a notification signal failed")


def _address() -> Any:
    from jeepney import DBusAddress

    return DBusAddress(PATH, bus_name=NAME, interface=NAME)


# -- not Linux: plyer -----------------------------------------------------------------
def notify_plyer(app_name: str, popup: Popup, platform: str, notification: Any = None,
                 balloon: Callable[..., Any] | None = None) -> None:
    """Show ``popup`` with plyer; raises :class:`ChannelUnavailable` whenever it was not shown."""
    kwargs = {"title": popup.title, "message": popup.message, "app_name": app_name,
              "timeout": 0 if popup.sticky else 5}
    if platform == "win32":
        _windows_balloon(kwargs, balloon)
        return
    if notification is None:
        import plyer

        notification = plyer.notification
    try:
        notification.notify(**kwargs)
    except Exception as err:
        raise ChannelUnavailable(f"the desktop could not show it ({type(err).__name__}: {err})") from err


def _windows_balloon(kwargs: dict[str, Any], balloon: Callable[..., Any] | None) -> None:
    """plyer's balloon in a thread of its own (it stays for its timeout), but its failure reported."""
    shown: Future[None] = Future()
    if balloon is None:  # pragma: no cover - Windows only
        from plyer.platforms.win.libs.balloontip import WindowsBalloonTip

        class Tip(WindowsBalloonTip):
            def notify(self, *args: Any) -> None:
                super().notify(*args)
                shown.set_result(None)

        balloon = Tip

    def run() -> None:
        try:
            balloon(**kwargs)
        except Exception as err:  # noqa: BLE001 - Shell_NotifyIconW and friends raise bare Exception
            if not shown.done():
                shown.set_exception(err)
        else:
            if not shown.done():
                shown.set_result(None)

    threading.Thread(target=run, name="balloon", daemon=True).start()
    try:
        shown.result(timeout=DBUS_TIMEOUT_S)
    except Exception as err:
        raise ChannelUnavailable(f"the desktop could not show it ({type(err).__name__}: {err})") from err
