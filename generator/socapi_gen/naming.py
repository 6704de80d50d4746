"""Every C name the generator emits is decided here, so names are stable
across runs and never collide with C keywords or with each other."""

import re

C_KEYWORDS = frozenset("""
auto break case char const continue default do double else enum extern float for goto if
inline int long register restrict return short signed sizeof static struct switch typedef
union unsigned void volatile while _Alignas _Alignof _Atomic _Bool _Complex _Generic
_Imaginary _Noreturn _Static_assert _Thread_local bool true false NULL alignas alignof
asm typeof errno assert offsetof
""".split())


def snake(name):
    """'getAppUsers' -> 'get_app_users', 'type-id' -> 'type_id', 'ID' -> 'id'."""
    s = re.sub(r"[^0-9A-Za-z]+", "_", name)
    s = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", s)
    s = re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1_\2", s)
    return s.strip("_").lower()


def identifier(name, fallback="value"):
    """A safe lower-case C identifier for a schema name."""
    s = snake(name) or fallback
    if s[0].isdigit():
        s = "v" + s
    if s in C_KEYWORDS:
        s += "_"
    return s


def macro(name):
    """An upper-case name part for enumerators and macros; it always follows a
    prefix, so a leading digit is fine."""
    return snake(name).upper() or "VALUE"


class Scope:
    """Hands out unique names inside one C scope (a struct, the file)."""

    def __init__(self, taken=()):
        self.taken = set(taken)

    def claim(self, wanted):
        name, n = wanted, 2
        while name in self.taken:
            name = f"{wanted}_{n}"
            n += 1
        self.taken.add(name)
        return name


def method_function(prefix, method_name, variant):
    """friends.getAppUsers + extendedResponse -> mailru_friends_get_app_users_extended."""
    base = f"{prefix}_" + "_".join(identifier(p) .rstrip("_") for p in method_name.split("."))
    suffix = variant_suffix(variant)
    return base + (f"_{suffix}" if suffix else "")


def variant_suffix(variant):
    if variant == "response":
        return ""
    v = variant[:-len("Response")] if variant.endswith("Response") else variant
    return snake(v) or snake(variant)
