"""Every C name the generator emits is decided here, so names are stable
across runs and never collide with C or C++ keywords or with each other."""

import re

C_KEYWORDS = frozenset("""
auto break case char const continue default do double else enum extern float for goto if
inline int long register restrict return short signed sizeof static struct switch typedef
union unsigned void volatile while _Alignas _Alignof _Atomic _Bool _Complex _Generic
_Imaginary _Noreturn _Static_assert _Thread_local bool true false NULL alignas alignof
asm typeof errno assert offsetof
""".split())

# The generated headers are also included from C++ (extern "C"): a member named
# new or private would not compile there.
CXX_KEYWORDS = frozenset("""
and and_eq bitand bitor catch char8_t char16_t char32_t class co_await co_return co_yield
compl concept consteval constexpr constinit const_cast decltype delete dynamic_cast explicit
export friend mutable namespace new noexcept not not_eq nullptr operator or or_eq private
protected public reinterpret_cast requires static_assert static_cast template this
thread_local throw try typeid typename using virtual wchar_t xor xor_eq
""".split())

# Marks a response variant's function: friends.get + fieldsResponse ->
# vk_friends_get_with_fields. No method name produces it (the builder rejects
# one that does), so a variant never reads as a separate method such as
# friends.getLists (vk_friends_get_lists).
VARIANT_MARK = "_with_"


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
    if s in C_KEYWORDS or s in CXX_KEYWORDS:
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


# The member of every generated struct that keeps the JSON text of the
# members the schema does not know; a property of that name is renamed.
UNKNOWN_MEMBER = "unknown"


def presence_flag(member):
    """The bool that says whether a scalar member is set: has_count for count.
    A member that already starts with has_ (a flag itself) gets has_email_set,
    not has_has_email."""
    member = member.rstrip("_")
    return f"{member}_set" if member.startswith("has_") else f"has_{member}"


def method_function(prefix, method_name, variant):
    """friends.getAppUsers -> mailru_friends_get_app_users; with extendedResponse
    -> mailru_friends_get_app_users_with_extended."""
    base = f"{prefix}_" + "_".join(identifier(p).rstrip("_") for p in method_name.split("."))
    suffix = variant_suffix(variant)
    return base + (f"{VARIANT_MARK}{suffix}" if suffix else "")


def scraper_function(prefix, method_name, variant):
    """groups.get + extendedResponse -> mailru_groups_get_extended_scrape."""
    return method_function(prefix, method_name, variant) + "_scrape"


def variant_suffix(variant):
    if variant == "response":
        return ""
    v = variant[:-len("Response")] if variant.endswith("Response") else variant
    return snake(v) or snake(variant)
