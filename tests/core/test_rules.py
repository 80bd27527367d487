def test_docs_rules_md_is_the_catalogue_as_it_is() -> None:
    """docs/rules.md is what SARIF's helpUri links to; regenerate it with
    `python -c "from nbcoach.core.rules import rules_markdown; print(rules_markdown(), end='')" > docs/rules.md`."""
    from nbcoach.core.rules import rules_markdown
    from support import ROOT

    assert (ROOT / "docs" / "rules.md").read_text(encoding="utf-8") == rules_markdown()
