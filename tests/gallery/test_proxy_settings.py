"""Which look-ups go through a proxy: HTTPS_PROXY and NO_PROXY, read as curl and requests do."""

from __future__ import annotations

import base64

import pytest

from ecs_lint.gallery.proxy import Proxy, UnusableProxy, proxy_settings

PROXY = "http://proxy.corp.example:3128"


def route(no_proxy: str, host: str, port: int = 443) -> bool:
    """True when a request to ``host:port`` goes through the proxy."""
    settings = proxy_settings({"HTTPS_PROXY": PROXY, "NO_PROXY": no_proxy})
    return settings.proxy_for(host, port) is not None


@pytest.mark.parametrize(
    ("no_proxy", "host", "proxied"),
    [
        ("", "public.ecr.aws", True),
        ("public.ecr.aws", "public.ecr.aws", False),
        ("ecr.aws", "public.ecr.aws", False),  # a domain covers the names under it
        (".ecr.aws", "public.ecr.aws", False),
        (".ecr.aws", "ecr.aws", False),  # a leading dot is ignored, as curl and requests do
        ("*.ecr.aws", "public.ecr.aws", False),
        ("cr.aws", "public.ecr.aws", True),  # on a label boundary only
        ("ecr.aws.evil.example", "ecr.aws", True),
        ("ECR.AWS", "Public.ECR.aws", False),  # case does not matter
        ("ecr.aws", "public.ecr.aws.", False),  # nor a final dot
        ("docker.io, ecr.aws", "public.ecr.aws", False),  # spaces around commas
        ("docker.io ecr.aws", "public.ecr.aws", False),  # spaces alone separate too
        ("*", "public.ecr.aws", False),
        ("*", "10.1.2.3", False),
        ("public.ecr.aws:443", "public.ecr.aws", False),
        ("public.ecr.aws:8443", "public.ecr.aws", True),  # another port only
        ("public.ecr.aws:notaport", "public.ecr.aws", True),  # an entry that matches nothing
        ("10.1.2.3", "10.1.2.3", False),
        ("10.1.2.3", "10.1.2.4", True),
        ("10.0.0.0/8", "10.200.0.1", False),
        ("10.0.0.0/8", "11.0.0.1", True),
        ("10.0.0.0/8", "ten.example", True),  # a range matches hosts written as addresses only
        ("2.3", "10.1.2.3", True),  # an address is not a domain
        ("2001:db8::1", "2001:db8::1", False),
        ("[2001:db8::1]", "2001:db8::1", False),
        ("[2001:db8::1]:443", "2001:db8::1", False),
        ("[2001:db8::1]:8443", "2001:db8::1", True),
        ("2001:db8::/32", "2001:db8:5::1", False),
    ],
)
def test_no_proxy(no_proxy: str, host: str, proxied: bool) -> None:
    assert route(no_proxy, host) is proxied


@pytest.mark.parametrize("host", ["localhost", "LOCALHOST", "127.0.0.1", "127.9.9.9", "::1"])
def test_loopback_hosts_are_never_proxied(host: str) -> None:
    assert not route("", host)


def test_lower_case_variables_win_as_in_curl_and_requests() -> None:
    settings = proxy_settings(
        {
            "https_proxy": "http://lower.example:1",
            "HTTPS_PROXY": "http://upper.example:2",
            "no_proxy": "lower-bypass.example",
            "NO_PROXY": "upper-bypass.example",
        }
    )
    assert settings.proxy == Proxy("lower.example", 1, "https_proxy")
    assert settings.proxy_for("lower-bypass.example", 443) is None
    assert settings.proxy_for("upper-bypass.example", 443) is not None


def test_http_proxy_and_all_proxy_are_not_read() -> None:
    # Plain http goes only to loopback hosts, which are never proxied; ALL_PROXY is often SOCKS.
    environ = {"HTTP_PROXY": PROXY, "http_proxy": PROXY, "ALL_PROXY": "socks5://s:1080"}
    assert proxy_settings(environ).proxy_for("public.ecr.aws", 443) is None
    assert proxy_settings({"HTTPS_PROXY": "  "}).proxy is None


@pytest.mark.parametrize(
    ("value", "host", "port"),
    [
        ("http://proxy.corp.example:3128", "proxy.corp.example", 3128),
        ("http://proxy.corp.example:3128/", "proxy.corp.example", 3128),
        ("proxy.corp.example:3128", "proxy.corp.example", 3128),  # no scheme: http
        ("HTTP://Proxy.Corp.Example", "proxy.corp.example", 80),  # no port: 80
        ("http://[2001:db8::5]:3128", "2001:db8::5", 3128),
    ],
)
def test_proxy_urls(value: str, host: str, port: int) -> None:
    proxy = proxy_settings({"HTTPS_PROXY": value}).proxy
    assert isinstance(proxy, Proxy)
    assert (proxy.host, proxy.port, proxy.authorization) == (host, port, None)


def test_the_label_of_an_ipv6_proxy_has_brackets() -> None:
    proxy = proxy_settings({"HTTPS_PROXY": "http://[2001:db8::5]:3128"}).proxy
    assert isinstance(proxy, Proxy) and proxy.label == "[2001:db8::5]:3128"


def test_credentials_are_percent_decoded_into_basic_authorization_and_not_shown() -> None:
    proxy = proxy_settings({"HTTPS_PROXY": "http://CORP%5Calice:p%40ss%3Aw%2Frd@proxy:8080"}).proxy
    assert isinstance(proxy, Proxy)
    assert proxy.authorization is not None
    scheme, _, encoded = proxy.authorization.partition(" ")
    assert scheme == "Basic"
    assert base64.b64decode(encoded).decode() == "CORP\\alice:p@ss:w/rd"
    assert proxy.label == "proxy:8080"
    assert "p@ss" not in repr(proxy) and "cEBzc" not in repr(proxy)


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("socks5://alice:hunter2@proxy:1080", "names a socks5:// proxy"),
        ("socks5h://proxy:1080", "names a socks5h:// proxy"),
        ("https://proxy:3128", "names a https:// proxy"),
        ("http://alice:hunter2@proxy:99999", "bad port"),
        ("http://alice:hunter2@proxy:port", "bad port"),
        ("http://alice:hunter2@:3128", "no host"),
        ("http://alice:hunt/er2@proxy:3128", "percent-encode"),
        ("http://alice:hunt#er2@proxy:3128", "is not a valid proxy URL"),
        ("http://[::1:3128", "is not a valid proxy URL"),
    ],
)
def test_an_unusable_proxy_says_why_without_repeating_the_value(value: str, reason: str) -> None:
    proxy = proxy_settings({"HTTPS_PROXY": value}).proxy
    assert isinstance(proxy, UnusableProxy)
    assert proxy.variable == "HTTPS_PROXY"
    assert reason in proxy.reason
    assert "hunter2" not in proxy.reason and "er2" not in proxy.reason
    assert "proxy" in proxy.reason
