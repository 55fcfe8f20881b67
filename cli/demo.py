"""`flask seed-demo`: load a realistic demo office (placeholder until the demo data lands)."""

import click


@click.command("seed-demo")
def seed_demo_command():
    """Load a realistic demo office: 54 units, their liaisons, bureau leaders and about 60 items."""
    click.echo("TODO")
