"""No file of the project cites notes that live outside the repository.

    citations_in_tree.py <source dir>

Comments, docstrings and the side files' `source` strings must cite what a
reader with only the repository can follow: an official documentation URL or
a public repository and path. This fails (exit 1, one line per hit) when a
tracked file points into the team's research notes beside the checkout
(the reference folder in ../shared and its per-platform files) or cites a
bare section number (a section sign followed by a number). Without git it
walks the tree, skipping .git and build directories.
"""
import os
import re
import subprocess
import sys

SECTION_SIGN = "\u00a7"
FORBIDDEN = re.compile(
    r"shared[/ ]reference"
    r"|reference/(?:mailru|okru|vk|design-anchors)\.md"
    r"|" + SECTION_SIGN + r"\s*[0-9]")


def tracked_files(root):
    try:
        listing = subprocess.run(["git", "-C", root, "ls-files", "-z"], check=True,
                                 capture_output=True).stdout
        return [name for name in listing.decode("utf-8").split("\0") if name]
    except (OSError, subprocess.CalledProcessError):
        found = []
        for folder, subfolders, files in os.walk(root):
            subfolders[:] = [d for d in subfolders if d != ".git" and not d.startswith("build")]
            found += [os.path.relpath(os.path.join(folder, name), root) for name in files]
        return found


def hits(root):
    for name in sorted(tracked_files(root)):
        try:
            with open(os.path.join(root, name), "rb") as f:
                data = f.read()
        except OSError:  # tracked but deleted in the work tree
            continue
        text = data.decode("utf-8", errors="replace")
        for number, line in enumerate(text.splitlines(), 1):
            match = FORBIDDEN.search(line)
            if match:
                yield f"{name}:{number}: cites {match.group(0)!r}: {line.strip()[:120]}"


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    found = list(hits(sys.argv[1]))
    for hit in found:
        print(hit)
    if found:
        print(f"{len(found)} citation(s) of notes outside the repository; cite the public source "
              "(an official page URL or a public repository and path) or state the fact")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
