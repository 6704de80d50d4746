"""Every object that schema/vk defines has every property VK's public schema gives it.

    vk_objects_complete.py <schema/vk> <VK's schema directory>

schema/vk is a curated subset: it chooses methods, not members. For each
definition in schema/vk/*/objects.json that VK's schema also defines, the
properties it has (its own, those of the objects it names through $ref or
allOf, and those of its alternatives when it is a oneOf) must include all
of VK's, and a union chosen by a discriminator must know every discriminator
value VK's knows. Exits 0 when nothing is missing, 1 with a list otherwise,
77 (skipped) when VK's schema directory is not there.
"""
import glob
import json
import os
import re
import sys

DEFINITION = re.compile(r"#/definitions/(\w+)$")


def definitions(root):
    found = {}
    for path in sorted(glob.glob(os.path.join(root, "*", "objects.json"))):
        with open(path, encoding="utf-8") as f:
            found.update(json.load(f)["definitions"])
    return found


def properties(defs, name, seen=None):
    """The property names of a definition, through $ref, allOf, oneOf and anyOf."""
    seen = set() if seen is None else seen
    if name in seen or name not in defs:
        return set()
    seen.add(name)
    names = set()

    def walk(node):
        if "$ref" in node:
            names.update(properties(defs, DEFINITION.search(node["$ref"]).group(1), seen))
        names.update(node.get("properties", {}))
        for part in node.get("allOf", []) + node.get("oneOf", []) + node.get("anyOf", []):
            walk(part)

    walk(defs[name])
    return names


def discriminator_values(definition):
    return set(definition.get("discriminator", {}).get("mapping", {}))


def main(argv):
    if len(argv) != 3:
        print(f"usage: {argv[0]} <schema/vk> <VK's schema directory>", file=sys.stderr)
        return 2
    ours_dir, theirs_dir = argv[1], argv[2]
    if not theirs_dir or not glob.glob(os.path.join(theirs_dir, "*", "objects.json")):
        print(f"VK's schema not found at '{theirs_dir}' (SOCAPI_VK_SCHEMA_DIR): check skipped")
        return 77
    ours, theirs = definitions(ours_dir), definitions(theirs_dir)
    shared = sorted(name for name in ours if name in theirs)
    problems = []
    for name in shared:
        missing = properties(theirs, name) - properties(ours, name)
        if missing:
            problems.append(f"{name}: lacks {', '.join(sorted(missing))}")
        if "discriminator" in ours[name]:
            values = discriminator_values(theirs[name]) - discriminator_values(ours[name])
            if values:
                problems.append(f"{name}: no alternative for {', '.join(sorted(values))}")
    for line in problems:
        print(line)
    print(f"{len(shared)} objects of schema/vk checked against {theirs_dir}: "
          f"{len(problems)} incomplete")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
