import contextlib
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from claims.importing import MANIFEST_NAME, ManifestError, ManifestImporter, load_manifest
from sources.importing import ArticleImportError, Outcome


@dataclass
class Tally:
    articles: dict[Outcome, int] = field(default_factory=lambda: dict.fromkeys(Outcome, 0))
    claims_created: int = 0
    failures: int = 0


class UnusablePath(Exception):
    """A path given on the command line that names no article file or folder of them."""


class Command(BaseCommand):
    help = (
        "Import news articles from text files, with the claims that a TOML manifest curates "
        "for them. Each file imports in its own transaction; a file that cannot be imported "
        "is reported and the others still are. Running it again changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "paths",
            nargs="+",
            metavar="PATH",
            help="Article files, or folders: a folder means every .txt file in it, by name "
            "(not in its subfolders, and not hidden ones).",
        )
        parser.add_argument(
            "--manifest",
            type=Path,
            help=f"The manifest describing the files (default: {MANIFEST_NAME} in the folder "
            "given, or beside the file given; files without one import without claims).",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Report what would be imported, and what fails, without writing anything.",
        )

    def handle(self, *args, paths, manifest, dry_run, **options):
        self.verbosity = options["verbosity"]
        self.tally = Tally()
        batches = self._batches(paths, manifest)
        # A dry run does all the work in a transaction that is then rolled back.
        with transaction.atomic() if dry_run else contextlib.nullcontext():
            for manifest_path, files in batches.values():
                self._import_batch(manifest_path, files)
            if dry_run:
                transaction.set_rollback(True)

        counts = self.tally.articles
        summary = (
            f"Articles: {counts[Outcome.CREATED]} created, {counts[Outcome.UPDATED]} updated, "
            f"{counts[Outcome.UNCHANGED]} unchanged. Claims: {self.tally.claims_created} "
            f"created. Failures: {self.tally.failures}."
        )
        if dry_run:
            summary = f"Dry run, nothing was written. {summary}"
        if self.tally.failures:
            self.stdout.write(self.style.WARNING(summary))
            raise CommandError(
                f"{self.tally.failures} problem(s) stopped part of the import; see above."
            )
        self.stdout.write(self.style.SUCCESS(summary))

    def _batches(self, paths, manifest_option):
        """The files to import, each once, grouped by the manifest that describes them.

        Returns {the manifest's real path: (the manifest's path as given, [file, ...])}.
        """
        batches = {}
        real_paths = {}  # File name -> the real path of the file imported under it.
        for given in paths:
            path = Path(given)
            try:
                files, default_manifest = _files_at(path)
            except UnusablePath as error:
                self._fail(path, str(error))
                continue
            manifest_path = manifest_option or (
                default_manifest if default_manifest.is_file() else None
            )
            key = os.path.realpath(manifest_path) if manifest_path else None
            batch = batches.setdefault(key, (manifest_path, []))[1]
            for file in files:
                real_path = os.path.realpath(file)
                if file.name not in real_paths:
                    real_paths[file.name] = real_path
                    batch.append(file)
                elif real_paths[file.name] != real_path:
                    # Articles are known by file name: the second would overwrite the first.
                    first = real_paths[file.name]
                    self._fail(file, f"another file of this name is in this import ({first})")
                # Otherwise it is the same file again, given twice or in a folder given too.
        return batches

    def _import_batch(self, manifest_path, files):
        try:
            manifest = load_manifest(manifest_path) if manifest_path else None
        except ManifestError as error:
            self._fail(manifest_path, f"{error}; none of its {len(files)} file(s) was imported")
            return
        importer = ManifestImporter(manifest, batch=files)
        for name in importer.missing_files():
            self._fail(manifest_path, f"describes {name}, but there is no such file")
        for path in files:
            try:
                result = importer.import_file(path)
            except ArticleImportError as error:
                self._fail(path, str(error))
                continue
            self.tally.articles[result.outcome] += 1
            self.tally.claims_created += result.claims_created
            self._report(path, result)
        paths_by_name = {path.name: path for path in files}
        for file_name, reason in importer.link_pending():
            self._fail(paths_by_name.get(file_name, file_name), reason)

    def _report(self, path, result):
        if self.verbosity < 1:
            return
        line = f"{path.name}: article {result.outcome}, {result.claims_created} claim(s) created"
        if result.claims_kept:
            line += f", {result.claims_kept} already imported and left as they are"
        self.stdout.write(line)
        if self.verbosity > 1 and result.repairs:
            repairs = ", ".join(f"{damaged} -> {repaired}" for damaged, repaired in result.repairs)
            self.stdout.write(f"  repaired: {repairs}")

    def _fail(self, path, reason):
        self.tally.failures += 1
        self.stderr.write(self.style.ERROR(_printable(f"{path}: {reason}")))


def _files_at(path):
    """The article files that `path` names, and the manifest that describes them by default."""
    try:
        mode = path.stat().st_mode
        if stat.S_ISDIR(mode):
            files = sorted(child for child in path.iterdir() if _is_article_file(child))
            if not files:
                raise UnusablePath("the folder has no .txt files")
            return files, path / MANIFEST_NAME
    except FileNotFoundError:
        raise UnusablePath("no such file or folder") from None
    except (OSError, ValueError) as error:  # ValueError: a NUL byte in the path.
        raise UnusablePath(
            f"cannot read it ({getattr(error, 'strerror', None) or error})"
        ) from None
    if path.suffix.casefold() == ".toml":
        raise UnusablePath("this is a manifest, not an article: give it with --manifest")
    if not stat.S_ISREG(mode):
        raise UnusablePath("not a file or folder (a device, pipe or socket)")
    return [path], path.parent / MANIFEST_NAME


def _is_article_file(path):
    # Skipped like the shell's *.txt skips them: editors' backups and macOS's ._ files.
    hidden = path.name.startswith(".")
    return not hidden and path.suffix.casefold() == ".txt" and path.is_file()


def _printable(text):
    """`text` on one line: control characters and undecodable bytes in file names escaped."""
    return "".join(char if char.isprintable() else ascii(char)[1:-1] for char in text)
