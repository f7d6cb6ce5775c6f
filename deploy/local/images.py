"""Base images from Debian's packages, for a Docker engine that reaches no image registry.

    .venv/bin/python deploy/local/images.py            # build what is missing, print the tags
    .venv/bin/python deploy/local/images.py --list     # the tags the recipes ask for, built or not

Two roots are made with ``debootstrap --variant=minbase`` and ``docker import``: Debian 12
(bookworm) and Debian 13 (trixie, for Node.js 20.19). Every other image is a Dockerfile
in deploy/local/images/<name>/ on one of them. Each image is tagged
``tiimi-local/<name>:<hash>``, the hash taken over its recipe and its base's hash, so an
unchanged recipe is never built again and a changed one always is; ``:latest`` points at
the newest build (the compose override file names it).

Production never uses these: deploy/Dockerfile defaults to the official images.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
RECIPES = HERE / "images"
REPOSITORY = "tiimi-local"
MIRROR = os.environ.get("TIIMI_DEBIAN_MIRROR", "http://deb.debian.org/debian")
# Bumped when the way a root is made changes (the hash then changes with it).
ROOT_RECIPE = "minbase; docs, manuals, locales and apt's lists removed; PATH and LANG set"
# Where pip and npm inside a build find this machine's certificate authorities, when they
# need them (TIIMI_BUILD_CA_BUNDLE=none for none); given to the build as a secret, never kept.
CA_BUNDLE = os.environ.get("TIIMI_BUILD_CA_BUNDLE", "/etc/ssl/certs/ca-certificates.crt")


@dataclass(frozen=True)
class Recipe:
    name: str
    suite: str | None = None  # a root: the Debian suite debootstrap makes
    base: str | None = None  # a Dockerfile image: the recipe it builds on

    def files(self) -> list[Path]:
        folder = RECIPES / self.name
        return sorted(p for p in folder.rglob("*") if p.is_file()) if folder.is_dir() else []


IMAGES: dict[str, Recipe] = {
    recipe.name: recipe
    for recipe in (
        Recipe("debian", suite="bookworm"),
        Recipe("debian-trixie", suite="trixie"),
        Recipe("python", base="debian"),
        Recipe("node", base="debian-trixie"),
        Recipe("rabbitmq", base="debian"),
        Recipe("postgres", base="debian"),
        Recipe("smtp", base="debian"),
    )
}


def recipe_hash(name: str) -> str:
    recipe = IMAGES[name]
    digest = hashlib.sha256(f"{name}\n".encode())
    if recipe.suite:
        digest.update(f"debootstrap {recipe.suite} {MIRROR} {ROOT_RECIPE}\n".encode())
    if recipe.base:
        digest.update(f"base {recipe_hash(recipe.base)}\n".encode())
    for path in recipe.files():
        digest.update(f"{path.relative_to(RECIPES)}\n".encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def tag(name: str) -> str:
    return f"{REPOSITORY}/{name}:{recipe_hash(name)}"


def latest(name: str) -> str:
    return f"{REPOSITORY}/{name}:latest"


# -- the engine ---------------------------------------------------------------------------------------


def docker_cli() -> list[str]:
    """A docker command that builds with BuildKit (build secrets need it).

    A client before 23 has BuildKit inside (DOCKER_BUILDKIT=1); a newer one needs its buildx
    plugin. Debian's docker.io (20.10) is taken when the first client on PATH lacks buildx.
    """
    candidates = [c for c in (shutil.which("docker"), "/usr/bin/docker") if c and Path(c).exists()]
    for cli in dict.fromkeys(candidates):
        version = subprocess.run([cli, "version", "--format", "{{.Client.Version}}"],
                                 capture_output=True, text=True).stdout.strip()
        major = int(version.split(".")[0]) if version[:1].isdigit() else 0
        if major and major < 23:
            return [cli]
        if subprocess.run([cli, "buildx", "version"], capture_output=True).returncode == 0:
            return [cli]
    raise SystemExit("images: no docker client that can build with BuildKit (install Debian's docker.io, "
                     "or the buildx plugin for the client on PATH)")


def engine_answers(cli: Sequence[str] = ("docker",)) -> bool:
    try:
        return subprocess.run([*cli, "version", "--format", "{{.Server.Version}}"], capture_output=True,
                              timeout=10).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


def exists(cli: Sequence[str], image: str) -> bool:
    return subprocess.run([*cli, "image", "inspect", image], capture_output=True).returncode == 0


def build_env() -> dict[str, str]:
    return os.environ | {"DOCKER_BUILDKIT": "1"}


def ca_secret() -> list[str]:
    """``--secret id=ca,...`` when this machine's CA bundle is to be given to pip and npm."""
    if CA_BUNDLE.lower() in ("", "none") or not Path(CA_BUNDLE).is_file():
        return []
    return ["--secret", f"id=ca,src={CA_BUNDLE}"]


# -- building -----------------------------------------------------------------------------------------


def _make_root(cli: Sequence[str], recipe: Recipe, image: str, say: Callable[[str], None]) -> None:
    if shutil.which("debootstrap") is None:
        raise SystemExit("images: debootstrap is missing (apt-get install -y debootstrap)")
    work = Path(tempfile.mkdtemp(prefix=f"tiimi-root-{recipe.name}-", dir=os.environ.get("TMPDIR")))
    try:
        rootfs = work / "rootfs"
        say(f"debootstrap {recipe.suite} (minbase) for {image}")
        done = subprocess.run(["debootstrap", "--variant=minbase", str(recipe.suite), str(rootfs), MIRROR],
                              capture_output=True, text=True)
        if done.returncode != 0:
            tail = (done.stdout + done.stderr)[-3000:]
            raise SystemExit(f"images: debootstrap {recipe.suite} failed:\n{tail}")
        for folder in ("var/cache/apt", "var/lib/apt/lists", "usr/share/doc", "usr/share/man",
                       "usr/share/locale", "usr/share/info"):
            target = rootfs / folder
            if target.is_dir():
                for child in target.iterdir():
                    shutil.rmtree(child) if child.is_dir() and not child.is_symlink() else child.unlink()
        tar = subprocess.Popen(["tar", "-C", str(rootfs), "--numeric-owner", "-c", "."],
                               stdout=subprocess.PIPE)
        imported = subprocess.run(
            [*cli, "import",
             "--change", "ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
             "--change", "ENV LANG=C.UTF-8",
             "--change", 'CMD ["bash"]',
             "-", image],
            stdin=tar.stdout, capture_output=True, text=True)
        assert tar.stdout is not None
        tar.stdout.close()
        if tar.wait() != 0 or imported.returncode != 0:
            raise SystemExit(f"images: importing {image} failed: {imported.stderr[-2000:]}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _build(cli: Sequence[str], recipe: Recipe, image: str, say: Callable[[str], None]) -> None:
    assert recipe.base is not None
    say(f"building {image} on {tag(recipe.base)}")
    done = subprocess.run(
        [*cli, "build", "--network", "host", "--build-arg", f"BASE={tag(recipe.base)}", "-t", image,
         str(RECIPES / recipe.name)],
        capture_output=True, text=True, env=build_env())
    if done.returncode != 0:
        raise SystemExit(f"images: building {image} failed:\n{(done.stdout + done.stderr)[-3000:]}")


def ensure(names: Sequence[str] | None = None, cli: Sequence[str] | None = None,
           say: Callable[[str], None] = print) -> dict[str, str]:
    """Every named image (and what it builds on) present and tagged; {name: tag}. Builds only what is
    missing: the tag carries the recipe's hash."""
    cli = list(cli or docker_cli())
    wanted: list[str] = []

    def want(name: str) -> None:
        base = IMAGES[name].base
        if base:
            want(base)
        if name not in wanted:
            wanted.append(name)

    for name in names or list(IMAGES):
        want(name)
    tags = {}
    for name in wanted:
        image = tag(name)
        if exists(cli, image):
            say(f"{image}: built before (same recipe)")
        else:
            began = time.monotonic()
            recipe = IMAGES[name]
            (_make_root if recipe.suite else _build)(cli, recipe, image, say)
            say(f"{image}: built in {time.monotonic() - began:.0f} s")
        subprocess.run([*cli, "tag", image, latest(name)], check=True, capture_output=True)
        tags[name] = image
    return tags


def size_mb(cli: Sequence[str], image: str) -> float:
    out = subprocess.run([*cli, "image", "inspect", "--format", "{{.Size}}", image], capture_output=True,
                         text=True, check=True).stdout
    return int(out.strip()) / 1e6


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", choices=[[], *IMAGES], help="images to build (default: all)")
    parser.add_argument("--list", action="store_true", help="print the tags the recipes ask for and stop")
    args = parser.parse_args(argv)
    if args.list:
        print(json.dumps({name: tag(name) for name in IMAGES}, indent=2))
        return 0
    cli = docker_cli()
    if not engine_answers(cli):
        raise SystemExit("images: no Docker engine answers (docs/runbook.md, \"Containers on this machine\")")
    for name, image in ensure(args.names or None, cli).items():
        print(f"{name:14} {image}  {size_mb(cli, image):.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
