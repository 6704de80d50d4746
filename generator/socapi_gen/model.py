"""The generator's intermediate representation: types, structs, unions,
enums and methods, independent of both the schema dialect and C text."""

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Scalar:
    """bool, int, uint, number, string, scalar (any JSON scalar as text),
    json (free-form) or file (parameters only)."""
    kind: str
    from_string: bool = False


@dataclass
class Enum:
    name: str            # schema name, unique per platform
    c_name: str          # mailru_event_type
    is_int: bool
    values: list         # [(c_member, schema_name, value)]
    description: str = ""


@dataclass
class Field:
    json_name: str
    c_name: str
    type: object
    required: bool = False
    description: str = ""
    has_name: str = None  # presence flag member, for scalars


@dataclass
class Struct:
    name: str
    c_name: str
    fields: list = field(default_factory=list)
    description: str = ""
    source: str = ""
    inferred: object = None
    seen_in: dict = field(default_factory=dict)  # property -> the real answer that shows it
    complete: bool = False  # fields filled (guards recursion)


@dataclass
class Alt:
    tag_values: list     # discriminator values, or [] when chosen by JSON kind
    member: str          # C member of the anonymous union
    enumerator: str      # MAILRU_ATTACHMENT_TEXT
    type: object


@dataclass
class Union:
    name: str
    c_name: str
    discriminator: str
    alts: list = field(default_factory=list)
    description: str = ""


@dataclass(frozen=True)
class Array:
    elem: object


@dataclass
class Param:
    name: str
    c_name: str
    type: object
    required: bool
    description: str = ""
    has_name: str = None


@dataclass
class Method:
    name: str                # friends.get
    variant: str             # extendedResponse
    c_name: str              # mailru_friends_get_with_extended
    params_c_name: str       # mailru_friends_get_params (shared by variants)
    params: list
    result: object
    forced: list             # [(name, value)]; value None: selected by the caller
    http_post: bool
    flags: list              # SOCAPI_METHOD_* names
    description: str = ""
    permissions: list = field(default_factory=list)
    source: str = ""
    inferred: object = None
    access_token_type: list = field(default_factory=list)
    paging: dict = None      # side-file paging entry, or None
    session: str = None      # side-file session kind (required, optional, none), or None
    base_c_name: str = ""    # the plain variant's function name, shared by all variants
    scraper: dict = None     # {"parameters", "source", "c_name"} when the method has a scraper
    dedup: str = None        # parameter socapi fills with a fresh random key (side-file dedup)


@dataclass
class Platform:
    name: str
    prefix: str
    api_version: str
    structs: dict = field(default_factory=dict)   # c_name -> Struct
    unions: dict = field(default_factory=dict)
    enums: dict = field(default_factory=dict)
    methods: list = field(default_factory=list)
    errors: list = field(default_factory=list)    # [(macro, code, description)]
