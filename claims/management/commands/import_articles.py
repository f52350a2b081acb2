import contextlib
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
            help="Article files, or folders: a folder means every *.txt file in it, by name.",
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
            for manifest_path, files in batches.items():
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
        """The files to import, grouped by the manifest that describes them."""
        batches = {}
        for given in paths:
            path = Path(given)
            if path.is_dir():
                files = sorted(candidate for candidate in path.glob("*.txt") if candidate.is_file())
                default_manifest = path / MANIFEST_NAME
                if not files:
                    self._fail(path, "the folder has no .txt files")
                    continue
            elif path.suffix == ".toml":
                self._fail(path, "this is a manifest, not an article: give it with --manifest")
                continue
            elif path.is_file():
                files = [path]
                default_manifest = path.parent / MANIFEST_NAME
            else:
                self._fail(path, "no such file or folder")
                continue
            if manifest_option:
                manifest_path = manifest_option
            else:
                manifest_path = default_manifest if default_manifest.is_file() else None
            batch = batches.setdefault(manifest_path, [])
            batch.extend(file for file in files if file not in batch)
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
        for file_name, reason in importer.link_pending():
            self._fail(file_name, reason)

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
        self.stderr.write(self.style.ERROR(f"{path}: {reason}"))
