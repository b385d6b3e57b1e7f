"""A TCP proxy that tests put between a client and a server to break the network on purpose.

One daemon thread runs a selector loop over every socket; the controls (cut_all, set_refuse,
cut_after, set_stall) are carried out by that thread, so no socket is touched from two threads.
Cuts are abrupt: SO_LINGER 0 makes close() send RST, as when a router drops the line, and both
the client and the server see the connection reset.

    with TcpProxy("127.0.0.1", pg_port) as proxy:
        conn = psycopg.connect(host=proxy.host, port=proxy.port, ...)
        proxy.cut_after(bytes_to_client=100_000)  # dies mid-result
"""

from __future__ import annotations

import errno
import selectors
import socket
import struct
import threading
from collections.abc import Callable
from dataclasses import dataclass

_CHUNK = 65536
_BUFFER_LIMIT = 256 * 1024  # per direction; past it we stop reading, so the sender blocks
_TO_SERVER, _TO_CLIENT = "to_server", "to_client"


@dataclass(frozen=True)
class ProxyStats:
    bytes_to_server: int  # forwarded, client -> server
    bytes_to_client: int  # forwarded, server -> client
    accepted: int  # connections forwarded to the server
    refused: int  # connections reset at once by set_refuse(True)
    cut: int  # connections cut by cut_all() or cut_after()
    active: int  # connections open now


def _reset(sock: socket.socket) -> None:
    """Closes with RST instead of FIN."""
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    except OSError:
        pass
    sock.close()


class _Pair:
    """One proxied connection: the accepted client socket and ours to the server."""

    def __init__(self, client: socket.socket, server: socket.socket) -> None:
        self.client, self.server = client, server
        self.connecting = True
        self.buf = {_TO_SERVER: bytearray(), _TO_CLIENT: bytearray()}
        self.eof = {_TO_SERVER: False, _TO_CLIENT: False}  # the sending side has closed
        self.shut = {_TO_SERVER: False, _TO_CLIENT: False}  # we passed that close on
        self.closed = False
        self.events = {client: 0, server: 0}

    def source(self, direction: str) -> socket.socket:
        return self.client if direction == _TO_SERVER else self.server

    def dest(self, direction: str) -> socket.socket:
        return self.server if direction == _TO_SERVER else self.client


class TcpProxy:
    """Listens on 127.0.0.1:<free port> and forwards each connection to target_host:port."""

    def __init__(self, target_host: str, target_port: int, *, listen_host: str = "127.0.0.1",
                 listen_port: int = 0) -> None:
        self.target = (target_host, target_port)
        self._sel = selectors.DefaultSelector()
        self._listener = socket.create_server((listen_host, listen_port))
        self._listener.setblocking(False)
        self.host, self.port = self._listener.getsockname()[:2]
        self._wake_r, self._wake_w = socket.socketpair()
        self._wake_r.setblocking(False)
        self._sel.register(self._listener, selectors.EVENT_READ, "listen")
        self._sel.register(self._wake_r, selectors.EVENT_READ, "wake")
        self._pairs: set[_Pair] = set()
        self._lock = threading.Lock()
        self._commands: list[tuple[Callable[[], object], threading.Event, list]] = []
        self._refuse = False
        self._stall = False
        self._cut_left: dict[str, int | None] = {_TO_SERVER: None, _TO_CLIENT: None}
        self._count = {_TO_SERVER: 0, _TO_CLIENT: 0}
        self._accepted = self._refused = self._cut = 0
        self.errors: list[BaseException] = []  # unexpected errors in the loop, for tests
        self._closing = False
        self._thread = threading.Thread(target=self._loop, name=f"TcpProxy:{self.port}",
                                        daemon=True)
        self._thread.start()

    # --- controls (any thread) ---------------------------------------------------------

    def cut_all(self) -> int:
        """Resets every open connection now; returns how many there were."""
        return self._call(self._cut_all)

    def set_refuse(self, refuse: bool) -> None:
        """While on, new connections are reset as soon as they arrive (open ones go on)."""
        self._call(lambda: setattr(self, "_refuse", bool(refuse)))

    def network_down(self) -> None:
        """The line is gone: open connections are cut and new ones refused."""
        self.set_refuse(True)
        self.cut_all()

    def network_up(self) -> None:
        self.set_refuse(False)
        self.set_stall(False)

    def set_stall(self, stall: bool) -> None:
        """While on, nothing is forwarded: connections hang as on a silent network."""
        self._call(lambda: self._set_stall(bool(stall)))

    def cut_after(self, bytes_to_server: int | None = None,
                  bytes_to_client: int | None = None) -> None:
        """Arms a one-shot cut: the connection that carries the given number of further bytes
        in that direction (counted over all connections from now) is reset right after them.
        With both given, the first reached wins; a later call replaces an armed one."""
        if bytes_to_server is None and bytes_to_client is None:
            raise ValueError("cut_after needs bytes_to_server or bytes_to_client")
        for n in (bytes_to_server, bytes_to_client):
            if n is not None and n < 0:
                raise ValueError("byte counts must be >= 0")

        def arm() -> None:
            self._cut_left = {_TO_SERVER: bytes_to_server, _TO_CLIENT: bytes_to_client}
            # A zero count means "at the next byte": cut whatever is waiting to be sent now.
            for pair in list(self._pairs):
                for d in (_TO_SERVER, _TO_CLIENT):
                    if self._cut_left[d] == 0 and pair.buf[d]:
                        self._cut_pair(pair)
                        return

        self._call(arm)

    def disarm(self) -> None:
        self._call(lambda: setattr(self, "_cut_left", {_TO_SERVER: None, _TO_CLIENT: None}))

    @property
    def armed(self) -> bool:
        return any(v is not None for v in self._cut_left.values())

    @property
    def stats(self) -> ProxyStats:
        """A snapshot of the counters (still readable after close())."""

        def snapshot() -> ProxyStats:
            return ProxyStats(self._count[_TO_SERVER], self._count[_TO_CLIENT], self._accepted,
                              self._refused, self._cut, len(self._pairs))

        return snapshot() if self._closing else self._call(snapshot)

    def close(self) -> None:
        """Resets open connections, stops listening and ends the loop thread; idempotent."""
        if self._closing:
            return
        if self._thread.is_alive():
            self._call(self._shutdown)
        self._thread.join(timeout=5)
        self._closing = True
        for s in (self._listener, self._wake_r, self._wake_w):
            s.close()
        self._sel.close()

    def __enter__(self) -> TcpProxy:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _call(self, fn: Callable[[], object]):
        """Runs fn on the loop thread and returns its result."""
        if self._closing:
            raise RuntimeError("TcpProxy is closed")
        done, result = threading.Event(), []
        with self._lock:
            self._commands.append((fn, done, result))
        try:
            self._wake_w.send(b"\0")
        except BlockingIOError:
            pass  # the loop has wake-ups pending already
        if not done.wait(timeout=10):
            raise RuntimeError("TcpProxy loop did not answer")
        if isinstance(result[0], BaseException):
            raise result[0]
        return result[0]

    # --- the loop thread ---------------------------------------------------------------

    def _loop(self) -> None:
        while not self._closing:
            for key, mask in self._sel.select(timeout=1.0):
                try:
                    if key.data == "listen":
                        self._accept()
                    elif key.data == "wake":
                        self._run_commands()
                    else:
                        pair, sock = key.data
                        if not pair.closed:
                            self._on_event(pair, sock, mask)
                except Exception as e:  # the loop must outlive any one connection's trouble
                    self.errors.append(e)
                    if key.data not in ("listen", "wake"):
                        self._abort(key.data[0])

    def _run_commands(self) -> None:
        try:
            while self._wake_r.recv(4096):
                pass
        except BlockingIOError:
            pass
        with self._lock:
            commands, self._commands = self._commands, []
        for fn, done, result in commands:
            try:
                result.append(fn())
            except Exception as e:
                result.append(e)
            done.set()

    def _shutdown(self) -> None:
        for pair in list(self._pairs):
            self._abort(pair)
        self._closing = True

    def _cut_all(self) -> int:
        n = len(self._pairs)
        for pair in list(self._pairs):
            self._cut_pair(pair)
        return n

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self._listener.accept()
            except (BlockingIOError, InterruptedError):
                return
            except OSError as e:  # e.g. out of file descriptors: retry on the next event
                self.errors.append(e)
                return
            if self._refuse:
                self._refused += 1
                _reset(client)
                continue
            client.setblocking(False)
            server = socket.socket(socket.AF_INET6 if ":" in self.target[0] else socket.AF_INET,
                                   socket.SOCK_STREAM)
            server.setblocking(False)
            for s in (client, server):
                # Database protocols send small messages: Nagle would add 40 ms waits.
                s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            pair = _Pair(client, server)
            self._pairs.add(pair)
            self._accepted += 1
            err = server.connect_ex(self.target)
            if err not in (0, errno.EINPROGRESS, errno.EWOULDBLOCK):
                self._abort(pair)  # the server is down: the client sees a reset
                continue
            self._update(pair)

    def _on_event(self, pair: _Pair, sock: socket.socket, mask: int) -> None:
        if sock is pair.server and pair.connecting:  # registered for EVENT_WRITE only
            if pair.server.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR):
                self._abort(pair)  # the server is down: the client sees a reset
                return
            pair.connecting = False
            self._flush(pair, _TO_SERVER)  # what the client sent meanwhile
        else:
            direction = _TO_SERVER if sock is pair.client else _TO_CLIENT
            back = _TO_CLIENT if direction == _TO_SERVER else _TO_SERVER
            if mask & selectors.EVENT_READ:
                self._read(pair, direction)
            if mask & selectors.EVENT_WRITE and not pair.closed:
                self._flush(pair, back)
        if not pair.closed:
            self._finish_if_done(pair)
        if not pair.closed:
            self._update(pair)

    def _read(self, pair: _Pair, direction: str) -> None:
        try:
            data = pair.source(direction).recv(_CHUNK)
        except (BlockingIOError, InterruptedError):
            return
        except OSError:
            self._abort(pair)  # reset by one side: pass the reset on to the other
            return
        if not data:
            pair.eof[direction] = True
        else:
            pair.buf[direction] += data
        self._flush(pair, direction)

    def _flush(self, pair: _Pair, direction: str) -> None:
        buf = pair.buf[direction]
        if self._stall or pair.closed or (direction == _TO_SERVER and pair.connecting):
            return
        while buf:
            left = self._cut_left[direction]
            if left == 0:
                self._cut_pair(pair)
                return
            size = len(buf) if left is None else min(len(buf), left)
            try:
                n = pair.dest(direction).send(bytes(buf[:size]))
            except (BlockingIOError, InterruptedError):
                return
            except OSError:
                self._abort(pair)
                return
            del buf[:n]
            self._count[direction] += n
            if left is not None:
                self._cut_left[direction] = left - n
                if left - n == 0:
                    self._cut_pair(pair)
                    return
        if pair.eof[direction] and not pair.shut[direction]:
            # Half-close: the sender is done; tell the receiver once it has every byte.
            pair.shut[direction] = True
            try:
                pair.dest(direction).shutdown(socket.SHUT_WR)
            except OSError:
                pass

    def _finish_if_done(self, pair: _Pair) -> None:
        if all(pair.shut.values()):
            self._close(pair, abrupt=False)

    def _update(self, pair: _Pair) -> None:
        """Registers for the events this pair can act on now (backpressure and stall)."""
        for sock, direction_in, direction_out in (
            (pair.client, _TO_SERVER, _TO_CLIENT),
            (pair.server, _TO_CLIENT, _TO_SERVER),
        ):
            events = 0
            if pair.connecting and sock is pair.server:
                events = selectors.EVENT_WRITE
            elif not self._stall:
                if not pair.eof[direction_in] and len(pair.buf[direction_in]) < _BUFFER_LIMIT:
                    events |= selectors.EVENT_READ
                if pair.buf[direction_out] and not (
                        direction_out == _TO_SERVER and pair.connecting):
                    events |= selectors.EVENT_WRITE
            if events == pair.events[sock]:
                continue
            if pair.events[sock] == 0:
                self._sel.register(sock, events, (pair, sock))
            elif events == 0:
                self._sel.unregister(sock)
            else:
                self._sel.modify(sock, events, (pair, sock))
            pair.events[sock] = events

    def _cut_pair(self, pair: _Pair) -> None:
        self._cut += 1
        self._cut_left = {_TO_SERVER: None, _TO_CLIENT: None}  # one-shot
        self._abort(pair)

    def _abort(self, pair: _Pair) -> None:
        self._close(pair, abrupt=True)

    def _close(self, pair: _Pair, abrupt: bool) -> None:
        if pair.closed:
            return
        pair.closed = True
        self._pairs.discard(pair)
        for sock in (pair.client, pair.server):
            if pair.events[sock]:
                self._sel.unregister(sock)
                pair.events[sock] = 0
            if abrupt:
                _reset(sock)
            else:
                sock.close()

    def _set_stall(self, stall: bool) -> None:
        self._stall = stall
        for pair in list(self._pairs):
            if not stall:  # pass on what was read before the stall
                for d in (_TO_SERVER, _TO_CLIENT):
                    self._flush(pair, d)
            if not pair.closed:
                self._finish_if_done(pair)
            if not pair.closed:
                self._update(pair)
