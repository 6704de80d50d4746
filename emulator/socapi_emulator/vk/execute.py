"""VK's execute method: the emulated VKScript subset."""

import ast
import re

from ..common import ApiError
from .constants import ERRORS, MAX_EXECUTE_CALLS, USER_GROUP, error_message
from .call import api


SCRIPT_TOKEN = re.compile(r"""\s*(?:(?P<string>"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')"""
                          r"|(?P<number>-?\d+(?:\.\d+)?)|(?P<name>[A-Za-z_]\w*)|(?P<punct>[.,:;(){}\[\]]))")


class Script:
    """`return API.a.b({...});` or `return [API.a.b({...}), ...];`. Values are
    strings, numbers, true/false and arrays of those; keys may be unquoted.
    parse() gives ([(method, params)], whether the result is a list);
    ValueError says what does not parse."""

    def __init__(self, code):
        self.tokens = []
        position = 0
        while code[position:].strip():
            match = SCRIPT_TOKEN.match(code, position)
            if not match:
                raise ValueError(f"unexpected text at {position}: {code[position:position + 20]!r}")
            self.tokens.append((match.lastgroup, match[match.lastgroup]))
            position = match.end()
        self.position = 0

    def peek(self):
        return self.tokens[self.position] if self.position < len(self.tokens) else (None, "end of code")

    def take(self, kind=None, text=None):
        token = self.peek()
        if (kind and token[0] != kind) or (text and token[1] != text):
            raise ValueError(f"expected {text or kind}, found {token[1]!r}")
        self.position += 1
        return token[1]

    def parse(self):
        self.take("name", "return")
        is_list = self.peek()[1] == "["
        if is_list:
            self.take("punct", "[")
            calls = [self.call()]
            while self.peek()[1] == ",":
                self.take()
                calls.append(self.call())
            self.take("punct", "]")
        else:
            calls = [self.call()]
        if self.peek()[1] == ";":
            self.take()
        if self.peek()[0] is not None:
            raise ValueError(f"unexpected {self.peek()[1]!r} after the return value")
        return calls, is_list

    def call(self):
        self.take("name", "API")
        parts = []
        while self.peek()[1] == ".":
            self.take()
            parts.append(self.take("name"))
        if not parts:
            raise ValueError("expected API.<method>")
        self.take("punct", "(")
        params = self.object() if self.peek()[1] == "{" else {}
        self.take("punct", ")")
        return ".".join(parts), params

    def object(self):
        self.take("punct", "{")
        params = {}
        while self.peek()[1] != "}":
            kind, key = self.peek()
            self.take()
            if kind not in ("name", "string"):
                raise ValueError(f"expected a key, found {key!r}")
            self.take("punct", ":")
            params[ast.literal_eval(key) if kind == "string" else key] = self.value()
            if self.peek()[1] != ",":
                break
            self.take()
        self.take("punct", "}")
        return params

    def value(self):
        if self.peek()[1] == "[":
            self.take()
            items = []
            while self.peek()[1] != "]":
                items.append(self.scalar())
                if self.peek()[1] != ",":
                    break
                self.take()
            self.take("punct", "]")
            return ",".join(items)  # arrays go to methods comma-joined
        return self.scalar()

    def scalar(self):
        kind, text = self.peek()
        self.take()
        if kind == "string":
            return ast.literal_eval(text)
        if kind == "number":
            return text
        if kind == "name" and text in ("true", "false"):
            return "1" if text == "true" else "0"
        raise ValueError(f"expected a value, found {text!r}")


@api("execute", USER_GROUP)
def execute(call):
    """Runs each API call with the caller's token; a failing one gives false in
    its place and an entry in execute_errors."""
    try:
        calls, is_list = Script(call.required("code")).parse()
    except ValueError as error:
        raise ApiError(12, f"{ERRORS[12]}: {error}") from None
    if len(calls) > MAX_EXECUTE_CALLS:
        raise ApiError(13, f"{ERRORS[13]}: too many API calls (more than {MAX_EXECUTE_CALLS})")
    results = []
    for name, params in calls:
        try:
            results.append(call.platform.invoke(name, {**params, "v": call.text("v"), "lang": call.text("lang")},
                                                call.session))
        except ApiError as error:
            results.append(False)
            call.execute_errors.append({"method": name, "error_code": error.code,
                                        "error_msg": error_message(error)})
    return results if is_list else results[0]
