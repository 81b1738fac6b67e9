"""``python -m spacy_mbre schema check``: validate a schema file."""
import typer
from wasabi import Printer

from ..data.schema import Schema, shipped_schemas
from . import app

schema_app = typer.Typer(name="schema", help="Inspect and validate relation / type schemas.", no_args_is_help=True)
app.add_typer(schema_app, name="schema")


@schema_app.command("check")
def check_cli(
    path: str = typer.Argument(..., help="Schema file (.json/.yml) or shipped name: " + ", ".join(shipped_schemas())),
    options: bool = typer.Option(False, "--options", "-o", help="Also list the options (directional labels)"),
) -> None:
    """Load a schema, report errors, and print its labels and option count."""
    msg = Printer()
    schema = Schema.from_file(path)
    msg.good(
        f"Schema {schema.name!r} ({schema.kind}): {len(schema)} labels, {len(schema.options)} options "
        f"+ no-relation label {schema.no_relation!r}"
    )
    rows = [
        (
            label.name, "yes" if label.directed else "no",
            ", ".join(f"{h}->{t}" for h, t in label.types) or "any", label.description,
        )
        for label in schema.labels
    ]
    msg.table(rows, header=("Label", "Directed", "Types", "Description"), divider=True)
    if options:
        msg.table(
            [(o.name, o.label, "yes" if o.reverse else "no") for o in schema.options],
            header=("Option", "Label", "Reversed"), divider=True,
        )
