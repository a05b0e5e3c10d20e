"""Name resolution for host-style tests: the stand-in for a DNS wildcard
record (or /etc/hosts) pointing *.DOMAIN at the server. The SDK, requests
and TLS verification are untouched: the certificate is still checked
against the name the SDK asked for."""
import socket

_real_getaddrinfo = socket.getaddrinfo


def resolve_to(domain, address):
    host, port = address.rsplit(":", 1)
    suffix = "." + domain.lower()

    def getaddrinfo(name, *args, **kwargs):
        if isinstance(name, str) and name.lower().endswith(suffix):
            name = host
        return _real_getaddrinfo(name, *args, **kwargs)

    socket.getaddrinfo = getaddrinfo
