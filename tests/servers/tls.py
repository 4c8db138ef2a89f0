"""TLS for the local look-up servers: a throw-away certificate authority and an HTTPS server.

``LocalPki`` makes a CA with ``trustme`` and one server certificate for every name the local
servers answer to (``127.0.0.1``, ``localhost`` and the ``.test`` names a proxy resolves); the
client trusts it through ``SSL_CERT_FILE``, as a user behind a TLS-inspecting proxy would.
``TlsHTTPServer`` is a ``ThreadingHTTPServer`` whose connections speak TLS, the handshake done in
each connection's own thread so a client that never finishes one cannot stall the others.
"""

from __future__ import annotations

import contextlib
import socket
import ssl
from dataclasses import dataclass
from http.server import ThreadingHTTPServer
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pathlib import Path

SERVICE_NAMES = ("gallery.test", "ecr.test", "hub.test", "hub-auth.test", "ratelimit.test")
HANDSHAKE_TIMEOUT = 5.0


@dataclass(frozen=True)
class LocalPki:
    ca_file: Path
    """The CA certificate (PEM): point ``SSL_CERT_FILE`` here to trust the servers."""
    server: ssl.SSLContext
    """A server-side context with the certificate for every local name."""

    @classmethod
    def create(cls, directory: Path) -> LocalPki:
        import trustme

        ca = trustme.CA()
        certificate = ca.issue_cert("127.0.0.1", "localhost", *SERVICE_NAMES)
        server = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        certificate.configure_cert(server)
        ca_file = directory / "ca.pem"
        ca.cert_pem.write_to_path(str(ca_file))
        return cls(ca_file, server)


class TlsHTTPServer(ThreadingHTTPServer):
    """``ThreadingHTTPServer`` on TLS with ``context``; daemon threads, quick to stop."""

    daemon_threads = True
    block_on_close = False
    request_queue_size = 128  # a burst of new connections is queued, not dropped

    def __init__(self, address: tuple[str, int], handler: Any, context: ssl.SSLContext) -> None:
        super().__init__(address, handler)
        self.context = context

    def finish_request(self, request: Any, client_address: Any) -> None:
        request.settimeout(HANDSHAKE_TIMEOUT)
        try:
            connection = self.context.wrap_socket(request, server_side=True)
        except (ssl.SSLError, OSError):
            return  # a client that does not trust the certificate, or went away
        connection.settimeout(None)
        try:
            super().finish_request(connection, client_address)
        finally:
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)
            connection.close()
