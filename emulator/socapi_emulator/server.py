"""The HTTP side of the emulator: server, routing, control endpoints, faults, CLI.

Routing: /_emulator/... are control endpoints; every other path goes to the
platform whose `prefix` starts it (/mailru, /ok, /vk).

A platform is a class constructed as `Platform(seed, base_url)` with:
    prefix          "/mailru": the paths it serves
    content_type    the Content-Type of its JSON answers
    handle(request) -> Response for any path under the prefix
    method_of(request) -> the API method a request calls, or None
    api_error(code) -> Response: the platform's API error envelope
    control(request, action) -> Response for /_emulator/<name>/<action>
Adding a platform = one module + one entry in PLATFORMS.
"""

import argparse
import ipaddress
import json
import os
import shlex
import signal
import socket
import ssl
import struct
import sys
import threading
import time
import traceback
from dataclasses import asdict, dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from . import hostile
from . import mailru
from . import ok
from . import vk
from .common import Response, html_page, json_response, parse_request, text_response

PLATFORMS = (
    mailru.MailRu,
    ok.OK,
    vk.Vk,
)

FAULTS = ("timeout", "reset", "http500", "http503", "truncated", "nonjson", "empty", "api_error",
          "reply") + hostile.HOSTILE
FAULT_PAGES = {  # fault -> (HTTP status, title of the HTML page served instead)
    "http500": (500, "500 Internal Server Error"),
    "http503": (503, "503 Service Unavailable"),
    "nonjson": (200, "502 Bad Gateway"),  # a proxy's error page, served with status 200
}
CONTROL = "/_emulator/"
TRAP = "/trap"  # answers anything with 200 and only counts it: where nothing should arrive


@dataclass
class Fault:
    path: str  # path prefix, e.g. "/mailru/platform/api"
    fault: str  # one of FAULTS
    method: str = None  # only requests calling this API method
    code: int = None  # api_error: the error code
    delay_ms: int = 5000  # timeout: the delay before the normal answer
    times: int = 1  # how many requests it still hits
    status: int = 200  # reply: the answer's status, body, Content-Type and extra headers
    body: str = ""
    content_type: str = None  # reply: None = the platform's JSON content type
    headers: list = None  # reply: [[name, value], ...]
    location: str = None  # hostile_form, hostile_redirect: where they send the client
    size: int = None  # oversize, gzip_bomb (bytes), cookie_flood (cookies)

    def __post_init__(self):
        def integer(value, minimum):
            return isinstance(value, int) and not isinstance(value, bool) and value >= minimum
        def header(pair):
            return (isinstance(pair, list) and len(pair) == 2 and all(isinstance(x, str) for x in pair)
                    and not any(c in x for x in pair for c in "\r\n"))
        if not isinstance(self.path, str) or not self.path.startswith("/"):
            raise ValueError("path must be a string starting with /")
        if self.fault not in FAULTS:
            raise ValueError(f"fault must be one of {', '.join(FAULTS)}")
        if self.method is not None and not isinstance(self.method, str):
            raise ValueError("method must be a string")
        if self.fault == "api_error" and not integer(self.code, 0):
            raise ValueError("api_error needs an integer code")
        if not integer(self.delay_ms, 0) or not integer(self.times, 1):
            raise ValueError("delay_ms must be >= 0 and times >= 1")
        if not integer(self.status, 100) or self.status > 599 or not isinstance(self.body, str):
            raise ValueError("status must be 100..599 and body a string")
        if self.content_type is not None and not isinstance(self.content_type, str):
            raise ValueError("content_type must be a string")
        if self.headers is not None and not (isinstance(self.headers, list) and all(map(header, self.headers))):
            raise ValueError("headers must be a list of [name, value] strings")
        if self.fault in hostile.NEEDS_LOCATION and not (
                isinstance(self.location, str) and self.location and not any(c in self.location for c in "\r\n")):
            raise ValueError(f"{self.fault} needs a location")
        if self.size is not None and not integer(self.size, 0):
            raise ValueError("size must be an integer >= 0")

    def matches(self, request, method):
        if self.fault == "close_reused" and request.sequence == 1:
            return False  # only a request on a kept-alive connection
        return request.path.startswith(self.path) and self.method in (None, method)


def quiet_handle_error(server, request, client_address):
    """socketserver's handle_error, minus the tracebacks of clients that go away
    (a reset, a timed-out read, a refused certificate): routine under faults."""
    if not isinstance(sys.exc_info()[1], OSError):
        ThreadingHTTPServer.handle_error(server, request, client_address)


class EmulatorServer(ThreadingHTTPServer):
    """Serves every platform on one loopback port; all state lives here."""

    daemon_threads = True
    request_queue_size = 128  # clients that open many connections at once (socapi_batch)
    block_on_close = False
    handle_error = quiet_handle_error

    def __init__(self, address, seed=1, verbose=False):
        self.address_family = socket.AF_INET6 if ":" in address[0] else socket.AF_INET
        super().__init__(address, Handler)
        host, port = self.server_address[:2]
        self.base_url = f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"
        self.seed = seed
        self.verbose = verbose
        self.lock = threading.Lock()  # one request at a time touches state
        self.reset()

    def reset(self):
        """Forget faults and everything clients did: a fresh seeded world."""
        self.connections = 0  # TCP connections accepted since, for keep-alive checks
        self.requests = 0
        self.faults = []
        self.arrivals = []  # the path of every request but the control ones
        self.platforms = {cls.prefix: cls(self.seed, self.base_url) for cls in PLATFORMS}

    def process_request(self, request, client_address):
        with self.lock:
            self.connections += 1
        super().process_request(request, client_address)

    def platform_for(self, path):
        return next((p for prefix, p in self.platforms.items()
                     if path == prefix or path.startswith(prefix + "/")), None)

    def respond(self, request):
        """The Response for a request, or None to drop the connection."""
        with self.lock:
            self.requests += 1
            if request.path.startswith(CONTROL):
                return self.control(request)
            self.arrivals.append(request.path)
            if request.path == TRAP or request.path.startswith(TRAP + "/"):
                return text_response("trapped\n")
            platform = self.platform_for(request.path)
            if platform is None:
                return text_response("not found\n", 404)
            fault = self.take_fault(request, platform.method_of(request))
        kind = fault.fault if fault else None
        if kind == "reset":
            return Response(wire="reset")
        if kind in hostile.HOSTILE:
            return hostile.answer(fault, platform, request, lambda: self.call(platform, request))
        if kind == "api_error":
            return platform.api_error(fault.code)
        if kind == "empty":
            return Response(200, b"", platform.content_type)
        if kind == "reply":
            return Response(fault.status, fault.body.encode(), fault.content_type or platform.content_type,
                            [tuple(h) for h in fault.headers or ()])
        if kind in FAULT_PAGES:
            status, title = FAULT_PAGES[kind]
            return html_page(title, f"<h1>{title}</h1>\n<hr><p>nginx</p>", status)
        if kind == "timeout":
            time.sleep(fault.delay_ms / 1000)  # then answer normally
        response = self.call(platform, request)
        if kind == "truncated":
            response.body = response.body[:len(response.body) // 2]
        return response

    def call(self, platform, request):
        with self.lock:
            try:
                return platform.handle(request)
            except Exception:  # a bug in the emulator: say so loudly, keep serving
                traceback.print_exc()
                return text_response("internal emulator error\n", 500)

    def take_fault(self, request, method):
        fault = next((f for f in self.faults if f.matches(request, method)), None)
        if fault is not None:
            fault.times -= 1
            if fault.times == 0:
                self.faults.remove(fault)
        return fault

    def control(self, request):
        route = (request.verb, request.path)
        if route == ("GET", CONTROL + "health"):
            return text_response("ok")
        if route == ("GET", CONTROL + "stats"):
            return json_response({"connections": self.connections, "requests": self.requests})
        if route == ("POST", CONTROL + "reset"):
            self.reset()
            return text_response("ok")
        if route == ("GET", CONTROL + "arrivals"):
            prefix = request.query.get("path", "/")
            return json_response({"count": sum(p.startswith(prefix) for p in self.arrivals)})
        if route == ("POST", CONTROL + "faults"):
            try:
                fault = Fault(**json.loads(request.body))
            except (ValueError, TypeError) as error:  # bad JSON, unknown or missing keys
                return json_response({"error": str(error)}, 400)
            self.faults.append(fault)
            return json_response(asdict(fault))
        name, _, action = request.path[len(CONTROL):].partition("/")
        platform = self.platforms.get("/" + name)
        if platform is None or not action:
            return text_response("not found\n", 404)
        return platform.control(request, action)

    def method_of(self, request):
        platform = self.platform_for(request.path)
        return platform.method_of(request) if platform else None


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive; every answer has a Content-Length
    server_version = "socapi-emulator"
    timeout = 60  # idle keep-alive connections are closed after this
    disable_nagle_algorithm = True  # headers and body go out in two writes: no 40 ms delayed-ACK stall

    def do_GET(self):
        self.serve()

    do_POST = do_PUT = do_DELETE = do_PATCH = do_GET

    def serve(self):
        self.sequence = getattr(self, "sequence", 0) + 1  # one handler a connection
        request = parse_request(self.command, self.path, self.headers, self.read_body())
        request.sequence = self.sequence
        response = self.server.respond(request)
        status = response.status if response.wire == "whole" else response.wire
        self.send(response)
        if self.server.verbose:  # path only: tokens and signatures stay out of the log
            method = self.server.method_of(request)
            self.log_message("%s %s%s -> %s", request.verb, request.path,
                             f" [{method}]" if method else "", status)

    def read_body(self):
        if "chunked" not in self.headers.get("Transfer-Encoding", "").lower():
            return self.rfile.read(int(self.headers.get("Content-Length") or 0))
        chunks = []
        while size := int(self.rfile.readline().split(b";")[0], 16):
            chunks.append(self.rfile.read(size))
            self.rfile.readline()
        while self.rfile.readline() not in (b"\r\n", b"\n", b""):  # trailers
            pass
        return b"".join(chunks)

    def send(self, response):
        if response.wire == "reset":
            self.reset_connection()
            return
        if response.wire == "close_reused":
            self.close_connection = True  # read and run, never answered
            return
        body = response.body
        try:
            self.send_response(response.status)
            self.send_header("Content-Type", response.content_type)
            self.send_header("Content-Length", str(len(body)))
            for name, value in response.headers:
                self.send_header(name, value)
            self.end_headers()
            if response.wire == "trickle":
                for i in range(len(body)):
                    self.wfile.write(body[i:i + 1])
                    self.wfile.flush()
                    time.sleep(response.delay_ms / 1000)
            elif response.wire in ("short_body", "reset_mid_body"):
                self.wfile.write(body[:len(body) // 2])
                self.wfile.flush()
                if response.wire == "reset_mid_body":
                    self.reset_connection()
                self.close_connection = True
            else:
                self.wfile.write(body)
        except OSError:  # the client went away (e.g. it timed out first)
            self.close_connection = True

    def reset_connection(self):
        """Close without an answer; SO_LINGER 0 makes the close a TCP RST."""
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.connection.close()
        self.close_connection = True

    def log_request(self, code="-", size="-"):
        pass  # serve() logs instead, without the query string

    def log_message(self, format, *args):
        if self.server.verbose:
            super().log_message(format, *args)


class TLSFrontend(ThreadingHTTPServer):
    """A second listener speaking TLS (a certificate the caller made) in front
    of an EmulatorServer: same world, same faults, same arrivals."""

    daemon_threads = True
    block_on_close = False

    def __init__(self, address, backend, cert_file, key_file):
        self.address_family = socket.AF_INET6 if ":" in address[0] else socket.AF_INET
        super().__init__(address, Handler)
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(cert_file, key_file)
        # the handshake happens in the request's thread, not in accept()
        self.socket = context.wrap_socket(self.socket, server_side=True, do_handshake_on_connect=False)
        self.backend = backend
        self.verbose = backend.verbose

    def respond(self, request):
        return self.backend.respond(request)

    def method_of(self, request):
        return self.backend.method_of(request)

    handle_error = quiet_handle_error


def loopback(host):
    """The address to bind for --host; only loopback addresses are allowed."""
    if host == "localhost":
        return "127.0.0.1"
    try:
        if ipaddress.ip_address(host).is_loopback:
            return host
    except ValueError:
        pass
    raise ValueError(f"refusing to listen on {host!r}: only loopback addresses are allowed")


def write_port_file(path, port):
    """Write the port atomically, so a reader never sees a partial file."""
    temporary = f"{path}.{os.getpid()}.tmp"
    with open(temporary, "w", encoding="ascii") as stream:
        stream.write(f"{port}\n")
    os.replace(temporary, path)


def shell_settings(server, pid):
    """The lines `eval "$(socapi-emulator --background)"` runs: export what points the
    socapi CLI at this emulator, and say how to stop it and who can log in."""
    lines = [f"# socapi-emulator serves {server.base_url} as process {pid}; "
             "stop it with: kill $SOCAPI_EMULATOR_PID",
             f"export SOCAPI_EMULATOR_PID={pid}"]
    for platform in server.platforms.values():
        lines += [f"export {name}={shlex.quote(value)}" for name, value in platform.cli_settings().items()]
        lines.append(f"# {platform.prefix[1:]} logins: {platform.cli_accounts}")
    return "\n".join(lines) + "\n"


def serve_in_background(server):
    """Forks: the child serves, detached from the terminal and from the caller's
    stdout (so $(...) returns); the parent prints shell_settings. Returns the exit status."""
    pid = os.fork()
    if pid:
        server.socket.close()  # the child's copy keeps listening
        sys.stdout.write(shell_settings(server, pid))
        return 0
    os.setsid()
    quiet = os.open(os.devnull, os.O_RDWR)
    os.dup2(quiet, 0)
    os.dup2(quiet, 1)
    try:
        server.serve_forever()
    finally:
        server.server_close()
    os._exit(0)


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog="socapi-emulator",
        description="Offline emulator of the Mail.Ru, OK.ru and VK REST and OAuth endpoints.")
    parser.add_argument("--host", default="127.0.0.1", help="loopback address to bind (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=0, help="port to bind; 0 = any free port (default)")
    parser.add_argument("--port-file", metavar="PATH", help="write the bound port number to PATH")
    parser.add_argument("--seed", type=int, default=1, help="seed of the fake social graph (default 1)")
    parser.add_argument("--verbose", action="store_true", help="log requests (never tokens or signatures)")
    parser.add_argument("--background", action="store_true",
                        help="serve from a background process and print the shell lines that point the "
                             "socapi CLI at it: eval \"$(socapi-emulator --background)\"")
    parser.add_argument("--tls-cert", metavar="PEM", help="also serve HTTPS with this certificate (and --tls-key)")
    parser.add_argument("--tls-key", metavar="PEM", help="the private key of --tls-cert")
    parser.add_argument("--tls-port", type=int, default=0, help="port of the HTTPS listener; 0 = any free port")
    parser.add_argument("--tls-port-file", metavar="PATH", help="write the HTTPS port number to PATH")
    args = parser.parse_args(argv)
    if bool(args.tls_cert) != bool(args.tls_key):
        parser.error("--tls-cert and --tls-key go together")
    try:
        host = loopback(args.host)
    except ValueError as error:
        parser.error(str(error))

    server = EmulatorServer((host, args.port), seed=args.seed, verbose=args.verbose)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    if args.background:
        return serve_in_background(server)
    tls = TLSFrontend((host, args.tls_port), server, args.tls_cert, args.tls_key) if args.tls_cert else None
    try:
        if tls:
            threading.Thread(target=tls.serve_forever, daemon=True).start()
            if args.tls_port_file:
                write_port_file(args.tls_port_file, tls.server_address[1])
        if args.port_file:
            write_port_file(args.port_file, server.server_address[1])
        print(f"socapi-emulator listening on {server.base_url}", flush=True)
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
        if tls:
            tls.server_close()
        for path in (args.port_file, args.tls_port_file if tls else None):
            try:
                if path:
                    os.remove(path)
            except FileNotFoundError:  # a reader may already have removed it
                pass
    return 0
